"""The other known ways to code occupations, run on the same benchmark rows and coding index as our model."""

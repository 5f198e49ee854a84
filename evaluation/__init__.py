"""Evaluation: our model and the known peers, scored on the same benchmark rows with one set of definitions.

    soc-coder evaluate dev.csv external-dev.csv --output reports/dev [--model DIR] [--peers exact,tfidf,socmapper]

Modules, each with one job: benchmarks (read gold-coded files), predictions (the common shape of every coder's
output), peers/ (exact lookup, TF-IDF, SOCMapper), metrics (pure figures), scoring (all figures of one coder
on one benchmark), evaluate (run everything), report and plots (Markdown, JSON, PNG), tracking (mlflow),
holdout (k-fold over coding-index entries, run by scripts/index_holdout.py). SOCMapper needs
scripts/install_socmapper.sh; without it the report says it was not run.
"""

"""Answers rewritten in the index's words before the model reads them (model.prepare)."""

import pytest

from model.prepare import industry_text, prepare_answer


def test_title_is_expanded_and_description_kept():
    prepared = prepare_answer("Snr sparky", "rewiring houses", "building firm")
    assert prepared == {"job_title": "senior electrician", "job_description": "rewiring houses", "industry": "building firm"}


def test_a_known_employer_gets_its_sector_added():
    assert industry_text("Ocado") == "Ocado (online supermarket, retail trade)"
    # a sector already written out is not repeated
    assert industry_text("Tesco supermarket, retail trade").count("retail trade") == 1


@pytest.mark.parametrize("industry", ["Self employed", "self-employed", "agency", "N/A", "private sector", "freelance"])
def test_an_industry_that_only_says_how_someone_is_employed_is_dropped(industry):
    assert industry_text(industry) == ""


def test_an_ordinary_industry_is_kept_as_written():
    assert industry_text("Hospital") == "Hospital"


def test_a_title_that_only_names_an_employer_becomes_the_industry_when_there_is_a_description():
    prepared = prepare_answer("Tesco", "I fill shelves on the night shift", "")
    assert prepared["job_title"] == ""
    assert prepared["job_description"] == "I fill shelves on the night shift"
    assert prepared["industry"].startswith("Tesco (")


def test_an_employer_title_with_nothing_else_stays_a_title():
    # with no description there is nothing better to read: the coder's rules decide what to do with it
    assert prepare_answer("Tesco", "", "")["job_title"] == "tesco"

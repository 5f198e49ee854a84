import pytest

from model.rules import NOT_IN_EMPLOYMENT, UNCODABLE, status_before_model
from model.text import answer_text, clean, is_blank, normalise_title


def test_answer_text_puts_title_then_description_then_industry():
    assert answer_text("Care assistant", "help residents wash", "care home") == "Care assistant; help residents wash; industry: care home"
    assert answer_text("", "drive a bus", "") == "drive a bus"
    assert answer_text(None, float("nan"), "  ") == ""


def test_clean_normalises_unicode_quotes_and_space():
    assert clean("  Vicar\u2019s\n  wife ") == "Vicar's wife"
    assert clean(12) == "12"


def test_normalise_title_keeps_meaningful_symbols():
    assert normalise_title("H.G.V. Driver (Class 1)") == "h g v driver class 1"
    assert normalise_title("Health & Safety / QA") == "health & safety / qa"


@pytest.mark.parametrize("fields", [("", "", ""), ("  ", None, "-"), ("?", "", "")])
def test_blank_answers_are_uncodable(fields):
    assert is_blank(*fields)
    assert status_before_model(*fields)[0] == UNCODABLE


@pytest.mark.parametrize(
    "title", ["Retired", "Full-time student", "Housewife", "unemployed", "Widow of a coal miner", "Vicar's wife", "none"]
)
def test_non_occupations_are_not_in_employment(title):
    assert status_before_model(title, "", "")[0] == NOT_IN_EMPLOYMENT


def test_a_description_of_paid_work_overrides_a_non_occupation_title():
    assert status_before_model("Retired", "I work part time as a cleaner", "") is None


@pytest.mark.parametrize("title", ["Teacher", "Engineer", "Manager", "self employed", "Temp", "Finance", "N/A", "don't know",
                                   "Company director", "Managing director", "Director of my own company", "Business owner",
                                   "I run my own business"])
def test_vague_titles_alone_are_uncodable(title):
    assert status_before_model(title, "", "")[0] == UNCODABLE


@pytest.mark.parametrize(
    "fields",
    [("Teacher", "I teach a Year 4 class", "Primary school"), ("Engineer", "service lifts", ""), ("Care assistant", "", ""),
     ("Self-employed plumber", "", ""), ("Company director", "", "building construction"), ("Café owner", "", ""),
     ("Finance director", "", "")],
)
def test_answers_with_detail_go_to_the_classifier(fields):
    assert status_before_model(*fields) is None

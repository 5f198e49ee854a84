"""The coding-index title lookup: each way of finding a title, and what must never match."""

import numpy as np
import pytest

from model.index_evidence import EvidenceWeights, IndexEvidence
from model.neighbours import IndexNeighbours
from model.title_lookup import EXACT, LAST_WORDS, NEAR_SPELLING, RELAXED, TitleLookup, misspelling_of, title_key

TITLES = ["Electrician", "Customer service adviser", "Plumber", "Bus driver", "Microbiologist",
          "Medical secretary", "Manager", "Caretaker", "Caretaker", "Supply man", "Barmaid"]


@pytest.fixture(scope="module")
def lookup():
    return TitleLookup(TITLES)


def test_title_key_folds_case_plurals_spelling_and_brackets():
    assert title_key("Customer Services Advisor (CCNP)") == "customer service adviser"
    assert title_key("  ELECTRICIANS ") == "electrician"
    assert title_key("") == ""


@pytest.mark.parametrize(
    "title, kind, key",
    [
        ("electrician", EXACT, "electrician"),
        ("Customer Services Advisors", EXACT, "customer service adviser"),
        ("Self-employed plumber", RELAXED, "plumber"),
        ("Bus driver and taxi driver", RELAXED, "bus driver"),
        ("Medical Secretary to orthopaedic consultants", RELAXED, "medical secretary"),
        ("Electritian", NEAR_SPELLING, "electrician"),
        ("Electrision", NEAR_SPELLING, "electrician"),
        ("school caretaker", LAST_WORDS, "caretaker"),
        ("Bar maid", NEAR_SPELLING, "barmaid"),
    ],
)
def test_each_way_of_finding_a_title(lookup, title, kind, key):
    match = lookup.match(title)
    assert match is not None and (match.kind, match.key) == (kind, key)


@pytest.mark.parametrize("written, key, expected", [
    ("electritian", "electrician", True),
    ("recptionist", "receptionist", True),
    ("bus drver", "bus driver", True),
    ("bar maid", "barmaid", True),
    ("supply teacher", "supply man", False),   # shares n-grams, but "teacher" is not a misspelt "man"
    ("bus conductor", "bus driver", False),
])
def test_a_near_spelling_must_be_the_same_words_misspelt(written, key, expected):
    assert misspelling_of(written, key) is expected


def test_a_title_sharing_only_some_words_is_not_a_misspelling(lookup):
    assert lookup.match("supply teacher") is None


def test_all_entries_of_a_title_are_returned(lookup):
    assert lookup.match("Caretaker").rows == (7, 8)


@pytest.mark.parametrize("title", ["Manager", "senior manager", "", "zzzz qqqq", "🙂"])
def test_vague_or_unknown_titles_do_not_match(lookup, title):
    assert lookup.match(title) is None


def test_lookup_prefers_the_entry_whose_qualifier_fits_the_answer():
    entries = [
        {"code": "9249", "title": "Picker", "add": "", "ind": "retail trade"},
        {"code": "8144", "title": "Picker", "add": "", "ind": "stone dressing"},
        {"code": "5111", "title": "Farmer", "add": "", "ind": ""},
    ]
    embeddings = np.eye(3, dtype=np.float32)
    evidence = IndexEvidence(IndexNeighbours(embeddings, entries), np.array(["5111", "8144", "9249"]), EvidenceWeights())
    match = TitleLookup([e["title"] for e in entries]).match("picker")
    answer = np.array([[0.9, 0.1, 0.0]], dtype=np.float32)  # closest to the retail entry
    found, strength = evidence.lookup(answer, [match])
    assert found[0].argmax() == 2 and found[0].sum() == pytest.approx(1.0)
    assert strength[0] == pytest.approx(EvidenceWeights().lookup_weight)
    blended = evidence.combine(np.full((1, 3), 1 / 3), answer, [match])
    assert blended.sum() == pytest.approx(1.0) and blended[0].argmax() == 2
    # no match: the head and the k-NN decide, nothing from the lookup
    found, strength = evidence.lookup(answer, [None])
    assert strength[0] == 0 and found.sum() == 0


def _accountant_evidence():
    entries = [
        {"code": "2421", "title": "Accountant", "add": "qualified", "ind": ""},
        {"code": "2421", "title": "Accountant", "add": "qualified, management accountancy", "ind": ""},
        {"code": "4122", "title": "Accountant", "add": "", "ind": ""},
    ]
    embeddings = np.full((3, 2), 0.5, dtype=np.float32)  # equally close in meaning: only the words decide
    evidence = IndexEvidence(IndexNeighbours(embeddings, entries), np.array(["2421", "4122"]), EvidenceWeights())
    return evidence, TitleLookup([e["title"] for e in entries]).match("accountant")


@pytest.mark.parametrize("text, expected", [
    ("accountant; acca qualified, i prepare statutory accounts", "2421"),   # the qualifier is used
    ("accountant; i do the books for local firms; not qualified", "4122"),  # the qualifier is negated
])
def test_qualifier_words_in_the_answer_choose_among_a_titles_entries(text, expected):
    evidence, match = _accountant_evidence()
    found, _ = evidence.lookup(np.array([[0.7, 0.7]], dtype=np.float32), [match], [text])
    assert evidence.classes_[found[0].argmax()] == expected


def test_negated_and_used_words():
    from model.index_evidence import answer_words, negated_words

    assert negated_words("I am not qualified, non-union") == {"qualified", "union"}
    assert "qualified" not in answer_words("not qualified") and "qualified" in answer_words("ACCA qualified")

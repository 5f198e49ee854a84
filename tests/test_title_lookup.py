"""The coding-index title lookup: each way of finding a title, and what must never match."""

import numpy as np
import pytest

from model.index_evidence import EvidenceWeights, IndexEvidence
from model.neighbours import IndexNeighbours
from model.title_lookup import EXACT, LAST_WORDS, NEAR_SPELLING, RELAXED, TitleLookup, title_key

TITLES = ["Electrician", "Customer service adviser", "Plumber", "Bus driver", "Microbiologist",
          "Medical secretary", "Manager", "Caretaker", "Caretaker"]


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
        ("school caretaker", LAST_WORDS, "caretaker"),
    ],
)
def test_each_way_of_finding_a_title(lookup, title, kind, key):
    match = lookup.match(title)
    assert match is not None and (match.kind, match.key) == (kind, key)


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

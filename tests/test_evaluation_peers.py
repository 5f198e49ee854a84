"""The exact-lookup and TF-IDF peers on the fixture coding index (invented entries in the ONS layout)."""

import pandas as pd
import pytest

from evaluation.benchmarks import Benchmark
from evaluation.peers.exact_lookup import ExactLookup
from evaluation.peers.tfidf import TfidfNearest
from training.ons_readers import load_sources


@pytest.fixture(scope="module")
def entries(ons_fixture_dir):
    index, _ = load_sources(ons_fixture_dir)
    return index.entries


def _bench(rows):
    frame = pd.DataFrame(rows, columns=["job_title", "job_description", "industry"])
    frame["id"] = [str(i) for i in range(len(frame))]
    frame["golds"], frame["codable"], frame["gold_status"] = [[]] * len(frame), True, "occupation"
    return Benchmark("t", None, frame, "")


def test_exact_lookup_uses_the_industry_qualifier_when_it_matches(entries):
    lookup = ExactLookup(entries)
    assert lookup.rank("Finisher", "bookbinding") == (["5423", "5442"], 1.0)
    assert lookup.rank("finisher", "Furniture mfr") == (["5442", "5423"], 1.0)
    # no matching qualifier, no unqualified entry: both codes, ranked by entries (5423 has two), not auto-coded
    codes, confidence = lookup.rank("Finisher", "")
    assert codes == ["5423", "5442"] and confidence == pytest.approx(2 / 3)


def test_exact_lookup_normalises_the_title_and_gives_no_code_for_unknown_titles(entries):
    lookup = ExactLookup(entries)
    assert lookup.rank("  HEAD chef. ") == (["5434"], 1.0)
    assert lookup.rank("astronaut") == ([], 0.0)
    predictions = lookup.predict(_bench([("Head chef", "", ""), ("astronaut", "", ""), ("Finisher", "", "")]))
    assert predictions.ranked == [["5434"], [], ["5423", "5442"]]
    assert predictions.offered.tolist() == [True, False, True]
    assert predictions.auto_coded.tolist() == [True, False, False]
    assert predictions.status == ["coded", "no_code", "no_code"]


def test_tfidf_finds_the_nearest_entry_over_the_whole_answer(entries):
    peer = TfidfNearest(entries)
    predictions = peer.predict(_bench([
        ("pastry chefs", "", "hotel"),
        ("web developers", "build websites", ""),
        ("", "", ""),
    ]))
    assert predictions.ranked[0][0] == "5434"
    assert predictions.ranked[1][0] == "2134"
    assert len(set(predictions.ranked[0])) == len(predictions.ranked[0]) <= 5  # distinct unit groups
    assert 0 < predictions.confidence[1] <= 1
    assert predictions.ranked[2] == [] and not predictions.offered[2]  # nothing to match: no code

"""Integration: the real model, trained once per session on the ONS workbooks, on the dev benchmarks.

Floors sit four to five points under what the model measured when they were set (top-1 on codable rows:
dev 0.953, external-dev 0.944, realistic-dev 0.979; auto-coded share of all rows 0.71, 0.76, 0.74 at 0.98-1.00
agreement; see the README), so a change that really hurts accuracy or the calibration fails here while a
retrained model's small differences do not.
"""

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.ons

# benchmark file -> top-1 unit-group agreement floor on codable rows
TOP1_FLOORS = {"dev.csv": 0.91, "external-dev.csv": 0.90, "realistic-dev.csv": 0.93}
AUTO_CODED_FLOOR, AUTO_CODED_AGREEMENT_FLOOR = 0.65, 0.96
# scheme -> floor of its hold-out agreement given the unit group right (measured 0.985, 0.894, 0.948)
SCHEME_HOLDOUT_FLOORS = {"soc2010": 0.96, "isco08": 0.86, "soc2020_ext": 0.92}


def _agreement(coder, frame: pd.DataFrame) -> tuple[float, float, float]:
    """(top-1 on codable rows, share of all rows auto-coded, agreement of the auto-coded rows)."""
    results = coder.code(frame.to_dict("records"))
    golds = [codes.split(";") for codes in frame["gold_codes"]]
    codable = (frame["codable"] == "yes").to_numpy()
    agree = np.array([bool(r.candidates) and r.candidates[0]["code"] in g for r, g in zip(results, golds)]) & codable
    coded = np.array([r.status == "coded" for r in results])
    return float(agree[codable].mean()), float(coded.mean()), float(agree[coded].mean())


@pytest.mark.parametrize("benchmark", sorted(TOP1_FLOORS))
def test_agreement_and_auto_coding_on_dev_benchmarks_stay_above_their_floors(real_coder, benchmark_dir, benchmark):
    frame = pd.read_csv(benchmark_dir / benchmark, dtype=str, keep_default_na=False)
    top1, auto_coded, auto_agreement = _agreement(real_coder, frame)
    assert top1 >= TOP1_FLOORS[benchmark]
    assert auto_coded >= AUTO_CODED_FLOOR
    assert auto_agreement >= AUTO_CODED_AGREEMENT_FLOOR


def test_real_model_covers_every_unit_group_and_records_its_index(real_trained):
    coder = real_trained.coder
    assert len(coder.classes_) == 412
    assert coder.metadata["coding_index_version"] == "13"
    # held-out index titles are unseen titles (grouped split): head alone measured top-1 0.589, top-5 0.852;
    # the whole model on held-out answers 0.689 (unseen titles) and 0.967 (known titles)
    metrics = real_trained.metrics
    assert metrics["holdout_top1"] > 0.54
    assert metrics["holdout_top5"] > 0.80
    assert metrics["holdout_unseen_title_top1"] > 0.64
    assert metrics["holdout_known_title_top1"] > 0.93
    # the threshold was fitted for 97% agreement on the pooled hold-out
    assert metrics["holdout_known_title_auto_coded_agreement"] > 0.96
    assert "registered_version" in real_trained.mlflow


def test_real_model_explains_with_a_qualified_index_entry(real_coder):
    result = real_coder.code_one("Finisher", "", "bookbinding")
    assert result.soc2020_code == "5423"
    assert "Finisher" in result.explanation and "5423" in result.explanation


@pytest.mark.parametrize("title, industry, unit, ext", [
    ("Maths teacher", "secondary school", "2313", "2313/11"),  # index: Mathematics teacher [ind: secondary school]
    ("Secondary school maths teacher", "", "2313", "2313/11"),  # found by its last words, "mathematics teacher"
    ("History teacher", "secondary school", "2313", "2313/21"),  # humanities
    ("Cabinet maker", "", "5442", "5442/01"),
])
def test_real_model_gives_the_extension_code_the_answer_names(real_coder, title, industry, unit, ext):
    result = real_coder.code_one(title, "", industry)
    assert (result.soc2020_code, result.soc2020_ext_code) == (unit, ext)
    assert 0 < result.soc2020_ext_confidence <= result.confidence


def test_real_model_dual_codes_a_secondary_maths_teacher_as_the_index_does(real_coder):
    result = real_coder.code_one("Maths teacher", "", "secondary school")
    assert (result.soc2010_code, result.isco08_code) == ("2314", "2330")  # every 2313 entry but one in the index
    # ISCO-08 2330 is the only ISCO code the index gives 2313: certain given the unit group
    assert result.isco08_confidence == result.confidence


def test_real_model_scheme_agreement_on_held_out_titles_stays_above_its_floors(real_trained):
    metrics = real_trained.metrics
    for scheme, floor in SCHEME_HOLDOUT_FLOORS.items():
        assert metrics[f"holdout_{scheme}_top1_given_unit"] > floor
        # every scheme's code is chosen within the unit group: about as often right as the unit group (0.589)
        assert metrics[f"holdout_{scheme}_top1"] > 0.50
    assert metrics["holdout_soc2020_ext_top1"] <= metrics["holdout_top1"]


# fast mode: top-1 floors about four points under what the real fast model measured (see the README); issue 7
# allows it at most two points under the default model on each dev benchmark
FAST_TOP1_FLOORS = {"dev.csv": 0.89, "external-dev.csv": 0.89, "realistic-dev.csv": 0.93}


@pytest.mark.parametrize("benchmark", sorted(FAST_TOP1_FLOORS))
def test_fast_model_agreement_stays_above_its_floors_and_near_the_default(real_fast_trained, real_coder, benchmark_dir, benchmark):
    frame = pd.read_csv(benchmark_dir / benchmark, dtype=str, keep_default_na=False)
    fast_top1, fast_auto, fast_auto_agreement = _agreement(real_fast_trained.coder, frame)
    default_top1, _, _ = _agreement(real_coder, frame)
    assert fast_top1 >= FAST_TOP1_FLOORS[benchmark]
    assert fast_top1 >= default_top1 - 0.02
    assert fast_auto >= 0.45 and fast_auto_agreement >= 0.95


def test_fast_model_is_trained_with_a_static_encoder_and_the_same_hold_out(real_fast_trained, real_trained):
    from model.encoder import StaticEncoder

    coder = real_fast_trained.coder
    assert isinstance(coder.encoder, StaticEncoder) and coder.metadata["fast"] is True
    assert coder.encoder.settings["fit_cosine"] > 0.9  # its averages follow MiniLM on the training texts
    assert coder.encoder.dimension == 256 and coder.encoder.settings["variance_kept"] > 0.8  # reduced from 384
    # the same held-out titles as the default model; the head alone does about as well on them (0.589 both)
    assert real_fast_trained.metrics["holdout_rows"] == real_trained.metrics["holdout_rows"]
    assert real_fast_trained.metrics["holdout_top1"] > 0.54
    assert real_fast_trained.metrics["holdout_known_title_top1"] > 0.93
    assert coder.code_one("Finisher", "", "bookbinding").soc2020_code == "5423"

"""The confidence calibrator: a logistic model over how the top code was reached, stored as plain numbers."""

import numpy as np
import pytest

from model.calibration import FEATURES, ConfidenceCalibrator, confidence_features
from model.title_lookup import EXACT, NEAR_SPELLING, TitleMatch


def _held_out(n=4000, seed=0):
    """Rows whose chance of being right rises with the top score and is higher for an exact title match."""
    rng = np.random.default_rng(seed)
    top = rng.uniform(0.05, 0.99, n)
    exact = rng.random(n) < 0.5
    p_right = np.clip(top * np.where(exact, 1.0, 0.6), 0, 1)
    correct = rng.random(n) < p_right
    features = np.zeros((n, len(FEATURES)))
    features[:, 0] = np.log(top / (1 - top))
    features[:, FEATURES.index("title_exact")] = exact
    return features, correct, top, exact


def test_calibrated_confidence_matches_the_observed_rate_of_right_answers():
    features, correct, _, _ = _held_out()
    calibrator = ConfidenceCalibrator().fit(features, correct)
    confidence = calibrator.predict(features, features[:, 0])
    # within each confidence decile the share right is close to the mean confidence
    edges = np.quantile(confidence, np.linspace(0, 1, 11))
    bins = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, 9)
    gaps = [abs(correct[bins == b].mean() - confidence[bins == b].mean()) for b in range(10)]
    assert max(gaps) < 0.06


def test_an_exact_title_match_raises_confidence_at_the_same_top_score():
    features, correct, _, _ = _held_out()
    calibrator = ConfidenceCalibrator().fit(features, correct)
    same_score = np.zeros((2, len(FEATURES)))
    same_score[:, 0] = 1.0
    same_score[0, FEATURES.index("title_exact")] = 1.0
    exact, other = calibrator.predict(same_score, np.zeros(2))
    assert exact > other + 0.1


def test_round_trip_through_plain_values_gives_the_same_confidences():
    features, correct, _, _ = _held_out()
    calibrator = ConfidenceCalibrator().fit(features, correct)
    values = calibrator.to_dict()
    assert set(values) == {"features", "coef", "intercept", "C"} and all(isinstance(c, float) for c in values["coef"])
    again = ConfidenceCalibrator.from_dict(values)
    np.testing.assert_array_equal(again.predict(features, features[:, 0]), calibrator.predict(features, features[:, 0]))


def test_an_unfitted_calibrator_passes_the_top_score_through():
    top = np.array([0.2, 0.9])
    assert ConfidenceCalibrator.from_dict({}).predict(np.zeros((2, len(FEATURES))), top).tolist() == [0.2, 0.9]


def test_a_model_saved_with_other_features_is_refused():
    with pytest.raises(ValueError, match="features"):
        ConfidenceCalibrator.from_dict({"features": ["something_else"], "coef": [1.0], "intercept": 0.0})


def test_fitting_needs_both_right_and_wrong_rows():
    with pytest.raises(ValueError, match="both right and wrong"):
        ConfidenceCalibrator().fit(np.zeros((3, len(FEATURES))), np.ones(3, dtype=bool))


def test_features_describe_the_scores_and_the_title_match():
    proba = np.array([[0.7, 0.2, 0.1], [0.4, 0.35, 0.25]])
    head = np.array([[0.6, 0.3, 0.1], [0.1, 0.8, 0.1]])
    lookup = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    matches = [TitleMatch((0,), EXACT, "nurse"), None]
    rows = dict(zip(FEATURES, confidence_features(proba, head, lookup, matches, [1, 0]).T))
    assert rows["logit_top_score"] == pytest.approx([np.log(0.7 / 0.3), np.log(0.4 / 0.6)])
    assert rows["logit_lead"] == pytest.approx([np.log(0.5 / 0.5), np.log(0.05 / 0.95)])
    assert rows["title_exact"].tolist() == [1.0, 0.0]
    assert rows["head_agrees"].tolist() == [1.0, 0.0]
    assert rows["one_code_for_title"].tolist() == [1.0, 0.0]
    assert rows["lookup_agrees"].tolist() == [1.0, 0.0]
    assert rows["lookup_top_share"].tolist() == [1.0, 0.0]
    near = confidence_features(proba[:1], head[:1], lookup[:1], [TitleMatch((0,), NEAR_SPELLING, "nurse", 0.8)], [1])
    assert near[0, FEATURES.index("title_near_spelling")] == 1.0 and near[0, FEATURES.index("title_exact")] == 0.0

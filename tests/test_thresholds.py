import numpy as np
import pytest

from training.thresholds import threshold_for_agreement


def test_threshold_is_the_lowest_confidence_that_keeps_the_target():
    confidence = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    correct = np.array([1, 1, 1, 0, 1], dtype=bool)
    # coding the top 3 gives 3/3; the top 4, 3/4 = 0.75; all 5, 4/5 = 0.8
    assert threshold_for_agreement(confidence, correct, 0.8) == 0.5
    assert threshold_for_agreement(confidence, correct, 0.9) == 0.7


def test_ties_are_coded_together():
    confidence = np.array([0.9, 0.7, 0.7])
    correct = np.array([1, 1, 0], dtype=bool)
    # at 0.7 both tied rows are coded: 2/3 < 0.9, so only 0.9 qualifies
    assert threshold_for_agreement(confidence, correct, 0.9) == 0.9


def test_unreachable_target_codes_nothing():
    confidence = np.array([0.9, 0.4])
    correct = np.array([0, 1], dtype=bool)
    threshold = threshold_for_agreement(confidence, correct, 0.95)
    assert threshold > 0.9
    assert not (confidence >= threshold).any()


def test_no_rows_is_an_error():
    with pytest.raises(ValueError):
        threshold_for_agreement(np.array([]), np.array([], dtype=bool), 0.9)

"""The run-time model on a tiny real model trained from the fixture workbooks."""

import json

import numpy as np
import pytest

from model import RESULT_COLUMNS, SocCoder
from model.artifact import ModelArtifactError

STATUSES = {"coded", "referred", "uncodable", "not_in_employment"}


def test_fixture_titles_are_coded_to_their_unit_groups(tiny_coder):
    result = tiny_coder.code_one("Head chef", "run the kitchen of a hotel restaurant", "hotel")
    assert result.candidates[0]["code"] == "5434"
    assert result.soc2020_code == "5434"
    assert result.soc2020_title == tiny_coder.unit_group_titles["5434"]
    assert result.status in {"coded", "referred"}


def test_industry_qualifier_changes_the_code(tiny_coder):
    """'Finisher' is print finishing in bookbinding but furniture making in a furniture factory."""
    assert tiny_coder.code_one("Finisher", "", "bookbinding").candidates[0]["code"] == "5423"
    assert tiny_coder.code_one("Finisher", "", "furniture mfr").candidates[0]["code"] == "5442"


def test_results_are_well_formed_and_in_order(tiny_coder):
    answers = [
        {"job_title": "Delivery driver", "industry": "parcels"},
        {"job_title": "retired"},
        {"job_title": ""},
        {"job_title": "Staff nurse", "job_description": "ward nursing"},
    ]
    results = tiny_coder.code(answers, batch_size=3)
    assert [r.status for r in results][1:3] == ["not_in_employment", "uncodable"]
    assert results[0].candidates[0]["code"] == "8214"
    assert results[3].candidates[0]["code"] == "2237"
    for result in results:
        assert result.status in STATUSES
        assert 0.0 <= result.confidence <= 1.0
        assert (result.soc2020_code != "") == (result.status in {"coded", "referred"})
        scores = [c["score"] for c in result.candidates]
        assert scores == sorted(scores, reverse=True)
        assert set(result.as_row()) == set(RESULT_COLUMNS)
        # the coder writes the candidates' JSON from its arrays: exactly what json.dumps makes of the list
        assert result.as_row()["candidates"] == json.dumps(result.candidates, ensure_ascii=False)
        assert result.as_tuple() == tuple(json.dumps(result.candidates, ensure_ascii=False) if c == "candidates"
                                          else getattr(result, c) for c in RESULT_COLUMNS)
    assert len(results[0].candidates) == 5
    assert results[2].candidates == []  # nothing to rank for an empty answer
    assert results[1].candidates == []  # nor for someone not in employment
    assert len(tiny_coder.code_one("Manager").candidates) == 5  # a vague answer keeps its short list
    assert "Delivery driver" in results[0].explanation or "driver" in results[0].explanation.lower()
    assert json.loads(results[0].as_row()["candidates"])[0]["code"] == "8214"


def test_status_follows_the_auto_code_threshold(tiny_coder):
    result = tiny_coder.code_one("Software developer", "write code", "")
    assert (result.status == "coded") == (result.confidence >= tiny_coder.auto_code_threshold)


@pytest.mark.parametrize("title", ["12345", "05/01/2024", "🙂", "n/a", "don't know"])
def test_an_answer_without_words_or_a_refusal_is_uncodable_with_no_candidates(tiny_coder, title):
    result = tiny_coder.code_one(title)
    assert (result.status, result.candidates) == ("uncodable", [])


def test_a_vague_title_with_an_industry_is_referred_with_its_best_guess(tiny_coder):
    result = tiny_coder.code_one("Manager", "", "restaurant")
    assert result.status == "referred" and result.soc2020_code and len(result.candidates) == 5


def test_save_load_round_trip_gives_identical_predictions(tiny_coder, tiny_model_dir, encoder):
    loaded = SocCoder.load(tiny_model_dir, encoder=encoder)
    texts = ["Kitchen porter", "Sales assistant in a shoe shop", "Nurse"]
    np.testing.assert_allclose(loaded.predict_proba(texts), tiny_coder.predict_proba(texts), rtol=1e-6)
    np.testing.assert_allclose(loaded.scores(texts).confidence, tiny_coder.scores(texts).confidence, rtol=1e-6)
    assert loaded.auto_code_threshold == tiny_coder.auto_code_threshold
    assert loaded.calibrator.to_dict() == tiny_coder.calibrator.to_dict()
    assert loaded.metadata["coding_index_version"] == "13"
    manifest = json.loads((tiny_model_dir / "manifest.json").read_text())
    assert manifest["coding_index_version"] == "13"
    assert len(manifest["files"]["head_coef.npy"]) == 64  # sha256 of every file
    assert not list(tiny_model_dir.glob("*.pkl")) and not list(tiny_model_dir.glob("*.joblib"))


def test_altered_model_file_is_refused(tiny_model_dir, tmp_path):
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(tiny_model_dir, copy)
    coef = np.load(copy / "head_coef.npy")
    np.save(copy / "head_coef.npy", coef * 2)
    with pytest.raises(ModelArtifactError, match="head_coef.npy has sha256"):
        SocCoder.load(copy)


def test_directory_without_manifest_is_refused(tmp_path):
    with pytest.raises(ModelArtifactError, match="no manifest.json"):
        SocCoder.load(tmp_path)


def test_coding_result_records_every_field_in_column_order_and_copies_candidates():
    from dataclasses import asdict, fields

    from model.results import CodingResult

    assert [f.name for f in fields(CodingResult)] == RESULT_COLUMNS  # a new field must be a new column too
    result = CodingResult("2313", "Secondary education teaching professionals", 0.91, "coded",
                          [{"code": "2313", "title": "t", "score": 0.9}], "Teacher, mathematics (2313)", "2314", 0.9)
    record = result.as_record()
    assert record == asdict(result)
    record["candidates"][0]["code"] = "9999"
    assert result.candidates[0]["code"] == "2313"
    row = result.as_row()
    assert list(row) == RESULT_COLUMNS and json.loads(row["candidates"]) == result.candidates

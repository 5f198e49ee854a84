"""Batch coding of answer files: every bad-input kind, chunked streaming, dedupe, atomic output and resume.

All with the tiny fixture model (a real MiniLM + head trained on the fixture workbooks).
"""

import json
import re

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from model.batch import AnswerCache, BatchError, BatchOptions, code_file
from model.tables import AnswerColumns, AnswerFileError, neutralise_formula, open_answers
from soc_coder.cli import app

runner = CliRunner()


def _cli(model_dir, source, target, *options):
    return runner.invoke(app, ["code", str(source), "-o", str(target), "--model", str(model_dir), *options])


def _read(path):
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _code_csv(model_dir, tmp_path, frame, *options):
    source, target = tmp_path / "answers.csv", tmp_path / "coded.csv"
    frame.to_csv(source, index=False)
    outcome = _cli(model_dir, source, target, *options)
    assert outcome.exit_code == 0, outcome.output
    return _read(target), outcome.output


# -- bad input, a kind a test


def test_empty_and_whitespace_only_answers_are_uncodable_and_kept(tiny_model_dir, tmp_path):
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "job_title": ["", "   ", "\t", "Head chef"],
                          "job_description": ["", " \n ", "", ""], "industry": ["", "", "  ", "hotel"]})
    coded, _ = _code_csv(tiny_model_dir, tmp_path, frame)
    assert coded["id"].tolist() == ["a", "b", "c", "d"]
    assert coded["status"].tolist()[:3] == ["uncodable"] * 3
    assert coded["soc2020_code"].tolist()[:3] == ["", "", ""]
    assert coded["explanation"].tolist()[:3] == ["empty answer"] * 3
    assert coded.loc[3, "soc2020_code"] == "5434"


@pytest.mark.parametrize(
    "content, message",
    [
        ("id,occupation\n1,Chef\n", "none of the answer columns job_title, job_description, industry is present (columns are: id, occupation)"),
        ("ID,job_title\n1,Chef\n", "no id column 'id' (columns are: ID, job_title); name it with --id-column"),
        ("id,job_title,job_title\n1,Chef,Cook\n", "the header names column(s) job_title more than once"),
        ('id,job_title\n1,"Chef\n', "not a well-formed CSV file: EOF inside string starting at row 1"),  # found by hypothesis
    ],
    ids=["no-answer-column", "misnamed-id", "column-twice", "unclosed-quote"],
)
def test_missing_or_misnamed_columns_or_broken_csv_are_a_clear_error(tiny_model_dir, tmp_path, content, message):
    source = tmp_path / "answers.csv"
    source.write_text(content)
    outcome = _cli(tiny_model_dir, source, tmp_path / "out.csv")
    assert (outcome.exit_code, message in outcome.output) == (2, True), outcome.output
    assert not (tmp_path / "out.csv").exists()


def test_numbers_and_dates_in_an_excel_file_are_text_and_reported(tiny_model_dir, tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    source = tmp_path / "answers.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "job_title", "industry"])
    sheet.append([1, "Head chef", "hotel"])
    sheet.append([2, 12345, ""])
    sheet.append([3, dt.datetime(2024, 1, 5), ""])
    sheet.append([4, 3.5, "hotel"])
    book.save(source)
    target = tmp_path / "coded.csv"
    outcome = _cli(tiny_model_dir, source, target)
    assert outcome.exit_code == 0, outcome.output
    coded = _read(target)
    assert coded["id"].tolist() == ["1", "2", "3", "4"]
    assert coded["job_title"].tolist() == ["Head chef", "12345", "2024-01-05", "3.5"]
    assert coded["status"].tolist()[1:3] == ["uncodable", "uncodable"]
    assert coded.loc[1, "explanation"] == "no words in the answer (only numbers, dates or symbols)"
    assert "3 problem(s), every row still coded: 3 not text" in outcome.output
    assert "row 2 (id 2), column job_title: a number (12345), not text" in outcome.output
    assert "row 3 (id 3), column job_title: a date (2024-01-05), not text" in outcome.output
    assert "Excel workbooks are read whole, not streamed" in outcome.output


def test_a_numeric_parquet_column_is_read_as_text(tiny_model_dir, tmp_path):
    source = tmp_path / "answers.parquet"
    pd.DataFrame({"id": [7, 8], "job_title": ["Kitchen porter", "Sales assistant"], "industry": [1.0, None]}).to_parquet(source)
    target = tmp_path / "coded.parquet"
    problems = tmp_path / "problems.csv"
    outcome = _cli(tiny_model_dir, source, target, "--problems", str(problems))
    assert outcome.exit_code == 0, outcome.output
    coded = _read(target)
    assert coded["id"].tolist() == ["7", "8"]
    assert coded["industry"].tolist() == ["1", ""]
    assert coded["soc2020_code"].tolist() == ["9263", "7111"]
    listed = pd.read_csv(problems, dtype=str)
    assert listed[["row", "id", "column", "kind"]].values.tolist() == [["1", "7", "industry", "not text"]]


def test_digits_only_in_a_csv_are_uncodable(tiny_model_dir, tmp_path):
    coded, _ = _code_csv(tiny_model_dir, tmp_path, pd.DataFrame({"id": [1, 2], "job_title": ["4021", "01/02/2023"]}))
    assert coded["status"].tolist() == ["uncodable", "uncodable"]


def test_a_100_kb_answer_is_coded_on_its_start_and_kept_whole(tiny_model_dir, tmp_path):
    long_text = "I run a hotel kitchen and cook for guests. " * 2400  # about 100 kB
    assert len(long_text) > 100_000
    frame = pd.DataFrame({"id": ["x1", "x2"], "job_title": ["Head chef", "Head chef"], "job_description": [long_text, "run a hotel kitchen"]})
    coded, output = _code_csv(tiny_model_dir, tmp_path, frame)
    assert coded.loc[0, "job_description"] == long_text
    assert coded.loc[0, "soc2020_code"] == "5434"
    assert f"row 1 (id x1), column job_description: {len(long_text):,} characters; coded on the first 2,000" in output


def test_a_100_kb_answer_in_excel_output_is_cut_to_the_cell_limit(tiny_model_dir, tmp_path):
    long_text = "x" * 100_000
    source, target = tmp_path / "answers.csv", tmp_path / "coded.xlsx"
    pd.DataFrame({"id": [1], "job_title": ["Head chef"], "job_description": [long_text]}).to_csv(source, index=False)
    outcome = _cli(tiny_model_dir, source, target)
    assert outcome.exit_code == 0, outcome.output
    assert _read(target).loc[0, "job_description"] == "x" * 32_767
    assert "1 cell(s) longer than Excel's 32,767 characters were cut to fit" in outcome.output


@pytest.mark.parametrize(
    "data, encoding_note",
    [
        ("id,job_title\n1,Café chef\n".encode("utf-8-sig"), None),  # UTF-8 with a BOM
        ("id,job_title\n1,Café chef\n".encode("cp1252") + b"", "read as Windows-1252"),
        ("id,job_title\n1,Café chef\n2,\x90\n".encode("latin-1"), "read as Latin-1"),  # 0x90 is not Windows-1252
        ("id,job_title\n1,Café chef\n".encode("utf-16"), "read as UTF-16"),
    ],
    ids=["utf8-bom", "cp1252", "latin1", "utf16-bom"],
)
def test_encodings_and_byte_order_marks(tiny_model_dir, tmp_path, data, encoding_note):
    source, target = tmp_path / "answers.csv", tmp_path / "coded.csv"
    source.write_bytes(data)
    outcome = _cli(tiny_model_dir, source, target)
    assert outcome.exit_code == 0, outcome.output
    coded = _read(target)
    assert coded.columns[0] == "id"
    assert coded.loc[0, "job_title"] == "Café chef"
    assert coded.loc[0, "soc2020_code"] == "5434"
    assert (encoding_note in outcome.output) if encoding_note else ("read as" not in outcome.output)


def test_mixed_line_endings(tiny_model_dir, tmp_path):
    source, target = tmp_path / "answers.csv", tmp_path / "coded.csv"
    source.write_bytes(b'id,job_title\r\n1,Head chef\n2,Kitchen porter\r3,"Sales\r\nassistant"\r\n4,Retired')
    outcome = _cli(tiny_model_dir, source, target)
    assert outcome.exit_code == 0, outcome.output
    coded = _read(target)
    assert coded["id"].tolist() == ["1", "2", "3", "4"]
    assert coded["job_title"].tolist() == ["Head chef", "Kitchen porter", "Sales\r\nassistant", "Retired"]
    assert coded["status"].tolist()[3] == "not_in_employment"


def test_duplicate_ids_keep_every_row_and_are_reported(tiny_model_dir, tmp_path):
    frame = pd.DataFrame({"id": ["r1", "r2", "r1", "", "r2", "r1"], "job_title": ["Head chef", "Retired", "Kitchen porter", "Head chef", "Chef", "Sales assistant"]})
    coded, output = _code_csv(tiny_model_dir, tmp_path, frame, "--chunk-rows", "2")
    assert coded["id"].tolist() == ["r1", "r2", "r1", "", "r2", "r1"]
    assert coded["job_title"].tolist() == frame["job_title"].tolist()
    assert "4 problem(s), every row still coded: 3 duplicate id, 1 empty id" in output
    assert "row 3 (id r1), column id: the id 'r1' is also on row 1" in output
    assert "row 4 (id ), column id: the id is empty" in output
    assert "row 5 (id r2), column id: the id 'r2' is also on row 2" in output
    assert "row 6 (id r1), column id: the id 'r1' is also on row 1" in output


def test_non_english_text_and_emoji_pass_through(tiny_model_dir, tiny_coder, tmp_path):
    titles = ["Krankenschwester", "護士", "ممرضة", "Athrawes ysgol gynradd", "👩‍⚕️", "🙂🙂", "Head chef 👨‍🍳"]
    frame = pd.DataFrame({"id": range(len(titles)), "job_title": titles})
    coded, _ = _code_csv(tiny_model_dir, tmp_path, frame)
    assert coded["job_title"].tolist() == titles
    assert coded["status"].tolist()[4:6] == ["uncodable", "uncodable"]
    assert all(s in {"coded", "referred"} for s in coded["status"].tolist()[:4])
    assert coded.loc[6, "soc2020_code"] == tiny_coder.code_one("Head chef").soc2020_code == "5434"


@pytest.mark.parametrize("answer", ["n/a", "N/A", "NA", "retired", "Retired.", "unemployed", "don't know", "Don’t know", "student",
                                    "housewife", "none", "None", "nil", "unknown", "prefer not to say", "home duties"])
def test_non_occupation_answers_get_a_status_not_a_code(tiny_model_dir, tmp_path, answer):
    coded, _ = _code_csv(tiny_model_dir, tmp_path, pd.DataFrame({"id": ["q"], "job_title": [answer]}))
    assert coded.loc[0, "status"] in {"not_in_employment", "uncodable"}
    assert coded.loc[0, "soc2020_code"] == ""
    assert coded.loc[0, "job_title"] == answer


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_formula_injection_is_neutralised_in_every_column(tiny_model_dir, tmp_path, suffix):
    frame = pd.DataFrame({
        "id": ["=1+1", "-12", "@SUM(A1)", "ok"],
        "job_title": ["=HYPERLINK(\"http://x\",\"chef\")", "+chef", "-2+3+cmd|' /C calc'!A0", "Head chef"],
        "note": ["@x", "\tTab", "plain", "=cmd"],
    })
    source, target = tmp_path / "answers.csv", tmp_path / f"coded{suffix}"
    frame.to_csv(source, index=False)
    outcome = _cli(tiny_model_dir, source, target)
    assert outcome.exit_code == 0, outcome.output
    coded = _read(target)
    assert coded["id"].tolist() == ["'=1+1", "-12", "'@SUM(A1)", "ok"]
    assert coded["job_title"].tolist() == ["'=HYPERLINK(\"http://x\",\"chef\")", "'+chef", "'-2+3+cmd|' /C calc'!A0", "Head chef"]
    assert coded["note"].tolist() == ["'@x", "'\tTab", "plain", "'=cmd"]
    if suffix == ".xlsx":
        sheet = load_workbook(target).active
        assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_more_rows_than_an_excel_sheet_holds_fail_before_they_are_coded(tiny_coder, survey, tmp_path, monkeypatch):
    import model.tables

    monkeypatch.setattr(model.tables, "EXCEL_MAX_ROWS", 12)  # a real sheet holds 1,048,576 rows
    _, path = survey
    counting = CountingCoder(tiny_coder)
    with pytest.raises(AnswerFileError, match="more than 11 rows do not fit in an Excel sheet; write .csv or .parquet"):
        code_file(counting, path, tmp_path / "coded.xlsx", options=BatchOptions(chunk_rows=5, cache_size=0))
    assert counting.calls == 2  # the third chunk was never coded
    assert not (tmp_path / "coded.xlsx").exists()


def test_parquet_output_keeps_values_exactly(tiny_model_dir, tmp_path):
    source, target = tmp_path / "answers.csv", tmp_path / "coded.parquet"
    pd.DataFrame({"id": ["=1+1"], "job_title": ["Head chef"]}).to_csv(source, index=False)
    assert _cli(tiny_model_dir, source, target).exit_code == 0
    assert _read(target)["id"].tolist() == ["=1+1"]


def test_neutralise_formula_leaves_numbers_and_text_alone():
    assert neutralise_formula("-12.5") == "-12.5"
    assert neutralise_formula("+44") == "+44"
    assert neutralise_formula("+44 20 7946 0000") == "'+44 20 7946 0000"
    assert neutralise_formula("chef = cook") == "chef = cook"
    assert neutralise_formula(3.5) == 3.5


# -- streaming, dedupe, order


@pytest.fixture
def survey(tmp_path):
    """23 rows, 6 distinct answers, ids in a shuffled order."""
    answers = ["Head chef", "Kitchen porter", "Sales assistant", "Retired", "", "Staff nurse"]
    rng = np.random.default_rng(3)
    titles = [answers[i % 6] if i < 6 else answers[int(rng.integers(0, 6))] for i in range(23)]
    frame = pd.DataFrame({"id": [f"id{n}" for n in rng.permutation(100)[:23]], "job_title": titles, "wave": range(23)})
    path = tmp_path / "survey.csv"
    frame.to_csv(path, index=False)
    return frame, path


class CountingCoder:
    """The tiny coder, counting the answers it is asked to code; `stop_at` raises KeyboardInterrupt on that call."""

    def __init__(self, coder, stop_at=None, error=KeyboardInterrupt):
        self.coder, self.calls, self.answers, self.stop_at, self.error = coder, 0, 0, stop_at, error

    def code(self, answers, **options):
        self.calls += 1
        if self.calls == self.stop_at:
            raise self.error("stopped")
        self.answers += len(answers)
        return self.coder.code(answers, **options)


def test_chunks_keep_order_and_code_each_distinct_answer_once(tiny_coder, survey, tmp_path):
    frame, path = survey
    counting = CountingCoder(tiny_coder)
    summary = code_file(counting, path, tmp_path / "coded.csv", options=BatchOptions(chunk_rows=5))
    coded = _read(tmp_path / "coded.csv")
    assert coded["id"].tolist() == frame["id"].tolist()
    assert coded["wave"].tolist() == [str(w) for w in frame["wave"]]
    assert summary.rows == 23 and summary.chunks == 5
    # each chunk codes its distinct answers once; the cache answers those seen in earlier chunks
    assert counting.answers == summary.coded_answers == 6
    assert summary.cache_hits == 23 - sum(len(set(frame["job_title"][s:s + 5])) for s in range(0, 23, 5)) + (
        sum(len(set(frame["job_title"][s:s + 5])) for s in range(0, 23, 5)) - 6)
    single = tiny_coder.code([{"job_title": t} for t in frame["job_title"]])
    assert coded["soc2020_code"].tolist() == [r.soc2020_code for r in single]
    assert coded["status"].tolist() == [r.status for r in single]


def test_without_a_cache_each_chunk_codes_its_own_distinct_answers(tiny_coder, survey, tmp_path):
    frame, path = survey
    counting = CountingCoder(tiny_coder)
    summary = code_file(counting, path, tmp_path / "coded.csv", options=BatchOptions(chunk_rows=5, cache_size=0))
    assert counting.answers == sum(len(set(frame["job_title"][s:s + 5])) for s in range(0, 23, 5))
    assert summary.cache_hits == 0


def test_answer_cache_drops_the_least_recently_used():
    cache = AnswerCache(2)
    cache.put(("a",), (1,))
    cache.put(("b",), (2,))
    assert cache.get(("a",)) == (1,)
    cache.put(("c",), (3,))
    assert cache.get(("b",)) is None and cache.get(("a",)) == (1,) and cache.get(("c",)) == (3,)
    assert len(cache) == 2


def test_answers_equal_after_cleaning_are_one_answer(tiny_coder, tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"id": [1, 2, 3], "job_title": ["Head chef", "  Head   chef ", "Head\u00a0chef"]}).to_csv(path, index=False)
    counting = CountingCoder(tiny_coder)
    code_file(counting, path, tmp_path / "out.csv")
    assert counting.answers == 1
    assert _read(tmp_path / "out.csv")["job_title"].tolist() == ["Head chef", "  Head   chef ", "Head\u00a0chef"]


# -- atomic output and resume


def test_a_failed_run_leaves_the_previous_output_untouched(tiny_coder, survey, tmp_path):
    _, path = survey
    target = tmp_path / "coded.csv"
    target.write_text("the previous complete file\n")
    with pytest.raises(RuntimeError):
        code_file(CountingCoder(tiny_coder, stop_at=3, error=RuntimeError), path, target, options=BatchOptions(chunk_rows=5, cache_size=0))
    assert target.read_text() == "the previous complete file\n"
    assert [p.name for p in tmp_path.glob(".coded*")] == []
    state = json.loads((tmp_path / "coded.csv.parts" / "state.json").read_text())
    assert state["chunks_done"] == 2


def test_resume_continues_from_the_last_finished_chunk(tiny_coder, survey, tmp_path):
    frame, path = survey
    code_file(tiny_coder, path, tmp_path / "whole.csv", options=BatchOptions(chunk_rows=5))
    target = tmp_path / "coded.csv"
    with pytest.raises(KeyboardInterrupt):
        code_file(CountingCoder(tiny_coder, stop_at=3), path, target, options=BatchOptions(chunk_rows=5, cache_size=0))
    assert not target.exists()
    with pytest.raises(BatchError, match="holds an unfinished run of this output \\(2 chunk\\(s\\) done\\): add --resume"):
        code_file(tiny_coder, path, target, options=BatchOptions(chunk_rows=5))
    counting = CountingCoder(tiny_coder)
    summary = code_file(counting, path, target, options=BatchOptions(chunk_rows=5, cache_size=0, resume=True))
    assert counting.calls == 3  # chunks 3, 4 and 5 only
    assert summary.resumed_chunks == 2 and summary.rows == 23
    assert sum(summary.statuses.values()) == 23
    assert "resumed after 2 finished chunk(s) (10 rows)" in summary.notes
    assert target.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert not (tmp_path / "coded.csv.parts").exists()


def test_resume_keeps_finding_duplicate_ids_across_the_interruption(tiny_coder, tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"id": ["a", "b", "c", "a"], "job_title": ["Head chef"] * 4}).to_csv(path, index=False)
    with pytest.raises(KeyboardInterrupt):
        code_file(CountingCoder(tiny_coder, stop_at=2), path, tmp_path / "out.csv", options=BatchOptions(chunk_rows=2, cache_size=0))
    summary = code_file(tiny_coder, path, tmp_path / "out.csv", options=BatchOptions(chunk_rows=2, resume=True))
    assert [p.describe() for p in summary.problem_examples] == ["row 4 (id a), column id: the id 'a' is also on row 1"]


def test_resume_refuses_a_changed_input_or_chunk_size(tiny_coder, survey, tmp_path):
    _, path = survey
    target = tmp_path / "coded.csv"
    with pytest.raises(KeyboardInterrupt):
        code_file(CountingCoder(tiny_coder, stop_at=2), path, target, options=BatchOptions(chunk_rows=5))
    with pytest.raises(BatchError, match="--chunk-rows differ"):
        code_file(tiny_coder, path, target, options=BatchOptions(chunk_rows=6, resume=True))
    path.write_text(path.read_text() + "x1,Head chef,99\n")
    with pytest.raises(BatchError, match="the input file's contents differ"):
        code_file(tiny_coder, path, target, options=BatchOptions(chunk_rows=5, resume=True))


@pytest.mark.parametrize(("damage", "says"), [
    (lambda parts: (parts / "ids-000001.npy").unlink(), "ids-000001.npy is missing"),
    (lambda parts: (parts / "part-000000.parquet").write_bytes(b"not parquet"), "part-000000.parquet is damaged (ArrowInvalid"),
    (lambda parts: (parts / "ids-000000.npy").write_bytes(b"\x93NUMPY"), "ids-000000.npy is damaged"),
    (lambda parts: (parts / "problems-000001.jsonl").unlink(), "problems-000001.jsonl is missing"),
])
def test_resume_over_a_damaged_run_folder_names_the_file(tiny_coder, survey, tmp_path, damage, says):
    _, path = survey
    target = tmp_path / "coded.csv"
    with pytest.raises(KeyboardInterrupt):
        code_file(CountingCoder(tiny_coder, stop_at=3), path, target, options=BatchOptions(chunk_rows=5, cache_size=0))
    damage(tmp_path / "coded.csv.parts")
    with pytest.raises(BatchError, match="cannot resume: .*" + re.escape(says)) as raised:
        code_file(tiny_coder, path, target, options=BatchOptions(chunk_rows=5, resume=True))
    assert f"delete {tmp_path / 'coded.csv.parts'} to start over" in str(raised.value)
    assert not target.exists()


def test_resume_with_nothing_to_resume_starts_over(tiny_coder, survey, tmp_path):
    _, path = survey
    summary = code_file(tiny_coder, path, tmp_path / "coded.csv", options=BatchOptions(resume=True))
    assert "nothing to resume: started from the first row" in summary.notes
    assert summary.rows == 23


def test_cli_resume_after_an_interrupted_run(tiny_model_dir, tiny_coder, survey, tmp_path):
    _, path = survey
    target = tmp_path / "coded.csv"
    with pytest.raises(KeyboardInterrupt):
        code_file(CountingCoder(tiny_coder, stop_at=2), path, target, options=BatchOptions(chunk_rows=5),
                  model_id=__import__("model.artifact").artifact.model_fingerprint(tiny_model_dir))
    outcome = _cli(tiny_model_dir, path, target, "--chunk-rows", "5")
    assert outcome.exit_code == 2
    assert "add --resume to continue it" in outcome.output
    outcome = _cli(tiny_model_dir, path, target, "--chunk-rows", "5", "--resume")
    assert outcome.exit_code == 0, outcome.output
    assert "resumed after 1 finished chunk(s) (5 rows)" in outcome.output
    assert "coded 23 rows" in outcome.output
    assert len(_read(target)) == 23


def test_reader_streams_in_chunks_with_row_positions(tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"id": range(7), "job_title": ["x"] * 7}).to_csv(path, index=False)
    chunks = list(open_answers(path, AnswerColumns()).chunks(3))
    assert [c.frame.index.tolist() for c in chunks] == [[0, 1, 2], [3, 4, 5], [6]]
    assert [c.frame["id"].tolist() for c in chunks][2] == ["6"]


def test_a_ragged_row_after_the_first_chunk_names_its_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id,job_title\n" + "".join(f"{i},Chef\n" for i in range(10)) + "10,Chef,extra\n")
    with pytest.raises(AnswerFileError, match="Expected 2 fields in line 12, saw 3"):
        list(open_answers(path).chunks(4))


# -- model artifacts


def _copy_model(source, target):
    import shutil

    shutil.copytree(source, target)
    return target


def _rehash(model_dir):
    from model.artifact import sha256_of

    manifest = json.loads((model_dir / "manifest.json").read_text())
    manifest["files"] = {name: sha256_of(model_dir / name) for name in manifest["files"]}
    (model_dir / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / "head_coef.npy").write_bytes((d / "head_coef.npy").read_bytes()[:-8] + b"\0" * 8), "head_coef.npy has sha256"),
        (lambda d: (d / "config.json").unlink(), "config.json is missing"),
        (lambda d: (d / "manifest.json").write_text("{not json"), "manifest.json is damaged: not JSON"),
        (lambda d: (d / "manifest.json").write_text("[1, 2]"), "manifest.json is not a soc-coder manifest"),
        (lambda d: (d / "manifest.json").unlink(), "is not a soc-coder model: no manifest.json"),
        (lambda d: (np.save(d / "head_coef.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True), _rehash(d)), "head_coef.npy is not a plain array"),
        (lambda d: ((d / "config.json").write_text("{}"), _rehash(d)), "is not a usable soc-coder model (KeyError: 'encoder')"),
    ],
    ids=["altered-array", "missing-file", "manifest-not-json", "manifest-not-a-manifest", "no-manifest", "pickled-array", "config-mismatch"],
)
def test_a_damaged_model_is_a_clear_error(tiny_model_dir, tmp_path, damage, message):
    model_dir = _copy_model(tiny_model_dir, tmp_path / "model")
    assert (model_dir / "head_coef.npy").is_file()
    damage(model_dir)
    source = tmp_path / "answers.csv"
    pd.DataFrame({"id": [1], "job_title": ["Chef"]}).to_csv(source, index=False)
    outcome = _cli(model_dir, source, tmp_path / "out.csv")
    assert outcome.exit_code == 2, outcome.output
    assert message in outcome.output
    assert "Traceback" not in outcome.output
    assert not (tmp_path / "out.csv").exists()

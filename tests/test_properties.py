"""Property-based tests: arbitrary unicode into the text functions, the rules, the file readers and the coder.

Kept fast: the text functions need no model, and the coder and batch tests use the tiny fixture model with a
small number of examples.
"""

import string
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.batch import BatchOptions, code_file
from model.results import CODED, REFERRED
from model.rules import NOT_IN_EMPLOYMENT, UNCODABLE, status_before_model
from model.tables import AnswerColumns, AnswerFileError, neutralise_formula, open_answers
from model.text import answer_text, clean, is_blank, normalise_title

STATUSES = {CODED, REFERRED, UNCODABLE, NOT_IN_EMPLOYMENT}
# any unicode a file can hold: no lone surrogates (they cannot be encoded)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
# what survives a CSV round trip as a value: no NUL, and not a lone carriage return at a field's end
csv_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=40)
answer = st.fixed_dictionaries({"job_title": text, "job_description": text, "industry": text})
small = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(text)
def test_clean_is_idempotent_and_trimmed(value):
    once = clean(value)
    assert clean(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(text)
def test_normalise_title_is_lower_case_and_stable(value):
    key = normalise_title(value)
    assert normalise_title(key) == key
    assert key == key.lower() or key != key.casefold()  # some scripts have no lower case of their upper case


@given(text, text, text)
def test_rules_give_a_known_status_or_defer(title, description, industry):
    ruled = status_before_model(title, description, industry)
    assert ruled is None or (ruled[0] in {UNCODABLE, NOT_IN_EMPLOYMENT} and ruled[1])
    if is_blank(title, description, industry):
        assert ruled == (UNCODABLE, "empty answer")
    answer_text(title, description, industry)


@given(st.text(max_size=30))
def test_neutralised_cells_never_start_a_formula(value):
    out = neutralise_formula(value)
    assert out == value or out == "'" + value
    if out != value:
        assert value[0] in "=+-@\t\r"
    elif value[:1] in ("=", "@", "\t", "\r"):
        raise AssertionError(f"{value!r} left as a formula")


@small
@given(st.binary(max_size=300))
def test_any_bytes_as_a_csv_either_read_or_fail_clearly(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.csv"
        path.write_bytes(b"id,job_title\n" + data)
        try:
            chunks = list(open_answers(path).chunks(7))
        except AnswerFileError as error:
            assert str(path) in str(error)
            return
        frame = pd.concat([c.frame for c in chunks])
        assert list(frame.columns[:2]) == ["id", "job_title"]
        assert frame.index.tolist() == list(range(len(frame)))
        assert all(isinstance(v, str) for v in frame["job_title"])


@small
@given(st.lists(st.tuples(csv_text, csv_text), max_size=12), st.sampled_from([".csv", ".parquet"]), st.integers(1, 5))
def test_text_written_to_a_file_reads_back_unchanged(rows, suffix, chunk_rows):
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(rows))], "job_title": [r[0] for r in rows], "industry": [r[1] for r in rows]},
                         dtype=object)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers{suffix}"
        frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
        back = pd.concat([c.frame for c in open_answers(path, AnswerColumns()).chunks(chunk_rows)])
    assert back["id"].tolist() == frame["id"].tolist()
    assert back["job_title"].tolist() == frame["job_title"].tolist()
    assert back["industry"].tolist() == frame["industry"].tolist()


@small
@given(st.lists(answer, min_size=1, max_size=6))
def test_the_coder_gives_one_valid_result_per_answer(tiny_coder, answers):
    results = tiny_coder.code(answers)
    assert len(results) == len(answers)
    for result in results:
        assert result.status in STATUSES
        assert 0.0 <= result.confidence <= 1.0
        if result.status in {CODED, REFERRED}:
            assert result.soc2020_code == result.candidates[0]["code"]
        else:
            assert result.soc2020_code == ""


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(string.ascii_letters + string.digits + "=+-@", max_size=6), csv_text), min_size=1, max_size=8),
       st.integers(1, 4))
def test_every_row_comes_out_in_order_with_its_id(tiny_coder, rows, chunk_rows):
    frame = pd.DataFrame({"id": [r[0] for r in rows], "job_title": [r[1] for r in rows]}, dtype=object)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "answers.csv", Path(folder) / "coded.parquet"
        frame.to_csv(source, index=False)
        summary = code_file(tiny_coder, source, target, options=BatchOptions(chunk_rows=chunk_rows))
        coded = pd.read_parquet(target)
    assert summary.rows == len(rows)
    assert coded["id"].tolist() == frame["id"].tolist()
    assert coded["job_title"].tolist() == frame["job_title"].tolist()
    assert set(coded["status"]) <= STATUSES

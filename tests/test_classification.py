"""The classification a model carries: built from the (fixture) ONS workbooks, searched, described, saved, and
shown by `soc-coder search` and `soc-coder describe`."""

import json
import shutil

import pytest
from typer.testing import CliRunner

from model.artifact import MANIFEST, ModelArtifactError, sha256_of
from model.classification import Classification, NoClassificationError, UnknownCodeError
from ons_fixtures import FIXTURE_TASKS, write_coding_index, write_volume1
from soc_coder.cli import app
from training.classification import build_classification, classification_document
from training.ons_readers import load_sources, read_coding_index, read_volume1

runner = CliRunner()


@pytest.fixture(scope="module")
def classification(ons_fixture_dir):
    index, volume1 = load_sources(ons_fixture_dir)
    return build_classification(index, volume1)


def test_describe_gives_the_hierarchy_volume1_texts_and_the_index_links(classification):
    group = classification.describe("2134")
    assert group["title"] == "Programmers and software development professionals"
    assert group["level"] == "unit"
    assert [(g["level"], g["code"], g["title"]) for g in group["hierarchy"]] == [
        ("major", "2", "Professional occupations"),
        ("sub_major", "21", "Science, research, engineering and technology professionals"),
        ("minor", "213", "Information technology professionals"),
    ]
    assert group["tasks"] == list(FIXTURE_TASKS["2134"])
    assert group["related_titles"][:2] == ["Programmer", "Computer programmer"]
    assert group["description"] == "Workers in this unit group are programmers and software development professionals."
    assert group["index_entries"] == 13
    # the fixture's 13 entries: four sub-unit groups (by code), two SOC 2010 and four ISCO-08 groups (most entries first)
    assert [(g["code"], g["index_entries"]) for g in group["sub_unit_groups"]] == [("2134/01", 1), ("2134/02", 2), ("2134/03", 9), ("2134/04", 1)]
    assert group["sub_unit_groups"][2]["title"] == "Software developers"
    assert [(g["code"], g["index_entries"]) for g in group["soc2010"]] == [("2136", 10), ("2137", 3)]
    assert group["soc2010"][0]["title"] == "Programmers and software development professionals"
    assert [(g["code"], g["index_entries"]) for g in group["isco08"]] == [("2512", 7), ("2513", 3), ("2514", 2), ("2511", 1)]
    assert group["isco08"][0]["title"] == "Software Developers"


def test_describe_a_higher_group_lists_the_groups_under_it(classification):
    group = classification.describe("54")
    assert group["level"] == "sub_major"
    assert [g["code"] for g in group["hierarchy"]] == ["5"]
    assert [(g["code"], g["title"]) for g in group["groups"]] == [
        ("542", "Printing trades"), ("543", "Food preparation and hospitality trades"), ("544", "Other skilled trades")]
    assert group["description"] == "Jobholders in this group work as textiles, printing and other skilled trades."
    assert "tasks" not in group


@pytest.mark.parametrize("code", ["9999", "2134/03", "", "abc"])
def test_describe_an_unknown_code_says_what_a_code_looks_like(classification, code):
    with pytest.raises(UnknownCodeError, match=r"no SOC 2020 group .*4 digits, e\.g\. 2313"):
        classification.describe(code)


def test_links_are_counted_by_supporting_entries_most_first(tmp_path):
    rows = [
        {"soc2020": "5434", "indexocc": "Chef", "soc2010": "5434", "isco08": "3434", "soc2020_ext": "5434/01", "soc2020_ext_title": "Head chefs"},
        {"soc2020": "5434", "indexocc": "Chef, head", "soc2010": "5434", "isco08": "3434", "soc2020_ext": "5434/01", "soc2020_ext_title": "Head chefs"},
        {"soc2020": "5434", "indexocc": "Cook, head", "soc2010": "5435", "soc2010_title": "Cooks", "isco08": "5120",
         "isco08_title": "Cooks", "soc2020_ext": "5434/02", "soc2020_ext_title": "Cooks"},
        {"soc2020": "5434", "indexocc": "Chef, sous", "soc2010": "5434", "isco08": "5120", "isco08_title": "Cooks",
         "soc2020_ext": "5434/01", "soc2020_ext_title": "Head chefs"},
    ]
    index = read_coding_index(write_coding_index(tmp_path / "index.xlsx", rows=rows))
    volume1 = read_volume1(write_volume1(tmp_path / "volume1.xlsx", unit_groups={"5434": "Chefs"}))
    unit = classification_document(index, volume1)["unit_groups"]["5434"]
    assert unit["soc2010"] == [{"code": "5434", "title": "Chefs", "index_entries": 3}, {"code": "5435", "title": "Cooks", "index_entries": 1}]
    assert unit["isco08"] == [{"code": "3434", "title": "Chefs", "index_entries": 2}, {"code": "5120", "title": "Cooks", "index_entries": 2}]
    assert unit["sub_unit_groups"] == [{"code": "5434/01", "title": "Head chefs", "index_entries": 3},
                                       {"code": "5434/02", "title": "Cooks", "index_entries": 1}]


def _codes(found):
    return [g["code"] for g in found["unit_groups"]]


def test_search_puts_the_exact_title_first_then_titles_it_starts(classification):
    found = classification.search("chef", limit=5)
    assert _codes(found)[0] == "5434"
    entries = found["index_entries"]
    assert (entries[0]["title"], entries[0]["match"]) == ("Chef", "exact title")
    assert (entries[1]["title"], entries[1]["match"]) == ("Chef de partie", "title prefix")
    assert [e["match"] for e in entries[2:]] == ["every word"] * 3  # Head chef, Sous chef, ...
    assert all(e["code"] == "5434" and e["sub_unit_group"] == "5434/00" and e["unit_group_title"] == "Chefs" for e in entries)
    assert len(entries) == 5


def test_search_as_you_type_finds_titles_by_their_start(classification):
    found = classification.search("bookbin", limit=3)
    assert _codes(found) == ["5423"]
    assert found["index_entries"][0]["title"] == "Bookbinder"
    assert found["index_entries"][0]["match"] == "title prefix"


def test_search_finds_task_words_and_index_qualifiers(classification):
    by_task = classification.search("binds books", limit=3)
    assert _codes(by_task)[0] == "5423"
    assert {"field": "task", "text": "binds books by hand or machine"} in by_task["unit_groups"][0]["matches"]
    # a title that codes by its industry: the qualifier's words choose the entry
    finisher = classification.search("finisher furniture", limit=3)["index_entries"][0]
    assert (finisher["title"], finisher["ind"], finisher["code"], finisher["match"]) == ("Finisher", "furniture mfr", "5442", "every word")


def test_search_tolerates_misspellings_and_plurals(classification):
    assert _codes(classification.search("progammer", limit=1)) == ["2134"]
    assert classification.search("chefs", limit=1)["index_entries"][0]["title"] == "Chef"


@pytest.mark.parametrize("query", ["", "   ", "!!!", "zzzzqqqq"])
def test_search_for_nothing_finds_nothing(classification, query):
    found = classification.search(query)
    assert found == {"query": query, "unit_groups": [], "index_entries": []}


def test_the_model_directory_carries_the_classification(tiny_model_dir, tiny_coder):
    from model.coder import SocCoder

    alone = Classification.from_model_dir(tiny_model_dir)  # reads only classification.json
    assert alone.describe("5434") == tiny_coder.classification.describe("5434")
    assert alone.versions == {"coding_index_version": "13", "volume1_version": "2025-04-07"}
    loaded = SocCoder.load(tiny_model_dir, encoder=tiny_coder.encoder)
    assert loaded.classification.search("sous chef") == tiny_coder.classification.search("sous chef")


@pytest.fixture
def model_without_classification(tiny_coder, tmp_path):
    """A model saved as models were before the classification document existed."""
    saved, tiny_coder.classification = tiny_coder.classification, None
    try:
        return tiny_coder.save(tmp_path / "old-model")
    finally:
        tiny_coder.classification = saved


def test_an_older_model_is_told_to_retrain(model_without_classification):
    assert not (model_without_classification / "classification.json").exists()
    with pytest.raises(NoClassificationError, match="retrain it with `soc-coder train`"):
        Classification.from_model_dir(model_without_classification)
    outcome = runner.invoke(app, ["search", "chef", "--model", str(model_without_classification)])
    assert outcome.exit_code == 2
    assert "has no classification document" in outcome.output and "soc-coder train" in outcome.output


def test_an_altered_classification_document_is_refused(tiny_model_dir, tmp_path):
    copy = shutil.copytree(tiny_model_dir, tmp_path / "model")
    path = copy / "classification.json"
    path.write_text(path.read_text(encoding="utf-8").replace("Chefs", "Cooks"), encoding="utf-8")
    with pytest.raises(ModelArtifactError, match="classification.json has sha256"):
        Classification.from_model_dir(copy)
    assert json.loads((copy / MANIFEST).read_text())["files"]["classification.json"] != sha256_of(path)


def test_cli_search_prints_tables_or_json(tiny_model_dir):
    outcome = runner.invoke(app, ["search", "sous chef", "--model", str(tiny_model_dir), "--limit", "2"])
    assert outcome.exit_code == 0, outcome.output
    assert "Unit groups matching 'sous chef'" in outcome.output and "Coding-index entries matching" in outcome.output
    assert "5434/00" in outcome.output
    as_json = runner.invoke(app, ["search", "sous chef", "--model", str(tiny_model_dir), "--limit", "2", "--json"])
    found = json.loads(as_json.output)
    assert found["unit_groups"][0]["code"] == "5434"
    assert found["index_entries"][0]["title"] == "Sous chef" and found["index_entries"][0]["match"] == "exact title"
    assert len(found["index_entries"]) == 2
    qualified = runner.invoke(app, ["search", "finisher", "--model", str(tiny_model_dir), "--limit", "1"], env={"COLUMNS": "200"})
    assert "[ind: bookbinding]" in qualified.output  # index text, not taken for rich markup


def test_cli_describe_prints_the_group_or_json(tiny_model_dir):
    outcome = runner.invoke(app, ["describe", "8214", "--model", str(tiny_model_dir)])
    assert outcome.exit_code == 0, outcome.output
    for text in ("8214  Delivery drivers and couriers (unit group)", "8 Process, plant and machine operatives > 82",
                 "loads vehicles and plan", "Sub-unit groups (12 coding-index entries in all)", "8214/99", "8212", "8322"):
        assert text in outcome.output
    described = json.loads(runner.invoke(app, ["describe", "8214", "--json", "--model", str(tiny_model_dir)]).output)
    # the fixture's 12 delivery-driver entries: 7 are SOC 2010 8212, the 5 couriers and delivery riders 9211
    assert [(link["code"], link["index_entries"]) for link in described["soc2010"]] == [("8212", 7), ("9211", 5)]
    unknown = runner.invoke(app, ["describe", "1234", "--model", str(tiny_model_dir)])
    assert unknown.exit_code == 2 and "no SOC 2020 group '1234'" in unknown.output


def test_cli_search_without_a_model_reads_the_fast_model_when_it_is_the_only_one(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOC_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    missing = runner.invoke(app, ["describe", "5434"])
    assert missing.exit_code == 2 and "default" in missing.output
    shutil.copytree(tiny_model_dir, tmp_path / "artifacts" / "models" / "fast")
    for command in (["describe", "5434", "--json"], ["describe", "5434", "--json", "--fast"]):
        outcome = runner.invoke(app, command)
        assert outcome.exit_code == 0, outcome.output
        assert json.loads(outcome.output)["code"] == "5434"

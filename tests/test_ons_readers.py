"""Readers on invented ONS-layout fixtures, and on the real workbooks when SOC_DATA_DIR has them."""

import os
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ons_fixtures import (
    FIXTURE_ENTRIES,
    FIXTURE_FILES,
    FIXTURE_UNIT_GROUPS,
    write_coding_index,
    write_volume1,
)
from training.ons_readers import (
    find_newest,
    load_sources,
    read_coding_index,
    read_volume1,
    resolve_data_dir,
    unit_group_titles,
    workbook_kind_and_version,
)

ENTRY_COLUMNS = [
    "unique_id", "soc2020", "soc2020_ext", "soc2010", "isco08", "indexocc", "title", "add", "ind", "see",
    "default_flag", "versno", "soc2020_title", "soc2020_ext_title", "soc2010_title", "isco08_title",
]


@pytest.fixture(scope="module")
def fx(ons_fixture_dir):
    return {key: ons_fixture_dir / name for key, name in FIXTURE_FILES.items()}


@pytest.fixture(scope="module")
def v13(fx):
    return read_coding_index(fx["index_v13"])


@pytest.fixture(scope="module")
def v12(fx):
    return read_coding_index(fx["index_v12"])


# ------------------------------------------------------------------ coding index (fixtures)


def test_entries_columns_are_clean_strings(v13):
    e = v13.entries
    assert list(e.columns) == ENTRY_COLUMNS
    assert not e.isna().any().any()
    assert all(isinstance(v, str) for v in e.to_numpy().ravel())
    assert (e == e.apply(lambda s: s.str.strip())).all().all()
    assert e["soc2020"].str.fullmatch(r"\d{4}").all()  # numbers in the sheet come back as "2134"
    assert e["soc2020_ext"].str.fullmatch(r"\d{4}/\d{2}").all()


def test_v12_and_v13_layouts_give_the_same_entries(v12, v13):
    pd.testing.assert_frame_equal(v12.entries, v13.entries)
    pd.testing.assert_frame_equal(v12.abbreviations, v13.abbreviations)


def test_uncoded_see_rows_dropped_coded_see_row_kept(v13):
    e = v13.entries
    assert "}}}}" not in set(e["soc2020"])
    assert "Advisor" not in set(e["title"])
    assert len(e) == len(FIXTURE_ENTRIES)
    coded_see = e[e["see"] != ""]
    assert coded_see[["title", "soc2020"]].values.tolist() == [["Washing-up supervisor", "9263"]]


def test_entry_fields(v13):
    e = v13.entries
    assert set(e["soc2020"]) == set(FIXTURE_UNIT_GROUPS)
    finisher = e[e["title"] == "Finisher"].set_index("ind")["soc2020"].to_dict()
    assert finisher == {"bookbinding": "5423", "printing": "5423", "furniture mfr": "5442"}
    dev = e[(e["indexocc"] == "Developer, software")].iloc[0]
    assert dev["title"] == "Software developer"
    assert dev["soc2020_title"] == "Programmers and software development professionals"
    assert dev["soc2010"] == "2136" and dev["isco08"] == "2512"
    assert e.loc[e["add"] == "computing", "default_flag"].tolist() == ["A"]
    assert set(e["default_flag"]) == {"", "O", "Q", "I", "A"}


def test_abbreviations_found_below_preamble(v13):
    a = v13.abbreviations
    assert list(a.columns) == ["abbreviation", "meaning", "frequent"]
    assert a["abbreviation"].tolist()[:2] == ["&", "Dept/dept"]
    assert set(a.loc[a["frequent"], "abbreviation"]) == {"&", "Dept/dept", "mfr"}
    assert not a["abbreviation"].str.contains(r"\*").any()
    assert a.loc[a["abbreviation"] == "PC", "meaning"].tolist() == ["Personal Computer", "Police Constable"]


def test_version_read_from_workbook_not_file_name(fx, v12, v13):
    assert "2099" in fx["index_v12"].name  # the name looks newest, the content says 12
    assert (v12.version, v13.version) == ("12", "13")
    assert workbook_kind_and_version(fx["index_v12"]) == ("coding_index", "12")
    assert workbook_kind_and_version(fx["volume1_old"]) == ("volume1", "2024-10-07")
    assert v13.path == fx["index_v13"] and len(v13.sha256) == 64


def test_version_falls_back_to_file_spec(tmp_path):
    path = write_coding_index(tmp_path / "index.xlsx", version=11)
    wb = openpyxl.load_workbook(path)
    del wb["Information"]
    wb.save(path)
    assert workbook_kind_and_version(path) == ("coding_index", "11")


def test_missing_column_names_file_sheet_and_column(tmp_path):
    path = write_coding_index(tmp_path / "index.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["SOC2020 coding index"]
    for cell in ws[1]:
        if cell.value == "SOC_2020":
            cell.value = "SOC_2021"
    wb.save(path)
    with pytest.raises(ValueError) as err:
        read_coding_index(path)
    message = str(err.value)
    assert str(path) in message and "SOC2020 coding index" in message and "SOC_2020" in message


def test_missing_abbreviation_header(tmp_path):
    path = write_coding_index(tmp_path / "index.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Abbreviations"]["A6"] = "Abbrev"
    wb.save(path)
    with pytest.raises(ValueError, match="Abbreviation"):
        read_coding_index(path)


def test_other_workbooks_rejected(tmp_path):
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(other)
    (tmp_path / "junk.xlsx").write_text("not a zip")
    for path in (other, tmp_path / "junk.xlsx"):
        with pytest.raises(ValueError):
            workbook_kind_and_version(path)


# ------------------------------------------------------------------ volume 1 (fixtures)


def test_volume1(fx):
    v = read_volume1(fx["volume1_new"])
    u = v.unit_groups
    assert v.version == "2025-04-07"
    assert list(u.columns) == ["code", "title", "description", "entry_routes", "tasks", "related_titles",
                               "major", "sub_major", "minor"]
    assert unit_group_titles(v) == FIXTURE_UNIT_GROUPS
    row = u.set_index("code").loc["5434"]
    assert (row["major"], row["sub_major"], row["minor"]) == ("5", "54", "543")
    assert row["tasks"] == ["plans menus and orders ingredients", "prepares and cooks dishes to standard",
                            "supervises kitchen staff and food hygiene"]
    assert row["related_titles"][:2] == ["Chef", "Head chef"]
    for items in list(u["tasks"]) + list(u["related_titles"]):
        assert items and all(i and "~" not in i and i == i.strip() for i in items)
    assert "<blank>" not in set(u["entry_routes"]) | set(u["description"])
    assert v.groups["level"].value_counts().to_dict() == {"unit": 8, "minor": 8, "sub_major": 6, "major": 5}
    assert v.groups.set_index("code").loc["82", "title"] == "Transport and mobile machine drivers and operatives"


def test_volume1_custom_unit_groups(tmp_path):
    path = write_volume1(tmp_path / "v1.xlsx", modified=datetime(2030, 1, 2),
                         unit_groups={"1111": "Chief executives", "2134": {"tasks": ["writes code"]}})
    v = read_volume1(path)
    assert v.version == "2030-01-02"
    assert unit_group_titles(v)["1111"] == "Chief executives"
    assert v.unit_groups.set_index("code").loc["2134", "tasks"] == ["writes code"]


# ------------------------------------------------------------------ finding and loading


def test_find_newest_by_content(fx, ons_fixture_dir):
    assert find_newest(ons_fixture_dir) == (fx["index_v13"], fx["volume1_new"])


def test_find_newest_skips_other_workbooks(tmp_path):
    write_coding_index(tmp_path / "a.xlsx", version=9)
    write_coding_index(tmp_path / "b.xlsx", version=10)  # 10 > 9 as integers, not as strings
    write_volume1(tmp_path / "c.xlsx")
    (tmp_path / "junk.xlsx").write_text("not a zip")
    (tmp_path / "~$b.xlsx").write_text("excel lock file")
    assert find_newest(tmp_path) == (tmp_path / "b.xlsx", tmp_path / "c.xlsx")


@pytest.mark.parametrize("missing", ["index", "volume1", "dir"])
def test_find_newest_missing_says_how_to_get_files(tmp_path, missing):
    directory = tmp_path / "data"
    if missing != "dir":
        directory.mkdir()
        if missing == "index":
            write_volume1(directory / "v1.xlsx")
        else:
            write_coding_index(directory / "index.xlsx")
    with pytest.raises(FileNotFoundError) as err:
        find_newest(directory)
    message = str(err.value)
    assert str(directory) in message
    assert "soc-coder fetch-data" in message and "SOC_DATA_DIR" in message and "--data-dir" in message
    assert ("coding index" in message) == (missing != "volume1")


def test_resolve_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("SOC_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("SOC_DATA_DIR")
    default = resolve_data_dir(None)
    assert default.name == "ons" and "soc-coder" in str(default)


def test_load_sources(fx, ons_fixture_dir, monkeypatch, tmp_path):
    index, volume1 = load_sources(ons_fixture_dir)
    assert (index.version, volume1.version) == ("13", "2025-04-07")
    monkeypatch.setenv("SOC_DATA_DIR", str(ons_fixture_dir))
    index, volume1 = load_sources(index_file=fx["index_v12"])
    assert (index.version, volume1.version) == ("12", "2025-04-07")
    index, volume1 = load_sources(tmp_path / "empty", fx["index_v12"], fx["volume1_old"])  # no dir needed
    assert (index.version, volume1.version) == ("12", "2024-10-07")
    with pytest.raises(FileNotFoundError, match="Volume 1"):
        load_sources(tmp_path / "empty", index_file=fx["index_v13"])


# ------------------------------------------------------------------ the real ONS workbooks

REAL = {
    "v13": "soc2020volume2thecodingindexexcel03122025.xlsx",
    "v12": "soc2020volume2thecodingindexexcel16042025.xlsx",
    "vol1_2025": "soc2020volume1structureanddescriptionofunitgroupsexcel16042025.xlsx",
    "vol1_2024": "soc2020volume1structureanddescriptionofunitgroupsexcel16102024.xlsx",
}


def _real(key: str) -> Path:
    path = Path(os.environ.get("SOC_DATA_DIR", "/nonexistent")) / REAL[key]
    if not path.is_file():
        pytest.skip(f"SOC_DATA_DIR does not hold {REAL[key]}")
    return path


@pytest.fixture(scope="module")
def real_v13():
    return read_coding_index(_real("v13"))


def test_real_v13(real_v13):
    e = real_v13.entries
    assert real_v13.version == "13"
    assert len(e) == 32_376 - 231 == 32_145
    assert e["soc2020"].nunique() == 412
    assert e["soc2020"].str.fullmatch(r"\d{4}").all()
    assert not e.isna().any().any() and list(e.columns) == ENTRY_COLUMNS
    coded_see = e[e["see"] != ""]
    assert len(coded_see) == 3 and set(coded_see["soc2020"]) == {"8160"}
    assert e.loc[e["indexocc"] == "Adjuster, brake", "title"].iloc[0] == "Brake adjuster"
    assert e["soc2020_ext"].nunique() == 1_384
    a = real_v13.abbreviations
    assert len(a) == 247 and a["frequent"].sum() == 4
    assert real_v13.sha256 == "a6e27c94fd18c7fe8bcec7b8ea9afaec7e53c14b4d3c2b7f4c3b205687909fe8"


def test_real_v12(real_v13):
    v12 = read_coding_index(_real("v12"))
    assert v12.version == "12"
    assert len(v12.entries) == 32_195 - 231
    assert list(v12.entries.columns) == list(real_v13.entries.columns)
    # v12 orders its title columns differently: the values must still land in the same place
    first12, first13 = v12.entries.iloc[0], real_v13.entries.iloc[0]
    assert first12["soc2020_ext_title"] == first13["soc2020_ext_title"]
    assert first12["soc2010_title"] == first13["soc2010_title"]


def test_real_volume1():
    v = read_volume1(_real("vol1_2025"))
    assert v.version == "2025-04-07"
    u = v.unit_groups
    assert len(u) == 412 and u["code"].str.fullmatch(r"\d{4}").all()
    assert u["tasks"].map(len).min() >= 1 and u["related_titles"].map(len).min() >= 1
    assert all(i and not i.startswith("~") for items in u["tasks"] for i in items)
    assert v.groups["level"].value_counts().to_dict() == {"unit": 412, "minor": 104, "sub_major": 26, "major": 9}
    assert unit_group_titles(v)["1111"] == "Chief executives and senior officials"
    assert read_volume1(_real("vol1_2024")).version == "2024-10-07"


def test_real_find_newest():
    directory = _real("v13").parent
    _real("vol1_2025")
    assert find_newest(directory) == (directory / REAL["v13"], directory / REAL["vol1_2025"])

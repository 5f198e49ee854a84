"""Small workbooks written in the ONS SOC 2020 layouts, for tests that must not need ONS files.

Everything here is invented (titles, descriptions, tasks) apart from the SOC 2020 structure itself
(codes and group titles). The layouts mimic the real workbooks closely on purpose: sheet names and
order per version, header spellings (v12's `INDEXOCC_-_natural_word_order`, Volume 1's newlines
and double spaces), the Abbreviations preamble, `<blank>` cells, `~` lists and `}}}}` rows.

The default index (`FIXTURE_ENTRIES`) has 8 unit groups in 5 major groups with 12-13 titles each,
enough to train a tiny classifier; "Finisher" codes to 5423 [ind: bookbinding] but to 5442
[ind: furniture mfr]. Three unit groups have sub-groups as in the real index: several extension codes
(2134, 5442, 8214) and several SOC 2010 and ISCO-08 codes (2134, 8214); the others map one to one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

NO_CODE = "}}}}"

# code -> title, the unit groups of the default fixtures
FIXTURE_UNIT_GROUPS: dict[str, str] = {
    "2134": "Programmers and software development professionals",
    "2237": "Other registered nursing professionals",
    "5423": "Print finishing and binding workers",
    "5434": "Chefs",
    "5442": "Furniture makers and other craft woodworkers",
    "7111": "Sales and retail assistants",
    "8214": "Delivery drivers and couriers",
    "9263": "Kitchen and catering assistants",
}

# titles of the higher groups above FIXTURE_UNIT_GROUPS
HIGHER_GROUPS: dict[str, str] = {
    "2": "Professional occupations",
    "21": "Science, research, engineering and technology professionals",
    "213": "Information technology professionals",
    "22": "Health professionals",
    "223": "Nursing professionals",
    "5": "Skilled trades occupations",
    "54": "Textiles, printing and other skilled trades",
    "542": "Printing trades",
    "543": "Food preparation and hospitality trades",
    "544": "Other skilled trades",
    "7": "Sales and customer service occupations",
    "71": "Sales occupations",
    "711": "Sales assistants and retail cashiers",
    "8": "Process, plant and machine operatives",
    "82": "Transport and mobile machine drivers and operatives",
    "821": "Road transport drivers",
    "9": "Elementary occupations",
    "92": "Elementary administration and service occupations",
    "926": "Other elementary services occupations",
}

# per unit group: (SOC_2020_ext, ext title, SOC_2010, SOC2010 title, ISCO-08, ISCO-08 title)
_CODES = {
    "2134": ("2134/03", "Software developers", "2136", "Programmers and software development professionals", "2512", "Software Developers"),
    "2237": ("2237/00", "Other registered nursing professionals", "2231", "Nurses", "2221", "Nursing Professionals"),
    "5423": ("5423/00", "Print finishing and binding workers", "5423", "Print finishing and binding workers", "7323", "Print Finishing and Binding Workers"),
    "5434": ("5434/00", "Chefs", "5434", "Chefs", "3434", "Chefs"),
    "5442": ("5442/99", "Furniture makers and other craft woodworkers n.e.c.", "5442", "Furniture makers and other craft woodworkers", "7522", "Cabinet-makers and Related Workers"),
    "7111": ("7111/00", "Sales and retail assistants", "7111", "Sales and retail assistants", "5223", "Shop Sales Assistants"),
    "8214": ("8214/99", "Delivery drivers and couriers n.e.c.", "8212", "Van drivers", "8322", "Car, Taxi and Van Drivers"),
    "9263": ("9263/00", "Kitchen and catering assistants", "9272", "Kitchen and catering assistants", "9412", "Kitchen Helpers"),
}


def natural_order(indexocc: str) -> str:
    """'Adjuster, brake' -> 'Brake adjuster' (how ONS fills INDEXOCC-natural_word_order)."""
    if ", " not in indexocc:
        return indexocc
    head, rest = indexocc.split(", ", 1)
    if not head[1:2].isupper():  # keep acronyms ("HGV") as they are
        head = head[:1].lower() + head[1:]
    return f"{rest[:1].upper()}{rest[1:]} {head}"


def _e(code: str, indexocc: str, add: str = "", ind: str = "", d: str = "", see: str = "", ext: str = "",
       soc2010: str = "", isco08: str = "") -> dict[str, str]:
    """One index entry with the `entries` column names of training.ons_readers; `ext`, `soc2010` and `isco08`
    override its unit group's usual codes (_CODES), as the real index does for sub-groups."""
    entry = {"soc2020": code, "indexocc": indexocc, "title": natural_order(indexocc),
             "add": add, "ind": ind, "default_flag": d, "see": see}
    if ext:
        entry.update(soc2020_ext=ext, soc2020_ext_title=EXT_TITLES[ext])
    for scheme, value in (("soc2010", soc2010), ("isco08", isco08)):
        if value:
            entry[scheme] = value
    return entry


# extension sub-groups the fixture entries name (titles as in ONS's index)
EXT_TITLES = {
    "2134/01": "Computer games designers", "2134/02": "Computer programmers", "2134/03": "Software developers",
    "2134/04": "IT analysts and analyst-programmers",
    "5442/01": "Cabinet makers (excludes metal)", "5442/02": "Furniture makers and fitters", "5442/03": "Furniture restorers",
    "5442/04": "Furniture sprayers and finishers", "5442/99": "Furniture makers and other craft woodworkers n.e.c.",
    "8214/01": "Bicycle and motorcycle delivery riders and couriers", "8214/99": "Delivery drivers and couriers n.e.c.",
}


# fmt: off
FIXTURE_ENTRIES: tuple[dict[str, str], ...] = (
    # 2134 Programmers and software development professionals
    _e("2134", "Programmer", d="O", ext="2134/02", isco08="2514"),
    _e("2134", "Programmer, computer", ext="2134/02", isco08="2514"),
    _e("2134", "Developer, software"),
    _e("2134", "Engineer, software"),
    _e("2134", "Developer, web", soc2010="2137", isco08="2513"),
    _e("2134", "Developer, applications"),
    _e("2134", "Analyst-programmer", ext="2134/04", isco08="2511"),
    _e("2134", "Engineer, software development"),
    _e("2134", "Developer, games", ind="computer games", ext="2134/01"),
    _e("2134", "Developer, back end"),
    _e("2134", "Developer, front end", soc2010="2137", isco08="2513"),
    _e("2134", "Engineer, full stack", soc2010="2137", isco08="2513"),
    _e("2134", "Developer", add="computing", d="A"),
    # 2237 Other registered nursing professionals
    _e("2237", "Nurse", add="registered", d="Q"),
    _e("2237", "Nurse, staff"),
    _e("2237", "Nurse, practice"),
    _e("2237", "Nurse, district"),
    _e("2237", "Sister, ward", ind="hospital service"),
    _e("2237", "Nurse, theatre"),
    _e("2237", "Nurse, charge"),
    _e("2237", "Nurse, school"),
    _e("2237", "Nurse, occupational health"),
    _e("2237", "Nurse, community"),
    _e("2237", "Nurse practitioner"),
    _e("2237", "Nurse, registered general"),
    # 5423 Print finishing and binding workers
    _e("5423", "Finisher", ind="bookbinding"),
    _e("5423", "Finisher", ind="printing", d="O"),
    _e("5423", "Bookbinder"),
    _e("5423", "Binder", ind="printing"),
    _e("5423", "Operator, guillotine", ind="printing"),
    _e("5423", "Folder, machine", ind="printing"),
    _e("5423", "Laminator", ind="printing"),
    _e("5423", "Finisher, print"),
    _e("5423", "Operator, stitching machine", ind="bookbinding"),
    _e("5423", "Gilder, book edge"),
    _e("5423", "Cutter, paper", ind="printing"),
    _e("5423", "Binder, hand"),
    # 5434 Chefs
    _e("5434", "Chef"),
    _e("5434", "Chef, head"),
    _e("5434", "Chef, sous"),
    _e("5434", "Chef, pastry"),
    _e("5434", "Chef de partie"),
    _e("5434", "Chef, executive"),
    _e("5434", "Chef, commis"),
    _e("5434", "Chef, development"),
    _e("5434", "Chef, private"),
    _e("5434", "Chef, grill"),
    _e("5434", "Chef, banqueting"),
    _e("5434", "Chef, junior sous"),
    # 5442 Furniture makers and other craft woodworkers
    _e("5442", "Finisher", ind="furniture mfr", d="O", ext="5442/04"),
    _e("5442", "Maker, furniture", ext="5442/02"),
    _e("5442", "Maker, cabinet", ext="5442/01"),
    _e("5442", "Polisher, french", ext="5442/04"),
    _e("5442", "Restorer, furniture", ext="5442/03"),
    _e("5442", "Maker, chair", ext="5442/02"),
    _e("5442", "Turner, wood"),
    _e("5442", "Carver, wood"),
    _e("5442", "Maker, table", ext="5442/02"),
    _e("5442", "Craftsman, furniture", ext="5442/02"),
    _e("5442", "Assembler", ind="furniture mfr", ext="5442/02"),
    _e("5442", "Sprayer", ind="furniture mfr", ext="5442/04"),
    # 7111 Sales and retail assistants
    _e("7111", "Assistant, sales"),
    _e("7111", "Assistant, shop"),
    _e("7111", "Assistant, retail"),
    _e("7111", "Adviser, sales", ind="retail trade"),
    _e("7111", "Assistant, counter", ind="retail trade"),
    _e("7111", "Assistant", ind="retail trade", d="I"),
    _e("7111", "Associate, sales"),
    _e("7111", "Colleague, store"),
    _e("7111", "Assistant, floor", ind="retail trade"),
    _e("7111", "Assistant, bakery", ind="retail trade"),
    _e("7111", "Salesperson", ind="retail trade"),
    _e("7111", "Assistant, customer", ind="retail trade"),
    # 8214 Delivery drivers and couriers
    _e("8214", "Driver, delivery"),
    _e("8214", "Courier", add="driving", soc2010="9211", isco08="9621"),
    _e("8214", "Driver, van", ind="delivery service"),
    _e("8214", "Driver, multi-drop"),
    _e("8214", "Rider, delivery", ext="8214/01", soc2010="9211", isco08="9621"),
    _e("8214", "Courier, motorcycle", ext="8214/01", soc2010="9211", isco08="8321"),
    _e("8214", "Driver, parcel delivery"),
    _e("8214", "Driver", ind="courier service", d="I"),
    _e("8214", "Driver, courier", soc2010="9211", isco08="9621"),
    _e("8214", "Driver, home delivery"),
    _e("8214", "Driver, takeaway delivery"),
    _e("8214", "Courier, bicycle", ext="8214/01", soc2010="9211", isco08="9621"),
    # 9263 Kitchen and catering assistants
    _e("9263", "Assistant, kitchen"),
    _e("9263", "Porter, kitchen"),
    _e("9263", "Assistant, catering"),
    _e("9263", "Hand, kitchen"),
    _e("9263", "Assistant, canteen"),
    _e("9263", "Worker, catering"),
    _e("9263", "Assistant", ind="catering", d="I"),
    _e("9263", "Washer-up"),
    _e("9263", "Helper, kitchen"),
    _e("9263", "Steward, kitchen"),
    _e("9263", "Assistant, school meals"),
    _e("9263", "Assistant, food preparation"),
    _e("9263", "Supervisor, washing-up", see="see also notes for SOC90 to 2010 codes"),  # a coded SEE row
)
# fmt: on

# a "see another indexing word" row: no code, dropped by the reader
FIXTURE_SEE_ROW = {"soc2020": NO_CODE, "indexocc": "Advisor", "title": "Advisor", "add": "", "ind": "",
                   "default_flag": "", "see": "see Adviser"}
FIXTURE_ROWS: tuple[dict[str, str], ...] = FIXTURE_ENTRIES[:40] + (FIXTURE_SEE_ROW,) + FIXTURE_ENTRIES[40:]

# invented abbreviations, in the sheet's form ("*" marks frequent ones); PC is ambiguous as in ONS
FIXTURE_ABBREVIATIONS = (
    ("&   *", "And"),
    ("Dept/dept  *", "Department"),
    ("HGV", "Heavy Goods Vehicle"),
    ("mfr   *", "Manufacturing"),
    ("PC", "Personal Computer"),
    ("PC", "Police Constable"),
    ("RGN", "Registered General Nurse"),
)

# -------------------------------------------------------------------- coding index

_V13_COLUMNS = (
    "UNIQUE ID", "RECNO", "D", "SOC_90", "SOC_2000", "SOC_2010", "SOC_2020", "SOC_2020_ext", "INDEXOCC",
    "ADD", "IND", "SEE", "ISCO-08 code based on SOC2020", "VERSNO", "CHANGE", "SOC2020_ext_SUG_title",
    "SOC90_unit_group_title", "SOC2000_unit_group_title", "SOC2010_unit_group_title",
    "SOC2020_unit_group_title", "ISCO08_unit_group_title", "INDEXOCC-natural_word_order",
)
_V12_COLUMNS = (
    "UNIQUE ID", "RECNO", "D", "SOC_90", "SOC_2000", "SOC_2010", "SOC_2020", "SOC_2020_ext", "INDEXOCC",
    "ADD", "IND", "SEE", "ISCO-08 code based on SOC2020", "VERSNO", "CHANGE", "SOC90_unit_group_title",
    "SOC2000_unit_group_title", "SOC2010_unit_group_title", "SOC2020_unit_group_title",
    "SOC2020_ext_SUG_title", "ISCO08_unit_group_title", "INDEXOCC_-_natural_word_order",
)


def _as_number(code: str):
    """ONS stores 4-digit codes as numbers."""
    return int(code) if code.isdigit() else code


def _index_cells(n: int, row: Mapping[str, str]) -> dict[str, object]:
    """All 22 coding-index cells of one entry, by (v13) header name."""
    code = row["soc2020"]
    if code == NO_CODE:
        ext, ext_title, c2010, t2010, isco, tisco, t2020 = "}}}}/}}", "}}}}/}}", NO_CODE, NO_CODE, NO_CODE, NO_CODE, NO_CODE
    else:
        ext, ext_title, c2010, t2010, isco, tisco = _CODES.get(code, (f"{code}/00", "", "", "", "", ""))
        t2020 = FIXTURE_UNIT_GROUPS.get(code, f"Unit group {code}")
    cells = {
        "UNIQUE ID": row.get("unique_id") or f"x{n // 26 + 1}{chr(97 + n % 26)}",
        "RECNO": n + 1,
        "D": row.get("default_flag", ""),
        "SOC_90": "}}}" if code == NO_CODE else None,
        "SOC_2000": NO_CODE if code == NO_CODE else None,
        "SOC_2010": _as_number(row.get("soc2010") or c2010),
        "SOC_2020": _as_number(code),
        "SOC_2020_ext": row.get("soc2020_ext") or ext,
        "INDEXOCC": row["indexocc"],
        "ADD": row.get("add", ""),
        "IND": row.get("ind", ""),
        "SEE": row.get("see", ""),
        "ISCO-08 code based on SOC2020": _as_number(row.get("isco08") or isco),
        "VERSNO": row.get("versno", ""),
        "CHANGE": "",
        "SOC2020_ext_SUG_title": row.get("soc2020_ext_title") or ext_title,
        "SOC90_unit_group_title": "}}}" if code == NO_CODE else None,
        "SOC2000_unit_group_title": NO_CODE if code == NO_CODE else None,
        "SOC2010_unit_group_title": row.get("soc2010_title") or t2010,
        "SOC2020_unit_group_title": row.get("soc2020_title") or t2020,
        "ISCO08_unit_group_title": row.get("isco08_title") or tisco,
        "INDEXOCC-natural_word_order": row.get("title") or natural_order(row["indexocc"]),
    }
    return {k: (None if v == "" else v) for k, v in cells.items()}


def _info(ws, version: int) -> None:
    ws["B2"] = f"Version {version} Of The Standard Occupational Classification 2020 Index"
    ws["B4"] = "This workbook contains six worksheets:"
    ws["B13"] = "Publication information"
    for v in range(1, version + 1):  # history lines must not be mistaken for the version
        ws.cell(row=13 + v, column=2, value=f"Version {v}: 1 January 20{19 + v}. Includes {v} new index entries")


def _file_spec(ws, version: int, n_rows: int) -> None:
    ws["B2"] = "SOC2020 CODING INDEX FILE SPECIFICATION"
    ws["B4"] = f"Version {version}: Standard Occupational Classification 2020 Index"
    ws["B6"] = f"Number of records in the SOC2020 coding index: {n_rows:,}"
    ws.append([None, None, "Field Name", "Type", "Range of values", "Description"])
    ws.append([None, None, "D", "Character", "O\nI \nA \nQ \nQS \nM", "Code indicating default entries."])


def _framework(ws, units: Mapping[str, str]) -> None:
    """A minimal `SOC2020 framework` sheet: header and unit-group rows (code -> title)."""
    ws.append(["Unique ID", "SOC2020\nMajor Group", "SOC2020\nSub-Major Group", "SOC2020\nMinor Group",
               "SOC2020 Unit Group", "SOC2020 Group Title", "Change", "VERSNO"])
    for code in sorted(units):
        ws.append([f"soc-{code}", None, None, None, int(code), units[code], None, None])


def _abbreviations(ws) -> None:
    ws.append(["Abbreviations for Occupation Coding"])
    ws.append(["Listed below are the abbreviations found in SOC2010 Volume 2 in alphabetical order"])
    ws.append(["Abbreviations marked with ‘*’ indicate thatthese are frequently found throughout the index"])
    ws.append(["Common abbreviations for government departments have been included for reference"])
    ws.append([])
    ws["A6"], ws["B6"] = "Abbreviation", "Meaning"
    for abbr, meaning in FIXTURE_ABBREVIATIONS:
        ws.append([abbr, meaning])


def write_coding_index(path: str | Path, version: int = 13, rows: Iterable[Mapping[str, str]] | None = None) -> Path:
    """Write a coding index in the v13 layout (version >= 13) or the v12 one (version <= 12).

    `rows`: dicts keyed like `CodingIndex.entries` (at least soc2020 and indexocc); default FIXTURE_ROWS.
    """
    rows = list(FIXTURE_ROWS if rows is None else rows)
    v13 = version >= 13
    wb = Workbook()
    wb.remove(wb.active)
    order = (["INFO", "FILE SPEC", "SOC2020 coding index", "SOC2020 framework", "ISCO-08 framework", "Abbreviations"]
             if v13 else
             ["Information", "FILE SPEC", "SOC2020 coding index", "Abbreviations", "SOC2020 framework", "ISCO-08 framework"])
    sheets = {name: wb.create_sheet(name) for name in order}
    _info(sheets[order[0]], version)
    _file_spec(sheets["FILE SPEC"], version, len(rows))
    columns = _V13_COLUMNS if v13 else _V12_COLUMNS
    index = sheets["SOC2020 coding index"]
    index.append(list(columns))
    for n, row in enumerate(rows):
        cells = _index_cells(n, row)
        index.append([cells[c.replace("INDEXOCC_-_", "INDEXOCC-")] for c in columns])
    codes = {r["soc2020"] for r in rows if r["soc2020"] != NO_CODE}
    _framework(sheets["SOC2020 framework"], {c: FIXTURE_UNIT_GROUPS.get(c, f"Unit group {c}") for c in codes})
    sheets["ISCO-08 framework"]["B1"] = "Source: International Labour Organization"
    _abbreviations(sheets["Abbreviations"])
    path = Path(path)
    wb.save(path)
    return path


# -------------------------------------------------------------------- volume 1

_VOLUME1_HEADER = (
    "SOC\n2020 Major Group", "SOC\n2020 Sub-Major Group", "SOC\n2020 Minor Group", "SOC 2020 Unit Group",
    "SOC\n2020 \nGroup Title", "Groups Classified Within Sub-Groups ", "Group  Description",
    "Typical Entry Routes And Associated Qualifications", "Tasks", "Related Job Titles",
)
BLANK = "<blank>"

FIXTURE_TASKS: dict[str, tuple[str, ...]] = {
    "2134": ("designs and writes code for software applications", "tests, debugs and documents programs",
             "reviews requirements with users and analysts"),
    "2237": ("assesses patients and plans nursing care", "administers medicines and treatments",
             "keeps patient records and advises families"),
    "5423": ("sets up and runs folding, stitching and cutting machines", "binds books by hand or machine",
             "checks printed work for finishing faults"),
    "5434": ("plans menus and orders ingredients", "prepares and cooks dishes to standard",
             "supervises kitchen staff and food hygiene"),
    "5442": ("makes and repairs furniture from wood", "shapes, joins and finishes timber parts",
             "applies stains, polishes and lacquers"),
    "7111": ("serves customers and gives advice on goods", "handles payments and refunds",
             "replenishes and arranges stock on the shop floor"),
    "8214": ("loads vehicles and plans delivery routes", "drives vans or rides bicycles to deliver goods",
             "obtains signatures and records deliveries"),
    "9263": ("washes dishes, pans and kitchen equipment", "prepares vegetables and simple foods",
             "cleans kitchen and serving areas"),
}


def _tilde(items: Iterable[str]) -> str:
    return "\n\n".join(f"~{item}" for item in items) or BLANK


def _unit_spec(code: str, spec: str | Mapping | None) -> dict:
    """Defaults for one unit group, overridden by a title string or a dict of fields."""
    spec = {"title": spec} if isinstance(spec, str) else dict(spec or {})
    title = spec.get("title") or FIXTURE_UNIT_GROUPS.get(code, f"Unit group {code}")
    titles = [e["title"] for e in FIXTURE_ENTRIES if e["soc2020"] == code][:5]
    return {
        "title": title,
        "description": spec.get("description", f"Workers in this unit group are {title.lower()}."),
        "entry_routes": spec.get("entry_routes", "There are no formal academic entry requirements."),
        "tasks": spec.get("tasks", FIXTURE_TASKS.get(code, (f"performs the work of {title.lower()}",))),
        "related_titles": spec.get("related_titles", titles or [title]),
    }


def _save_with_modified(wb: Workbook, path: Path, modified: datetime) -> None:
    """openpyxl's save() stamps `modified` with now; write through ExcelWriter to keep ours."""
    wb.properties.modified = modified
    ExcelWriter(wb, ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)).save()


def write_volume1(path: str | Path, modified: datetime = datetime(2025, 4, 7, 11, 16, 45),
                  unit_groups: Mapping[str, str | Mapping] | None = None) -> Path:
    """Write a Volume 1 workbook (sheet `SOC2020 descriptions`) whose `modified` property is `modified`.

    `unit_groups`: code -> title, or code -> dict(title, description, entry_routes, tasks, related_titles);
    default FIXTURE_UNIT_GROUPS with invented texts.
    """
    units = {code: _unit_spec(code, spec)
             for code, spec in (unit_groups if unit_groups is not None else FIXTURE_UNIT_GROUPS).items()}
    wb = Workbook()
    ws = wb.active
    ws.title = "SOC2020 descriptions"
    ws.append(list(_VOLUME1_HEADER))
    done: set[str] = set()
    for code in sorted(units):
        for level, prefix in enumerate((code[:1], code[:2], code[:3])):
            if prefix in done:
                continue
            done.add(prefix)
            codes = [BLANK] * 4
            codes[level] = int(prefix)
            title = HIGHER_GROUPS.get(prefix, f"Group {prefix}")
            children = "\n".join(f"{c} {units[c]['title']}" for c in sorted(units) if c.startswith(prefix))
            ws.append(codes + [title, f"Occupations in this group are classified into the following groups:\n\n{children}",
                               f"Jobholders in this group work as {title.lower()}.", BLANK, BLANK, BLANK])
        u = units[code]
        ws.append([BLANK, BLANK, BLANK, int(code), u["title"], BLANK, u["description"], u["entry_routes"],
                   _tilde(u["tasks"]), _tilde(u["related_titles"]) + "\n\n"])  # ONS leaves trailing blank lines
    framework = wb.create_sheet("SOC2020 Framework")
    _framework(framework, {code: u["title"] for code, u in units.items()})
    path = Path(path)
    _save_with_modified(wb, path, modified)
    return path


# -------------------------------------------------------------------- a whole data dir

# deliberately misleading names: the v12 index and the older Volume 1 carry the newest-looking dates
FIXTURE_FILES = {
    "index_v13": "soc2020volume2thecodingindexexcel01012020.xlsx",
    "index_v12": "soc2020volume2thecodingindexexcel31122099.xlsx",
    "volume1_new": "soc2020volume1structureanddescriptionofunitgroupsexcel01012020.xlsx",
    "volume1_old": "soc2020volume1structureanddescriptionofunitgroupsexcel31122099.xlsx",
}
VOLUME1_DATES = {"volume1_new": datetime(2025, 4, 7, 11, 16, 45), "volume1_old": datetime(2024, 10, 7, 11, 54, 47)}


def write_fixture_dir(directory: str | Path) -> dict[str, Path]:
    """v13 and v12 indexes and two Volume 1 releases in `directory`; returns FIXTURE_FILES keys -> paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {key: directory / name for key, name in FIXTURE_FILES.items()}
    write_coding_index(paths["index_v13"], version=13)
    write_coding_index(paths["index_v12"], version=12)
    for key, when in VOLUME1_DATES.items():
        write_volume1(paths[key], modified=when)
    return paths

"""The classification document a model carries (model.classification): Volume 1's hierarchy and descriptions with
the coding index's entries, sub-unit groups and SOC 2010 / ISCO-08 links, counted by the entries that support them."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from model.classification import FORMAT_VERSION, Classification

from .examples import strip_list_marker
from .ons_readers import CodingIndex, Volume1

_CODE = re.compile(r"\d{4}")
_SUB_UNIT_CODE = re.compile(r"\d{4}/\d{2}")


def _links(entries: pd.DataFrame, code_column: str, title_column: str, pattern: re.Pattern = _CODE) -> list[dict]:
    """Codes of one scheme among a unit group's entries, most supported first, each with its commonest title."""
    counts = Counter(c for c in entries[code_column] if pattern.fullmatch(c))
    titles = {code: Counter(entries.loc[entries[code_column] == code, title_column]).most_common(1)[0][0] for code in counts}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"code": code, "title": titles[code], "index_entries": n} for code, n in ordered]


def classification_document(index: CodingIndex, volume1: Volume1) -> dict:
    """Everything `soc-coder search` and `describe` show, as one JSON-ready document."""
    entries = index.entries
    by_code = dict(tuple(entries.groupby("soc2020", sort=False)))
    empty = entries.iloc[:0]
    unit_groups = {}
    for unit in volume1.unit_groups.itertuples(index=False):
        own = by_code.get(unit.code, empty)
        unit_groups[unit.code] = {
            "title": unit.title,
            "description": unit.description,
            "entry_routes": unit.entry_routes,
            "tasks": [strip_list_marker(t) for t in unit.tasks],
            "related_titles": [strip_list_marker(t) for t in unit.related_titles],
            "index_entries": int(len(own)),
            "sub_unit_groups": sorted(_links(own, "soc2020_ext", "soc2020_ext_title", _SUB_UNIT_CODE), key=lambda s: s["code"]),
            "soc2010": _links(own, "soc2010", "soc2010_title"),
            "isco08": _links(own, "isco08", "isco08_title"),
        }
    # an entry's sub-unit group holds its unit group (NNNN/NN); an entry without one keeps its unit group as NNNN
    sub_units = [ext if _SUB_UNIT_CODE.fullmatch(ext) else code for ext, code in zip(entries["soc2020_ext"], entries["soc2020"])]
    return {
        "format_version": FORMAT_VERSION,
        "coding_index_version": index.version,
        "volume1_version": volume1.version,
        "groups": volume1.groups[["code", "level", "title", "description"]].to_dict(orient="records"),
        "unit_groups": unit_groups,
        "index_entries": {
            "title": entries["title"].tolist(),
            "add": entries["add"].tolist(),
            "ind": entries["ind"].tolist(),
            "sub_unit_group": sub_units,
        },
    }


def build_classification(index: CodingIndex, volume1: Volume1) -> Classification:
    return Classification(classification_document(index, volume1))

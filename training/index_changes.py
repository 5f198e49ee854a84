"""What changed in the coding index since the model a new one replaces: entries added, removed, recoded.

ONS keeps an entry's UNIQUE ID across releases (v12 -> v13: 183 added, 2 removed, 5 recoded, 40 reworded), so
when the replaced model's index workbook is at hand the two are compared by UNIQUE ID. Otherwise the replaced
model's own list of index entries (index_entries.json: code, title and qualifiers, no id) is compared with the
new index by title and qualifiers: an entry is then 'recoded' when the same title and qualifiers carry other
codes, and a reworded entry shows as one removed and one added.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from model.artifact import MANIFEST, read_model_dir, sha256_of
from model.text import normalise_title

from .ons_readers import CodingIndex, read_coding_index

BY_UNIQUE_ID = "UNIQUE ID"
BY_TEXT = "title and qualifiers"
MAX_LISTED = 200  # entries listed per kind in the summary; the counts are always complete
_FIELDS = ["code", "title", "add", "ind"]


def entries_of_index(index: CodingIndex) -> pd.DataFrame:
    """unique_id, code, title, add, ind of a coding index's coded entries."""
    entries = index.entries.rename(columns={"soc2020": "code"})
    return entries[["unique_id", *_FIELDS]].astype(str)


def entries_of_model(model_dir: str | Path) -> pd.DataFrame:
    """code, title, add, ind of the index entries a saved model keeps (no unique id)."""
    _, documents, _ = read_model_dir(Path(model_dir))
    return pd.DataFrame(documents["index_entries"], columns=_FIELDS).fillna("").astype(str)


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.head(MAX_LISTED).to_dict("records")


def compare_entries(old: pd.DataFrame, new: pd.DataFrame) -> dict:
    """Counts and lists of added, removed and recoded (and, by UNIQUE ID, reworded) entries from `old` to `new`."""
    if "unique_id" in old.columns and "unique_id" in new.columns:
        before, after = old.set_index("unique_id"), new.set_index("unique_id")
        common = before.index.intersection(after.index)
        recoded = common[(before.loc[common, "code"] != after.loc[common, "code"]).to_numpy()]
        text = ["title", "add", "ind"]
        reworded = common[(before.loc[common, text] != after.loc[common, text]).any(axis=1).to_numpy()]
        added, removed = after.loc[after.index.difference(before.index)], before.loc[before.index.difference(after.index)]
        recoded_rows = after.loc[recoded].assign(old_code=before.loc[recoded, "code"])
        reworded_rows = after.loc[reworded].assign(old_title=before.loc[reworded, "title"], old_add=before.loc[reworded, "add"],
                                                   old_ind=before.loc[reworded, "ind"])
        lists = {name: _records(frame.reset_index()) for name, frame in
                 (("added", added), ("removed", removed), ("recoded", recoded_rows), ("reworded", reworded_rows))}
        return {"matched_by": BY_UNIQUE_ID, **{name: len(frame) for name, frame in
                (("added", added), ("removed", removed), ("recoded", recoded_rows), ("reworded", reworded_rows))},
                "entries": lists}

    def codes_by_key(frame: pd.DataFrame) -> pd.DataFrame:
        keyed = frame.assign(key=[" | ".join(normalise_title(v) for v in values)
                                  for values in zip(frame["title"], frame["add"], frame["ind"])])
        grouped = keyed.groupby("key", sort=True)
        return pd.DataFrame({"title": grouped["title"].first(), "add": grouped["add"].first(), "ind": grouped["ind"].first(),
                             "codes": grouped["code"].agg(lambda codes: ";".join(sorted(set(codes))))})

    before, after = codes_by_key(old), codes_by_key(new)
    common = before.index.intersection(after.index)
    changed = common[(before.loc[common, "codes"] != after.loc[common, "codes"]).to_numpy()]
    added, removed = after.loc[after.index.difference(before.index)], before.loc[before.index.difference(after.index)]
    recoded = after.loc[changed].assign(old_codes=before.loc[changed, "codes"])
    lists = {name: _records(frame.reset_index(drop=True)) for name, frame in
             (("added", added), ("removed", removed), ("recoded", recoded))}
    return {"matched_by": BY_TEXT, "added": len(added), "removed": len(removed), "recoded": len(recoded), "reworded": None,
            "entries": lists}


def find_index_file(data_dir: Path, file_name: str | None, sha256: str | None) -> Path | None:
    """The workbook in `data_dir` with this sha256 (its old file name tried first), else None."""
    if not sha256 or not data_dir.is_dir():
        return None
    named = data_dir / file_name if file_name else None
    candidates = ([named] if named and named.is_file() else []) + sorted(p for p in data_dir.glob("*.xlsx") if p != named)
    return next((path for path in candidates if sha256_of(path) == sha256), None)


def changes_since(previous_dir: Path, previous_label: str, index: CodingIndex) -> dict:
    """The summary of what changed from the index of the model in `previous_dir` to `index`."""
    import json

    manifest = json.loads((Path(previous_dir) / MANIFEST).read_text(encoding="utf-8"))
    summary = {
        "replaces": previous_label,
        "from_version": str(manifest.get("coding_index_version", "?")),
        "from_file": manifest.get("coding_index_file"),
        "to_version": str(index.version),
        "to_file": index.path.name,
        "same_index": manifest.get("coding_index_sha256") == index.sha256,
    }
    if summary["same_index"]:
        return {**summary, "matched_by": "sha256", "added": 0, "removed": 0, "recoded": 0, "reworded": 0, "entries": {}}
    old_file = find_index_file(index.path.parent, manifest.get("coding_index_file"), manifest.get("coding_index_sha256"))
    if old_file is not None:
        old = entries_of_index(read_coding_index(old_file))
    else:
        old = entries_of_model(previous_dir)
    new = entries_of_index(index)
    if "unique_id" not in old.columns:
        new = new.drop(columns="unique_id")
    return {**summary, **compare_entries(old, new)}


def describe_changes(changes: dict | None) -> str:
    """One line for the console and the model card."""
    if not changes:
        return "no earlier model to compare the coding index with"
    head = f"coding index v{changes['from_version']} ({changes['replaces']}) -> v{changes['to_version']}"
    if changes["same_index"]:
        return f"{head}: the same index file, nothing changed"
    parts = [f"{changes['added']} entries added", f"{changes['removed']} removed", f"{changes['recoded']} recoded"]
    if changes.get("reworded") is not None:
        parts.append(f"{changes['reworded']} reworded")
    return f"{head}: {', '.join(parts)} (matched by {changes['matched_by']})"

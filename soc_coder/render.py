"""Readable terminal output of `soc-coder search` and `soc-coder describe` (rich tables; --json gives the data)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from model.classification import LEVEL_NAMES


class _Table(Table):
    """A table whose cells are shown as written: "[add: mathematics]" is index text, not rich markup."""

    def add_row(self, *cells: str) -> None:
        super().add_row(*(escape(str(cell)) for cell in cells))


def _table(*columns: str) -> Table:
    table = _Table(show_lines=False, expand=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _print_table(console: Console, heading: str, table: Table) -> None:
    console.print(f"\n[bold]{escape(heading)}[/bold]", highlight=False)
    console.print(table)


def print_search(found: dict, console: Console) -> None:
    groups = _table("code", "title", "match", "score", "matched")
    for hit in found["unit_groups"]:
        matched = "\n".join(f"{m['text']} ({m['field']})" for m in hit["matches"])
        groups.add_row(hit["code"], hit["title"], hit["match"], f"{hit['score']:.2f}", matched)
    entries = _table("sub-unit", "title", "add", "ind", "unit group", "match")
    for hit in found["index_entries"]:
        entries.add_row(hit["sub_unit_group"], hit["title"], hit["add"], hit["ind"], hit["unit_group_title"], hit["match"])
    if not found["unit_groups"] and not found["index_entries"]:
        console.print(f"nothing matches {found['query']!r}")
        return
    _print_table(console, f"Unit groups matching {found['query']!r}", groups)
    _print_table(console, f"Coding-index entries matching {found['query']!r}", entries)


def _links(links: list[dict]) -> Table:
    table = _table("code", "title", "index entries")
    for link in links:
        table.add_row(link["code"], link["title"], str(link["index_entries"]))
    return table


def print_description(group: dict, console: Console) -> None:
    console.print(f"[bold]{escape(group['code'])}  {escape(group['title'])}[/bold] ({LEVEL_NAMES.get(group['level'], group['level'])})",
                  highlight=False)
    if group["hierarchy"]:
        console.print("  " + " > ".join(f"{g['code']} {g['title']}" for g in group["hierarchy"]), markup=False, highlight=False)
    for heading, key in (("Description", "description"), ("Typical entry routes and qualifications", "entry_routes")):
        if group.get(key):
            console.print(f"\n[bold]{heading}[/bold]")
            console.print(group[key], markup=False, highlight=False)
    for heading, key in (("Tasks", "tasks"), ("Related job titles", "related_titles")):
        if group.get(key):
            console.print(f"\n[bold]{heading}[/bold]")
            for item in group[key]:
                console.print(f"  - {item}", markup=False, highlight=False)
    if group["level"] != "unit":
        children = _table("code", "level", "title")
        for child in group.get("groups", []):
            children.add_row(child["code"], LEVEL_NAMES.get(child["level"], child["level"]), child["title"])
        _print_table(console, "Groups within it", children)
        return
    _print_table(console, f"Sub-unit groups ({group['index_entries']} coding-index entries in all)", _links(group["sub_unit_groups"]))
    _print_table(console, "SOC 2010 unit groups of its index entries", _links(group["soc2010"]))
    _print_table(console, "ISCO-08 unit groups of its index entries", _links(group["isco08"]))

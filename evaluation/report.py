"""Writing an evaluation out: report.md for a methodologist, evaluation.json with every figure, and the PNGs."""

from __future__ import annotations

import json
import math
from pathlib import Path

from .metrics import LEVELS, TARGET_AGREEMENTS
from .plots import coverage_plot, reliability_plot

REPORT = "report.md"
FIGURES = "evaluation.json"

DEFINITIONS = """\
## Definitions

- **Rows.** *Codable rows* are rows marked `codable = yes` that have a gold code: the headline. *All rows* are every
  row with at least one gold code. Rows with no gold code (whose right answer is a status, as in cases.csv) count
  only in the status figures.
- **Top-k agreement.** A row agrees when any of the coder's k best unit groups is one of its acceptable gold codes.
  At minor, sub-major and major group level the 3-, 2- and 1-digit prefixes of the k best unit groups are compared
  with those of the gold codes. A row the coder gives no code counts as not agreeing.
- **Confidence and auto-coding.** Every coder gives each row a ranking of up to five unit groups, a confidence in
  [0, 1] and whether it offers a code at all. soc-coder: confidence is the softmax probability of its first code;
  it offers a code when its status is `coded` or `referred` (not `uncodable` or `not_in_employment`), and at its
  own threshold it auto-codes the `coded` rows. Peers: confidence is their own score (cosine similarity; 1.0 for
  an exact index hit); a peer that gives no code offers nothing.
- **Coverage–accuracy.** At a threshold t, the rows offered a code with confidence >= t are auto-coded;
  coverage = auto-coded rows / all rows in the set; agreement = top-1 agreement on the auto-coded rows. *Coverage at
  X%* is the largest coverage whose auto-coded rows agree at >= X%, with the threshold that gives it (0 when no
  threshold reaches X%). Thresholds here are read off the benchmark itself, so they are optimistic for that file.
- **Operating point.** The coder's own decision (soc-coder: status `coded`), with the share it auto-codes and
  the agreement of those rows.
- **Status.** For rows whose gold status is `not_in_employment` or `uncodable`, or `codable = no`: the share the
  coder did not auto-code (left for a person or given a status) — higher is better.
- **Calibration.** Expected calibration error over 10 equal-width confidence bins among offered rows:
  sum over bins of (rows in bin / rows) × |agreement − mean confidence|. Peers' scores are similarities, not
  probabilities, so their ECE says how far the score is from a probability, not how good the peer is.
- **Intervals.** 95% percentile bootstrap intervals (rows resampled with replacement) of the headline figures.
"""


def _pct(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * value:.{digits}f}%"


def _interval(bounds) -> str:
    if not bounds or any(b is None or math.isnan(b) for b in bounds):
        return ""
    return f" ({100 * bounds[0]:.0f}–{100 * bounds[1]:.0f})"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def summary_table(evaluation: dict) -> str:
    """The closing-note table: each coder on the codable rows of each benchmark."""
    rows = []
    for name, bench in evaluation["benchmarks"].items():
        for coder, figures in bench["coders"].items():
            codable = figures["codable"]
            agreement = codable["agreement"]
            coverage = {round(c["target"] * 100): c["coverage"] for c in codable["coverage_at_agreement"]}
            rows.append([name, coder, codable["rows"], _pct(agreement["unit_group"]["top1"]), _pct(agreement["unit_group"]["top5"]),
                         _pct(agreement["major_group"]["top1"]), _pct(coverage[95]), _pct(coverage[97])])
    return markdown_table(["benchmark", "coder", "codable rows", "top-1 unit group", "top-5 unit group", "top-1 major group",
                   "coverage at 95%", "coverage at 97%"], rows)


SCHEME_NAMES = {"soc2010": "SOC 2010", "isco08": "ISCO-08", "soc2020_ext": "SOC 2020 extension (6-digit)"}


def scheme_section(schemes: dict) -> str:
    """The held-out entries' codes in the other schemes, chosen within the unit group soc-coder gave them."""
    rows = [[SCHEME_NAMES.get(scheme, scheme), f["entries"], _pct(f["top1"]), f["entries_unit_right"], _pct(f["top1_given_unit"]),
             _pct(f["commonest_code_given_unit"])] for scheme, f in schemes.items()]
    return "\n\n".join([
        "## Other schemes: SOC 2010, ISCO-08 and SOC 2020 extension codes",
        "Each held-out entry's code in the scheme, chosen by model.schemes within the unit group soc-coder ranked first, "
        "against the entry's own code in the coding index. *Given unit group right*: on the entries whose unit group was "
        "right; *commonest code*: how often the most common code of the entry's unit group in the index would be right there.",
        markdown_table(["scheme", "entries", "top-1", "unit group right", "top-1 given unit group right",
                        "commonest code given unit group right"], rows),
    ])


def _benchmark_section(name: str, bench: dict, images: dict[str, str], titles: dict[str, str]) -> str:
    coders = bench["coders"]
    parts = [f"## {name}", f"`{bench['file']}` — {bench['rows']} rows (sha256 `{bench['sha256'][:12]}…`)."]

    parts.append("### Headline: codable rows (95% bootstrap intervals in brackets)")
    rows = []
    for coder, f in coders.items():
        c, iv = f["codable"], f["codable"]["intervals"]
        coverage = {round(x["target"] * 100): x for x in c["coverage_at_agreement"]}
        rows.append([coder, c["rows"],
                     _pct(c["agreement"]["unit_group"]["top1"]) + _interval(iv["unit_group_top1"]),
                     _pct(c["agreement"]["unit_group"]["top5"]) + _interval(iv["unit_group_top5"]),
                     _pct(c["agreement"]["major_group"]["top1"]) + _interval(iv["major_group_top1"]),
                     _pct(coverage[95]["coverage"]) + _interval(iv["coverage_at_95"]),
                     _pct(coverage[97]["coverage"]) + _interval(iv["coverage_at_97"])])
    parts.append(markdown_table(["coder", "rows", "top-1 unit group", "top-5 unit group", "top-1 major group", "coverage at 95%", "coverage at 97%"], rows))

    for subset, label in (("codable", "codable rows"), ("all", "all rows")):
        parts.append(f"### Top-k agreement by level: {label}")
        rows = []
        for coder, f in coders.items():
            a = f[subset]["agreement"]
            for level in LEVELS:
                rows.append([coder if level == "unit_group" else "", f[subset]["rows"] if level == "unit_group" else "",
                             level.replace("_", " ").replace("sub major", "sub-major")] + [_pct(a[level][f"top{k}"]) for k in (1, 3, 5)])
        parts.append(markdown_table(["coder", "rows", "level", "top-1", "top-3", "top-5"], rows))

    for subset, label in (("codable", "codable rows"), ("all", "all rows")):
        parts.append(f"### Coverage at target agreement and operating point: {label}")
        rows = []
        for coder, f in coders.items():
            cells = [coder]
            for point in f[subset]["coverage_at_agreement"]:
                if point["threshold"] is None:
                    cells.append("0% (not reached)")
                else:
                    cells.append(f"{_pct(point['coverage'])} at ≥ {point['threshold']:.3f}")
            op = f[subset]["operating_point"]
            cells += [_pct(op["coverage"]), _pct(op["agreement"])]
            rows.append(cells)
        header = ["coder"] + [f"coverage at {round(100 * t)}% (threshold)" for t in TARGET_AGREEMENTS] + ["own rule: auto-coded", "own rule: agreement"]
        parts.append(markdown_table(header, rows))
    parts.append(f"![coverage–accuracy curves]({images['coverage']})")

    status_rows = []
    for coder, f in coders.items():
        s = f["status"]
        if not s["rows"]:
            continue
        cells = [coder, s["rows"], _pct(s["not_auto_coded"])]
        for reason in ("not_in_employment", "uncodable", "codable_no"):
            r = s["by_reason"][reason]
            text = f"{_pct(r['not_auto_coded'])} of {r['rows']}" if r["rows"] else "–"
            if "same_status" in r and r["rows"] and coder == bench["model_coder"]:
                text += f" ({_pct(r['same_status'])} given this status)"
            cells.append(text)
        status_rows.append(cells)
    if status_rows:
        parts.append("### Rows that should not be auto-coded: share not auto-coded")
        parts.append(markdown_table(["coder", "rows", "all such rows", "gold not_in_employment", "gold uncodable", "codable = no"], status_rows))

    parts.append("### Calibration (offered codable rows)")
    parts.append(markdown_table(["coder", "ECE", "offered rows"], [
        [coder, f"{f['codable']['calibration']['ece']:.3f}" if not math.isnan(f["codable"]["calibration"]["ece"]) else "–",
         sum(b["rows"] for b in f["codable"]["calibration"]["bins"])] for coder, f in coders.items()]))
    if "reliability" in images:
        parts.append(f"![reliability diagram]({images['reliability']})")

    ours = coders.get(bench["model_coder"])
    if ours:
        parts.append(f"### {bench['model_coder']}: top-1 agreement by major group of the preferred gold code (codable rows)")
        parts.append(markdown_table(["major group", "title", "rows", "unit group top-1", "major group top-1"], [
            [r["major_group"], titles.get(r["major_group"], ""), r["rows"], _pct(r["unit_group_top1"]), _pct(r["major_group_top1"])]
            for r in ours["codable"]["per_major_group"]]))
        parts.append(f"### {bench['model_coder']}: most frequent confusions (codable rows)")
        confusions = ours["codable"]["confusions"]
        parts.append(markdown_table(["gold (preferred)", "first code given", "rows"], [
            [f"{r['gold']} {titles.get(r['gold'], '')}", f"{r['predicted']} {titles.get(r['predicted'], '')}", r["rows"]] for r in confusions])
            if confusions else "None.")
    return "\n\n".join(parts)


def write_report(evaluation: dict, output_dir: str | Path, titles: dict[str, str] | None = None) -> Path:
    """Write report.md, evaluation.json and the PNGs into output_dir; returns the report path."""
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    titles = titles or {}
    sections = []
    for name, bench in evaluation["benchmarks"].items():
        images = {"coverage": f"coverage-{_slug(name)}.png"}
        curves = {coder: f["codable"]["curve"] for coder, f in bench["coders"].items()}
        coverage_plot(curves, f"{name}: coverage–accuracy, codable rows", output / images["coverage"])
        ours = bench["coders"].get(bench["model_coder"])
        if ours:
            images["reliability"] = f"reliability-{_slug(name)}.png"
            cal = ours["codable"]["calibration"]
            reliability_plot(cal["bins"], cal["ece"], f"{name}: {bench['model_coder']} reliability", output / images["reliability"])
        bench["images"] = images
        sections.append(_benchmark_section(name, bench, images, titles))

    model = evaluation["model"]
    head = [
        "# soc-coder evaluation",
        f"Run {evaluation['created_at']}" + (f" with `{evaluation['command']}`" if evaluation.get("command") else "") + ".",
        markdown_table(["", ""], [
            ["model", f"`{model['directory']}`"],
            ["model manifest sha256", f"`{model['manifest_sha256']}`"],
            ["trained on", f"coding index v{model.get('coding_index_version', '?')} ({model.get('coding_index_file', '?')}), "
                           f"Volume 1 of {model.get('volume1_version', '?')}; {model.get('trained_at', '')}"],
            ["auto-code threshold", f"{model['auto_code_threshold']:.4f}"],
            ["peers' coding index", evaluation.get("peer_index", "–")],
        ]),
        "## Coders",
        "\n".join(f"- **{name}**: {text}" for name, text in evaluation["coders"].items()),
    ]
    if evaluation.get("skipped"):
        head.append("Not run: " + "; ".join(f"**{name}** — {why}" for name, why in evaluation["skipped"].items()) + ".")
    head += ["## Summary: codable rows", summary_table(evaluation)]
    if evaluation.get("holdout", {}).get("schemes"):
        head.append(scheme_section(evaluation["holdout"]["schemes"]))
    head.append(DEFINITIONS.strip())
    report = output / REPORT
    report.write_text("\n\n".join(head + sections) + "\n", encoding="utf-8")
    (output / FIGURES).write_text(json.dumps(evaluation, indent=1, ensure_ascii=False, default=_json_default), encoding="utf-8")
    return report


def _json_default(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")

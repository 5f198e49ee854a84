"""The model card: what a trained model was trained on, how it measured, what it is for and where it falls short.

Written into the model directory as model_card.md (documentation beside the checksummed files, so it travels with
the logged model) and logged with the training run.
"""

from __future__ import annotations

from .index_changes import describe_changes

MODEL_CARD = "model_card.md"
# the benchmark figures (names as evaluation.tracking.flat_metrics gives them) a card and `models list` show
BENCHMARK_HEADLINES = ("unit_group_top1", "unit_group_top5", "major_group_top1", "coverage_at_97", "auto_coded_share",
                       "auto_coded_agreement")

INTENDED_USE = """\
Coding free-text answers to the UK Standard Occupational Classification 2020 at unit-group (4-digit) level, with the
same answer's SOC 2010, ISCO-08 and SOC 2020 extension (6-digit) codes: a job title, what the person does and their
employer's industry, as collected by UK surveys and administrative forms.
Answers at or above the auto-coding threshold get status `coded`; the rest are `referred` to a person with the
top five candidates, or given `uncodable` / `not_in_employment`. Meant for statistical production with clerical
coders reviewing what is referred, and for research coding where a top-5 short list is useful."""

KNOWN_LIMITS = """\
- The hold-out figures are agreement on held-out coding-index titles, not on real survey answers: real answers
  are shorter, noisier and vaguer. Judge a model on a manually coded benchmark of your own answers
  (`soc-coder evaluate`), never on the hold-out alone.
- The confidence calibrator and the auto-coding threshold (for 97% agreement) are fitted on held-out index
  entries answered as unseen and as known titles, mixed one to one; on the dev benchmarks the threshold has been
  conservative (about 70-75% of answers auto-coded at 99-100% agreement). Check the auto-coded share and its
  agreement on a benchmark of your own answers before relying on it.
- SOC 2010, ISCO-08 and SOC 2020 extension (6-digit) codes are chosen within the SOC 2020 unit group, among the
  codes the coding index pairs with it, by heads trained on the index alone: an answer whose unit group is wrong
  gets wrong codes in every scheme, and a sub-group the answer does not name (a teacher of which subject?) falls
  to the head's best guess, often the group's n.e.c. code. Their confidence is the unit group's times the head's
  probability within the group; it has not been checked against manually dual-coded answers.
- English-language UK answers; the encoder saw little Welsh or other languages.
- Extra coded data changes the softmax head only; explanations, the nearest index entries and the title lookup
  come from the ONS coding index alone. Extra data inherits the biases and errors of whoever coded it.
- Answers about several jobs, or with too little detail ("manager", "engineer"), are coded to one unit group or
  left uncodable; a vague title is never auto-coded. Made-up titles with no index match ("head of first
  impressions") rely on the description, which the encoder reads poorly."""


def _metric_rows(metrics: dict, names: list[str]) -> list[str]:
    return [f"| {name} | {metrics[name]:.4g} |" for name in names if name in metrics]


def model_card(metadata: dict, metrics: dict, changes: dict | None = None, benchmark_metrics: dict | None = None) -> str:
    """Markdown model card from the saved model's metadata and the run's metrics."""
    config = metadata.get("training_config", {})
    extra = metadata.get("extra_data")
    lines = [
        "# soc-coder model card",
        "",
        f"Model: embedding ({metadata.get('encoder', '?')}) + softmax head over SOC 2020 unit groups, blended with the "
        f"nearest coding-index entries. Trained {metadata.get('trained_at', '?')}.",
        "",
        "## Training data",
        "",
        "| source | version | file | sha256 |",
        "|---|---|---|---|",
        f"| ONS SOC 2020 Volume 2, coding index | {metadata.get('coding_index_version', '?')} | {metadata.get('coding_index_file', '?')} | "
        f"`{metadata.get('coding_index_sha256', '?')}` |",
        f"| ONS SOC 2020 Volume 1, unit groups | {metadata.get('volume1_version', '?')} | {metadata.get('volume1_file', '?')} | "
        f"`{metadata.get('volume1_sha256', '?')}` |",
    ]
    if extra:
        lines.append(f"| extra coded answers ({extra['extra_rows']} rows, {extra['extra_unit_groups']} unit groups, "
                     f"weight {extra['extra_weight']:g}) | – | {extra['extra_file']} | `{extra['extra_sha256']}` |")
    lines += [
        "",
        f"{metadata.get('n_training_examples', '?')} training examples. ONS data: Office for National Statistics, Open "
        "Government Licence v3.0.",
        "",
        f"Changes since the model it replaces: {describe_changes(changes)}.",
        "",
        "## Parameters",
        "",
        "| parameter | value |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in config.items()],
        "",
        "## Metrics",
        "",
        f"Held-out coding-index titles ({int(metrics.get('holdout_rows', 0))} entries, grouped by title so no variant of a "
        "held-out title is trained on):",
        "",
        "| metric | value |",
        "|---|---|",
        *_metric_rows(metrics, ["holdout_top1", "holdout_top5", "holdout_major_top1", "auto_code_threshold",
                                "holdout_known_title_top1", "holdout_known_title_auto_coded_share",
                                "holdout_known_title_auto_coded_agreement", "holdout_unseen_title_top1",
                                "holdout_unseen_title_auto_coded_share", "holdout_unseen_title_auto_coded_agreement",
                                "holdout_calibration_brier", "holdout_soc2010_top1", "holdout_soc2010_top1_given_unit",
                                "holdout_isco08_top1", "holdout_isco08_top1_given_unit", "holdout_soc2020_ext_top1",
                                "holdout_soc2020_ext_top1_given_unit", "train_seconds", "scheme_fit_seconds"]),
    ]
    if benchmark_metrics:
        lines += ["", "Benchmarks given to the run (codable rows):", "", "| metric | value |", "|---|---|",
                  *[f"| {name} | {value:.4g} |" for name, value in sorted(benchmark_metrics.items())
                    if "/codable/" in name and name.rsplit("/", 1)[-1] in BENCHMARK_HEADLINES]]
    else:
        lines += ["", "No benchmark was given to this run: compare it with `soc-coder models compare A B --benchmark FILE`."]
    lines += ["", "## Intended use", "", INTENDED_USE, "", "## Known limits", "", KNOWN_LIMITS, ""]
    return "\n".join(lines)

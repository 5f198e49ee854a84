"""A SYNTHETIC extra training file made from the coding index, to exercise `soc-coder train --extra` (not run in CI).

    SOC_DATA_DIR=../shared/data .venv/bin/python scripts/synthetic_extra.py --rows 10000 --output /tmp/synthetic-extra.csv

There is no office-coded data here, so this stands in for it: noisy variants of coding-index titles (lower or
upper case, a typo, short forms such as mgr/asst/snr, the index's inverted word order, a plural), each with its
entry's IND qualifier as the industry and the entry's code as `gold_codes`. Only entries on the training side of
the hold-out split that `soc-coder train` makes with the same --seed and --holdout-fraction are used (the split
is training.train.held_out_rows), so no variant of a held-out title is trained on and the run's index hold-out
stays honest. What such a file does to the hold-out says nothing about real answers, and it is never a benchmark
gain. The output is derived from the ONS coding index (Open Government Licence v3.0): keep it out of the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from training.examples import INDEX, index_examples  # noqa: E402
from training.ons_readers import load_sources  # noqa: E402
from training.train import TrainingConfig, held_out_rows  # noqa: E402

SHORT_FORMS = {
    "assistant": "asst", "manager": "mgr", "senior": "snr", "engineer": "eng", "technician": "tech", "supervisor": "supvr",
    "department": "dept", "operator": "op", "administrator": "admin", "and": "&", "director": "dir", "maintenance": "maint",
    "representative": "rep", "general": "gen", "officer": "ofr", "executive": "exec", "specialist": "spec",
    "coordinator": "co-ordinator", "development": "dev", "management": "mgmt", "services": "svcs", "worker": "wkr",
}


def _typo(text: str, rng: np.random.Generator) -> str:
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not long:
        return text
    i = long[int(rng.integers(len(long)))]
    word = words[i]
    j = int(rng.integers(1, len(word) - 2))  # inside the word: its first and last letters stay
    kind = rng.integers(3)
    if kind == 0:
        word = word[:j] + word[j + 1:]  # a letter dropped
    elif kind == 1:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2:]  # two letters swapped
    else:
        word = word[:j] + word[j] + word[j:]  # a letter doubled
    words[i] = word
    return " ".join(words)


def _short_forms(text: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: SHORT_FORMS.get(m.group(0).lower(), m.group(0)), text)


def variant(title: str, indexocc: str, add: str, rng: np.random.Generator) -> str:
    """One noisy way of writing an index title; several kinds of noise may apply at once."""
    text = indexocc if (", " in indexocc and rng.random() < 0.25) else title
    if add:
        text = f"{text} {add}" if rng.random() < 0.5 else f"{text}, {add}"
    if rng.random() < 0.35:
        text = _short_forms(text)
    if rng.random() < 0.45:
        text = _typo(text, rng)
    if rng.random() < 0.1 and not text.endswith("s"):
        text += "s"
    case = rng.random()
    if case < 0.5:
        text = text.lower()
    elif case < 0.55:
        text = text.upper()
    return text


def synthetic_extra(index, volume1, rows: int, config: TrainingConfig, seed: int) -> pd.DataFrame:
    """`rows` noisy variants of training-side index entries, none equal to its entry's own title."""
    from training.examples import training_examples

    examples = training_examples(index.entries, volume1.unit_groups)
    held = held_out_rows(examples, config)
    held_groups = set(examples.loc[held, "group"])
    entries = index.entries[[g not in held_groups for g in index_examples(index.entries)["group"]]].reset_index(drop=True)
    assert set(index_examples(entries)["group"]).isdisjoint(held_groups)
    assert len(entries) and (examples["source"] == INDEX).any()
    rng = np.random.default_rng(seed)
    records, tries = [], 0
    while len(records) < rows and tries < rows * 20:
        tries += 1
        entry = entries.iloc[int(rng.integers(len(entries)))]
        text = variant(entry["title"], entry["indexocc"], entry["add"], rng)
        if text.strip().lower() == f"{entry['title']} {entry['add']}".strip().lower():
            continue  # not a variant: the entry itself
        records.append({"id": f"syn{len(records) + 1:05d}", "job_title": text, "job_description": "",
                        "industry": entry["ind"], "gold_codes": entry["soc2020"]})
    return pd.DataFrame(records, columns=["id", "job_title", "job_description", "industry", "gold_codes"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True, help="the .csv to write (keep it out of the repository)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=TrainingConfig.seed, help="the seed of the training run (sets its hold-out split)")
    parser.add_argument("--holdout-fraction", type=float, default=TrainingConfig.holdout_fraction)
    parser.add_argument("--noise-seed", type=int, default=0, help="seed of the variants themselves")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--index-file", type=Path)
    parser.add_argument("--volume1-file", type=Path)
    args = parser.parse_args(argv)
    index, volume1 = load_sources(args.data_dir, args.index_file, args.volume1_file)
    config = TrainingConfig(seed=args.seed, holdout_fraction=args.holdout_fraction)
    frame = synthetic_extra(index, volume1, args.rows, config, args.noise_seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.output, index=False)
    print(f"{len(frame)} synthetic rows in {frame['gold_codes'].nunique()} unit groups from coding index v{index.version}, "
          f"training side of the hold-out split (seed {args.seed}, fraction {args.holdout_fraction}) -> {args.output}")
    print(frame.sample(8, random_state=0).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

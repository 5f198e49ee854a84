"""k-fold hold-out over the real coding index, for data scientists without a benchmark (not run in CI).

    SOC_DATA_DIR=../shared/data .venv/bin/python scripts/index_holdout.py --output artifacts/holdout [--folds 5]

Embeds the ~36k training examples once (several minutes on a CPU), fits one head per fold, scores the held-out
entries grouped by normalised title, writes report.md / evaluation.json / PNGs like `soc-coder evaluate`,
and logs the figures to mlflow (task `index-holdout`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from evaluation.holdout import evaluate_holdout  # noqa: E402
from evaluation.report import write_report  # noqa: E402
from evaluation.tracking import log_evaluation  # noqa: E402
from training.ons_readers import load_sources, unit_group_titles  # noqa: E402
from training.train import TrainingConfig  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, required=True, help="folder for report.md, evaluation.json and the plots")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, help="folder with the ONS workbooks (default: $SOC_DATA_DIR)")
    parser.add_argument("--index-file", type=Path)
    parser.add_argument("--volume1-file", type=Path)
    parser.add_argument("--threshold", type=float, default=None,
                        help="auto-coding threshold for the operating point (default: that of --model, else 0.5)")
    parser.add_argument("--model", type=Path, help="a trained model whose threshold and training config to use")
    parser.add_argument("--no-tfidf", action="store_true", help="skip the TF-IDF peer")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals")
    parser.add_argument("--no-mlflow", action="store_true")
    parser.add_argument("--tracking-uri")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    config, threshold = TrainingConfig(), 0.5
    if args.model:
        from model import SocCoder

        coder = SocCoder.load(args.model)
        threshold = coder.auto_code_threshold
        known = TrainingConfig.__dataclass_fields__
        config = TrainingConfig(**{k: v for k, v in coder.metadata.get("training_config", {}).items() if k in known})
    if args.threshold is not None:
        threshold = args.threshold
    index, volume1 = load_sources(args.data_dir, args.index_file, args.volume1_file)
    command = "scripts/index_holdout.py " + " ".join(argv if argv is not None else sys.argv[1:])
    evaluation = evaluate_holdout(index, volume1, n_splits=args.folds, config=config, threshold=threshold,
                                  with_tfidf=not args.no_tfidf, n_resamples=args.bootstrap, command=command)
    titles = {**unit_group_titles(volume1), **dict(zip(volume1.groups["code"], volume1.groups["title"]))}
    report = write_report(evaluation, args.output, titles)
    print(f"report: {report}")
    if not args.no_mlflow:
        logged = log_evaluation(evaluation, args.output, None, args.tracking_uri, task="index-holdout")
        print(f"mlflow run {logged['run_id']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

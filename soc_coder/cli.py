"""The `soc-coder` command: a thin front over model/, training/ and evaluation/."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(help="Code free-text occupation answers to SOC 2020.", no_args_is_help=True, add_completion=False)

DataDir = Annotated[Optional[Path], typer.Option("--data-dir", help="Folder with the ONS workbooks (default: $SOC_DATA_DIR, else the user cache).")]
IndexFile = Annotated[Optional[Path], typer.Option("--index-file", help="Coding index workbook (Volume 2) to use instead of the newest found.")]
IdColumn = Annotated[str, typer.Option(help="Column with the row id.")]
TitleColumn = Annotated[str, typer.Option(help="Column with the job title.")]
DescriptionColumn = Annotated[str, typer.Option(help="Column with the job description.")]
IndustryColumn = Annotated[str, typer.Option(help="Column with the industry or employer.")]
Volume1File = Annotated[Optional[Path], typer.Option("--volume1-file", help="Volume 1 workbook to use instead of the newest found.")]


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=2)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@app.command("fetch-data")
def fetch_data_command(
    data_dir: DataDir = None,
    base_url: Annotated[Optional[str], typer.Option(help="Download from here instead of the ONS site ($SOC_ONS_BASE_URL).")] = None,
    all_versions: Annotated[bool, typer.Option("--all", help="Every known version, not just the newest.")] = False,
) -> None:
    """Download the ONS SOC 2020 workbooks and check their sha256 sums."""
    from training.ons_sources import DataUnavailableError, fetch_data

    try:
        saved = fetch_data(data_dir, base_url=base_url, newest_only=not all_versions)
    except DataUnavailableError as error:
        _fail(str(error))
    for path in saved:
        typer.echo(str(path))


@app.command()
def train(
    data_dir: DataDir = None,
    index_file: IndexFile = None,
    volume1_file: Volume1File = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Model directory (default: artifacts/models/default).")] = None,
    encoder: Annotated[str, typer.Option(help="sentence-transformers model name or path.")] = "sentence-transformers/all-MiniLM-L6-v2",
    c: Annotated[float, typer.Option("--C", help="Inverse regularisation strength of the head.")] = 20.0,
    seed: Annotated[int, typer.Option(help="Seed for the hold-out split and the head.")] = 0,
    tracking_uri: Annotated[Optional[str], typer.Option(help="mlflow tracking URI (default: $MLFLOW_TRACKING_URI, else sqlite under artifacts/).")] = None,
    register: Annotated[bool, typer.Option(help="Register the model in the mlflow registry as 'soc-coder'.")] = True,
) -> None:
    """Train a model on the ONS coding index and Volume 1, and log it to mlflow."""
    from training.train import TrainingConfig

    trained = _train(data_dir, index_file, volume1_file, output, TrainingConfig(encoder=encoder, C=c, seed=seed), tracking_uri, register)
    metrics = trained.metrics
    typer.echo(f"model saved to {trained.model_dir}")
    typer.echo(
        f"held-out index titles: top-1 {metrics['holdout_top1']:.3f}, top-5 {metrics['holdout_top5']:.3f}; "
        f"auto-code threshold {metrics['auto_code_threshold']:.3f}; trained in {metrics['train_seconds']:.0f} s"
    )
    typer.echo(f"mlflow run {trained.mlflow['run_id']}" + (f", registered as soc-coder version {trained.mlflow['registered_version']}" if "registered_version" in trained.mlflow else ""))


def _train(data_dir, index_file, volume1_file, output, config, tracking_uri=None, register=True):
    """training.pipeline.train_model, with a missing workbook reported as a clear error."""
    from training.pipeline import train_model

    try:
        return train_model(data_dir, index_file, volume1_file, output, config, tracking_uri=tracking_uri, register=register)
    except FileNotFoundError as error:
        _fail(str(error))


@app.command()
def code(
    input: Annotated[Path, typer.Argument(help="Answers file: .csv, .xlsx or .parquet.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Coded file to write (.csv, .xlsx or .parquet).")],
    model: Annotated[Optional[Path], typer.Option(help="Model directory (default: artifacts/models/default, trained when absent).")] = None,
    id_column: IdColumn = "id",
    title_column: TitleColumn = "job_title",
    description_column: DescriptionColumn = "job_description",
    industry_column: IndustryColumn = "industry",
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run of the same input and output from its last finished chunk.")] = False,
    chunk_rows: Annotated[int, typer.Option(min=1, help="Rows read and coded at a time; memory depends on this, not on the file's length.")] = 50_000,
    cache_size: Annotated[int, typer.Option(min=0, help="Coded answers remembered across chunks (about 1.3 kB each).")] = 50_000,
    problems: Annotated[Optional[Path], typer.Option("--problems", help="Also write every problem found (row, id, column, what) to this .csv.")] = None,
    data_dir: DataDir = None,
    index_file: IndexFile = None,
    volume1_file: Volume1File = None,
) -> None:
    """Code every row of an answers file; writes the input columns plus the SOC 2020 result columns."""
    from model import AnswerColumns, AnswerFileError, paths
    from model.batch import BatchError, BatchOptions, code_file
    from model.tables import check_output_path, open_answers

    columns = AnswerColumns(id_column, title_column, description_column, industry_column)
    try:
        check_output_path(output)
        open_answers(input, columns)  # fail on an unreadable file before loading (or training) a model
    except AnswerFileError as error:
        _fail(str(error))
    model_dir = model or paths.default_model_dir()
    if model is None and not (model_dir / "manifest.json").exists():
        from training.train import TrainingConfig

        typer.echo(f"No model at {model_dir}: training the default model first (a few minutes, once).", err=True)
        _train(data_dir, index_file, volume1_file, model_dir, TrainingConfig())
    coder, model_id = _load_coder(model_dir)
    options = BatchOptions(chunk_rows=chunk_rows, cache_size=cache_size, resume=resume)
    try:
        summary = code_file(coder, input, output, columns, options, model_id=model_id, problems_path=problems, progress=True)
    except (AnswerFileError, BatchError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        typer.secho(f"interrupted: the finished chunks are kept in {output}.parts; run the same command with --resume to continue",
                    fg=typer.colors.YELLOW, err=True)
        raise typer.Exit(code=130)
    _report(summary)


def _load_coder(model_dir: Path):
    """(coder, fingerprint) for a model directory, or a clear error when it is missing, altered or not a model."""
    from model import SocCoder
    from model.artifact import ModelArtifactError, model_fingerprint

    try:
        return SocCoder.load(model_dir), model_fingerprint(model_dir)
    except ModelArtifactError as error:
        _fail(str(error))
    except (KeyError, TypeError, ValueError) as error:  # files that match their checksums but are not what a model holds
        _fail(f"{model_dir} is not a usable soc-coder model ({type(error).__name__}: {error}); retrain it with `soc-coder train`")


def _report(summary) -> None:
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(summary.statuses.items())) or "the file has no rows"
    typer.echo(f"coded {summary.rows} rows to {summary.output}: {statuses}", err=True)
    if summary.rows:
        typer.echo(f"{summary.coded_answers} distinct answers sent to the model, {summary.cache_hits} rows answered from the cache "
                   f"of earlier chunks, in {summary.chunks} chunk(s)", err=True)
    for note in summary.notes:
        typer.echo(f"note: {note}", err=True)
    if summary.problem_counts:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.problem_counts.items()))
        typer.secho(f"{sum(summary.problem_counts.values())} problem(s), every row still coded: {counts}", fg=typer.colors.YELLOW, err=True)
        for problem in summary.problem_examples:
            typer.echo(f"  {problem.describe()}", err=True)
        if summary.problems_file:
            typer.echo(f"every problem is listed in {summary.problems_file}", err=True)
        elif sum(summary.problem_counts.values()) > len(summary.problem_examples):
            typer.echo("  ... (--problems FILE.csv lists them all)", err=True)


@app.command("write-example")
def write_example_command(path: Annotated[Path, typer.Argument(help="Where to write the example answers (.csv).")] = Path("example/answers.csv")) -> None:
    """Write a small example answers file (invented answers) to try `soc-coder code` on."""
    from .example import write_example

    typer.echo(str(write_example(path)))


@app.command()
def evaluate(
    benchmarks: Annotated[list[Path], typer.Argument(help="Benchmark file(s): .csv, .xlsx or .parquet with gold codes.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for report.md, evaluation.json and the plots.")],
    model: Annotated[Optional[Path], typer.Option(help="Model directory (default: artifacts/models/default).")] = None,
    peers: Annotated[str, typer.Option(help="Comma-separated peers to run alongside: exact, tfidf, socmapper; 'none' for none.")] = "exact,tfidf,socmapper",
    id_column: IdColumn = "id",
    title_column: TitleColumn = "job_title",
    description_column: DescriptionColumn = "job_description",
    industry_column: IndustryColumn = "industry",
    gold_column: Annotated[str, typer.Option(help="Column with the acceptable gold codes, first preferred.")] = "gold_codes",
    gold_separator: Annotated[str, typer.Option(help="Separator between gold codes.")] = ";",
    codable_column: Annotated[str, typer.Option(help="Column with yes/no codable (absent: codable = has a gold code).")] = "codable",
    status_column: Annotated[str, typer.Option(help="Column with the gold status (absent: occupation).")] = "status",
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the 95% intervals.")] = 1000,
    data_dir: DataDir = None,
    index_file: IndexFile = None,
    volume1_file: Volume1File = None,
    tracking_uri: Annotated[Optional[str], typer.Option(help="mlflow tracking URI (default: $MLFLOW_TRACKING_URI, else sqlite under artifacts/).")] = None,
    log_mlflow: Annotated[bool, typer.Option("--mlflow/--no-mlflow", help="Log the evaluation to mlflow against the model version.")] = True,
) -> None:
    """Score a model on benchmark file(s) beside the exact-lookup, TF-IDF and SOCMapper peers; write a report."""
    import sys

    from evaluation.benchmarks import BenchmarkColumns, BenchmarkError
    from evaluation.evaluate import PEERS, run_evaluation
    from model.artifact import ModelArtifactError

    chosen = [] if peers.strip().lower() == "none" else [p.strip() for p in peers.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PEERS]
    if unknown:
        _fail(f"unknown peer(s) {', '.join(unknown)}: choose from {', '.join(PEERS)} or 'none'")
    columns = BenchmarkColumns(id_column, title_column, description_column, industry_column, gold_column, codable_column, status_column, gold_separator)
    try:
        report, evaluation, logged = run_evaluation(
            benchmarks, output, model, columns, chosen, data_dir, index_file, volume1_file, n_resamples=bootstrap,
            tracking_uri=tracking_uri, log_to_mlflow=log_mlflow, command="soc-coder " + " ".join(sys.argv[1:]), progress=True)
    except (BenchmarkError, ModelArtifactError, FileNotFoundError) as error:
        _fail(str(error))
    from evaluation.report import summary_table

    typer.echo(summary_table(evaluation))
    for name, why in evaluation["skipped"].items():
        typer.echo(f"not run: {name}: {why}", err=True)
    typer.echo(f"report written to {report}")
    if logged:
        typer.echo(f"mlflow run {logged['run_id']}" + (f" (evaluates soc-coder version {logged['registered_version']})" if "registered_version" in logged else ""))


if __name__ == "__main__":
    app()

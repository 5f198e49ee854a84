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


ModelSource = Annotated[Optional[str], typer.Option(
    "--model", help="Model directory or registry URI such as models:/soc-coder@production (default: artifacts/models/default).")]
Fast = Annotated[bool, typer.Option("--fast", help="Fast mode: a static encoder distilled from MiniLM (thousands of answers a second; "
                                    "artifacts/models/fast unless --model says otherwise).")]


@app.command()
def train(
    data_dir: DataDir = None,
    index_file: IndexFile = None,
    volume1_file: Volume1File = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Model directory (default: artifacts/models/default, with --fast artifacts/models/fast).")] = None,
    fast: Fast = False,
    encoder: Annotated[str, typer.Option(help="sentence-transformers model name or path.")] = "sentence-transformers/all-MiniLM-L6-v2",
    c: Annotated[float, typer.Option("--C", help="Inverse regularisation strength of the head.")] = 20.0,
    seed: Annotated[int, typer.Option(help="Seed for the hold-out split and the head.")] = 0,
    extra: Annotated[Optional[Path], typer.Option("--extra", help="Your own coded answers to train on as well (.csv, .xlsx or .parquet).")] = None,
    extra_weight: Annotated[float, typer.Option(help="Weight of each extra answer relative to one ONS example.")] = 1.0,
    gold_column: Annotated[str, typer.Option(help="Column of the --extra file with the SOC 2020 code (first of ';'-separated codes is used).")] = "gold_codes",
    id_column: Annotated[str, typer.Option(help="Column of the --extra file with the row id.")] = "id",
    title_column: Annotated[str, typer.Option(help="Column of the --extra file with the job title.")] = "job_title",
    description_column: Annotated[str, typer.Option(help="Column of the --extra file with the job description.")] = "job_description",
    industry_column: Annotated[str, typer.Option(help="Column of the --extra file with the industry or employer.")] = "industry",
    benchmark: Annotated[Optional[list[Path]], typer.Option("--benchmark", help="Benchmark file to score the new model on and log with the run (repeatable).")] = None,
    replaces: Annotated[Optional[str], typer.Option(help="Model this one replaces, for the index-change summary (default: the production alias, else the model at --output, else the newest version).")] = None,
    tracking_uri: Annotated[Optional[str], typer.Option(help="mlflow tracking URI (default: $MLFLOW_TRACKING_URI, else sqlite under artifacts/).")] = None,
    register: Annotated[bool, typer.Option(help="Register the model in the mlflow registry as 'soc-coder'.")] = True,
) -> None:
    """Train a model on the ONS coding index and Volume 1 (and your own coded answers), and log it to mlflow."""
    from model.tables import AnswerColumns
    from training.extra import ExtraColumns
    from training.index_changes import describe_changes
    from training.train import TrainingConfig

    columns = ExtraColumns(AnswerColumns(id_column, title_column, description_column, industry_column), gold_column)
    from model import paths

    output = output or paths.default_model_dir(fast)
    trained = _train(data_dir, index_file, volume1_file, output, TrainingConfig(encoder=encoder, C=c, seed=seed, fast=fast), tracking_uri, register,
                     extra_file=extra, extra_columns=columns, extra_weight=extra_weight, benchmark_files=benchmark or (), replaces=replaces)
    metrics = trained.metrics
    typer.echo(f"model saved to {trained.model_dir}")
    if "extra_data" in trained.coder.metadata:
        info = trained.coder.metadata["extra_data"]
        typer.echo(f"extra answers: {info['extra_rows']} rows in {info['extra_unit_groups']} unit groups from {info['extra_file']}, weight {info['extra_weight']:g}")
    typer.echo(describe_changes(trained.index_changes))
    typer.echo(
        f"held-out index titles: top-1 {metrics['holdout_top1']:.3f}, top-5 {metrics['holdout_top5']:.3f} (head alone); "
        f"auto-code threshold {metrics['auto_code_threshold']:.3f}; trained in {metrics['train_seconds']:.0f} s"
    )
    for kind in ("known_title", "unseen_title"):
        if f"holdout_{kind}_top1" in metrics:
            typer.echo(
                f"held-out answers, {kind.replace('_', ' ')}: top-1 {metrics[f'holdout_{kind}_top1']:.3f}, auto-coded "
                f"{metrics[f'holdout_{kind}_auto_coded_share']:.0%} at {metrics[f'holdout_{kind}_auto_coded_agreement']:.3f} agreement"
            )
    if trained.benchmark:
        from evaluation.report import summary_table

        typer.echo(summary_table(trained.benchmark))
    typer.echo(f"mlflow run {trained.mlflow['run_id']}" + (f", registered as soc-coder version {trained.mlflow['registered_version']}" if "registered_version" in trained.mlflow else ""))


def _train(data_dir, index_file, volume1_file, output, config, tracking_uri=None, register=True, **options):
    """training.pipeline.train_model, with a missing workbook or a refused input file reported as a clear error."""
    from evaluation.benchmarks import BenchmarkError
    from training.extra import ExtraDataError
    from training.pipeline import train_model

    try:
        return train_model(data_dir, index_file, volume1_file, output, config, tracking_uri=tracking_uri, register=register, **options)
    except (FileNotFoundError, ExtraDataError, BenchmarkError) as error:
        _fail(str(error))


@app.command()
def code(
    input: Annotated[Path, typer.Argument(help="Answers file: .csv, .xlsx or .parquet.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Coded file to write (.csv, .xlsx or .parquet).")],
    model: ModelSource = None,
    fast: Fast = False,
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
    engine: Annotated[str, typer.Option(help="local: this process, streamed in chunks; spark: a Spark job writing a Parquet "
                                             "directory with row_index (see docs/spark.md).")] = "local",
    spark_master: Annotated[Optional[str], typer.Option(help="--engine spark: the Spark master (default: spark-submit's, else local[*]).")] = None,
    ship_model: Annotated[bool, typer.Option("--ship-model", help="--engine spark: send the model directory to the executors (SparkContext.addFile).")] = False,
    partition_rows: Annotated[int, typer.Option(min=1, help="--engine spark: rows per coding task and output part.")] = 100_000,
    input_format: Annotated[Optional[str], typer.Option(help="--engine spark: csv or parquet (default: from the file names).")] = None,
) -> None:
    """Code every row of an answers file; writes the input columns plus the SOC 2020 result columns."""
    from model import AnswerColumns, AnswerFileError
    from model.batch import BatchError, BatchOptions, code_file
    from model.tables import check_output_path, open_answers

    columns = AnswerColumns(id_column, title_column, description_column, industry_column)
    if engine not in ("local", "spark"):
        _fail(f"--engine {engine}: use local or spark")
    if engine == "spark":
        if resume or problems:
            _fail("--engine spark: --resume and --problems belong to the local engine (Spark reruns failed tasks itself)")
        spark_model = _model_dir(model) if model else _default_model(fast, data_dir, index_file, volume1_file)
        _code_spark(input, output, spark_model, columns, spark_master, ship_model, partition_rows, input_format, cache_size)
        return
    try:
        check_output_path(output)
        open_answers(input, columns)  # fail on an unreadable file before loading (or training) a model
    except AnswerFileError as error:
        _fail(str(error))
    model_dir = model or _default_model(fast, data_dir, index_file, volume1_file)
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


def _default_model(fast, data_dir, index_file, volume1_file) -> Path:
    """The default (or fast) model's directory, trained first when there is none."""
    from model import paths

    model_dir = paths.default_model_dir(fast)
    if not (model_dir / "manifest.json").exists():
        from training.train import TrainingConfig  # scikit-learn and the trainer: only when there is training to do

        which = "fast" if fast else "default"
        typer.echo(f"No model at {model_dir}: training the {which} model first (a few minutes, once).", err=True)
        _train(data_dir, index_file, volume1_file, model_dir, TrainingConfig(fast=fast))
    return model_dir


def _code_spark(input, output, model_dir, columns, master, ship_model, partition_rows, input_format, cache_size) -> None:
    """`code --engine spark`: model.spark.code_spark_files in the active (spark-submit's) or a new local session."""
    from model import AnswerFileError
    from model.artifact import ModelArtifactError

    from model.spark import code_spark_files, local_session, spark_job_error

    try:
        import pyspark  # noqa: F401
    except ImportError:
        _fail("--engine spark needs pyspark: pip install 'soc-coder[spark]'")
    _load(model_dir)  # a damaged model fails here, named, not in every executor
    spark = local_session(master)
    spark.sparkContext.setLogLevel("FATAL")
    try:
        summary = code_spark_files(spark, input, output, model_dir, columns, input_format=input_format, partition_rows=partition_rows,
                                   ship_model=ship_model, cache_size=cache_size)
    except (AnswerFileError, ModelArtifactError) as error:
        _fail(str(error))
    except Exception as error:  # a failed Spark job: its Python or Java error, in one line when it is ours
        message = spark_job_error(error)
        if message is None:
            raise
        _fail(message)
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(summary.statuses.items())) or "the input has no rows"
    typer.echo(f"coded {summary.rows} rows to {summary.output} ({summary.partitions} part(s), in row_index order) in "
               f"{summary.seconds:.0f} s: {statuses}", err=True)
    for note in summary.notes:
        typer.echo(f"note: {note}", err=True)


def _load_coder(source):
    """(coder, fingerprint of its manifest) for a model directory or registry URI; errors as `_load` gives them."""
    from model.artifact import model_fingerprint

    model_dir = _model_dir(source)
    return _load(model_dir), model_fingerprint(model_dir)


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


def _model_dir(source, tracking_uri=None):
    """A local model directory for a directory or a registry URI (None: the default model)."""
    from mlflow.exceptions import MlflowException

    from model.registry import resolve_model_dir

    if source is None:
        return None
    try:
        return resolve_model_dir(source, tracking_uri)
    except MlflowException as error:
        _fail(f"cannot load {source} from the mlflow registry: {error.message}")


def _load(source):
    """model.load_model, with a bad directory or an unknown registry URI reported as a clear error."""
    from mlflow.exceptions import MlflowException

    from model import load_model
    from model.artifact import ModelArtifactError

    try:
        return load_model(source)
    except ModelArtifactError as error:
        _fail(str(error))
    except MlflowException as error:
        _fail(f"cannot load {source} from the mlflow registry: {error.message}")
    except (KeyError, TypeError, ValueError) as error:  # files that match their checksums but are not what a model holds
        _fail(f"{source} is not a usable soc-coder model ({type(error).__name__}: {error}); retrain it with `soc-coder train`")


def _classification(model, fast=False):
    """The classification saved with a model (only its document is read), or a clear error. With no --model: the
    default model's (the fast model's with --fast, or when it is the only one trained: both carry the same)."""
    from model import paths
    from model.artifact import MANIFEST, ModelArtifactError
    from model.classification import Classification, ClassificationError

    model_dir = _model_dir(model)
    if model_dir is None:
        model_dir = paths.default_model_dir(fast)
        if not fast and not (model_dir / MANIFEST).is_file() and (paths.default_model_dir(True) / MANIFEST).is_file():
            model_dir = paths.default_model_dir(True)
    try:
        return Classification.from_model_dir(model_dir)
    except (ModelArtifactError, ClassificationError) as error:
        _fail(str(error))
    except (KeyError, TypeError, ValueError) as error:
        _fail(f"{model_dir}: its classification document is not usable ({type(error).__name__}: {error}); retrain it with `soc-coder train`")


def _print_json(data) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


JsonOutput = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Job title or task words, e.g. \"maths teacher\" or \"repairs boilers\".")],
    limit: Annotated[int, typer.Option(min=1, max=100, help="How many unit groups and how many index entries to show.")] = 10,
    model: ModelSource = None,
    fast: Fast = False,
    as_json: JsonOutput = False,
) -> None:
    """Find SOC 2020 unit groups and coding-index entries by job title or task words."""
    found = _classification(model, fast).search(query, limit)
    if as_json:
        _print_json(found)
    else:
        from rich.console import Console

        from .render import print_search

        print_search(found, Console())


@app.command()
def describe(
    code: Annotated[str, typer.Argument(help="A unit group (e.g. 2313), or a major, sub-major or minor group (2, 23, 231).")],
    model: ModelSource = None,
    fast: Fast = False,
    as_json: JsonOutput = False,
) -> None:
    """A group's place in the hierarchy, description, tasks, related titles, sub-unit groups and SOC 2010 / ISCO-08 links."""
    from model.classification import UnknownCodeError

    try:
        group = _classification(model, fast).describe(code)
    except UnknownCodeError as error:
        _fail(str(error))
    if as_json:
        _print_json(group)
    else:
        from rich.console import Console

        from .render import print_description

        print_description(group, Console())


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    model: ModelSource = None,
    fast: Fast = False,
    data_dir: DataDir = None,
    index_file: IndexFile = None,
    volume1_file: Volume1File = None,
) -> None:
    """Serve the coder over HTTP: the API under /v1 (docs at /docs) and the clerical coders' page at /."""
    import uvicorn

    from .serve import create_app

    coder, model_id = _load_coder(model or _default_model(fast, data_dir, index_file, volume1_file))
    if coder.classification is None:
        typer.secho("note: this model has no classification document: /v1/search and /v1/unit-groups answer 503 "
                    "until it is retrained with `soc-coder train`", fg=typer.colors.YELLOW, err=True)
    typer.echo(f"serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(create_app(coder, model_id), host=host, port=port, log_level="warning")


@app.command("write-example")
def write_example_command(path: Annotated[Path, typer.Argument(help="Where to write the example answers (.csv).")] = Path("example/answers.csv")) -> None:
    """Write a small example answers file (invented answers) to try `soc-coder code` on."""
    from .example import write_example

    typer.echo(str(write_example(path)))


@app.command()
def evaluate(
    benchmarks: Annotated[list[Path], typer.Argument(help="Benchmark file(s): .csv, .xlsx or .parquet with gold codes.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for report.md, evaluation.json and the plots.")],
    model: ModelSource = None,
    fast: Annotated[bool, typer.Option("--fast", help="Evaluate the fast model (artifacts/models/fast unless --model), side by side with the default model.")] = False,
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
    model_dir = _model_dir(model, tracking_uri)
    try:
        report, evaluation, logged = run_evaluation(
            benchmarks, output, model_dir, columns, chosen, data_dir, index_file, volume1_file, n_resamples=bootstrap,
            tracking_uri=tracking_uri, log_to_mlflow=log_mlflow, command="soc-coder " + " ".join(sys.argv[1:]), progress=True, fast=fast)
    except (BenchmarkError, ModelArtifactError, FileNotFoundError) as error:
        _fail(str(error))
    from evaluation.report import summary_table

    typer.echo(summary_table(evaluation))
    for name, why in evaluation["skipped"].items():
        typer.echo(f"not run: {name}: {why}", err=True)
    typer.echo(f"report written to {report}")
    if logged:
        typer.echo(f"mlflow run {logged['run_id']}" + (f" (evaluates soc-coder version {logged['registered_version']})" if "registered_version" in logged else ""))


models_app = typer.Typer(help="The registered soc-coder models: list, compare, promote (and roll back).", no_args_is_help=True)
app.add_typer(models_app, name="models")
TrackingUri = Annotated[Optional[str], typer.Option(help="mlflow tracking URI (default: $MLFLOW_TRACKING_URI, else sqlite under artifacts/).")]


def _registry(tracking_uri):
    from model.registry import use_tracking_uri

    use_tracking_uri(tracking_uri)


def _version(spec):
    from training.registry import RegistryError, find_version

    try:
        return find_version(spec)
    except RegistryError as error:
        _fail(str(error))


@models_app.command("list")
def models_list(tracking_uri: TrackingUri = None) -> None:
    """Every registered version, newest first: aliases, data, hold-out and benchmark top-1."""
    from evaluation.report import markdown_table
    from training.registry import alias_history, list_versions

    _registry(tracking_uri)
    records = list_versions()
    if not records:
        typer.echo("no registered soc-coder models yet: train one with `soc-coder train`")
        return
    rows = []
    for r in records:
        benchmarks = ", ".join(f"{name} {value:.3f}" for name, value in sorted(r.benchmark_top1().items())) or "–"
        holdout = r.metrics.get("holdout_top1")
        rows.append([r.version, ", ".join(r.aliases) or "–", r.created, r.tags.get("coding_index_version", "?"),
                     r.params.get("extra_rows", "0"), f"{holdout:.3f}" if holdout is not None else "–", benchmarks])
    typer.echo(markdown_table(["version", "aliases", "created (UTC)", "index", "extra rows", "hold-out top-1", "benchmark top-1 (codable)"], rows))
    for alias in sorted({a for r in records for a in r.aliases}):
        history = alias_history(alias)
        if history:
            typer.echo(f"{alias} history: " + " -> ".join(h["version"] for h in history))


@models_app.command("compare")
def models_compare(
    a: Annotated[str, typer.Argument(help="A version number, an alias (production) or a models:/ URI.")],
    b: Annotated[str, typer.Argument(help="The version to compare it with.")],
    benchmark: Annotated[Optional[list[Path]], typer.Option("--benchmark", help="Score both on this benchmark file now (repeatable).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="With --benchmark: folder for the side-by-side report.")] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap resamples for the intervals of --benchmark.")] = 1000,
    tracking_uri: TrackingUri = None,
) -> None:
    """Two registered versions side by side: data, parameters, logged metrics, and (--benchmark) both scored afresh."""
    from evaluation.report import markdown_table
    from training.registry import comparison_rows

    _registry(tracking_uri)
    first, second = _version(a), _version(b)
    label_a, label_b = f"version {first.version}", f"version {second.version}"
    rows = [[what, x, y, "" if x == y else "≠"] for what, x, y in comparison_rows(first, second)]
    typer.echo(markdown_table(["", label_a, label_b, ""], rows))
    if benchmark:
        from evaluation.benchmarks import BenchmarkError, read_benchmark
        from evaluation.evaluate import add_benchmark, model_summary, new_evaluation
        from evaluation.predictions import model_predictions
        from evaluation.report import summary_table, write_report
        from model.registry import fetch_model_dir

        try:
            benchmarks = [read_benchmark(path) for path in benchmark]
        except BenchmarkError as error:
            _fail(str(error))
        dirs = [fetch_model_dir(first.uri), fetch_model_dir(second.uri)]
        coders = [_load(d) for d in dirs]
        evaluation = new_evaluation(model_summary(coders[0], dirs[0]), "–", bootstrap, command=f"soc-coder models compare {a} {b}")
        for bench in benchmarks:
            predictions = [model_predictions(coder, bench, label, progress=True) for coder, label in zip(coders, (label_a, label_b))]
            add_benchmark(evaluation, bench, predictions, bootstrap, model_coder=label_a)
        typer.echo(summary_table(evaluation))
        if output:
            typer.echo(f"report written to {write_report(evaluation, output, coders[0].unit_group_titles)}")


@models_app.command("promote")
def models_promote(
    version: Annotated[str, typer.Argument(help="The version to promote (a number, an alias or a models:/ URI).")],
    alias: Annotated[str, typer.Option(help="The alias to point at it.")] = "production",
    tracking_uri: TrackingUri = None,
) -> None:
    """Point an alias (default production) at a version; promoting the previous version again rolls back."""
    from training.registry import RegistryError, promote

    _registry(tracking_uri)
    try:
        record, before = promote(version, alias)
    except RegistryError as error:
        _fail(str(error))
    if before == record.version:
        typer.echo(f"{alias} already points at version {record.version}")
        return
    typer.echo(f"{alias}: version {before or '(none)'} -> version {record.version}; load it as models:/soc-coder@{alias}")
    if before:
        typer.echo(f"to roll back: soc-coder models promote {before} --alias {alias}")


if __name__ == "__main__":
    app()

"""`soc-coder models list | compare | promote`: the registered versions of `soc-coder` and their aliases.

Each registered version points at the training run that logged it, so its data versions, parameters and metrics
are read from that run (and from the newest evaluation run logged against it, when there is one). Promoting sets an
mlflow alias (`production`, `candidate`, ...) and appends it to the registered model's tag `alias_history.<alias>`,
so a rollback is promoting the version before.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from model.registry import REGISTERED_MODEL_NAME, is_model_uri, registered_version

from .model_card import BENCHMARK_HEADLINES

HISTORY_TAG = "alias_history."
# run tags and parameters shown by `models compare`, in this order
COMPARED_TAGS = ("coding_index_version", "coding_index_sha256", "volume1_version", "volume1_sha256", "extra_file", "extra_sha256",
                 "index_changes")
COMPARED_PARAMS = ("extra_rows", "extra_weight", "n_training_examples", "encoder", "C", "epochs", "learning_rate", "holdout_fraction",
                   "target_agreement", "seed")


class RegistryError(ValueError):
    """A version or alias that the registry does not have."""


@dataclass
class VersionRecord:
    """A registered version with what its training run (and its newest evaluation run) logged."""

    version: str
    aliases: list[str]
    created: str
    description: str
    run_id: str
    tags: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def uri(self) -> str:
        return f"models:/{REGISTERED_MODEL_NAME}/{self.version}"

    def benchmark_top1(self) -> dict[str, float]:
        """benchmark name -> top-1 unit-group agreement on its codable rows (for soc-coder's own predictions)."""
        suffix = "/codable/unit_group_top1"
        return {name.split("/", 1)[0]: value for name, value in self.metrics.items()
                if name.endswith(suffix) and name.count("/") == 3 and name.split("/")[1] == "soc_coder"}


def _aliases(client: MlflowClient) -> dict[str, list[str]]:
    """version -> its aliases (search_model_versions leaves them out, the registered model has them all)."""
    try:
        aliases = client.get_registered_model(REGISTERED_MODEL_NAME).aliases or {}
    except MlflowException:
        return {}
    by_version: dict[str, list[str]] = {}
    for alias, version in aliases.items():
        by_version.setdefault(str(version), []).append(alias)
    return by_version


def _record(client: MlflowClient, version, aliases: dict[str, list[str]]) -> VersionRecord:
    record = VersionRecord(
        version=str(version.version),
        aliases=sorted(aliases.get(str(version.version), [])),
        created=time.strftime("%Y-%m-%d %H:%M", time.gmtime(int(version.creation_timestamp) / 1000)),
        description=version.description or "",
        run_id=version.run_id or "",
    )
    if record.run_id:
        run = client.get_run(record.run_id)
        record.tags, record.params, record.metrics = dict(run.data.tags), dict(run.data.params), dict(run.data.metrics)
    evaluation_run = (getattr(version, "tags", {}) or {}).get("last_evaluation_run_id")
    if evaluation_run:
        try:
            record.metrics.update(client.get_run(evaluation_run).data.metrics)
        except MlflowException:
            pass
    return record


def list_versions(client: MlflowClient | None = None) -> list[VersionRecord]:
    """Every registered version of soc-coder, newest first."""
    client = client or MlflowClient()
    try:
        versions = client.search_model_versions(f"name='{REGISTERED_MODEL_NAME}'")
    except MlflowException:
        return []
    aliases = _aliases(client)
    return [_record(client, v, aliases) for v in sorted(versions, key=lambda v: -int(v.version))]


def find_version(spec: str, client: MlflowClient | None = None) -> VersionRecord:
    """'3', 'production' / '@production', or a models:/ URI -> that registered version."""
    client = client or MlflowClient()
    text = str(spec).strip()
    if text.isdigit():
        uri = f"models:/{REGISTERED_MODEL_NAME}/{text}"
    elif is_model_uri(text):
        uri = text
    else:
        uri = f"models:/{REGISTERED_MODEL_NAME}@{text.lstrip('@')}"
    try:
        version = registered_version(uri)
    except MlflowException as error:
        raise RegistryError(f"no registered {REGISTERED_MODEL_NAME} model for '{spec}': {error.message}") from None
    if version is None:
        raise RegistryError(f"'{spec}' is not a registered version: give a version number, an alias or models:/{REGISTERED_MODEL_NAME}/N")
    return _record(client, version, _aliases(client))


def alias_history(alias: str, client: MlflowClient | None = None) -> list[dict]:
    """[{'version': '2', 'at': '...'}, ...]: each promotion to `alias`, oldest first."""
    client = client or MlflowClient()
    try:
        tags = client.get_registered_model(REGISTERED_MODEL_NAME).tags
    except MlflowException:
        return []
    return json.loads(tags.get(HISTORY_TAG + alias, "[]"))


def promote(spec: str, alias: str, client: MlflowClient | None = None) -> tuple[VersionRecord, str | None]:
    """Point `alias` at the version `spec` names; returns (that version, the version the alias pointed at before)."""
    client = client or MlflowClient()
    record = find_version(spec, client)
    try:
        before = str(client.get_model_version_by_alias(REGISTERED_MODEL_NAME, alias).version)
    except MlflowException:
        before = None
    client.set_registered_model_alias(REGISTERED_MODEL_NAME, alias, record.version)
    history = alias_history(alias, client) + [{"version": record.version, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}]
    client.set_registered_model_tag(REGISTERED_MODEL_NAME, HISTORY_TAG + alias, json.dumps(history))
    return record, before


def comparison_rows(a: VersionRecord, b: VersionRecord) -> list[tuple[str, str, str]]:
    """(what, value for a, value for b) for the data, parameters and metrics that either version logged."""
    rows = [("aliases", ", ".join(a.aliases) or "–", ", ".join(b.aliases) or "–"), ("created", a.created, b.created)]
    for tag in COMPARED_TAGS:
        if tag in a.tags or tag in b.tags:
            short = (lambda v: v[:12]) if tag.endswith("sha256") else (lambda v: v)
            rows.append((tag, short(a.tags.get(tag, "–")), short(b.tags.get(tag, "–"))))
    for param in COMPARED_PARAMS:
        if param in a.params or param in b.params:
            rows.append((param, a.params.get(param, "–"), b.params.get(param, "–")))
    holdout = sorted(k for k in set(a.metrics) | set(b.metrics) if k.startswith("holdout_") or k == "auto_code_threshold")
    benchmark = sorted(k for k in set(a.metrics) | set(b.metrics)
                       if "/soc_coder/codable/" in k and k.rsplit("/", 1)[-1] in BENCHMARK_HEADLINES)
    for name in holdout + benchmark + ["train_seconds"]:
        if name in a.metrics or name in b.metrics:
            rows.append((name, _number(a.metrics.get(name)), _number(b.metrics.get(name))))
    return rows


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"

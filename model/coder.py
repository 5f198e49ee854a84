"""SocCoder: the run-time model that turns answers into SOC 2020 unit groups, with one save/load pair."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .artifact import read_model_dir, write_model_dir
from .calibration import ConfidenceCalibrator, confidence_features
from .classification import DOCUMENT as CLASSIFICATION_DOCUMENT, Classification
from .encoder import Encoder, TextEncoder, encoder_from_saved
from .features import embed_answers
from .head import SoftmaxHead
from .index_evidence import EvidenceWeights, IndexEvidence
from .neighbours import IndexNeighbours, describe_entry
from .prepare import prepare_answer
from .results import CODED, REFERRED, CodingResult
from .schemes import DualCoder
from .rules import UNCODABLE, has_words, is_refusal, needs_a_person, status_before_model
from .text import answer_text, clean
from .title_lookup import TitleLookup, TitleMatch

ANSWER_FIELDS = ("job_title", "job_description", "industry")
N_CANDIDATES = 5


@dataclass
class Scores:
    """What the model computes for a batch of answers: blended probabilities over `classes_`, the calibrated
    confidence that the top code is right, the features it was computed from (model.calibration), whole-answer
    embeddings, the title's index matches and the head's features (which the scheme heads read too)."""

    proba: np.ndarray
    confidence: np.ndarray
    calibration_features: np.ndarray
    embeddings: np.ndarray
    matches: list[TitleMatch | None]
    features: np.ndarray


class SocCoder:
    """Encoder body + softmax head over unit groups, blended with evidence from the coding index itself.

    The head's probabilities are blended with the codes of the nearest index entries and, when the job title is
    found in the index, with that title's entries (model.index_evidence); the nearest entry also explains the code.

    `confidence` is the calibrated probability that the top code is right (model.calibration);
    `auto_code_threshold` is the confidence at or above which an answer is auto-coded (`coded`); below it the
    best guess is `referred` to a person with the candidate list. Training fits both on held-out index entries.

    `dual` (model.schemes) gives the chosen unit group's SOC 2010, ISCO-08 and extension codes; a model saved
    without it (before dual coding) codes SOC 2020 alone and leaves those columns empty.
    """

    def __init__(
        self,
        encoder: Encoder,
        head: SoftmaxHead,
        neighbours: IndexNeighbours,
        unit_group_titles: Mapping[str, str],
        auto_code_threshold: float = 0.5,
        metadata: Mapping | None = None,
        evidence_weights: EvidenceWeights = EvidenceWeights(),
        calibrator: ConfidenceCalibrator | None = None,
        classification: Classification | None = None,
        dual: DualCoder | None = None,
    ):
        self.encoder = encoder
        self.head = head
        self.neighbours = neighbours
        self.unit_group_titles = dict(unit_group_titles)
        self.auto_code_threshold = auto_code_threshold
        self.metadata = dict(metadata or {})
        self.evidence = IndexEvidence(neighbours, head.classes_, evidence_weights)
        self.calibrator = calibrator or ConfidenceCalibrator()
        self.classification = classification  # SOC 2020 for search and describe; None in models trained before it
        self.dual = dual
        self._title_lookup: TitleLookup | None = None
        self._code_counts: dict[tuple[int, ...], int] = {}

    @property
    def classes_(self) -> np.ndarray:
        return self.head.classes_

    @property
    def title_lookup(self) -> TitleLookup:
        """Index titles by lookup key, built on first use from the entries the model keeps."""
        if self._title_lookup is None:
            self._title_lookup = TitleLookup([entry["title"] for entry in self.neighbours.entries])
        return self._title_lookup

    # -- scoring
    def predict_proba(self, answers: Iterable[Mapping | str]) -> np.ndarray:
        """Probabilities over `classes_`; each answer is a mapping of the answer fields or a bare job title."""
        return self.scores(answers).proba

    def scores(self, answers: Iterable[Mapping | str]) -> Scores:
        """Everything the model computes for these answers, read in the index's words (model.prepare)."""
        return self._scores_of_clean(_as_answers(answers))

    def _scores_of_clean(self, answers: list[dict]) -> Scores:
        prepared = [prepare_answer(**a) for a in answers]
        texts = [answer_text(a["job_title"], a["job_description"], a["industry"]) for a in prepared]
        features, embeddings = embed_answers(self.encoder, [a["job_title"] for a in prepared], texts)
        matches = self.title_lookup.match_many([a["job_title"] for a in prepared])
        head_proba = self.head.predict_proba(features)
        blend = self.evidence.blend(head_proba, embeddings, matches, texts)
        proba = blend.proba
        codes_per_match = [self._codes_of_rows(m.rows) if m else 0 for m in matches]
        calibration_features = confidence_features(proba, head_proba, blend.lookup, matches, codes_per_match)
        confidence = self.calibrator.predict(calibration_features, proba.max(axis=1))
        return Scores(proba, confidence, calibration_features, embeddings, matches, features)

    def _codes_of_rows(self, rows: tuple[int, ...]) -> int:
        """How many distinct codes these index entries have (a matched title's), remembered per title."""
        count = self._code_counts.get(rows)
        if count is None:
            count = self._code_counts[rows] = len({self.neighbours.entries[r]["code"] for r in rows})
        return count

    def predict(self, answers: Iterable[Mapping | str]) -> np.ndarray:
        return self.classes_[self.predict_proba(answers).argmax(axis=1)]

    # -- coding answers
    def code_one(self, job_title: str = "", job_description: str = "", industry: str = "") -> CodingResult:
        return self.code([{"job_title": job_title, "job_description": job_description, "industry": industry}])[0]

    def code(self, answers: Iterable[Mapping], batch_size: int = 1024, progress: bool = False,
             threads: int | None = None) -> list[CodingResult]:
        """One CodingResult per answer, in order. Each answer maps job_title, job_description, industry (any missing).

        Batches of `batch_size` answers are coded `threads` at a time (default: one per CPU core): much of a batch
        is Python, which holds the interpreter, while the search over the index entries and the products release
        it, so two threads keep two cores busy. Each thread's search then runs on one core. numpy's own BLAS runs
        on one thread throughout: its products here are small (a unit group's entries), and its threads spinning
        beside the others made them several times slower on 2 cores."""
        answers = _as_answers(answers)
        batches = [answers[start : start + batch_size] for start in range(0, len(answers), batch_size)]
        threads = min(threads or usable_cores(), len(batches))
        results: list[CodingResult] = []
        with _numpy_blas().limit(limits=1):
            if threads > 1:
                self._code_batch(batches[0][:1])  # what is made on first use is made once, before the threads start
                pool = ThreadPoolExecutor(threads, initializer=_search_on_one_core)
                coded = pool.map(self._code_batch, batches)
            else:
                pool, coded = None, map(self._code_batch, batches)
            try:
                for part in tqdm(coded, total=len(batches), desc="coding", unit="batch", disable=not progress or len(batches) < 2):
                    results.extend(part)
            finally:
                if pool is not None:
                    pool.shutdown(cancel_futures=True)
        return results

    def _code_batch(self, answers: list[dict]) -> list[CodingResult]:
        scored = self._scores_of_clean(answers)
        proba = scored.proba
        top = top_columns(proba, N_CANDIDATES)
        best_codes = self.classes_[top[:, 0]]
        # each answer's nearest entries of its chosen unit group: the first explains the code, all weigh the scheme codes
        within = self.neighbours.top_k_within_codes(scored.embeddings, best_codes, self.dual.weights.knn_k if self.dual else 1)
        nearest = self.neighbours.nearest(scored.embeddings, best_codes, within)
        schemes = self._scheme_codes(scored, best_codes, within)
        titles = [self.unit_group_titles.get(code, "") for code in self.classes_.tolist()]
        codes = self.classes_.tolist()
        results = []
        for i, answer in enumerate(answers):
            candidates = [{"code": codes[j], "title": titles[j], "score": round(p, 4)}
                          for j, p in zip(top[i].tolist(), proba[i, top[i]].tolist())]
            ruled = status_before_model(answer["job_title"], answer["job_description"], answer["industry"])
            if ruled is not None:
                status, reason = ruled
                # a vague answer keeps its short list for the person who codes it; a non-occupation, a refusal
                # and an answer with no words have none
                keep = candidates if status == UNCODABLE and has_words(*answer.values()) and not is_refusal(answer["job_title"]) else []
                results.append(CodingResult("", "", 0.0, status, keep, reason))
                continue
            confidence = float(scored.confidence[i])
            status = CODED if confidence >= self.auto_code_threshold and not needs_a_person(answer["job_title"]) else REFERRED
            code = candidates[0]["code"]
            in_schemes = {f"{scheme}_{field}": value for scheme, assigned in schemes.items()
                          for field, value in (("code", assigned[i].code), ("confidence", round(confidence * assigned[i].conditional, 4)))}
            results.append(
                CodingResult(code, candidates[0]["title"], round(confidence, 4), status, candidates,
                             describe_entry(nearest[i]), **in_schemes)
            )
        return results

    def _scheme_codes(self, scored: Scores, units: np.ndarray, within: tuple[np.ndarray, np.ndarray]) -> dict:
        """Each answer's code in the other schemes within its chosen unit group; none without scheme heads.
        `within`: the answers' nearest index entries of their unit groups, reused when the scheme heads' entries
        are the model's index entries (as in every trained model)."""
        if self.dual is None or not len(units):
            return {}
        shared = self.dual.entry_embeddings is self.neighbours.embeddings
        return self.dual.assign(scored.features, scored.embeddings, units, scored.matches, nearest=within if shared else None)

    # -- one save/load pair
    def save(self, directory: str | Path) -> Path:
        arrays = {**self.head.to_arrays(), "index_embeddings": self.neighbours.embeddings.astype(np.float16),
                  **self.encoder.to_arrays(), **(self.dual.to_arrays() if self.dual is not None else {})}
        documents = {
            "config": {
                "encoder": self.encoder.to_config(),
                "head": self.head.params(),
                "auto_code_threshold": self.auto_code_threshold,
                "evidence_weights": self.evidence.weights.to_dict(),
                "calibrator": self.calibrator.to_dict(),
                **({"dual_coding": self.dual.config()} if self.dual is not None else {}),
            },
            "index_entries": self.neighbours.entries,
            "unit_group_titles": self.unit_group_titles,
            **self.encoder.to_documents(),
        }
        if self.classification is not None:
            documents[CLASSIFICATION_DOCUMENT] = self.classification.to_document()
        return write_model_dir(Path(directory), arrays, documents, self.metadata)

    @classmethod
    def load(cls, directory: str | Path, encoder: TextEncoder | None = None) -> "SocCoder":
        """Load a saved model; pass `encoder` to reuse a sentence-transformers encoder already in memory (a fast
        model always uses the static encoder saved inside it)."""
        arrays, documents, manifest = read_model_dir(Path(directory))
        config = documents["config"]
        metadata = {k: v for k, v in manifest.items() if k not in ("files", "format_version")}
        saved_encoder = encoder_from_saved(config["encoder"], arrays, documents)
        if encoder is not None and isinstance(saved_encoder, TextEncoder):
            saved_encoder = encoder
        neighbours = IndexNeighbours(arrays["index_embeddings"].astype(np.float32), documents["index_entries"])
        return cls(
            encoder=saved_encoder,
            head=SoftmaxHead.from_arrays(arrays, config["head"]),
            neighbours=neighbours,
            unit_group_titles=documents["unit_group_titles"],
            auto_code_threshold=config["auto_code_threshold"],
            metadata=metadata,
            evidence_weights=EvidenceWeights(**config.get("evidence_weights", {})),
            calibrator=ConfidenceCalibrator.from_dict(config.get("calibrator")),
            classification=Classification(documents[CLASSIFICATION_DOCUMENT]) if CLASSIFICATION_DOCUMENT in documents else None,
            dual=DualCoder.from_saved(arrays, config["dual_coding"], neighbours.embeddings) if "dual_coding" in config else None,
        )


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _search_on_one_core() -> None:
    """A coding thread's faiss search uses one OpenMP thread (the setting is per thread): the threads share the cores."""
    import faiss

    faiss.omp_set_num_threads(1)


@lru_cache(maxsize=1)
def _numpy_blas():
    """threadpoolctl's handle on the BLAS libraries that numpy and scipy brought (not faiss's or torch's own)."""
    import scipy.sparse  # noqa: F401  (loaded before the libraries are listed)
    from threadpoolctl import ThreadpoolController

    controller = ThreadpoolController()
    return controller.select(filepath=[lib.filepath for lib in controller.lib_controllers
                                       if any(part in lib.filepath for part in ("/numpy", "/scipy"))])


def top_columns(scores: np.ndarray, n: int) -> np.ndarray:
    """Each row's n highest-scoring columns, best first (ties: the lower column first)."""
    n = min(n, scores.shape[1])
    if n == 0 or len(scores) == 0:
        return np.zeros((len(scores), n), dtype=np.int64)
    part = np.argpartition(-scores, n - 1, axis=1)[:, :n] if n < scores.shape[1] else np.tile(np.arange(n), (len(scores), 1))
    part.sort(axis=1)
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def _as_answers(answers: Iterable[Mapping | str]) -> list[dict]:
    """Cleaned {job_title, job_description, industry} dicts; a plain string is a job title."""
    return [
        {field: clean(answer.get(field, "")) for field in ANSWER_FIELDS} if isinstance(answer, Mapping) else
        {"job_title": clean(answer), "job_description": "", "industry": ""}
        for answer in answers
    ]

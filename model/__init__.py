"""Run-time coding of occupation answers to SOC 2020: everything needed to code text with a trained model."""

from .coder import SocCoder
from .encoder import DEFAULT_ENCODER, TextEncoder
from .results import RESULT_COLUMNS, CodingResult
from .tables import AnswerColumns, AnswerFileError, read_answers, with_results, write_table

__all__ = [
    "DEFAULT_ENCODER", "RESULT_COLUMNS", "AnswerColumns", "AnswerFileError", "CodingResult", "SocCoder", "TextEncoder",
    "load_model", "read_answers", "with_results", "write_table",
]


def load_model(source, tracking_uri: str | None = None) -> SocCoder:
    """A saved model, checked against its manifest: a directory, or a registry URI such as
    `models:/soc-coder@production` (its model directory is downloaded once; see model.registry)."""
    from .registry import resolve_model_dir

    return SocCoder.load(resolve_model_dir(source, tracking_uri))

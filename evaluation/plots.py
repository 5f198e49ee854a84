"""The report's two pictures, drawn with matplotlib's Agg backend (files only, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .metrics import TARGET_AGREEMENTS  # noqa: E402


def coverage_plot(curves: dict[str, dict], title: str, path: Path) -> Path:
    """Agreement on the auto-coded share against coverage, one line per coder, one chart."""
    fig, ax = plt.subplots(figsize=(7, 4.8), dpi=110)
    for coder, curve in curves.items():
        if curve["coverage"]:
            few = len(curve["coverage"]) < 30
            ax.plot(curve["coverage"], curve["agreement"], label=coder, linewidth=1.6, marker="o" if few else None, markersize=3)
        else:
            ax.plot([], [], label=f"{coder} (codes nothing)")
    for target in TARGET_AGREEMENTS:
        ax.axhline(target, color="grey", linewidth=0.6, linestyle=":")
    ax.set_ylim(0.4, 1.01)
    ax.set_xlabel("coverage: share of rows auto-coded at or above the threshold")
    ax.set_ylabel("top-1 agreement on the auto-coded rows")
    return _finish(fig, ax, title, "lower left", path)


def reliability_plot(bins: list[dict], ece: float, title: str, path: Path) -> Path:
    """Reliability diagram: agreement against mean confidence per bin, marker area by the bin's rows."""
    fig, ax = plt.subplots(figsize=(5, 5), dpi=110)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=0.8, label="perfect calibration")
    if bins:
        sizes = [20 + 300 * b["rows"] / max(x["rows"] for x in bins) for b in bins]
        ax.plot([b["mean_confidence"] for b in bins], [b["agreement"] for b in bins], color="C0", linewidth=1.2)
        ax.scatter([b["mean_confidence"] for b in bins], [b["agreement"] for b in bins], s=sizes, color="C0", alpha=0.7,
                   label=f"bins (area ~ rows); ECE {ece:.3f}")
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean confidence in bin")
    ax.set_ylabel("top-1 agreement in bin")
    return _finish(fig, ax, title, "upper left", path)


def _finish(fig, ax, title: str, legend_at: str, path: Path) -> Path:
    """The styling both plots share, then save and free the figure."""
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc=legend_at, fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path

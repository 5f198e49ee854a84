"""Training examples from the ONS volumes: (title, text, unit group, source, group key) rows.

Index entries read like the answers a coder sees: the title in natural word order with its ADD qualifier as the
job title and its IND qualifier as the industry. Volume 1 adds each unit group's own title, its related job
titles, and its tasks as description-like text.
"""

from __future__ import annotations

import re

import pandas as pd

from model.schemes import SCHEMES
from model.text import answer_text, clean, normalise_title

INDEX = "index"
VOLUME1_TITLE = "volume1_title"
VOLUME1_RELATED = "volume1_related_title"
VOLUME1_TASK = "volume1_task"


def index_title(title: str, add: str) -> str:
    """An index entry's title as a respondent might write it: 'Teacher, art'."""
    return f"{title}, {add}" if add else title


def index_answer(title: str, add: str, ind: str) -> str:
    """An index entry as a whole answer: 'Teacher, art' in 'secondary school'."""
    return answer_text(index_title(title, add), "", ind)


def index_examples(entries: pd.DataFrame) -> pd.DataFrame:
    """One example per coded index entry; `group` is the normalised bare title, so hold-outs can keep
    every qualified variant of a title on the same side of a split."""
    return pd.DataFrame(
        {
            "title": [index_title(t, a) for t, a in zip(entries["title"], entries["add"])],
            "text": [index_answer(t, a, i) for t, a, i in zip(entries["title"], entries["add"], entries["ind"])],
            "label": entries["soc2020"].astype(str).tolist(),
            "source": INDEX,
            "group": [normalise_title(t) for t in entries["title"]],
            # the entry itself, so the trained model can cite it as an explanation
            "entry_title": entries["title"].tolist(),
            "entry_add": entries["add"].tolist(),
            "entry_ind": entries["ind"].tolist(),
            # its codes in the other schemes, which the scheme heads learn (model.schemes)
            **{scheme: entries[scheme].astype(str).tolist() for scheme in SCHEMES},
        }
    )


def strip_list_marker(item: str) -> str:
    """A Volume 1 list item without its leading "~" marker."""
    return re.sub(r"^\s*~\s*", "", item).strip()


def volume1_examples(unit_groups: pd.DataFrame) -> pd.DataFrame:
    """Unit-group titles, related job titles and tasks (tasks as the description of an answer with no title)."""
    rows = []
    for group in unit_groups.itertuples(index=False):
        code = str(group.code)
        rows.append((clean(group.title), answer_text(group.title), code, VOLUME1_TITLE))
        for related in group.related_titles:
            rows.append((clean(strip_list_marker(related)), answer_text(strip_list_marker(related)), code, VOLUME1_RELATED))
        for task in group.tasks:
            rows.append(("", answer_text("", strip_list_marker(task)), code, VOLUME1_TASK))
    frame = pd.DataFrame(rows, columns=["title", "text", "label", "source"])
    frame["group"] = [f"{source}:{normalise_title(text)}" for text, source in zip(frame["text"], frame["source"])]
    return frame[frame["text"] != ""].reset_index(drop=True)


def training_examples(entries: pd.DataFrame, unit_groups: pd.DataFrame) -> pd.DataFrame:
    """Index and Volume 1 examples; exact duplicate (text, label) pairs kept once."""
    examples = pd.concat([index_examples(entries), volume1_examples(unit_groups)], ignore_index=True)
    filled = ["entry_title", "entry_add", "entry_ind", *SCHEMES]  # empty, not NaN, for Volume 1 examples
    examples[filled] = examples[filled].fillna("")
    return examples.drop_duplicates(subset=["text", "label"]).reset_index(drop=True)

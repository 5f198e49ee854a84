"""A small answers file written by the project itself (invented answers, no ONS data) for the demo."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

EXAMPLE_ANSWERS = [
    ("a01", "Care assistant", "help residents wash, dress and eat", "residential care home"),
    ("a02", "carer", "i go round peoples houses helping them get up and washed", "home care agency"),
    ("a03", "Staff nurse", "band 5 on a surgical ward", "NHS hospital"),
    ("a04", "HGV driver", "class 1, deliver to supermarkets", "haulage"),
    ("a05", "Primary school teacher", "year 4 class teacher", "local authority school"),
    ("a06", "software developer", "build web apps in python", "fintech"),
    ("a07", "Electrician", "domestic rewiring and fault finding", "self employed"),
    ("a08", "chef", "cook in a busy restaurant kitchen", "restaurant"),
    ("a09", "Accounts assistant", "purchase ledger, invoices, bank reconciliations", "manufacturing company"),
    ("a10", "Retired", "", ""),
    ("a11", "Manager", "", ""),
    ("a12", "Warehouse operative", "picking and packing orders", "online retailer"),
    ("a13", "Hairdresser", "cut and colour hair", "salon"),
    ("a14", "", "", ""),
    ("a15", "Bus driver", "drive double deckers on city routes", "bus company"),
]


def write_example(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(EXAMPLE_ANSWERS, columns=["id", "job_title", "job_description", "industry"]).to_csv(path, index=False)
    return path

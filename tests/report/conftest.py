"""The shipped record and real answers for the pictures (small runs: the whole folder runs in well under a minute)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csto import answers, report

ROOT = Path(__file__).resolve().parents[2]
KAZ = ROOT / "scenarios" / "kazakhstan-2022-01.yaml"
ARM = ROOT / "scenarios" / "armenia-2022-09.yaml"
MAJORITY = ROOT / "data" / "treaty" / "overlays" / "qualified-majority.yaml"
ON = date(2022, 1, 10)
RUNS = 2000

#: Each picture with the options it is drawn for in these tests.
OPTIONS = {
    "timeline": {"on": ON},
    "map": {"on": ON},
    "organs": {"on": ON},
    "overlap": {"on": ON, "orgs": ["CSTO", "CIS", "EAEU", "SCO", "BRICS", "NATO"]},
    "simulation": {"scenarios": [KAZ], "runs": RUNS, "seed": 1},
    "whatif": {"scenarios": [ARM], "overlay": MAJORITY, "runs": RUNS, "seed": 1},
    "backtest": {"particles": 64, "reps": 2, "repeats": 1, "seed": 0},
}


@pytest.fixture(scope="session")
def inputs(record):
    """Each picture's gathered answers (what its builder is given), asked once for the session."""
    return {name: report.PICTURES[name].gather(record, **OPTIONS[name]) for name in report.PICTURES}


@pytest.fixture(scope="session")
def specs(inputs):
    """Each picture's Vega-Lite spec."""
    return {name: report.to_spec(report.PICTURES[name].build(**given)) for name, given in inputs.items()}


@pytest.fixture(scope="session")
def kaz(record):
    """A simulate answer of the Kazakhstan scenario."""
    return answers.simulate(record, scenario=KAZ, runs=RUNS, seed=1)

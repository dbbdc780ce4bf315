"""Time the crisis exercise: the debrief's 1,000-run comparison, and 30 players submitting at once in one phase.

    .venv/bin/python benchmarks/exercise_bench.py [SCENARIO] [--repeats N] [--rounds R] [--players P]

1. The debrief's comparison: compile the scenario on its date, run the model 1,000 times (seeded) and set a
   played game's decision beside the runs (``csto.exercise.debrief``), as a game's definition and debrief do;
   timed ``--repeats`` times (p50, p99, max). Creating a whole game (definition, briefs, runs, join codes) is
   timed beside it.
2. Submissions: a game on a fresh SQLite file on disk (WAL, synchronous=FULL) with ``--players`` players
   joined to the voting delegations in turn. In each of ``--rounds`` rounds, the players' threads are
   released together by one barrier and each makes one call: seal its delegation's position (the first of
   each delegation is stored, the others are refused as already sealed, as the game requires); then again
   together, each posts a public statement (every one stored). Per-call latency, p50 and p99 over all rounds.

The figures measured are in docs/exercise.md ("Speed"). Tests never assert a time.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from csto.exercise import Conflict, ExerciseService
from csto.exercise import debrief as debrief_mod
from csto.exercise import definition as defs
from csto.record import Record
from csto.sim import compile, params_for

ROOT = Path(__file__).resolve().parent.parent
FORECAST = {"troops": 0.7, "assistance": 0.2, "consultations": 0.1}


def _ms(values: list[float]) -> str:
    a = np.array(values) * 1000
    return f"p50 {np.percentile(a, 50):.1f} ms, p99 {np.percentile(a, 99):.1f} ms, max {a.max():.1f} ms (n={len(a)})"


def _played(svc: ExerciseService, scenario: str) -> tuple[dict, dict]:
    made = svc.create(scenario, seed=0)
    fac = made["facilitator_token"]
    tokens = {r: svc.join(c)["token"] for r, c in made["join_codes"].items()}
    while not svc.view(fac)["phase"]["decision"]:
        svc.advance(fac)
    for v in svc.state(made["game"])["definition"]["model"]["voters"]:
        svc.submit(tokens[v], FORECAST, "troops")
    svc.reveal(fac)
    return made, svc.state(made["game"])


def bench_debrief(svc: ExerciseService, record: Record, scenario: str, repeats: int) -> None:
    _, state = _played(svc, scenario)
    setup = defs.setup_from_dict(state["setup"])
    params = params_for(record)
    runs = svc.procedure.game.debrief_runs.value
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        model = compile(setup.event, record, params, on=setup.on, overlay=setup.overlay)
        fresh = {**state, "definition": {**state["definition"], "model_runs": defs.model_runs(model, runs, i)}}
        out = debrief_mod.debrief(fresh)
        times.append(time.perf_counter() - start)
    assert out["model"]["runs"] == runs
    print(f"debrief comparison ({runs:,} seeded runs: compile + run + compare): {_ms(times)}")
    created = []
    for _ in range(max(3, repeats // 4)):
        start = time.perf_counter()
        svc.create(scenario, seed=0)
        created.append(time.perf_counter() - start)
    print(f"create a game (definition, briefs, {runs:,} runs, join codes, stored): {_ms(created)}")


def bench_submissions(svc: ExerciseService, scenario: str, players: int, rounds: int) -> None:
    made = svc.create(scenario, seed=0)
    game, fac = made["game"], made["facilitator_token"]
    voters = svc.state(game)["definition"]["model"]["voters"]
    joined = [(voters[i % len(voters)], svc.join(made["join_codes"][voters[i % len(voters)]])["token"])
              for i in range(players)]
    while not svc.view(fac)["phase"]["decision"]:
        svc.advance(fac)
    seal, say = [], []
    stored = refused = 0
    lock = threading.Lock()

    def storm(call, into: list[float]) -> None:
        barrier = threading.Barrier(players)

        def one(i: int, token: str) -> None:
            nonlocal stored, refused
            barrier.wait()
            start = time.perf_counter()
            try:
                call(i, token)
                ok = True
            except Conflict:
                ok = False
            took = time.perf_counter() - start
            with lock:
                into.append(took)
                if call is sealing:
                    stored, refused = stored + ok, refused + (not ok)

        threads = [threading.Thread(target=one, args=(i, t)) for i, (_, t) in enumerate(joined)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def sealing(i: int, token: str) -> None:
        # each player's own forecast: the first of a delegation is sealed, its colleagues are refused
        svc.submit(token, {"troops": 0.5 + i / 100, "assistance": 0.5 - i / 100}, "troops")

    def saying(i: int, token: str) -> None:
        svc.say(token, f"statement {i}")

    for _ in range(rounds):
        storm(sealing, seal)
        storm(saying, say)
        svc.reveal(fac, force=True)
        svc.rollback(fac)  # back to the consultations: the decision reopens in a new round
        svc.advance(fac)
    checked = svc.replay(game)
    print(f"{players} players sealing at once, {rounds} rounds ({stored} stored, {refused} refused as already "
          f"sealed): {_ms(seal)}")
    print(f"{players} players posting a statement at once, {rounds} rounds (all stored): {_ms(say)}")
    print(f"log replayed: {checked['events']} events, the same state: {checked['same']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "kazakhstan-2022-01.yaml"))
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--players", type=int, default=30)
    a = ap.parse_args()
    record = Record.open()
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as tmp:
        svc = ExerciseService(Path(tmp) / "games.sqlite", record=record)
        bench_debrief(svc, record, a.scenario, a.repeats)
        bench_submissions(svc, a.scenario, a.players, a.rounds)
        svc.close()


if __name__ == "__main__":
    main()

"""Commands over the crisis simulation: simulate (Monte Carlo on a scenario) and backtest (against history)."""

from __future__ import annotations

import math

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..sim import OUTCOMES, compile, params_for, run
from ..sim.montecarlo import DEFAULT_CHUNK, check_args
from .common import DataOpt, Format, FormatOpt, console, day, emit_json, err_console, handles_errors, open_record, table

PROGRESS_FROM = 200_000  # runs; below this a run takes well under a second


def _params(record):
    return params_for(record, check_sources=True)


def _fmt(q: dict, unit: str = "") -> str:
    if not q.get("n"):
        return "-"
    return f"{q['p05']}{unit} / {q['p50']}{unit} / {q['p95']}{unit}"


def _simulate_table(payload: dict) -> None:
    m = payload["model"]
    what_if = f", overlay {payload['overlay']}" if payload["overlay"] else ""
    console.print(f"[bold]{payload['scenario']}[/bold] ({payload['date']}{what_if}): {payload['runs']:,} runs, seed {payload['seed']}; "
                  f"target {m['target']}, formation {m['formation'] or '-'}, ceiling {m['ceiling']}")
    console.print(table("Outcome", ["class", "probability"],
                        [[k, f"{v:.3f}"] for k, v in payload["outcomes"].items()]))
    console.print(table("Timing (days from the request) and size", ["measure", "p05 / p50 / p95"], [
        ["days to decision", _fmt(payload["days_to_decision"])],
        ["days to first troops", _fmt(payload["days_to_first_troops"])],
        ["days to withdrawal", _fmt(payload["days_to_withdrawal"])],
        ["peak personnel", _fmt(payload["peak_personnel"])],
    ]))
    rows = [[s, f"{payload['personnel_by_state'][s]['p_contributes']:.3f}",
             payload["personnel_by_state"][s]["mean_when_deployed"], f"{payload['cost_by_state'][s]['mean']:,.0f}",
             f"{payload['blocking'][s]:.3f}", m["stances"][s]["stance"]] for s in m["states"]]
    console.print(table("By state", ["state", "P(sends troops)", "personnel when deployed", "mean cost (USD, illustrative)",
                                     "P(blocks)", "stance"], rows))
    console.print(f"Most often blocks consensus: {payload['most_often_blocks'] or 'nobody'}")
    for note in m["notes"]:
        console.print(f"[dim]note: {note}[/dim]")


def register(app: typer.Typer) -> None:
    @app.command()
    @handles_errors
    def simulate(
        scenario: Annotated[Path, typer.Argument(help="scenario YAML (scenarios/*.yaml)")],
        runs: Annotated[int, typer.Option("--runs", "-n", help="replications (1 to 100,000,000)")] = 10_000,
        seed: Annotated[int, typer.Option("--seed", "-s", help="random seed (>= 0); same seed, same numbers")] = 0,
        chunk: Annotated[int, typer.Option("--chunk", help="replications held in memory at once (numbers do not depend on it)")] = DEFAULT_CHUNK,
        on: Annotated[str | None, typer.Option(
            "--on", help="simulate as of this date, YYYY-MM-DD: its law, members, forces and relations "
                         "(default: the event's date)")] = None,
        overlay: Annotated[Path | None, typer.Option(
            "--overlay", help="a treaty what-if overlay file (data/treaty/overlays/), e.g. stand-aside.yaml")] = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Monte Carlo of one crisis: outcome probabilities, timings, personnel and cost by state, who blocks."""
        from ..treaty import load_overlay

        check_args(runs, seed, chunk)
        when = day(on, "--on")
        record = open_record(data)
        what_if = load_overlay(overlay, record) if overlay else None
        model = compile(scenario, record, _params(record), on=when, overlay=what_if)
        if runs >= PROGRESS_FROM and format == Format.table:
            columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("runs", total=runs)
                summary = run(model, runs, seed, chunk, progress=lambda k: bar.advance(task, k))
        else:
            summary = run(model, runs, seed, chunk)
        md = model.as_dict()
        payload = {
            "scenario": model.scenario, "date": model.date, "overlay": what_if.id if what_if else None,
            "seed": seed, **summary,
            "model": {"states": md["states"], "target": md["target"], "formation": md["formation"],
                      "floor": md["floor"], "ceiling": md["ceiling"], "contingent": dict(zip(md["states"], md["contingent"])),
                      "deploy_fraction": model.deploy_fraction,
                      # infinite concentration = a fixed share; JSON has no infinity
                      "deploy_concentration": None if math.isinf(model.deploy_concentration)
                      else model.deploy_concentration,
                      "treaty_basis": model.factors.get("treaty_basis"), "situation": model.factors.get("situation"),
                      "stances": model.factors.get("stances"), "notes": md["notes"]},
        }
        if format == Format.json:
            emit_json(payload)
        else:
            _simulate_table(payload)

    @app.command()
    @handles_errors
    def backtest(
        runs: Annotated[int, typer.Option("--runs", "-n", help="replications per case")] = 2000,
        seed: Annotated[int, typer.Option("--seed", "-s", help="random seed (>= 0)")] = 0,
        scenarios: Annotated[Path | None, typer.Option("--scenarios", help="scenario directory (default: scenarios/ beside the data)")] = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Simulate every historical crisis in the record and compare with what actually happened."""
        from ..analysis.backtest import backtest as run_backtest

        check_args(runs, seed)
        record = open_record(data)
        result = run_backtest(record, _params(record), runs, seed, scenarios)
        if format == Format.json:
            emit_json(result)
            return
        def trio(*values) -> str:
            return " / ".join("–" if v is None else f"{v:g}" for v in values)

        rows = []
        for c in result["cases"]:
            a, p, loo = c["actual"], c["predicted"], c["loo"] or {}
            rows.append([c["crisis"], f"{a['outcome']} → {p['outcome']}", f"{p['probabilities'][a['outcome']]:.2f}",
                         "yes" if c["hit"] else "NO",
                         trio(a["days_to_decision"], p["days_to_decision_p50"], loo.get("days_to_decision_p50")),
                         trio(a["days_to_first_troops"], p["days_to_first_troops_p50"]),
                         trio(a["personnel"], p["peak_personnel_p50"])])
        console.print(table(f"Backtest: {result['runs']:,} runs per case, seed {result['seed']} (days from the request)",
                            ["crisis", "actual → predicted", "P(actual)", "hit", "days to decision\nactual / pred / LOO",
                             "first troops\nactual / pred", "personnel\nactual / pred"], rows))
        s = result["summary"]
        console.print(f"{s['hits']}/{s['cases']} outcome classes right; leave-one-out mean absolute error of days to "
                      f"decision: {s['loo_mean_abs_error_days_to_decision']}")
        console.print(f"[dim]{result['note']}[/dim]")


__all__ = ["register", "OUTCOMES"]

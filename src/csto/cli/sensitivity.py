"""``csto sensitivity``: Sobol' indices of a crisis's outcome to the model's inputs (csto.analysis.sensitivity)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .. import answers
from .common import DataOpt, Format, FormatOpt, console, emit_json, err_console, handles_errors, open_record, table

PROGRESS_FROM = 2_000_000  # points x runs; below this the analysis takes a few seconds


def _show(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def _table(result: dict) -> None:
    m = result["method"]
    console.print(f"[bold]{result['scenario']}[/bold] ({result['date']}): {m['inputs']} inputs, N = {m['base_samples']:,} "
                  f"base samples, {m['points']:,} points x {m['runs_per_point']:,} runs, seed {result['seed']}")
    for name, out in result["outputs"].items():
        mc = out["mcse_at_one_point"]
        console.print(f"\n{name}: {out['description']}; mean {out['mean']}, sd over points "
                      f"{out['sd_over_points']}, Monte Carlo error at one point {mc['mean']} (max {mc['max']})",
                      markup=False)
        rows = [[r["input"], _show(r["S1"]), _show(r["S1_conf"]), _show(r["ST"]), _show(r["ST_conf"])]
                for r in out["indices"]]
        console.print(table(f"{name}, by total index ST", ["input", "S1", "± 95%", "ST", "± 95%"], rows))
        if out.get("note"):
            console.print(out["note"], markup=False)
    console.print(f"{m['common_random_numbers']}; {m['drawn_per_replication']}.", markup=False, style="dim")
    for left in result["left_out"]:
        console.print(f"left out: {left['input']}: {left['why']}", markup=False, style="dim")


def register(app: typer.Typer) -> None:
    @app.command()
    @handles_errors
    def sensitivity(
        scenario: Annotated[Path, typer.Argument(help="scenario YAML (scenarios/*.yaml)")],
        base_samples: Annotated[int, typer.Option("--base-samples", "-N", help="Sobol' base samples N, a power of two: "
                                                  "N (2D + 2) points for D inputs")] = 1024,
        runs: Annotated[int, typer.Option("--runs", "-n", help="replications at every point")] = 10_000,
        seed: Annotated[int, typer.Option("--seed", "-s", help="random seed (>= 0); every point runs from it")] = 0,
        input: Annotated[list[str] | None, typer.Option(
            "--input", "-i", help="an input to vary (repeat; default: about 20, see docs/sensitivity.md), e.g. "
                                  "w.treaty_basis, ties_target.RUS, horizon_days")] = None,
        output: Annotated[list[str] | None, typer.Option(
            "--output", "-o", help="mean_class, p_assistance_or_troops (default: both) or p_troops")] = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Global sensitivity (Sobol' indices, SALib) of a crisis's outcome to the model's inputs."""
        from ..analysis.sensitivity import DEFAULT_OUTPUT
        from ..analysis.sensitivity import check_args as check_design

        outputs = check_design(base_samples, output or DEFAULT_OUTPUT)
        record = open_record(data)
        ask = functools.partial(answers.sensitivity, record, scenario, base_samples=base_samples, runs=runs,
                                seed=seed, inputs=input or None, output=outputs)
        if format == Format.table and base_samples * 42 * runs >= PROGRESS_FROM:
            columns = (TextColumn("points"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("points", total=None)
                full = ask(progress=lambda k, total: bar.update(task, advance=k, total=total))
        else:
            full = ask()
        if format == Format.json:
            emit_json(full)
        else:
            _table(full["result"])

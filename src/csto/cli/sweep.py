"""``csto sweep``: every scenario at every point of a parameter grid, locally or on a Ray cluster."""

from __future__ import annotations

import functools
import stat
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .. import answers
from ..sim.backends import BACKENDS, SweepError, check_value, grid_help, kind_of
from ..sim.montecarlo import check_args
from .common import (
    DataOpt,
    Format,
    FormatOpt,
    UserError,
    console,
    emit_json,
    err_console,
    handles_errors,
    open_record,
    table,
)

PROGRESS_FROM = 200_000  # replications in all; below this a sweep takes about a second
SHOWN = ("p_troops", "most_likely", "decision_p50", "first_troops_p50", "peak_personnel_p50", "cost_mean_total")


def parse_value(text: str) -> Any:
    """A grid value as typed: a whole number, a number, true/false, or a word (an outcome name)."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text.strip()


def parse_grid(specs: list[str]) -> dict[str, list[Any]]:
    """``["threshold=0.5,1", "contingent.RUS=0,5000"]`` -> ``{"threshold": [0.5, 1], ...}``."""
    grid: dict[str, list[Any]] = {}
    for spec in specs:
        name, sep, values = spec.partition("=")
        name = name.strip()
        if not sep or not name or not values.strip():
            raise UserError(f"--grid: expected FIELD=VALUE[,VALUE...], got {spec!r}")
        try:
            kind_of(name)
        except SweepError as exc:
            raise UserError(f"--grid: {str(exc).removeprefix('grid: ')}") from None
        if name in grid:
            raise UserError(f"--grid: {name} given twice")
        grid[name] = [parse_value(v) for v in values.split(",")]
        for value in grid[name]:
            try:
                check_value(name, value)
            except SweepError as exc:
                raise UserError(f"--grid {name}: {exc}") from None
    return grid


def scenario_files(paths: list[Path]) -> list[Path]:
    """The scenario files named, a directory standing for every ``*.yaml`` in it."""
    files: list[Path] = []
    for path in paths:
        try:
            is_dir = stat.S_ISDIR(path.stat().st_mode)
        except OSError:  # missing, unreadable, a name too long: the scenario's reader says which, with the file
            is_dir = False
        if is_dir:
            found = sorted(path.glob("*.yaml"))
            if not found:
                raise UserError(f"{path}: no scenario files (*.yaml) in this directory")
            files.extend(found)
        else:
            files.append(path)
    return files


# What --help says of the output (paragraphs one string each: the help wraps them to the terminal).
SWEEP_HELP = "\n\n".join([
    "Run scenarios over a parameter grid: one row per scenario and grid point (same numbers on any backend).",
    "Columns: the scenario and the grid values; p_troops, the probability of troops; most_likely, the modal "
    "outcome; decision_p50 and first_troops_p50, median days from the request (blank where too few runs); "
    "peak_personnel_p50; cost_mean_total, mean cost in illustrative US dollars. --format json adds every "
    "outcome's probability and each measure's mean and quantiles (docs/benchmarks.md, \"Beyond one machine\").",
])


def register(app: typer.Typer) -> None:
    @app.command("sweep", help=SWEEP_HELP)
    @handles_errors
    def sweep_command(
        scenarios: Annotated[list[Path], typer.Argument(help="scenario YAML files, or directories of them")],
        grid: Annotated[list[str] | None, typer.Option(
            "--grid", "-g", help="NAME=V1,V2,...: a setting and the values to try (repeatable). NAME is one of "
                                 + grid_help())] = None,
        runs: Annotated[int, typer.Option("--runs", "-n", help="replications per cell")] = 10_000,
        seed: Annotated[int, typer.Option("--seed", "-s", help="random seed (>= 0), the same for every cell")] = 0,
        backend: Annotated[str, typer.Option("--backend", "-b", help=f"where to run: {' or '.join(BACKENDS)}")] = "local",
        ray_address: Annotated[str | None, typer.Option(
            "--ray-address", help="Ray cluster to join (default: $RAY_ADDRESS, else a local instance)")] = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Run scenarios over a parameter grid: one row per scenario and grid point (same numbers on any backend)."""
        check_args(runs, seed)
        if backend not in BACKENDS:
            raise UserError(f"--backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
        if ray_address and backend != "ray":
            raise UserError("--ray-address: only with --backend ray")
        points = parse_grid(grid or [])
        record = open_record(data)
        files = scenario_files(scenarios)
        options: dict[str, Any] = {"address": ray_address} if ray_address else {}  # the backend's options
        cells = len(files)
        for values in points.values():
            cells *= len(values)
        ask = functools.partial(answers.sweep, record, files, points, runs, seed, backend, **options)
        try:
            if cells * runs >= PROGRESS_FROM and format == Format.table:
                columns = (TextColumn(f"sweeping ({backend})"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
                with Progress(*columns, console=err_console, transient=True) as bar:
                    task = bar.add_task("runs", total=cells * runs)
                    full = ask(progress=lambda k: bar.advance(task, k))
            else:
                full = ask()
        except RuntimeError as exc:  # Ray missing or unreachable: not the user's input, but no traceback
            err_console.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        if format == Format.json:
            emit_json(full)
            return
        rows = full["result"]["rows"]
        shown = ["scenario", *points, *SHOWN]
        console.print(table(f"Sweep: {len(rows)} cells x {runs:,} runs, seed {seed} ({backend})", shown,
                            [[row[c] for c in shown] for row in rows]))

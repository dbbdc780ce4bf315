"""Property tests (Hypothesis): on generated input, the record and treaty commands exit 0 or 2, never 1, and never
show a traceback; a JSON error has the documented shape.

Four surfaces: command lines of the record and treaty commands, mutated scenario files, mutated overlay files, and
data folders with one file mutated or replaced (``csto check`` exits 0 or 2 within a time limit: never 1, never
hangs). ``make test`` runs a small budget (``CSTO_FUZZ_EXAMPLES``, default 25 per surface); ``make fuzz`` runs
10,000 per surface (figures in the README, "Development").
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from csto.cli import app
from csto.record.query import default_data_dir

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "kazakhstan-2022-01.yaml"
OVERLAY = ROOT / "data" / "treaty" / "overlays" / "stand-aside.yaml"
EXAMPLES = int(os.environ.get("CSTO_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

runner = CliRunner()
PROGRESS = os.environ.get("CSTO_FUZZ_LOG")  # a long run's progress: one line per input, for ``tail -f``


def progress(surface: str, outcome: str) -> None:
    if PROGRESS:
        with open(PROGRESS, "a", encoding="utf-8") as log:
            log.write(f"{surface}\t{outcome}\n")

COMMANDS = ["members", "history", "timeline", "organs", "who", "events", "conflicts", "sources", "overlap",
            "check", "obligations", "article", "articles", "export", "forces", "budget", "crises", "missions",
            "exercises"]
OPTIONS = ["--on", "--from", "--to", "--status", "--org", "--kind", "--search", "--format", "-f", "--overlay", "--brief", "--to",
           "--data", "-h", "--debug"]
HOSTILE = ["[/x]", "[bold]", ":100:", "2022-02-30", "0000-01-01", "2022-01-10", "json", "table", "csto", "CSTO",
           "arm", "ARM", "-", "--", "", " ", "\x00", "9" * 5001, "x" * 300, "/dev/zero", ".", str(SCENARIO),
           str(OVERLAY), "secretary-general", "cst-4", "member", "all", "crisis", "act"]
token = st.one_of(st.sampled_from(OPTIONS), st.sampled_from(HOSTILE), st.text(max_size=12))


def check(result, surface: str = "") -> None:
    """The contract: exit 0 or 2, no traceback, and a JSON error (if any) of the documented shape."""
    progress(surface, str(result.exit_code))
    assert result.exit_code in (0, 2), (result.exit_code, result.stdout[-500:], result.stderr[-500:])
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    if result.exit_code == 2 and result.stdout.startswith("{"):
        error = json.loads(result.stdout)["error"]
        assert {"kind", "message", "file", "line", "field", "value"} <= set(error)


def _safe(args: list[str]) -> bool:
    # ``export`` writes files: only into a fresh temporary folder (added below), never where a token points.
    return "\x00" not in "".join(args)


@FUZZ
@given(st.sampled_from(COMMANDS), st.lists(token, max_size=6))
def test_generated_command_lines_exit_0_or_2(command, args):
    if not _safe(args):
        args = [a.replace("\x00", "") for a in args]
    with tempfile.TemporaryDirectory() as out:
        extra = [str(Path(out) / "export")] if command == "export" else []
        if command == "export":
            args = [a for a in args if a not in ("--data",)]
        check(runner.invoke(app, [command, *args, *extra]), "command-line")


#: The simulation's commands, each with options appended after the generated ones to bound its cost (the last value
#: of an option wins): a generated line may ask for any number of runs the command accepts, and 10^8 replications
#: are a legitimate request that takes minutes. ``backtest``, ``calibrate`` and ``plot`` are not generated here (one
#: run of any of them takes a second or more even at its smallest); tests/test_errors.py covers their bad inputs.
SIM_COMMANDS = {"simulate": ["--runs", "500"], "sweep": ["--runs", "200"], "sensitivity": ["-N", "2", "--runs", "10"],
                "compare": [], "tour": [], "exercise new": [], "exercise show": [], "exercise list": [],
                "exercise export": [], "exercise replay": [], "exercise token": []}
SIM_VALUES = ["-1", "0", "1", "3", "64", "2000", "1e3", "0x10", "nan", "9" * 5001, "100000001", "2" * 30, "local",
              "horizon_days=10,20", "urgent=true,false", "target=KAZ", "threshold=0.5,2", "x=1", "=", "a=" + "1," * 50,
              "w.treaty_basis", "ties_target.RUS", "mean_class", str(SCENARIO), str(OVERLAY), str(ROOT / "scenarios"),
              "facilitator", "RUS", "GAME", "nope.yaml", *HOSTILE]


def _cheap(token: str) -> bool:
    """A generated token that cannot ask for a long run: no positive integer above 2,000 (the appended options
    bound the runs, but not ``--chunk`` or a sweep's grid), and no Ray cluster (it starts processes)."""
    text = token.strip().replace("_", "")
    return token.strip().lower() != "ray" and not (text.isdecimal() and len(text) < 4300 and int(text) > 2000)


def options_of(command: str) -> list[str]:
    """The options ``csto COMMAND`` takes, read from the command itself (so this list cannot drift)."""
    import typer

    found = typer.main.get_command(app)
    for word in command.split():
        found = found.get_command(found.context_class(found), word)  # type: ignore[attr-defined]
    return [o for p in found.params if p.param_type_name == "option" for o in p.opts]


def sim_args(command: str):
    """Up to four parts: mostly one of the command's own options with a value (a plausible one more often than
    not), so that many lines get past parsing to the command's own checks; sometimes any token at all."""
    own = options_of(command)
    token = st.one_of(st.sampled_from(own + ["--runs", "-h", "--debug"]), st.sampled_from(SIM_VALUES),
                      st.text(max_size=12)).filter(_cheap)
    pair = st.tuples(st.sampled_from(own), st.one_of(st.sampled_from(SIM_VALUES), st.sampled_from(SIM_VALUES), token))
    return st.lists(st.one_of(pair.map(list), pair.map(list), pair.map(list), token.map(lambda t: [t])),
                    max_size=4).map(lambda parts: [t for part in parts for t in part])


@pytest.fixture(scope="module")
def games(tmp_path_factory):
    """A games database holding one game, so that ``exercise show GAME`` and the like can also succeed."""
    db = tmp_path_factory.mktemp("games") / "games.sqlite"
    made = runner.invoke(app, ["exercise", "new", str(SCENARIO), "--db", str(db), "-f", "json"])
    assert made.exit_code == 0, made.stdout[-500:]
    return db, json.loads(made.stdout)["result"]["game"]


@FUZZ
@given(line=st.sampled_from(sorted(SIM_COMMANDS)).flatmap(lambda c: st.tuples(st.just(c), sim_args(c))),
       first=st.sampled_from([[], [str(SCENARIO)], ["GAME"], ["/dev/zero"], [str(ROOT / "scenarios")]]),
       fitting=st.integers(0, 3))
def test_generated_simulation_command_lines_exit_0_or_2(games, line, first, fitting):
    command, args = line
    if fitting:  # three times in four, the argument the command expects (a scenario, the game), else any
        first = ([str(SCENARIO)] if command in ("simulate", "sweep", "sensitivity", "exercise new") else
                 ["GAME"] if command.startswith("exercise") and command != "exercise list" else [])
    db, game = games
    args = [game if a == "GAME" else a.replace("\x00", "") for a in [*first, *args]]
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as out:
        os.chdir(out)  # a generated ``--db X`` or ``--to X`` writes X here, never into the checkout
        try:
            bound = SIM_COMMANDS[command] + (["--to", "game-export"] if command == "exercise export" else [])
            check(runner.invoke(app, [*command.split(), *args, *bound], env={"CSTO_GAMES_DB": str(db)}),
                  "simulation-command-line")
        finally:
            os.chdir(here)


def mutate(text: str, draw) -> str:
    """One of: cut a span, insert generated text, replace a value, repeat a line, or splice hostile YAML."""
    lines = text.splitlines(keepends=True)
    kind = draw(st.sampled_from(["cut", "insert", "value", "repeat", "hostile"]))
    at = draw(st.integers(0, max(len(text) - 1, 0)))
    if kind == "cut":
        return text[:at] + text[at + draw(st.integers(1, 40)):]
    if kind == "insert":
        return text[:at] + draw(st.text(max_size=20)) + text[at:]
    if kind == "repeat" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        return "".join(lines[:i + 1] + lines[i:])
    if kind == "value" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        key, sep, _ = lines[i].partition(":")
        value = draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=15), st.integers().map(str)))
        return "".join(lines[:i] + [f"{key}{sep or ':'} {json.dumps(value)}\n"] + lines[i + 1:])
    hostile = draw(st.sampled_from([
        "a: &a [x, x]\nb: [*a, *a]\n", "x: " + "[" * 500 + "\n", "? [1, 2]\n: 3\n", "n: " + "7" * 5001 + "\n",
        "t: 'a\x07b'\n", "title: '[/x] :100:'\n", "extra: {}\n", "date: 0000-01-01\n", "targets: [arm]\n"]))
    return text + "\n" + hostile


@FUZZ
@given(st.data())
def test_mutated_scenarios_exit_0_or_2(data):
    text = mutate(SCENARIO.read_text(encoding="utf-8"), data.draw)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check(runner.invoke(app, ["obligations", str(path), "--brief", "--format",
                                  data.draw(st.sampled_from(["json", "table"]))]), "scenario")


@FUZZ
@given(st.data())
def test_mutated_overlays_exit_0_or_2(data):
    text = mutate(OVERLAY.read_text(encoding="utf-8"), data.draw)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "o.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check(runner.invoke(app, ["obligations", str(SCENARIO), "--overlay", str(path), "--brief", "--format",
                                  data.draw(st.sampled_from(["json", "table"]))]), "overlay")


class Hang(Exception):
    pass


def _hang(signum, frame):
    raise Hang("csto check ran past the time limit (a hang)")


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory):
    """One folder holding a copy of the record's files, restored before each example (the same path every time,
    so the unchanged files' validated copies in the cache are reused and an example costs one file's read)."""
    originals = {p.name: p.read_bytes() for p in sorted(default_data_dir().glob("*.yaml"))}
    folder = tmp_path_factory.mktemp("fuzz-data") / "data"
    folder.mkdir()
    for name, blob in originals.items():
        (folder / name).write_bytes(blob)
    assert runner.invoke(app, ["check", "--data", str(folder)]).exit_code == 0  # primes the cache
    cache = Path(os.environ["CSTO_CACHE"])
    return folder, originals, set(cache.rglob("*")), cache


def _restore(folder: Path, originals: dict[str, bytes]) -> None:
    for path in folder.iterdir():
        if path.name not in originals or not path.is_file() or path.is_symlink():
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    for name, blob in originals.items():
        if not (folder / name).is_file() or (folder / name).read_bytes() != blob:
            (folder / name).write_bytes(blob)


@FUZZ
@given(st.data())
def test_mutated_data_folders_check_exits_0_or_2(data_copy, data):
    folder, originals, kept, cache = data_copy
    _restore(folder, originals)
    name = data.draw(st.sampled_from(sorted(originals)))
    target = folder / name
    how = data.draw(st.sampled_from(["text"] * 8 + ["fifo", "dev-zero", "directory", "empty", "binary", "new"]))
    if how == "text":
        target.write_text(mutate(originals[name].decode("utf-8"), data.draw), encoding="utf-8",
                          errors="surrogatepass")
    elif how == "fifo":
        target.unlink()
        os.mkfifo(target)
    elif how == "dev-zero":
        target.unlink()
        target.symlink_to("/dev/zero")
    elif how == "directory":
        target.unlink()
        target.mkdir()
    elif how == "empty":
        target.write_bytes(b"")
    elif how == "binary":
        target.write_bytes(data.draw(st.binary(max_size=200)))
    else:
        (folder / "zz-new.yaml").write_text(mutate(originals[name].decode("utf-8"), data.draw), encoding="utf-8",
                                            errors="surrogatepass")
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(60)
    try:
        check(runner.invoke(app, ["check", "--data", str(folder), "--format",
                                  data.draw(st.sampled_from(["json", "table"]))], catch_exceptions=False),
              f"data-folder:{how}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        for path in set(cache.rglob("*")) - kept:  # records built from mutated folders: not kept (disk)
            if path.is_file():
                path.unlink()

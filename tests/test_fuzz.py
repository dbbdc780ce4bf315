"""Property tests (Hypothesis): on generated input, the record and treaty commands exit 0 or 2, never 1, and never
show a traceback; a JSON error has the documented shape.

Three surfaces: command lines of the record and treaty commands, mutated scenario files, mutated overlay files.
``make test`` runs a small budget (``CSTO_FUZZ_EXAMPLES``, default 25 per surface); ``make fuzz`` runs 10,000
per surface (figures in the README, "Development").
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from csto.cli import app

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "kazakhstan-2022-01.yaml"
OVERLAY = ROOT / "data" / "treaty" / "overlays" / "stand-aside.yaml"
EXAMPLES = int(os.environ.get("CSTO_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

runner = CliRunner()

COMMANDS = ["members", "history", "timeline", "organs", "who", "events", "conflicts", "sources", "overlap",
            "check", "obligations", "article", "articles", "export", "forces", "budget", "crises", "missions",
            "exercises"]
OPTIONS = ["--on", "--from", "--to", "--status", "--org", "--kind", "--format", "-f", "--overlay", "--brief", "--to",
           "--data", "-h", "--debug"]
HOSTILE = ["[/x]", "[bold]", ":100:", "2022-02-30", "0000-01-01", "2022-01-10", "json", "table", "csto", "CSTO",
           "arm", "ARM", "-", "--", "", " ", "\x00", "9" * 5001, "x" * 300, "/dev/zero", ".", str(SCENARIO),
           str(OVERLAY), "secretary-general", "cst-4", "member", "all", "crisis", "act"]
token = st.one_of(st.sampled_from(OPTIONS), st.sampled_from(HOSTILE), st.text(max_size=12))


def check(result) -> None:
    """The contract: exit 0 or 2, no traceback, and a JSON error (if any) of the documented shape."""
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
        check(runner.invoke(app, [command, *args, *extra]))


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
                                  data.draw(st.sampled_from(["json", "table"]))]))


@FUZZ
@given(st.data())
def test_mutated_overlays_exit_0_or_2(data):
    text = mutate(OVERLAY.read_text(encoding="utf-8"), data.draw)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "o.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check(runner.invoke(app, ["obligations", str(SCENARIO), "--overlay", str(path), "--brief", "--format",
                                  data.draw(st.sampled_from(["json", "table"]))]))

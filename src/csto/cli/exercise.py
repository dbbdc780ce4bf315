"""``csto exercise``: create a classroom crisis game, show it, export it, and check that its log replays.

A thin face over :class:`csto.exercise.ExerciseService`: the players play through the service (the web
pages); the command line is the facilitator's tool on the machine that holds the games database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .common import DataOpt, Format, FormatOpt, console, day, emit_json, handles_errors, say, table

DbOpt = Annotated[Path | None, typer.Option(
    "--db", help="the games database (default: $CSTO_GAMES_DB, else games.sqlite in $XDG_DATA_HOME/csto, "
                 "~/.local/share/csto by default; docs/exercise.md)")]
GameArg = Annotated[str, typer.Argument(help="the game's id, as `csto exercise new` printed it")]

#: The group's help: its first paragraph is what ``csto --help`` lists (LAZY in csto/cli/__init__.py).
HELP = ("A classroom crisis exercise: the class plays the Collective Security Council; the model umpires and "
        "debriefs (docs/exercise.md).\n\n"
        "These commands create a game, show, export and replay it, and issue a token; the players play through "
        "the service (the web pages).")


def _service(db: Path | None, data: Path | None = None, create: bool = False):
    """The games in ``db``; only ``exercise new`` creates the database (a mistyped --db is an error, not a new file)."""
    from ..exercise import ExerciseService

    return ExerciseService(db, data=data, create=create)


def _emit(command: str, question: dict[str, Any], result: dict, record_hash: str | None) -> None:
    """The JSON answer (README, "JSON answers"); ``record_hash`` is that of the record the game was defined
    with, from its log, not of whatever record is on disk now."""
    from ..answers import answer

    emit_json(answer(command, question, record_hash, result))


def _roles_table(shown: dict) -> None:
    codes = shown.get("join_codes", {})
    rows = [[r["id"], r["name"], "yes" if r["vote"] else "no", r["players"], codes.get(r["id"], "-")]
            for r in shown["roles"]]
    console.print(table("Roles and join codes", ["role", "name", "votes", "players", "join code"], rows))


def _summary(shown: dict) -> None:
    p = shown["public"]
    rule = (p.get("rule") or {}).get("title") or "-"
    what_if = f", overlay {p['overlay']['id']}" if p.get("overlay") else ""
    say((shown["game"], "bold"), f": {shown['title']} ({p['on']}{what_if}), seed {shown['seed']}")
    say(f"Decision rule: {rule}; the alliance may decide from {p['floor']} to {p['ceiling']}")
    say(f"Phase: {shown['phase']['title']} [{shown['phase']['id']}], round {shown['phase']['round']}, "
        f"in-game date {shown['in_game_date'] or '-'}")


def _answer_line(answer: dict | None) -> str | None:
    """The requesting state's answer to an offer short of what it asked, in a line (None before its step)."""
    if answer is None:
        return None
    head = f"{answer['target']} was offered {answer['offered']} (it asked for {answer['asked']}): "
    if answer["answer"]:
        return head + f"it {'accepts' if answer['answer'] == 'accept' else 'refuses'} (\"{answer['reason']}\")"
    return head + ("its answer is awaited" if answer["open"] else "no answer; the offer stands")


def register(app: typer.Typer) -> None:
    exercise_app = typer.Typer(help=HELP, no_args_is_help=True)

    @exercise_app.command("new")
    @handles_errors
    def new(
        scenario: Annotated[Path, typer.Argument(help="scenario YAML (scenarios/*.yaml)")],
        on: Annotated[str | None, typer.Option("--on", help="play the crisis as of this date, YYYY-MM-DD: its law, "
                                                            "members, forces and relations (default: the event's)")] = None,
        overlay: Annotated[Path | None, typer.Option(
            "--overlay", help="a treaty what-if (data/treaty/overlays/), e.g. qualified-majority.yaml")] = None,
        seed: Annotated[int, typer.Option("--seed", "-s", help="random seed (>= 0) of the model's runs and draws")] = 0,
        title: Annotated[str | None, typer.Option("--title", help="the game's title (default: the scenario's)")] = None,
        db: DbOpt = None,
        format: FormatOpt = Format.table,
        data: DataOpt = None,
    ) -> None:
        """Create a game and print the facilitator's token and every role's join code."""
        when = day(on, "--on")
        svc = _service(db, data, create=True)
        made = svc.create(scenario, on=when.isoformat() if when else None, overlay=overlay, seed=seed, title=title)
        shown = svc.show(made["game"])
        result = {**made, "db": str(svc.store.path), "roles": shown["roles"], "phases": shown["phases"],
                  "public": shown["public"]}
        if format == Format.json:
            return _emit("exercise new", {"scenario": scenario, "on": when, "overlay": overlay, "seed": seed,
                                          "db": svc.store.path}, result, shown["provenance"]["record_hash"])
        _summary(shown)
        say(f"Database: {svc.store.path}")
        say(("Facilitator token (shown once; keep it secret): ", "bold"), made["facilitator_token"])
        _roles_table(shown)
        say(("Players join with their role's code; `csto exercise show "
             f"{made['game']}` prints the codes again.", "dim"))

    @exercise_app.command("show")
    @handles_errors
    def show(game: GameArg, db: DbOpt = None, format: FormatOpt = Format.table) -> None:
        """Everything about a game as the facilitator sees it: phases and dates, roles, codes, decisions."""
        svc = _service(db)
        shown = svc.show(game)
        if format == Format.json:
            return _emit("exercise show", {"game": game, "db": svc.store.path}, shown,
                         shown["provenance"]["record_hash"])
        _summary(shown)
        console.print(table("Phases", ["phase", "title", "in-game date", "status", "round"],
                            [[p["id"], p["title"], p["date"] or "-", p["status"], p["round"]]
                             for p in shown["phases"]]))
        _roles_table(shown)
        if shown["sealed_by"]:
            say(f"Sealed so far: {', '.join(shown['sealed_by'])}")
        for d in shown["decisions"]:
            void = " (void)" if d["void"] else ""
            say(f"Decision {d['phase']} round {d['round']}{void}: {d['decision']} by {d['rule']}; blockers: "
                f"{', '.join(d['blockers']) or 'none'}; outvoted: {', '.join(d['outvoted']) or 'none'}")
        if (line := _answer_line(shown["target_answer"])) is not None:
            say(("Requesting state's answer: ", "bold"), line)
        if shown["outcome"]:
            say(("Outcome: ", "bold"), shown["outcome"])
        say(f"{len(shown['messages'])} messages, {len(shown['submissions'])} submissions, {shown['seq']} events")

    @exercise_app.command("export")
    @handles_errors
    def export(
        game: GameArg,
        to: Annotated[Path, typer.Option("--to", help="a new or empty directory (or an earlier export of a game)")],
        db: DbOpt = None,
        format: FormatOpt = Format.table,
    ) -> None:
        """Write the whole game (phases, dates, positions, forecasts, messages, seed, log) as JSON and CSV."""
        svc = _service(db)
        files = svc.export_files(game, to)
        shown = svc.show(game)
        if format == Format.json:
            return _emit("exercise export", {"game": game, "to": to, "db": svc.store.path},
                         {"game": game, "files": [str(f) for f in files]}, shown["provenance"]["record_hash"])
        for f in files:
            say(str(f))

    @exercise_app.command("replay")
    @handles_errors
    def replay(game: GameArg, db: DbOpt = None, format: FormatOpt = Format.table) -> None:
        """Rebuild the game from its seed and event log and check it is the state recorded, event by event."""
        svc = _service(db)
        checked = svc.replay(game)
        if format == Format.json:
            return _emit("exercise replay", {"game": game, "db": svc.store.path}, checked,
                         svc.record_hash(game))
        say(f"{game}: {checked['events']} events replayed from seed {checked['seed']}: the same state after every "
            f"event ({checked['state_hash'][:16]}...); {checked['submissions']} submissions, phase {checked['phase']}, "
            f"outcome {checked['outcome'] or '-'}")
        if (line := _answer_line(checked["target_answer"])) is not None:
            say(f"Requesting state's answer: {line}")

    @exercise_app.command("token")
    @handles_errors
    def token(
        game: GameArg,
        role: Annotated[str, typer.Option("--role", help="the role the token acts for")] = "facilitator",
        db: DbOpt = None,
        format: FormatOpt = Format.table,
    ) -> None:
        """A new token for a role of a game (the facilitator by default), when the one printed expired or was lost."""
        svc = _service(db)
        issued = svc.issue_token(game, role)
        if format == Format.json:
            return _emit("exercise token", {"game": game, "role": role, "db": svc.store.path}, issued,
                         svc.record_hash(game))
        say((f"Token for {role} (keep it secret): ", "bold"), issued["token"])

    @exercise_app.command("list")
    @handles_errors
    def list_games(db: DbOpt = None, format: FormatOpt = Format.table) -> None:
        """The games in the database."""
        svc = _service(db)
        games = svc.store.games()
        if format == Format.json:
            return _emit("exercise list", {"db": svc.store.path}, {"games": games}, None)
        console.print(table(f"Games in {svc.store.path}", ["game", "title", "forked from", "created"],
                            [[g["game"], g["title"], g["parent"] or "-", g["created_at"]] for g in games]))

    app.add_typer(exercise_app, name="exercise")

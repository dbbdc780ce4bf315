"""``csto serve`` (the web application on this machine) and ``csto site build DIR`` (its pages as a static folder).

Both only wire: :func:`csto.web.create_app` and :func:`csto.web.sitebuild.build_site` do the work. A bad
record, folder or port is the user's error (exit 2) before anything is served or written.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import DataOpt, UserError, day, handles_errors, say

SERVE_HELP = ("Serve the pages and the JSON API (same fields as --format json) on this machine; the record is "
              "opened read-only. Binds 127.0.0.1 unless --host says otherwise. docs/web.md")
SITE_HELP = "The pages as a static folder that opens from file:// (for a classroom without a server)."


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is a clear error (exit 2), not a server's log line."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise UserError(f"--host {host!r}: not an address or a name this machine can resolve ({exc})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)  # from here connections wait for the server, so the address printed is usable at once
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot listen on {host}:{port}: {(exc.strerror or str(exc)).lower()} "
                        "(choose another --port)") from None
    return sock


def register(app: typer.Typer) -> None:
    @app.command(help=SERVE_HELP)
    @handles_errors
    def serve(
        host: Annotated[str, typer.Option("--host", help="address to listen on (127.0.0.1: this machine only)")]
        = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=0, max=65535, help="port (0: any free port)")] = 8000,
        games: Annotated[Path | None, typer.Option(
            "--games", help="the crisis exercise's games database (default: $CSTO_GAMES_DB, else games.sqlite in "
                            "~/.local/share/csto; docs/exercise.md)")] = None,
        data: DataOpt = None,
    ) -> None:
        import uvicorn

        from ..web import create_app

        web = create_app(data, warm=True, games=games)  # the record (and a games file) checked before anything listens
        sock = _listen(host, port)
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        say(f"csto is serving http://{shown}:{bound}/ (the API: http://{shown}:{bound}/docs); Ctrl-C stops it")
        if host not in ("127.0.0.1", "localhost", "::1"):
            say((f"note: --host {host} makes the server reachable from other machines", "yellow"))
        sys.stdout.flush()  # the address is read by scripts and tests waiting for the server
        # the exercise's pages hold event streams open: they end when the server stops (and Ctrl-C never waits
        # more than 2 s for them)
        server = uvicorn.Server(uvicorn.Config(web, log_level="warning", access_log=False,
                                               timeout_graceful_shutdown=2))
        web.state.stopping = lambda: server.should_exit
        server.run(sockets=[sock])

    site = typer.Typer(help=SITE_HELP, no_args_is_help=True)

    @site.command("build", help="Write the pages into DIR as a static site (relative links, charts inlined, the "
                                "chart library copied). DIR must be new, empty or an earlier site.")
    @handles_errors
    def build(
        directory: Annotated[Path, typer.Argument(metavar="DIR", help="the folder to write (replaced whole)")],
        on: Annotated[str | None, typer.Option("--on", help="the date of the home page, YYYY-MM-DD "
                                                            "(default: today)")] = None,
        runs: Annotated[int, typer.Option("--runs", help="replications of each precomputed run")] = 2000,
        every: Annotated[int, typer.Option("--every", help="years between the home page's dates (the slider's "
                                                           "stops)")] = 1,
        scenario: Annotated[list[str] | None, typer.Option("--scenario", help="a shipped scenario to precompute, by "
                                                                              "name (repeat it; default: every one)")]
        = None,
        data: DataOpt = None,
    ) -> None:
        from ..web.service import Service
        from ..web.sitebuild import build_site

        when = day(on, "--on")
        written = build_site(Service.open(data), directory, when, runs=runs, every=every, scenarios=scenario)
        say(f"{len(written)} files written to {directory}; open {directory / 'index.html'}")

    app.add_typer(site, name="site")

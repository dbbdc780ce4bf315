"""Commands over the record: members, history, timeline, organs, who, events, conflicts, sources, overlap, export."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass

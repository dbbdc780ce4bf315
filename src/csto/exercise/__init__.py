"""The crisis exercise: a class plays the Collective Security Council, and the model umpires and debriefs.

A game is defined from a scenario, the record and the law on a date (:mod:`.definition`): one delegation
per member voting on the date, members present without a vote, the requesting state, the Secretary
General, the Joint Staff, a facilitator and observers; the procedure's phases from
``data/exercise/procedure.yaml`` (:mod:`.procedure`); a brief per role (:mod:`.briefs`). It is played
through :class:`ExerciseService`, whose every method takes a player's token and returns plain dicts;
its state is the fold of an event log kept in SQLite (:mod:`.game`, :mod:`.store`), so the seed and the
log replay it exactly. The debrief (:mod:`.debrief`) sets the class's decision beside the model's runs
and history and scores every forecast.

Sibling of :mod:`csto.report` (neither imports the other); it uses the record, the treaty, the
simulation, and nothing of the faces.
"""

from .errors import BadInput, Conflict, ExerciseError, Forbidden, Unknown
from .service import ExerciseService
from .store import default_path

__all__ = ["BadInput", "Conflict", "ExerciseError", "ExerciseService", "Forbidden", "Unknown", "default_path"]

"""The Collective Security Treaty and the CSTO Charter as executable rules.

>>> from csto.treaty import load_scenario, obligations
>>> event = load_scenario("scenarios/armenia-2022-09.yaml")       # doctest: +SKIP
>>> answer = obligations(event)                                   # doctest: +SKIP
>>> answer.flags, [o.id for o in answer.obligations]              # doctest: +SKIP

Articles and their versions live in ``data/treaty/``; facts about states come from the record;
a what-if :class:`Overlay` changes either for one answer without touching ``data/``.
"""

from .articles import Article, InForce, Law, Version, law_for, load_law
from .engine import Assessment, Obligation, obligations
from .overlay import Overlay, load_overlay
from .scenario import Event, load_scenario
from .schema import scenario_schema

__all__ = ["Article", "Assessment", "Event", "InForce", "Law", "Obligation", "Overlay", "Version",
           "law_for", "load_law", "load_overlay", "load_scenario", "obligations", "scenario_schema"]

"""Load the record's YAML files, validate them, and check them against each other.

Validation happens in two passes: each item against its model (types, dates,
required sources), then the record as a whole (every source, state,
organization, organ and office referred to exists; no duplicate ids; no two
status periods of one state in one organization overlap; no status period rests on one opinion-blog or
state-media source without a claim attributing it). All errors are
collected, each naming file, line, field and the offending value.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import from_validation
from . import dates
from .model import SECTIONS, Base, Membership, Period
from .yamlio import LineDict, RecordError, RecordErrors, folder, read


@dataclass(frozen=True)
class Located:
    """An entity with the place it was written."""

    item: Base
    file: str
    line: int
    raw: LineDict

    def line_of(self, key: str) -> int:
        return self.raw.line_of(key)


@dataclass
class Loaded:
    """The validated record: entities by section, in file order."""

    sections: dict[str, list[Located]] = field(default_factory=lambda: {name: [] for name in SECTIONS})
    files: list[Path] = field(default_factory=list)

    def items(self, section: str) -> list:
        return [loc.item for loc in self.sections[section]]


def load_file(path: Path, loaded: Loaded, errors: list[RecordError]) -> None:
    doc = read(path)
    if doc is None:
        return
    if not isinstance(doc, LineDict):
        errors.append(RecordError(path, 1, "(file)", "expected a mapping of section names to lists"))
        return
    for section, items in doc.items():
        if section not in SECTIONS:
            errors.append(RecordError(path, doc.line_of(section), section,
                                      f"unknown section; expected one of {', '.join(SECTIONS)}"))
            continue
        if not isinstance(items, list):
            errors.append(RecordError(path, doc.line_of(section), section, "expected a list of items"))
            continue
        model = SECTIONS[section]
        for index, raw in enumerate(items):
            if not isinstance(raw, LineDict):
                errors.append(RecordError(path, getattr(raw, "line", None) or doc.line_of(section), f"{section}[{index}]",
                                          "expected a mapping", None if isinstance(raw, list) else raw))
                continue
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                errors.extend(from_validation(exc, raw, path, f"{section}[{index}]").errors)
                continue
            loaded.sections[section].append(Located(item, str(path), raw.line, raw))


def load(data_dir: str | Path) -> Loaded:
    """Load and validate every ``*.yaml`` file in ``data_dir`` (not recursive)."""
    data_dir = folder(data_dir)
    paths = sorted(data_dir.glob("*.yaml"))
    if not paths:
        raise RecordError(data_dir, None, "data", "no record here: the directory holds no *.yaml files")
    loaded, errors = Loaded(), list[RecordError]()
    for path in paths:
        loaded.files.append(path)
        try:
            load_file(path, loaded, errors)
        except RecordError as exc:
            errors.append(exc)
    if not errors:
        errors.extend(check(loaded))
    if errors:
        raise RecordErrors(errors)
    return loaded


# --- whole-record checks -------------------------------------------------------------------------

def _id_fields() -> dict[str, str]:
    """Section -> the field that names its items: ``code`` for states, ``id`` in every section whose model has one."""
    fields = {name: "id" for name, model in SECTIONS.items() if "id" in model.model_fields}
    return {"states": "code", **fields}


#: Section -> the field whose value must be unique across the whole record (every file).
ID_FIELDS = _id_fields()

#: Section -> (path, referenced section): each value found at the dotted path (through nested objects and
#: lists) must be a key of the referenced section. Shared with the typed SQLite export, whose foreign keys
#: are exactly these and the source references of :data:`SOURCE_PATHS`.
REFERENCES: dict[str, list[tuple[str, str]]] = {
    "memberships": [("state", "states"), ("org", "organizations")],
    "acts": [("state", "states"), ("org", "organizations")],
    "organs": [("parent", "organs")],
    "offices": [("organ", "organs")],
    "tenures": [("office", "offices"), ("state", "states")],
    "formation_members": [("formation", "formations"), ("state", "states")],
    "strengths": [("formation", "formations")],
    "contributions": [("formation", "formations"), ("state", "states")],
    "budget_shares": [("state", "states")],
    "benefits": [("states", "states")],
    "exercises": [("host", "states"), ("participants", "states")],
    "missions": [("host", "states"), ("contributors.state", "states")],
    "events": [("states", "states"), ("organ", "organs")],
    "crises": [("targets", "states"), ("territory_of", "states"), ("request.by", "states"),
               ("other_requests.by", "states")],
    "opinions": [("source", "sources")],
}
#: Paths, in any section, that name a source (checked by ``_source_refs`` with their own wording).
SOURCE_PATHS = ("sources.id", "quote.source", "claims.source", "source", "headquarters.sources.id", "base.sources.id")


def values_at(item: object, path: str):
    """Every value at the dotted ``path`` of ``item``, through nested objects and lists; None is skipped."""
    head, _, rest = path.partition(".")
    found = getattr(item, head, None)
    for value in found if isinstance(found, list) else [found]:
        if value is None:
            continue
        if rest:
            yield from values_at(value, rest)
        else:
            yield value


def _ids(loaded: Loaded, errors: list[RecordError]) -> dict[str, set]:
    known: dict[str, set] = {}
    for section, key in ID_FIELDS.items():
        seen: dict[str, Located] = {}
        for loc in loaded.sections[section]:
            value = getattr(loc.item, key)
            if value in seen:
                first = seen[value]
                errors.append(RecordError(loc.file, loc.line_of(key), f"{section}.{key}",
                                          f"duplicate key (first at {first.file}:{first.line_of(key)})", value))
            seen.setdefault(value, loc)
        known[section] = set(seen)
    return known


def _source_refs(loc: Located):
    item = loc.item
    for i, ref in enumerate(getattr(item, "sources", None) or []):
        yield ref.id, loc.line_of("sources"), f"sources[{i}]"
    for name in ("quote",):
        sub = getattr(item, name, None)
        if sub is not None:
            yield sub.source, loc.line_of(name), f"{name}.source"
    for name in ("headquarters", "base"):  # places with sources of their own (a formation's)
        place = getattr(item, name, None)
        for i, ref in enumerate(place.sources if place is not None else []):
            yield ref.id, loc.line_of(name), f"{name}.sources[{i}]"
    for i, claim in enumerate(getattr(item, "claims", None) or []):
        yield claim.source, loc.line_of("claims"), f"claims[{i}].source"


def check(loaded: Loaded) -> list[RecordError]:
    errors: list[RecordError] = []
    if not loaded.sections["sources"]:  # one clear error rather than one per fact
        where = loaded.files[0].parent if loaded.files else "data"
        return [RecordError(where, None, "sources", "the record has no sources (is sources.yaml missing?)")]
    known = _ids(loaded, errors)
    for section, locs in loaded.sections.items():
        for loc in locs:
            for source_id, line, where in _source_refs(loc):
                if source_id not in known["sources"]:
                    errors.append(RecordError(loc.file, line, f"{section}.{where}", "unknown source", source_id))
            for path, target in REFERENCES.get(section, []):
                for value in values_at(loc.item, path):
                    if value not in known[target]:
                        errors.append(RecordError(loc.file, loc.line_of(path.partition(".")[0]),
                                                  f"{section}.{path}", f"unknown {target.rstrip('s')}", value))
    errors.extend(_overlaps(loaded, "memberships", lambda m: (m.state, m.org, m.level)))
    errors.extend(_overlaps(loaded, "tenures", lambda t: (t.office, t.acting)))
    errors.extend(_overlaps(loaded, "budget_shares", lambda b: (b.state,)))
    errors.extend(_unattributed_statuses(loaded))
    return errors


# Source kinds whose word alone does not make a status the record's own fact (DESIGN.md: opinion and state
# media are claims attributed to their source).
_ATTRIBUTE_ONLY = ("opinion-blog", "state-media")
_CONFLICT_NAMED = re.compile(r"conflicts? ([a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?)")


def _unattributed_statuses(loaded: Loaded) -> list[RecordError]:
    """A status period resting on one source of an attribute-only kind needs a claim attributing it.

    The claim is either an opinion from that source whose ``about`` names the state, or a conflict citing that
    source which the period's note names ("see conflict <id>").
    """
    kinds = {s.id: s.kind for s in loaded.items("sources")}
    opinions = {(o.source, about) for o in loaded.items("opinions") for about in o.about}
    conflicts = {c.id: {claim.source for claim in c.claims} for c in loaded.items("conflicts")}
    errors = []
    for loc in loaded.sections["memberships"]:
        m = loc.item
        assert isinstance(m, Membership)
        cited = {ref.id for ref in m.sources}
        if len(cited) != 1:
            continue
        (source,) = cited
        if kinds.get(source) not in _ATTRIBUTE_ONLY:
            continue
        named = _CONFLICT_NAMED.findall(m.note or "")
        if (source, m.state) in opinions or any(source in conflicts.get(c, ()) for c in named):
            continue
        errors.append(RecordError(
            loc.file, loc.line_of("sources"), "memberships.sources",
            f"status '{m.status}' of {m.state} in {m.org} from {m.start} rests on a single source of kind "
            f"{kinds[source]}; state it as a claim attributed to that source (an opinion from it about {m.state}, "
            f"or a conflict citing it named in the note), or cite a second source", source))
    return errors


def _period(loc: Located) -> Period:
    assert isinstance(loc.item, Period)
    return loc.item


def _overlaps(loaded: Loaded, section: str, key) -> list[RecordError]:
    groups: dict[tuple, list[Located]] = defaultdict(list)
    for loc in loaded.sections[section]:
        groups[key(loc.item)].append(loc)
    errors = []
    for group_key, locs in groups.items():
        locs.sort(key=lambda loc: dates.first_day(_period(loc).start))
        for before, after in zip(locs, locs[1:]):
            b, a = _period(before), _period(after)
            if b.end is None or dates.first_day(a.start) <= dates.last_day(b.end):
                errors.append(RecordError(
                    after.file, after.line_of("from"), f"{section}.from",
                    f"period overlaps another for {'/'.join(str(k) for k in group_key)} "
                    f"({b.start}..{b.end or 'open'} at {before.file}:{before.line})", a.start))
    return errors

"""Research panels from the record, for merging with Correlates of War, Gleditsch-Ward and ATOP data.

Four panels (``csto export --to state-year|state-day|dyad-year|atop-members DIR``), each written as CSV,
Parquet or Stata beside a ``datapackage.json`` codebook and a ``CITATION.cff``:

- **state-day**: every state of ``data/states.yaml`` on every day the record covers;
- **state-year**: the same, one row per state and year (status on 31 December, days in each status);
- **dyad-year**: directed dyads of the states that were ever CSTO members, with ``csto_defense``,
  ``csto_offense``, ``csto_neutral``, ``csto_nonagg`` and ``csto_consul`` named after ATOP's variables;
- **atop-members**: ATOP's member-level shape, one row per member per phase of the alliance (``atopid``,
  ``member``, ``yrent``..``dayexit``, ``defense``, ...); a phase begins wherever the members, a member's
  participation, the phase of the CSTO's law or its coding (``csto.analysis.compare``,
  ``data/treaty/atop_rules.yaml``) changes. ``yrexit`` and the last phase's end are NA (ATOP writes 0)
  where the member has not left, or the phase not ended, by the end of coverage.

Coverage: from the CSTO's founding (``organizations.yaml``) to the latest dated fact of the record
(a membership's start, an act or an event). A value the record cannot know (31 December after that
day) is missing (NA), never 0. Within coverage a state with no CSTO status has ``csto_status`` ``none``.

Dyad rule: a directed dyad (a, b) in year y has ``csto_X = 1`` when both a and b are members
(status ``member``, at the organization level, whatever their participation) on 31 December of y and
the CSTO's own law in force that day (``data/treaty/``: Treaty, Charter) holds an obligation whose action
maps to X (:data:`ATOP_ACTIONS`); 0 otherwise; NA when 31 December lies outside coverage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from .. import __version__
from ..errors import UsageError
from ..record import CSTO, Record, dates
from ..record.export import earlier_export, write_atomically
from ..record.model import Act, Event, Membership, Source
from ..treaty.articles import Law, law_for
from .compare import Rules, coding, load_rules

PANELS = ("state-year", "state-day", "dyad-year", "atop-members")
FILE_FORMATS = {"csv": "csv", "parquet": "parquet", "stata": "dta"}
NA = "NA"
#: ATOP variable -> the treaty actions (data/treaty/articles.yaml) that carry that obligation. ATOP's offense
#: and neutral have no action in the CSTO's law, so they are 0 wherever both states are members.
ATOP_ACTIONS = {"defense": {"assistance-including-military"}, "offense": set(), "neutral": set(),
                "nonagg": {"refrain-from-force"}, "consul": {"joint-consultations"}}


@dataclass(frozen=True)
class Column:
    """One column of a panel, as the codebook describes it (Frictionless Table Schema types)."""

    name: str
    type: str  # string, integer, number, boolean, date
    description: str
    unit: str | None = None


KEYS = [
    Column("state", "string", "ISO 3166-1 alpha-3 code"),
    Column("iso_numeric", "string", "ISO 3166-1 numeric code, three digits as text"),
    Column("ccode", "integer", "Correlates of War state number (Serbia: 345, Yugoslavia's, continued)"),
    Column("gwcode", "integer", "Gleditsch-Ward state number (Serbia: 340)"),
    Column("wikidata", "string", "Wikidata item id"),
    Column("name", "string", "the state's name in the record"),
]
STATUS = ("csto_status", "string", "CSTO status: member, observer, partner, suspended, applicant, or "
                                   "none (no status)")
LEVEL = ("csto_level", "string", "level of the status: organization or parliamentary-assembly (NA with none)")
PARTICIPATION = ("csto_participation", "string", "participation of a member: full or frozen (NA with none)")
DAY_COLUMNS = [*KEYS, Column("date", "date", "the day (ISO 8601)"), Column(*STATUS), Column(*LEVEL),
               Column(*PARTICIPATION), Column("csto_member", "boolean", "a CSTO member that day (any participation)"),
               Column("days_in_status", "integer", "days the state has held this status without a break, this day "
                      "included, counted from the start of coverage at the earliest", "days")]
YEAR_COLUMNS = [*KEYS, Column("year", "integer", "calendar year", "year"),
                Column(STATUS[0] + "_dec31", "string", STATUS[2] + ", on 31 December"),
                Column(LEVEL[0] + "_dec31", "string", LEVEL[2] + ", on 31 December"),
                Column(PARTICIPATION[0] + "_dec31", "string", PARTICIPATION[2] + ", on 31 December"),
                Column("csto_member_dec31", "boolean", "a CSTO member on 31 December"),
                Column("days_covered", "integer", "days of the year the record covers", "days"),
                *[Column(f"days_{s}", "integer", f"days of the covered part of the year with status {s}"
                         + (" (member with frozen participation)" if s == "frozen" else ""), "days")
                  for s in ("member", "frozen", "suspended", "observer")]]
DYAD_COLUMNS = [Column("state_a", "string", "ISO 3166-1 alpha-3 code of the first state"),
                Column("state_b", "string", "ISO 3166-1 alpha-3 code of the second state"),
                Column("ccode_a", "integer", "Correlates of War number of state_a"),
                Column("ccode_b", "integer", "Correlates of War number of state_b"),
                Column("gwcode_a", "integer", "Gleditsch-Ward number of state_a"),
                Column("gwcode_b", "integer", "Gleditsch-Ward number of state_b"),
                Column("year", "integer", "calendar year", "year"),
                Column("csto_member_a", "boolean", "state_a a CSTO member on 31 December"),
                Column("csto_member_b", "boolean", "state_b a CSTO member on 31 December"),
                *[Column(f"csto_{v}", "integer", f"1 when both are members on 31 December and the law then in force "
                         f"holds an obligation coded as ATOP's {v} ({', '.join(sorted(a)) or 'no such action'}), "
                         "else 0") for v, a in ATOP_ACTIONS.items()],
                Column("csto_frozen", "boolean", "either state a member with frozen participation on 31 December")]
COLUMNS = {"state-day": DAY_COLUMNS, "state-year": YEAR_COLUMNS, "dyad-year": DYAD_COLUMNS}
PRIMARY_KEYS = {"state-day": ["state", "date"], "state-year": ["state", "year"],
                "dyad-year": ["state_a", "state_b", "year"], "atop-members": ["atopid", "phase", "state"]}


def coverage(record: Record) -> tuple[date, date]:
    """The days the panels cover: the CSTO's founding to the latest dated fact of the record."""
    start = dates.first_day(record.organization(CSTO).founded)
    days = [row[0] for row in record.db.execute("SELECT max(from_day) FROM memberships") if row[0]]
    days += [dates.first_day(a.date).isoformat() for a in record.all(Act)]
    days += [dates.first_day(e.date).isoformat() for e in record.all(Event)]
    return start, date.fromisoformat(max(days))


def _periods(record: Record) -> dict[str, list[tuple[date, date, object]]]:
    """Each state's CSTO status periods as (first day, last day, membership), organization level first."""
    out: dict[str, list] = {code: [] for code in record.states}
    for m in sorted(record.all(Membership, "org = ?", (CSTO,)), key=lambda m: m.level != "organization"):
        end = dates.last_day(m.end) if m.end else date.max
        out[m.state].append((dates.first_day(m.start), end, m))
    return out


def _status_on(periods, day: date):
    for first, last, m in periods:
        if first <= day <= last:
            return m
    return None


def state_day(record: Record) -> pd.DataFrame:
    """Every state on every covered day: status, level, participation, membership, days in status."""
    start, end = coverage(record)
    rows = []
    for code, periods in _periods(record).items():
        keys = _keys(record, code)
        run_start, previous = start, object()
        day = start
        while day <= end:
            m = _status_on(periods, day)
            label = (m.status, m.level) if m else ("none", None)
            if label != previous:
                run_start, previous = day, label
            rows.append({**keys, "date": day, "csto_status": label[0], "csto_level": label[1],
                         "csto_participation": m.participation if m else None,
                         "csto_member": bool(m and m.status == "member"),
                         "days_in_status": (day - run_start).days + 1})
            day += timedelta(days=1)
    return _typed(pd.DataFrame(rows, columns=[c.name for c in DAY_COLUMNS]), DAY_COLUMNS)


def state_year(record: Record, days: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per state and covered year: status on 31 December (NA past coverage) and days in each status."""
    days = state_day(record) if days is None else days
    _, end = coverage(record)
    rows = []
    for (_state, year), g in days.groupby([days["state"], days["date"].map(lambda d: d.year)], sort=True):
        last = g.iloc[-1]
        known = date(year, 12, 31) <= end
        member = g["csto_member"].astype(bool)
        rows.append({**{k.name: last[k.name] for k in KEYS}, "year": year,
                     "csto_status_dec31": last["csto_status"] if known else None,
                     "csto_level_dec31": last["csto_level"] if known else None,
                     "csto_participation_dec31": last["csto_participation"] if known else None,
                     "csto_member_dec31": bool(last["csto_member"]) if known else None,
                     "days_covered": len(g), "days_member": int(member.sum()),
                     "days_frozen": int((member & (g["csto_participation"] == "frozen")).sum()),
                     "days_suspended": int((g["csto_status"] == "suspended").sum()),
                     "days_observer": int((g["csto_status"] == "observer").sum())})
    return _typed(pd.DataFrame(rows, columns=[c.name for c in YEAR_COLUMNS]), YEAR_COLUMNS)


def dyad_year(record: Record, years: pd.DataFrame | None = None) -> pd.DataFrame:
    """Directed dyads of every state that was ever a CSTO member, per covered year, ATOP-style (module doc)."""
    years = state_year(record) if years is None else years
    law = law_for(record)
    ever = sorted(set(years.loc[years["days_member"] > 0, "state"]))
    by = {(r.state, r.year): r for r in years.itertuples(index=False)}
    rows = []
    for year in sorted(set(years["year"])):
        dec31 = date(int(year), 12, 31)
        known = not pd.isna(by[(ever[0], year)].csto_member_dec31) if ever else False
        actions = {e.action for x in law.in_force(dec31) if _csto_law(x.article.instrument)
                   for e in x.version.effects} if known else set()
        for a in ever:
            for b in ever:
                if a == b:
                    continue
                ra, rb = by[(a, year)], by[(b, year)]
                both = known and bool(ra.csto_member_dec31) and bool(rb.csto_member_dec31)
                row = {"state_a": a, "state_b": b, "ccode_a": ra.ccode, "ccode_b": rb.ccode, "gwcode_a": ra.gwcode,
                       "gwcode_b": rb.gwcode, "year": year,
                       "csto_member_a": ra.csto_member_dec31 if known else None,
                       "csto_member_b": rb.csto_member_dec31 if known else None,
                       "csto_frozen": (both and "frozen" in (ra.csto_participation_dec31, rb.csto_participation_dec31))
                       if known else None}
                for variable, acts in ATOP_ACTIONS.items():
                    row[f"csto_{variable}"] = int(both and bool(acts & actions)) if known else None
                rows.append(row)
    return _typed(pd.DataFrame(rows, columns=[c.name for c in DYAD_COLUMNS]), DYAD_COLUMNS)


def _csto_law(instrument: str) -> bool:
    """The CSTO's own instruments (the Treaty, the Charter, their protocols, the Council's regulations), not its peers'."""
    return instrument in ("cst", "charter") or instrument.startswith(("cst-", "charter-", "csc-"))


def _keys(record: Record, code: str) -> dict:
    s = record.states[code]
    return {"state": code, "iso_numeric": s.iso_numeric, "ccode": s.ccode, "gwcode": s.gwcode,
            "wikidata": s.wikidata, "name": s.name}


_DTYPES = {"string": "string", "integer": "Int64", "boolean": "boolean", "number": "Float64"}


def _typed(frame: pd.DataFrame, columns: list[Column]) -> pd.DataFrame:
    """Nullable pandas types, so that a missing value is NA whatever the column's type."""
    for c in columns:
        if c.type in _DTYPES:
            frame[c.name] = frame[c.name].astype(_DTYPES[c.type])
    return frame


# --- ATOP's member level: one row per member per phase ---------------------------------------------------

#: The coding variables ATOP names the same way with the same meaning (its codebook's names); the record's
#: other coding variables (atop_rules.yaml) are written with a ``csto_`` prefix, as they are the record's own.
ATOP_NAMED = ("defense", "offense", "neutral", "nonagg", "consul", "conditio", "intcom")
_ATOP_ALLIANCE = "csto"  # the alliance's id in data/treaty/atop_rules.yaml


def _member_keys() -> list[Column]:
    parts = [("yr", "year", "year"), ("mo", "month", None), ("day", "day of the month", None)]
    return [Column(f"{p}{what}", "integer", f"{label} the member {verb}" + (" (NA: not stated to that precision"
                   + (", or not left by the end of coverage" if what == "exit" else "") + ")"), unit)
            for what, verb in (("ent", "entered the alliance (the start of its unbroken membership)"),
                               ("exit", "left the alliance (the end of its unbroken membership)"))
            for p, label, unit in parts]


def atop_member_columns(rules: Rules) -> list[Column]:
    """The columns of ``atop-members``: keys, phase, entry and exit, then one per coding rule."""
    return [Column("atopid", "integer", "ATOP alliance identifier (data/treaty/atop_rules.yaml)"),
            Column("phase", "integer", "phase of the alliance, from 1: a new phase begins when the members, a "
                   "member's participation, the phase of the law (law_phase) or its coding changes"),
            Column("phase_from", "date", "first day of the phase"),
            Column("phase_to", "date", "last day of the phase (NA: still running at the end of coverage)"),
            Column("member", "integer", "Correlates of War state number of the member (ATOP's member)"),
            *[k for k in KEYS if k.name in ("state", "gwcode", "name")],
            *_member_keys(),
            Column("participation", "string", "the member's participation during the phase: full or frozen"),
            Column("law_phase", "string", "the phase of the CSTO's law in force (atop_rules.yaml; NA before the "
                   "Treaty entered into force)"),
            *[Column(_coded_name(r.variable), "integer", f"{r.variable}: {' '.join(r.rationale.split())}")
              for r in rules.rules]]


def _coded_name(variable: str) -> str:
    return variable if variable in ATOP_NAMED else f"csto_{variable}"


def _law_days(law: Law, start: date, end: date) -> set[date]:
    """Days within (start, end] on which an article of the CSTO's law starts or stops being in force."""
    days = set()
    for article in law.articles.values():
        if law.organization(article) != _ATOP_ALLIANCE:
            continue
        for v in article.versions:
            days.add(dates.first_day(v.start))
            if v.end:
                days.add(dates.last_day(v.end) + timedelta(days=1))
    return {d for d in days if start < d <= end}


def atop_members(record: Record) -> pd.DataFrame:
    """One row per member per phase, ATOP member-level style (module doc); NA where the record cannot know."""
    law = law_for(record)
    rules = load_rules(law=law)
    alliance = next(a for a in rules.alliances if a.id == _ATOP_ALLIANCE)
    _, end = coverage(record)
    runs = _membership_runs(record, end)
    start = min(first for spans in runs.values() for first, *_ in spans)
    cuts = {start} | _law_days(law, start, end) | {d for ph in alliance.phases
                                                    if start < (d := dates.first_day(ph.start)) <= end}
    cuts |= {d for spans in runs.values() for first, last, _, _, parts in spans
             for d in [first, *(p for p, _ in parts), last + timedelta(days=1)] if start < d <= end}
    phases: list[tuple[date, tuple, str | None, dict]] = []
    for day in sorted(cuts):
        members = tuple(sorted((state, _part_on(parts, day)) for state, spans in runs.items()
                               for first, last, _, _, parts in spans if first <= day <= last))
        law_phase = ([None] + [ph.id for ph in alliance.phases if dates.first_day(ph.start) <= day])[-1]
        coded = {v: c["value"] for v, c in coding(law, rules, _ATOP_ALLIANCE, day).items()}
        if not phases or (members, law_phase, coded) != phases[-1][1:]:
            phases.append((day, members, law_phase, coded))
    columns = atop_member_columns(rules)
    rows = []
    for n, (first, members, law_phase, coded) in enumerate(phases, start=1):
        to = phases[n][0] - timedelta(days=1) if n < len(phases) else None
        for state, participation in members:
            run = next(r for r in runs[state] if r[0] <= first <= r[1])
            keys = _keys(record, state)
            rows.append({"atopid": alliance.atop_id, "phase": n, "phase_from": first, "phase_to": to,
                         "member": keys["ccode"], "state": state, "gwcode": keys["gwcode"], "name": keys["name"],
                         **_date_parts("ent", run[2]), **_date_parts("exit", run[3]),
                         "participation": participation, "law_phase": law_phase,
                         **{_coded_name(v): value for v, value in coded.items()}})
    return _typed(pd.DataFrame(rows, columns=[c.name for c in columns]), columns)


def _membership_runs(record: Record, end: date) -> dict[str, list]:
    """Each state's unbroken runs of CSTO membership (organization level): (first day, last day, entry as written,
    exit as written or None if still a member at ``end``, [(first day, participation), ...])."""
    runs: dict[str, list] = {}
    periods = sorted((m for m in record.all(Membership, "org = ? AND level = 'organization' AND status = 'member'",
                                            (CSTO,))), key=lambda m: (m.state, dates.first_day(m.start)))
    for m in periods:
        first = dates.first_day(m.start)
        last = dates.last_day(m.end) if m.end else date.max
        spans = runs.setdefault(m.state, [])
        if spans and (first - spans[-1][1]).days == 1:
            spans[-1] = [spans[-1][0], last, spans[-1][2], m.end, [*spans[-1][4], (first, m.participation)]]
        else:
            spans.append([first, last, m.start, m.end, [(first, m.participation)]])
    for spans in runs.values():
        for span in spans:
            if span[1] > end:  # not left by the end of coverage: no exit, and the run stops there
                span[1], span[3] = end, None
    return runs


def _part_on(parts: list[tuple[date, str]], day: date) -> str:
    return [p for first, p in parts if first <= day][-1]


def _date_parts(what: str, text: str | None) -> dict:
    """``yr``/``mo``/``day`` + ``what`` from a date as written: the parts it does not state are NA."""
    parts = [int(x) for x in text.split("-")] if text else []
    return {f"{p}{what}": parts[i] if i < len(parts) else None for i, p in enumerate(("yr", "mo", "day"))}


def build(record: Record, panel: str) -> pd.DataFrame:
    """The panel ``panel`` (one of :data:`PANELS`) as a DataFrame with nullable types."""
    if panel == "state-day":
        return state_day(record)
    if panel == "state-year":
        return state_year(record)
    if panel == "dyad-year":
        return dyad_year(record)
    if panel == "atop-members":
        return atop_members(record)
    raise UsageError(f"--to: unknown panel {panel!r}: expected one of {', '.join(PANELS)}")


# --- files -------------------------------------------------------------------------------------------------

def file_names(panel: str, file_format: str) -> list[str]:
    return [f"{panel}.{FILE_FORMATS[file_format]}", "datapackage.json", "CITATION.cff"]


def _ours() -> set[str]:
    return {n for p in PANELS for f in FILE_FORMATS for n in file_names(p, f)}


def export(record: Record, panel: str, directory: str | Path, file_format: str = "csv") -> list[Path]:
    """Write ``panel`` to ``directory`` as ``file_format`` with its codebook and citation; returns the files.

    As ``csto.record.export``: everything is written to a folder beside ``directory`` and swapped in with
    one rename, so ``directory`` holds the earlier export or the new one, never a mix nor a half-written
    file. ``directory`` must be absent, empty, or hold only the files of an earlier panel export.
    """
    if panel not in PANELS:
        raise UsageError(f"--to: unknown panel {panel!r}: expected one of {', '.join(PANELS)}")
    if file_format not in FILE_FORMATS:
        raise UsageError(f"--file-format: unknown format {file_format!r}: expected one of {', '.join(FILE_FORMATS)}")
    directory = Path(directory)
    earlier_export(directory, _ours(), "a panel export")  # refused before the panel is built
    frame = build(record, panel)
    names = file_names(panel, file_format)
    def fill(tmp: Path) -> None:
        _write_table(frame, columns_of(record, panel), file_format, tmp / names[0])
        (tmp / names[1]).write_text(json.dumps(datapackage(record, panel, file_format), ensure_ascii=False,
                                               indent=2) + "\n", encoding="utf-8")
        (tmp / names[2]).write_text(citation(record, panel), encoding="utf-8")

    write_atomically(directory, fill)
    return [directory / n for n in names]


def columns_of(record: Record, panel: str) -> list[Column]:
    """The columns of ``panel``: fixed, but for ``atop-members``, whose coding columns are the rules' variables."""
    return atop_member_columns(load_rules(law=law_for(record))) if panel == "atop-members" else COLUMNS[panel]


def _write_table(frame: pd.DataFrame, columns: list[Column], file_format: str, path: Path) -> None:
    if file_format == "csv":
        out = frame.copy()
        for c in columns:
            if c.type == "boolean":
                out[c.name] = out[c.name].map({True: "true", False: "false"}, na_action="ignore")
            elif c.type == "date":
                out[c.name] = out[c.name].map(date.isoformat, na_action="ignore")
        out.to_csv(path, index=False, na_rep=NA, encoding="utf-8", lineterminator="\n")
    elif file_format == "parquet":
        frame.to_parquet(path, engine="pyarrow", index=False)
    else:  # Stata has no boolean or nullable string: booleans as 0/1 bytes, missing text as ""
        out = frame.copy()
        for c in columns:
            if c.type == "boolean":
                out[c.name] = out[c.name].astype("Int8")
            elif c.type == "string":
                out[c.name] = out[c.name].astype(object).where(out[c.name].notna(), "")
            elif c.type == "date":
                out[c.name] = pd.to_datetime(out[c.name])
        dates_ = {c.name: "td" for c in columns if c.type == "date"}
        out.to_stata(path, write_index=False, version=118, convert_dates=dates_,
                     variable_labels={c.name: c.description[:80] for c in columns})


def datapackage(record: Record, panel: str, file_format: str) -> dict:
    """The Frictionless Data Package descriptor: every column with its type, unit and meaning."""
    start, end = coverage(record)
    fields = []
    for c in columns_of(record, panel):
        f: dict[str, object] = {"name": c.name, "type": c.type, "description": c.description}
        if c.unit:
            f["unit"] = c.unit
        if c.type == "boolean" and file_format == "csv":
            f |= {"trueValues": ["true"], "falseValues": ["false"]}
        fields.append(f)
    resource = {"name": panel, "path": file_names(panel, file_format)[0], "format": FILE_FORMATS[file_format],
                "schema": {"fields": fields, "primaryKey": PRIMARY_KEYS[panel], "missingValues": [NA, ""]}}
    if file_format == "csv":
        resource |= {"mediatype": "text/csv", "encoding": "utf-8"}
    return {"profile": "tabular-data-package", "name": f"csto-{panel}", "title": f"CSTO {panel} panel",
            "version": __version__, "licenses": [{"name": "MIT", "title": "MIT License"}],
            "coverage": {"from": start.isoformat(), "to": end.isoformat()},
            "record_hash": _record_hash(record), "description": __doc__.split("\n\n", 1)[1].strip(),
            "sources": [{"title": s.title, "path": s.citation or ""} for s in record.all(
                Source, "id IN ('pub-cow-states-2016', 'pub-gleditsch-ward-states', 'pub-iso-3166-lukes')")],
            "resources": [resource]}


def citation(record: Record, panel: str) -> str:
    """A CITATION.cff (Citation File Format 1.2.0) for the panel."""
    _, end = coverage(record)
    return "\n".join([
        "cff-version: 1.2.0",
        'message: "If you use this panel, please cite it as below, and the state lists it is keyed by."',
        f'title: "csto: {panel} panel of the Collective Security Treaty Organization record"',
        "type: dataset",
        "authors:",
        '  - name: "The csto project"',
        f'version: "{__version__}"',
        "license: MIT",
        f'abstract: "{panel} panel derived from the csto record (record hash {_record_hash(record)}), covering the '
        f'CSTO from its founding to {end.isoformat()}. Missing values are NA."',
        "references:",
        "  - type: dataset",
        '    title: "State System Membership List, v2016"',
        "    authors:",
        '      - name: "Correlates of War Project"',
        "  - type: article",
        '    title: "A Revised List of Independent States since the Congress of Vienna"',
        "    authors:",
        "      - family-names: Gleditsch",
        "        given-names: Kristian S.",
        "      - family-names: Ward",
        "        given-names: Michael D.",
        '    journal: "International Interactions"',
        "    year: 1999",
        *(_ATOP_REFERENCE if panel in ("dyad-year", "atop-members") else []),
        ""])


#: The citation ATOP asks its users for (atop.rice.edu/data), for the panels whose variables are named after ATOP's.
_ATOP_REFERENCE = [
    "  - type: article",
    '    title: "Alliance Treaty Obligations and Provisions, 1815-1944"',
    "    authors:",
    "      - family-names: Leeds",
    "        given-names: Brett Ashley",
    "      - family-names: Ritter",
    "        given-names: Jeffrey M.",
    "      - family-names: Mitchell",
    "        given-names: Sara McLaughlin",
    "      - family-names: Long",
    "        given-names: Andrew G.",
    '    journal: "International Interactions"',
    "    volume: 28",
    "    start: 237",
    "    end: 260",
    "    year: 2002"]


def _record_hash(record: Record) -> str | None:
    row = record.db.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return row[0] if row else None

"""Research panels from the record, for merging with Correlates of War, Gleditsch-Ward and ATOP data.

Three panels (``csto export --to state-year|state-day|dyad-year DIR``), each written as CSV, Parquet or
Stata beside a ``datapackage.json`` codebook and a ``CITATION.cff``:

- **state-day**: every state of ``data/states.yaml`` on every day the record covers;
- **state-year**: the same, one row per state and year (status on 31 December, days in each status);
- **dyad-year**: directed dyads of the states that were ever CSTO members, with ``csto_defense``,
  ``csto_offense``, ``csto_neutral``, ``csto_nonagg`` and ``csto_consul`` named after ATOP's variables.

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
from ..errors import RecordError, UsageError
from ..record import CSTO, Record, dates
from ..record.export import write_atomically
from ..record.model import Act, Event, Membership, Source
from ..treaty.articles import law_for

PANELS = ("state-year", "state-day", "dyad-year")
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
                "dyad-year": ["state_a", "state_b", "year"]}


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


def build(record: Record, panel: str) -> pd.DataFrame:
    """The panel ``panel`` (one of :data:`PANELS`) as a DataFrame with nullable types."""
    if panel == "state-day":
        return state_day(record)
    if panel == "state-year":
        return state_year(record)
    if panel == "dyad-year":
        return dyad_year(record)
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
    _check_target(directory)
    frame = build(record, panel)
    names = file_names(panel, file_format)
    def fill(tmp: Path) -> None:
        _write_table(frame, panel, file_format, tmp / names[0])
        (tmp / names[1]).write_text(json.dumps(datapackage(record, panel, file_format), ensure_ascii=False,
                                               indent=2) + "\n", encoding="utf-8")
        (tmp / names[2]).write_text(citation(record, panel), encoding="utf-8")

    write_atomically(directory, fill)
    return [directory / n for n in names]


def _check_target(directory: Path) -> None:
    if not directory.exists():
        return
    if not directory.is_dir():
        raise RecordError(directory, None, "DIR", "exists and is not a directory")
    for path in sorted(directory.iterdir()):
        if path.name not in _ours() or not path.is_file():
            raise RecordError(directory, None, "DIR", f"holds {path.name!r}, which is not part of a panel export: "
                                                      "export into a new or empty directory")


def _write_table(frame: pd.DataFrame, panel: str, file_format: str, path: Path) -> None:
    columns = COLUMNS[panel]
    if file_format == "csv":
        out = frame.copy()
        for c in columns:
            if c.type == "boolean":
                out[c.name] = out[c.name].map({True: "true", False: "false"}, na_action="ignore")
            elif c.type == "date":
                out[c.name] = out[c.name].map(date.isoformat)
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
    for c in COLUMNS[panel]:
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
        ""])


def _record_hash(record: Record) -> str | None:
    row = record.db.execute("SELECT value FROM meta WHERE key = 'content_hash'").fetchone()
    return row[0] if row else None

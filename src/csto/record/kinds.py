"""The record's closed vocabularies (statuses, kinds of act and event), apart from the models that use them.

:mod:`csto.record.model` builds the entity models from these; the command line reads them to list what an option
accepts without building a model (``csto members --status``, ``csto events --kind``).
"""

from __future__ import annotations

from typing import Literal

#: What a source is: its kind decides how the record may speak of what it says (opinion, state media and single
#: sources are attributed claims, never the record's own voice).
SourceKind = Literal[
    "scholarly", "news", "state-media", "opinion-blog", "treaty-text", "official", "un-document", "reference"
]

# No "negotiating": neither the Charter nor the 2018 documents on observers and partners know such a status; the
# one source that speaks of states negotiating is held as an attributed claim (conflict negotiating-states).
Status = Literal["member", "observer", "partner", "suspended", "applicant"]
Level = Literal["organization", "parliamentary-assembly"]

ActKind = Literal[
    "signature", "accession", "ratification", "entry-into-force", "withdrawal", "non-extension",
    "suspension", "freeze", "return", "status-granted", "application", "agreement",
]

EventKind = Literal[
    "milestone", "summit", "statement", "request", "decision", "deployment", "withdrawal", "agreement", "conflict",
]

"""A workload's event log as 11.5 answers it: what was recorded, and what the workload is going
through now (an error, a failure it plays: see :mod:`.._failures`) as events of their own."""

from __future__ import annotations

import hashlib
from typing import Any

from .._records import EventRec, Failure, WorkloadRec
from .._store import Store
from . import candidates
from .replacements import current_runtime, phases

__all__ = ["events_of"]


def _warning(f: Failure, proton_id: str) -> dict[str, Any]:
    """The details of the ``warning`` event a failure shows as, in proton ``proton_id``."""
    return {
        "type": "Warning",
        "reason": f.reason,
        "message": f.message,
        "container": f.container,
        "image": f.image,
        "protonId": proton_id,
    }


def events_of(store: Store, w: WorkloadRec) -> list[EventRec]:
    """The workload's events, newest first, with the error it is in now (if any) among them, and
    a ``warning`` event for a failure it plays (see :mod:`.._failures`) or the candidate of one of
    its replacements plays (see :mod:`.candidates`)."""
    events = list(store.events.get(w.id, []))
    status, since = store.phase(w)
    shown = store.failure_shown(w, store.now())
    if shown is not None and w.failure is not None:
        f, at = w.failure, shown[1]
        event_id = hashlib.sha256(f"{w.id}@{at!r}:{f.kind}".encode()).hexdigest()[:24]
        warning = _warning(f, current_runtime(store, w)[1])
        events.append(EventRec(event_id, w.id, at, "warning", None, warning))
    for r, phase in phases(store, w):
        failure = candidates.shown(r, phase.status)
        if failure is not None:
            event_id = hashlib.sha256(f"{r.id}@{phase.since!r}:{failure.kind}".encode()).hexdigest()[:24]
            warning = _warning(failure, r.candidate_proton_id)
            events.append(EventRec(event_id, w.id, phase.since, "warning", None, warning))
    if status == "errored":
        details = store.status_details(w, status, since) or {"conditions": [{}]}
        message = details["conditions"][0].get("message")
        event_id = hashlib.sha256(f"{w.id}@{since!r}".encode()).hexdigest()[:24]  # the same on every read
        events.append(EventRec(event_id, w.id, since, "error", None, {"message": message}))
    order = sorted(enumerate(events), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    return [event for _, event in order]  # newest first; the later of two at one time first

"""Replacements as the live service plays them (``api-live.md`` §1): what ``POST``/``GET``/``DELETE
workloads/{id}/replacement/`` do (their routes are in :mod:`.replacement_routes`) and the record a
settings change makes.

A replacement's status is never stored: it is derived, like a workload's, from when it was asked
for, when the one before it ended (requests made while one runs wait their turn, first come first
served), the start-up time and what controls did to it (held at a status, failed, canceled), so a
fake clock moves it too. The timeline is the live one:

- for :data:`GAP` seconds after the request the workload shows no replacement (``null``; a
  ``GET`` answers 404), though ``history`` lists it;
- then ``submitted``, ``initializing``, ``staged``, ``promoting``, ``finalizing`` (fractions of the
  start-up time, :data:`MARKS`) while the workload stays ``running`` on its old version;
- on success the switch (artifact, runtime, proton) lands with ``completed``, which the workload
  shows for :data:`SHOWN` seconds before it is cleared;
- ``errored`` (a candidate that never becomes healthy: the crash image, a failure it plays, see
  :mod:`.candidates`; or a control) and ``failed`` stay shown until the next request that
  changes the workload's replacements (a candidate that cannot pull its images stays
  ``initializing``);
- ``DELETE`` cancels the one in progress: ``canceling`` for the stop time, then ``canceled``,
  cleared at once; the old version keeps serving.

The switch is applied to the workload's record by :func:`settle` (the handlers run it before every
request of this generation), so the rest of the store sees what the workload runs now.
"""

from __future__ import annotations

import math
from typing import Any

import attrs

from .._failures import unhealthy
from .._records import ReplacementRec, User, WorkloadRec, new_id
from .._store import Store, StoreError
from .._web import timestamp
from . import builds, candidates
from .rules import check_runtime, normalized_runtime, record

__all__ = [
    "FAILURES",
    "GAP",
    "MARKS",
    "NONE_ACTIVE",
    "SHOWN",
    "cancel",
    "current",
    "current_runtime",
    "embedded",
    "first_proton",
    "phase_of",
    "phases",
    "replace",
    "replace_settings",
    "settle",
    "shown",
    "view",
]

#: Seconds after a request during which the workload shows no replacement yet.
GAP = 0.5
#: Seconds a ``completed`` replacement stays shown on its workload.
SHOWN = 1.0
#: The statuses of a replacement that goes well, and when each starts (a fraction of its time).
MARKS = (
    ("submitted", 0.0),
    ("initializing", 0.1),
    ("staged", 0.4),
    ("promoting", 0.6),
    ("finalizing", 0.8),
    ("completed", 1.0),
)
_MARK = dict(MARKS)
#: When a candidate that never becomes healthy errors (at ``promoting``).
_CRASH_AT = _MARK[candidates.DIES]
FAILURES = frozenset({"errored", "failed", "canceled"})
NONE_ACTIVE = "There is no active replacement for this workload."


@attrs.frozen
class Phase:
    """Where a replacement is at a moment: ``status`` since ``since``; it began running at
    ``start`` (``inf`` while it waits its turn) and ended at ``end`` (None while it runs, waits or
    is held)."""

    status: str
    since: float
    start: float
    end: float | None


def _phase(store: Store, r: ReplacementRec, start: float, now: float) -> Phase:
    if r.canceled_at is not None and now >= r.canceled_at:
        done = r.canceled_at + store.timings.stop_seconds
        if now < done:
            return Phase("canceling", r.canceled_at, start, None)
        return Phase("canceled", done, start, done)
    if r.failed is not None and now >= r.failed[0]:
        return Phase(r.failed_as, r.failed[0], start, r.failed[0])
    base = start + r.shift
    hold = candidates.held_at(r, base, _MARK)  # a control's, or a candidate that cannot pull
    crash = candidates.crash_at(r, base, _MARK)
    if crash is not None and (hold is None or _MARK[hold] >= _CRASH_AT) and now >= crash:
        return Phase("errored", crash, start, crash)
    elapsed = now - base
    status, since = MARKS[0][0], base
    for name, fraction in MARKS:
        if elapsed < r.duration * fraction:
            break
        status, since = name, base + r.duration * fraction
        if name == hold:
            return Phase(status, since, start, None)  # held here until released (or cleared)
    return Phase(status, since, start, since if status == "completed" else None)


def phases(store: Store, w: WorkloadRec, now: float | None = None) -> list[tuple[ReplacementRec, Phase]]:
    """Every replacement of the workload with its phase, oldest first; one waits until the one
    before it ended."""
    now = store.now() if now is None else now
    out = []
    previous_end: float | None = -math.inf
    for r in store.replacements.get(w.id, []):
        if previous_end is None:  # the one before still runs: wait in line
            phase = Phase("submitted", r.created, math.inf, None)
        else:
            phase = _phase(store, r, max(r.created, previous_end), now)
        previous_end = phase.end
        out.append((r, phase))
    return out


def phase_of(store: Store, r: ReplacementRec) -> Phase:
    """One replacement's phase now."""
    w = store.workloads.get(r.workload_id)
    if w is None:  # its workload is gone: as it stood alone
        return _phase(store, r, r.created, store.now())
    return next(p for rec, p in phases(store, w) if rec is r)


def current(listed: list[tuple[ReplacementRec, Phase]]) -> tuple[ReplacementRec, Phase] | None:
    """The replacement of ``listed`` (from :func:`phases`) in progress now, if any."""
    return next(((r, p) for r, p in listed if p.end is None and p.start != math.inf), None)


def shown(store: Store, w: WorkloadRec) -> tuple[ReplacementRec, Phase] | None:
    """The replacement the workload shows now (``workload.replacement``, ``GET …/replacement/``),
    or None: the one in progress once past the gap, else the last one for a while if it
    completed, until cleared if it failed; a canceled one is cleared at once."""
    now = store.now()
    listed = phases(store, w, now)
    active = current(listed)
    if active is not None:
        return active if now >= active[0].created + GAP else None
    if not listed:
        return None
    r, p = listed[-1]
    if now < r.created + GAP or p.status == "canceled" or p.end is None:
        return None
    if p.status == "completed":
        return (r, p) if now < p.end + SHOWN else None
    return (r, p) if r.cleared_at is None or now < r.cleared_at else None


def settle(store: Store) -> None:
    """Apply every completed replacement's switch to its workload, in order (once each)."""
    for workload_id, recs in store.replacements.items():
        if all(r.applied for r in recs):
            continue
        w = store.workloads.get(workload_id)
        if w is None:
            continue
        for r, p in phases(store, w):
            if p.status == "completed" and not r.applied:
                r.applied = True
                w.artifact_id, w.runtime, w.proton_id = (
                    r.candidate_artifact_id,
                    r.runtime,
                    r.candidate_proton_id,
                )
                artifact = store.artifacts.get(r.candidate_artifact_id)
                if artifact is not None:
                    w.containers = [c for g in artifact.spec["containerGroups"] for c in g["containers"]]


def first_proton(store: Store, w: WorkloadRec) -> tuple[str, str, dict[str, Any]]:
    """The proton the workload was created with: its id, artifact and runtime (a completed
    replacement switches the workload's own to its candidate's)."""
    recs = store.replacements.get(w.id)
    if recs:
        return recs[0].previous_proton_id, recs[0].previous_artifact_id, recs[0].previous_runtime
    return w.proton_id, w.artifact_id, w.runtime


def current_runtime(store: Store, w: WorkloadRec) -> tuple[dict[str, Any], str]:
    """The runtime and proton the workload runs on now."""
    settle(store)
    return w.runtime, w.proton_id


def _clear_failed(store: Store, w: WorkloadRec) -> None:
    """A request that changes the workload's replacements clears a failed one from it."""
    now = store.now()
    for r, p in phases(store, w, now):
        if p.status in FAILURES and r.cleared_at is None:
            r.cleared_at = now


def _new(
    store: Store,
    w: WorkloadRec,
    user: User,
    candidate: str,
    runtime: dict[str, Any],
    config: dict[str, Any],
) -> ReplacementRec:
    _clear_failed(store, w)
    now = store.now()
    rec = ReplacementRec(
        id=new_id(),
        workload_id=w.id,
        user_id=user.id,
        candidate_artifact_id=candidate,
        candidate_proton_id=new_id(),
        previous_proton_id=current_runtime(store, w)[1],
        previous_artifact_id=w.artifact_id,
        previous_runtime=w.runtime,
        runtime=runtime,
        created=now,
        duration=store.timings.startup_seconds,
        config={"warmupDurationMinutes": 0, "keepOldVersionMinutes": 0, **config},
        failure=candidates.failure_for(store, w, candidate, now),
        hold=store.replacement_holds.get(w.id),
    )
    store.replacements.setdefault(w.id, []).append(rec)
    return rec


def _in_progress(store: Store, w: WorkloadRec) -> bool:
    return any(p.end is None for _, p in phases(store, w))


def replace_settings(store: Store, w: WorkloadRec, user: User, runtime: dict[str, Any]) -> ReplacementRec:
    """``PATCH …/settings``: check the runtime against the artifact, then start a replacement onto
    the workload's own artifact with it (409 while one is in progress or waiting)."""
    settle(store)
    artifact = store.artifacts.get(w.artifact_id)
    if artifact is None:
        raise StoreError(409, f"Workload {w.id}'s artifact is gone")
    check_runtime(runtime, artifact, ("body", "runtime"))
    if _in_progress(store, w):
        raise StoreError(409, f"Workload {w.id} has a replacement in progress; wait for it to finish")
    rec = _new(store, w, user, artifact.id, normalized_runtime(runtime, artifact), {})
    record(store, w, "settings_change", user.id, replacementId=rec.id)
    return rec


def replace(store: Store, w: WorkloadRec, user: User, body: dict[str, Any]) -> ReplacementRec:
    """``POST …/replacement/``: roll the workload onto another artifact (and runtime); queued
    behind the one in progress, if any."""
    settle(store)
    candidate = store.artifact(user, body["artifactId"])
    current = store.artifacts.get(w.artifact_id)
    loc = ["body", "artifactId"]
    if current is not None and (current.status == "draft") != (candidate.status == "draft"):
        raise StoreError(
            400,
            f"Artifact status mismatch: the workload runs a {current.status} artifact and "
            f"{candidate.id} is {candidate.status} (a draft replaces a draft, a locked one a locked one)",
        )
    if candidate.id == w.artifact_id and candidate.status != "draft":
        msg = "The workload already runs this locked artifact; roll a new one onto it"
        raise StoreError(422, [{"loc": loc, "msg": msg, "type": "value_error"}])
    builds.refuse_unbuilt(store, candidate, tuple(loc))
    runtime = body.get("runtime")
    if runtime is not None:
        check_runtime(runtime, candidate, ("body", "runtime"))
    else:
        runtime = current_runtime(store, w)[0]
    rec = _new(store, w, user, candidate.id, normalized_runtime(runtime, candidate), body.get("config", {}))
    record(store, w, "replacement", user.id, replacementId=rec.id, artifactId=candidate.id)
    return rec


def cancel(store: Store, w: WorkloadRec, user: User) -> ReplacementRec:
    """``DELETE …/replacement/``: cancel the one in progress (``canceling``, then ``canceled``),
    or clear a failed one still shown; 404 when there is neither."""
    now = store.now()
    listed = phases(store, w, now)
    active = current(listed)
    if active is not None:
        r, p = active
        if p.status != "canceling":
            r.canceled_at = now
            record(store, w, "replacement_canceled", user.id, replacementId=r.id)
        return r
    showing = shown(store, w)
    if showing is None or showing[1].status not in FAILURES:
        raise StoreError(404, NONE_ACTIVE)
    showing[0].cleared_at = now
    return showing[0]


def view(store: Store, r: ReplacementRec) -> dict[str, Any]:
    """A replacement as the API writes it."""
    p = phase_of(store, r)
    message = None
    if p.status in ("errored", "failed"):
        if r.failed is not None:
            message = r.failed[1]
        else:
            message = unhealthy(r.failure) if r.failure is not None else "the candidate never became healthy"
    elif p.status in ("canceling", "canceled"):
        message = "Canceled: the previous version keeps serving"
    return {
        "id": r.id,
        "name": f"replacement-{r.id[:8]}",
        "workloadId": r.workload_id,
        "userId": r.user_id,
        "tenantId": "000000000000000000000001",
        "candidateArtifactId": r.candidate_artifact_id,
        "candidateProtonIds": [r.candidate_proton_id],
        "previousProtonIds": [r.previous_proton_id],
        "isDeleted": False,
        "deletedAt": None,
        "status": p.status,
        "strategy": "rolling",
        "config": r.config,
        "runtime": r.runtime,
        "message": message,
        "switchedAt": timestamp(store, p.since) if p.status == "completed" else None,
        "createdAt": timestamp(store, r.created),
        "updatedAt": timestamp(store, min(p.since, store.now())),
    }


def embedded(store: Store, w: WorkloadRec) -> dict[str, Any] | None:
    """``workload.replacement``: the record of the one shown, as ``GET …/replacement/`` answers
    it (``api-live.md`` §1: the live service embeds the record, its ``message`` with it)."""
    showing = shown(store, w)
    return None if showing is None else view(store, showing[0])

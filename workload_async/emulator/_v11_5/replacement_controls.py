"""What the emulator's controls do to a workload's replacements (11.5): end the one in
progress in a failure, hold them at a status and release them, make their candidates play a
failure and stop it (see :mod:`.candidates`). ``Controls`` calls these, for both its methods and
the ``/_emulator`` routes."""

from __future__ import annotations

import math

from .._records import ReplacementRec, WorkloadRec
from .._store import Store, StoreError
from . import candidates
from .replacements import MARKS, current, phases
from .rules import record

__all__ = ["clear_candidates", "fail", "hold", "play_on_candidates", "release"]

_MARK = dict(MARKS)


def fail(store: Store, w: WorkloadRec, message: str, status: str = "errored") -> ReplacementRec:
    """Send the replacement in progress to ``status`` (``errored`` or ``failed``) now, with
    ``message``; 409 when none is in progress."""
    active = current(phases(store, w))
    if active is None:
        raise StoreError(409, f"Workload {w.id} has no replacement in progress")
    rec = active[0]
    rec.failed, rec.failed_as = (store.now(), message), status
    record(store, w, "error", None, replacementId=rec.id, message=message)
    return rec


def hold(store: Store, w: WorkloadRec, at: str) -> None:
    """Hold the workload's replacements at status ``at`` (those that have not passed it, and
    those asked for while the hold lasts) until :func:`release`."""
    if at not in _MARK:
        raise ValueError(f"at must be one of {', '.join(_MARK)}, got {at!r}")
    store.replacement_holds[w.id] = at
    for r, p in phases(store, w):
        if p.end is None and (p.start == math.inf or _MARK.get(p.status, 0.0) <= _MARK[at]):
            r.hold = at


def release(store: Store, w: WorkloadRec) -> None:
    """Let the workload's held replacements move on from now, as if they had just reached the
    status they were held at."""
    store.replacement_holds.pop(w.id, None)
    now = store.now()
    for r, p in phases(store, w, now):
        if r.hold is not None and p.start != math.inf and p.end is None and p.status == r.hold:
            r.shift += now - p.since
        r.hold = None


def play_on_candidates(
    store: Store, w: WorkloadRec, kind: str, container: str | None, message: str | None
) -> None:
    """Make the candidates of ``w``'s replacements play failure ``kind`` (see
    :mod:`.candidates`): those in progress or waiting their turn (a pull failure does nothing to
    one that has its images already), and those asked for until :func:`clear_candidates`."""
    store.candidate_failures[w.id] = (kind, container, message)
    now = store.now()
    for r, p in phases(store, w, now):
        if p.end is None and p.status != "canceling":
            r.failure = candidates.failure_for(store, w, r.candidate_artifact_id, now)


def clear_candidates(store: Store, w: WorkloadRec) -> None:
    """Stop playing the failure of ``w``'s candidates, as when its cause is fixed: one that could
    not pull its images goes on from now; one that died stays ``errored``."""
    store.candidate_failures.pop(w.id, None)
    now = store.now()
    for r, p in phases(store, w, now):
        if p.end is None and r.failure is not None:
            if p.start != math.inf and candidates.pull_blocked(r, p.start + r.shift, _MARK):
                r.shift += now - p.since  # as if it had just begun pulling
            r.failure = None

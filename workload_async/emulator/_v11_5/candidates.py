"""What a replacement's candidate plays when it goes wrong (``api-live.md`` §3: DataRobot's
troubleshooting reads the ``candidate`` proton mid-replacement).

A candidate is a start of the new version beside the old one, so it can play the failures a start
plays (:mod:`.._failures`):

- ``image_pull_backoff``: it never gets past pulling its images: the replacement stays
  ``initializing`` (the candidate proton ``launching``, its container ``waiting`` with no
  restarts) until it is canceled or the failure cleared; the old version keeps serving;
- ``crash_loop``, ``oom_kill``: it comes up and dies: the replacement errors at ``promoting``,
  its ``message`` says why, and the candidate proton is ``errored`` (its container ``waiting``
  and restarting, or ``terminated``).

It plays on every candidate whose artifact runs an image set to fail (``fail_image``), and on the
candidates of one workload (``play_failure(..., candidate=True)``) until ``clear_failure``; a
candidate running the crash image (``CRASH_IMAGE``) crash-loops. The
failure shows in the candidate proton's status snapshot and in a ``warning`` event. These are the
rules; the replacements' timeline (:mod:`.replacements`) applies them.
"""

from __future__ import annotations

from typing import Any

from .._failures import failing_image_of, new_failure
from .._records import ArtifactRec, Failure, ReplacementRec, WorkloadRec
from .._store import CRASH_IMAGE, Store

__all__ = ["PULLED", "crash_at", "crashes", "failure_for", "held_at", "pull_blocked", "shown"]

#: The status by which a candidate has pulled its images: a pull failure played later does nothing.
PULLED = "staged"
#: Where a candidate that cannot pull its images stays.
PULLING = "initializing"
#: Where a candidate that dies once up errors.
DIES = "promoting"


def _containers(artifact: ArtifactRec | None) -> list[dict[str, Any]]:
    return [] if artifact is None else [c for g in artifact.spec["containerGroups"] for c in g["containers"]]


def failure_for(store: Store, w: WorkloadRec, candidate_artifact_id: str, now: float) -> Failure | None:
    """The failure a candidate of ``w`` plays from ``now``: the one its workload's candidates are
    set to play, else that of an image set to fail (None: it goes well)."""
    containers = _containers(store.artifacts.get(candidate_artifact_id))
    asked = store.candidate_failures.get(w.id)
    if asked is None:
        crash = [str(c.get("imageUri")) for c in containers if crashes(c)]
        images = {**store.failing_images, **dict.fromkeys(crash, "crash_loop")}
        return failing_image_of(containers, images, now)
    kind, container, message = asked
    try:
        return new_failure(w.id, containers, kind, container, message, now)
    except ValueError:  # the candidate has no container of that name: its primary one plays it
        return new_failure(w.id, containers, kind, None, message, now)


def pull_blocked(r: ReplacementRec, base: float, marks: dict[str, float]) -> bool:
    """True when the candidate cannot pull its images: a pull failure played before it had them,
    or as it began (the replacement ran from ``base``; ``marks`` are its statuses' fractions of
    its time)."""
    f = r.failure
    return f is not None and f.kind == "image_pull_backoff" and f.at <= base + r.duration * marks[PULLED]


def held_at(r: ReplacementRec, base: float, marks: dict[str, float]) -> str | None:
    """The status the replacement stays at: a control's hold, or where a candidate that cannot
    pull its images stays, whichever comes first (None: it moves on)."""
    if not pull_blocked(r, base, marks):
        return r.hold
    if r.hold is not None and marks[r.hold] <= marks[PULLING]:
        return r.hold
    return PULLING


def crash_at(r: ReplacementRec, base: float, marks: dict[str, float]) -> float | None:
    """When the candidate dies (None: it does not): at ``promoting`` for a crash loop (the crash
    image's too) or an OOM kill, not before it was played."""
    f = r.failure
    if f is None or f.kind == "image_pull_backoff":
        return None
    return max(base + r.duration * marks[DIES], f.at)


def crashes(container: dict[str, Any]) -> bool:
    """True when ``container`` runs the crash image (any tag): a candidate of it crash-loops."""
    image = str(container.get("imageUri"))
    return image == CRASH_IMAGE or image.startswith(CRASH_IMAGE + ":")


def shown(r: ReplacementRec, status: str) -> Failure | None:
    """The failure the candidate shows while its replacement is at ``status`` (None: none)."""
    f = r.failure
    if f is None or r.failed is not None:  # a control ended it: that is its story
        return None
    if f.kind == "image_pull_backoff":
        return f if status == PULLING else None
    return f if status == "errored" else None

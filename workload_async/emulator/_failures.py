"""The failures the emulator can play, as a cluster shows them (``api-live.md`` §3).

- ``image_pull_backoff``: the image cannot be pulled. The start never gets past the pull: the
  workload stays ``launching`` (``initializing`` on v2.41) until it is stopped; its container is
  ``waiting`` with no restarts.
- ``crash_loop``: the container exits as soon as it is up and is restarted with a growing back-off
  (10 s, 20 s, 40 s, ... at most 5 minutes): the workload is ``errored``, its container ``waiting``
  with a restart count that grows.
- ``oom_kill``: the container is killed for using more memory than it may (exit code 137): the
  workload is ``errored``, its container ``terminated``.

A failure is played on one workload (it stays until cleared, through restarts: the image, the
code or the memory are still what they were; clearing it is fixing the cause, and a start it held
goes on), or on every workload whose container runs a given image. Like a workload's status, what
a failure shows is derived from the clock on every read: :func:`failure_shown` is what the store's
:meth:`~._store.Store.phase` asks first.
"""

from __future__ import annotations

from typing import Any

from ._logbook import LogEntry
from ._records import REASONS, Failure, WorkloadRec

__all__ = [
    "KINDS",
    "container_named",
    "default_message",
    "failing_image",
    "failing_image_of",
    "failure_at",
    "failure_condition",
    "failure_shown",
    "new_failure",
    "restarts",
    "summary",
    "unhealthy",
    "with_failure",
]

#: The failures that can be played, by name.
KINDS = tuple(REASONS)
_FIRST_BACKOFF, _MOST_BACKOFF = 10.0, 300.0


def default_message(kind: str, container: str, image: str) -> str:
    """What the cluster says of a failure when the test does not say."""
    if kind == "image_pull_backoff":
        return f"{image} not found"
    if kind == "crash_loop":
        return "exit code 1"
    return "exit code 137, over its memory limit"


def pull_at(w: WorkloadRec, submitted_fraction: float, v2_41: bool) -> float:
    """When the current start pulls its images: as ``initializing`` (v2.41) or ``launching``
    (11.5) begins."""
    submitted_for = w.startup * submitted_fraction
    if v2_41:
        return w.op_at + submitted_for
    return w.op_at + submitted_for + (w.startup - submitted_for) / 2


def failure_at(w: WorkloadRec, submitted_fraction: float, v2_41: bool) -> float | None:
    """When the workload's failure shows in its current start (None: not in this one: it is
    stopping, or a pull failure came after the images were pulled)."""
    f = w.failure
    if f is None or w.op != "start":
        return None
    up = w.op_at + w.startup
    if f.kind == "image_pull_backoff":  # played before its images were pulled (or as it began)
        return pull_at(w, submitted_fraction, v2_41) if f.at <= up else None
    return max(f.at, up)


def failure_shown(
    w: WorkloadRec, now: float, submitted_fraction: float, v2_41: bool
) -> tuple[str, float] | None:
    """The status a failure holds the workload in at ``now``, and since when (None: none yet):
    ``launching`` (``initializing`` on v2.41) for an image that cannot be pulled, else
    ``errored``."""
    at = failure_at(w, submitted_fraction, v2_41)
    if at is None or now < at or w.failure is None:
        return None
    if w.failure.kind == "image_pull_backoff":
        return ("initializing" if v2_41 else "launching"), at
    return "errored", at


def with_failure(w: WorkloadRec, lines: list[LogEntry], at: float | None) -> list[LogEntry]:
    """The planned log ``lines`` of the current start, cut where its failure shows (``at``) and
    ended with the lines of that failure."""
    f = w.failure
    if f is None or at is None:
        return lines
    if f.kind == "image_pull_backoff":
        pulled = f'Pulled image "{f.image}"'
        kept = [e for e in lines if e.t <= at and e.message != pulled]
        return [
            *kept,
            LogEntry(at, "WARNING", f'Failed to pull image "{f.image}": {f.message}'),
            LogEntry(at, "WARNING", f'Back-off pulling image "{f.image}"'),
        ]
    kept = [e for e in lines if e.t < at]
    return [*kept, LogEntry(at, "ERROR", f"{f.reason}: {f.message}")]


def failing_image(w: WorkloadRec, images: dict[str, str]) -> Failure | None:
    """The failure a start of ``w`` plays because a container runs an image set to fail."""
    return failing_image_of(w.containers, images, w.op_at)


def failing_image_of(containers: list[dict[str, Any]], images: dict[str, str], at: float) -> Failure | None:
    """The failure ``containers`` started at ``at`` play because one runs an image set to fail
    (a workload's start, or a replacement's candidate)."""
    for i, c in enumerate(containers):
        kind = images.get(str(c.get("imageUri")))
        if kind is not None:
            name = str(c.get("name") or f"container-{i}")
            image = str(c["imageUri"])
            return Failure(kind, name, image, at, default_message(kind, name, image))
    return None


def new_failure(
    workload_id: str,
    containers: list[dict[str, Any]],
    kind: str,
    container: str | None,
    message: str | None,
    now: float,
) -> Failure:
    """A failure ``kind`` played from ``now`` in ``container`` of a workload's ``containers``;
    ``ValueError`` for an unknown kind or container."""
    if kind not in KINDS:
        raise ValueError(f"failure kind must be one of {', '.join(KINDS)}, got {kind!r}")
    found = container_named(containers, container)
    if found is None:
        raise ValueError(f"workload {workload_id} has no container {container!r}")
    name, image = found
    return Failure(kind, name, image, now, message or default_message(kind, name, image))


def failure_condition(failure: Failure, since: float) -> dict[str, Any]:
    """The condition a failure shows in the workload's ``statusDetails``."""
    return {
        "type": "ContainersReady",
        "status": "False",
        "reason": failure.reason,
        "message": f"container {failure.container}: {failure.message}",
        "lastTransitionTime": since,
    }


def restarts(failure: Failure, since: float, now: float) -> int:
    """How many times the container was restarted by ``now``, crashing from ``since`` on: a
    crash loop restarts it after 10 s, then 20 s, 40 s, ... at most 5 minutes apart."""
    if failure.kind != "crash_loop" or now < since:
        return 0
    count, elapsed, backoff = 0, now - since, _FIRST_BACKOFF
    while elapsed >= backoff:
        elapsed -= backoff
        count += 1
        backoff = min(backoff * 2, _MOST_BACKOFF)
    return count


def unhealthy(failure: Failure) -> str:
    """Why a replacement whose candidate plays ``failure`` errored (its ``message``)."""
    return f"the candidate never became healthy: container {failure.container}: {summary(failure)}"


def summary(failure: Failure) -> str:
    """The one line a proton's ``overallStatus.summary`` holds: the reason, then the message."""
    return f"{failure.reason}: {failure.message}"


def container_named(containers: list[dict[str, Any]], name: str | None) -> tuple[str, str] | None:
    """The name and image of the container a failure plays in: the one named ``name``, else the
    primary one (or the first); None when no container has that name."""
    for i, c in enumerate(containers):
        label = str(c.get("name") or f"container-{i}")
        if (name is None and c.get("primary")) or label == name:
            return label, str(c.get("imageUri") or "")
    if name is None and containers:
        return str(containers[0].get("name") or "container-0"), str(containers[0].get("imageUri") or "")
    return None

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
goes on), or on every workload whose container runs a given image. Like a workload's status, what a failure shows is derived from the clock on every read.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["KINDS", "Failure", "restarts", "summary"]

#: The failures that can be played, by name.
KINDS = ("image_pull_backoff", "crash_loop", "oom_kill")
#: How each kind is named by the cluster (a container's waiting or terminated reason).
REASONS = {
    "image_pull_backoff": "ImagePullBackOff",
    "crash_loop": "CrashLoopBackOff",
    "oom_kill": "OOMKilled",
}
_FIRST_BACKOFF, _MOST_BACKOFF = 10.0, 300.0


@attrs.frozen
class Failure:
    """A failure a workload plays from clock time ``at``: ``kind`` (one of :data:`KINDS`), in
    container ``container`` running ``image``; ``message`` says why, in the cluster's words."""

    kind: str
    container: str
    image: str
    at: float
    message: str

    @property
    def reason(self) -> str:
        """The cluster's name for it: ``ImagePullBackOff``, ``CrashLoopBackOff``, ``OOMKilled``."""
        return REASONS[self.kind]


def default_message(kind: str, container: str, image: str) -> str:
    """What the cluster says of a failure when the test does not say."""
    if kind == "image_pull_backoff":
        return f"{image} not found"
    if kind == "crash_loop":
        return "exit code 1"
    return "exit code 137, over its memory limit"


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

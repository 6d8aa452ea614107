"""The emulator's control actions.

:class:`Controls` is the one implementation of each action (reset, faults, timings, failing a
workload, a replacement or an image build, holding replacements or builds at a status, writing a
log line, adding a user, moving a fake clock): the
:class:`~._emulator.Emulator`'s methods and the routes both call it, so they check the same things
and cannot drift. A bad argument raises ``ValueError`` or ``TypeError`` (a route answers 422 with
``detail``), an unknown workload or artifact ``KeyError`` (404).

``play_failure``, ``clear_failure`` and ``fail_image`` play what a cluster does when an image
cannot be pulled, a container crash-loops or is killed for its memory (see :mod:`._failures`).

The routes that call them over HTTP are in :mod:`._control_routes`.
"""

from __future__ import annotations

import math
import secrets
from typing import TYPE_CHECKING, Any

from .._clock import FakeClock
from ._failures import KINDS
from ._faults import Fault
from ._logbook import LEVELS, level_named
from ._records import ArtifactRec, BuildRec, Failure, ReplacementRec, User, WorkloadRec, new_id
from ._v11_5 import builds, replacement_controls

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = [
    "TIMINGS",
    "Controls",
    "NoSuchArtifact",
    "NoSuchRecord",
    "NoSuchWorkload",
    "RealClock",
    "number",
]

#: The timings that can be changed, by their wire (camelCase) names.
TIMINGS = {
    "startupSeconds": "startup_seconds",
    "stopSeconds": "stop_seconds",
    "jitter": "jitter",
    "draftTtlSeconds": "draft_ttl_seconds",
    "buildSeconds": "build_seconds",
}


class NoSuchRecord(KeyError):
    """A control action named something the emulator does not hold."""


class NoSuchWorkload(NoSuchRecord):
    """A control action named a workload the emulator does not hold."""


class NoSuchArtifact(NoSuchRecord):
    """A control action named an artifact (or a build of one) the emulator does not hold."""


class RealClock(RuntimeError):
    """A control action needs a fake clock, and the emulator runs on the real one."""


def number(name: str, value: Any, *, below: float | None = None) -> float:
    """``value`` as a finite number >= 0 (and < ``below``); ``TypeError``/``ValueError`` naming it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0 and (below is None or value < below)):
        bound = f"in [0, {below:g})" if below is not None else "finite and >= 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return float(value)


def _text(name: str, value: Any, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    return value


class Controls:
    """The control actions over one emulator's state (see the module)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def reset(self) -> None:
        """Forget every resource, fault and counter (tokens stay)."""
        self.state.store.reset()
        self.state.faults.clear()
        self.state.reset_counters()

    def reset_counters(self) -> None:
        """Zero the request counters and the request log."""
        self.state.reset_counters()

    def counters(self) -> dict[str, Any]:
        """The request counters, as ``GET /_emulator/counters`` shows them."""
        state = self.state
        return {
            "requests": dict(state.counts),
            "total": sum(state.counts.values()),
            "inFlight": dict(state.in_flight),
            "maxInFlight": dict(state.max_in_flight),
            "streamEventsSent": state.stream_events_sent,
        }

    def add_fault(self, fault: Fault) -> Fault:
        """Add a fault rule (checked when it was made: see :class:`~._faults.Fault`)."""
        return self.state.faults.add(fault)

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self.state.faults.clear()

    def set_timings(self, **timings: Any) -> dict[str, float]:
        """Change ``startup_seconds``, ``stop_seconds``, ``jitter``, ``draft_ttl_seconds`` or
        ``build_seconds`` from now on; every value is checked before any changes. Returns the
        timings, by wire name."""
        known = set(TIMINGS.values())
        checked: dict[str, float] = {}
        for name, value in timings.items():
            if name not in known:
                raise ValueError(f"unknown timing {name!r}; known: {', '.join(sorted(known))}")
            checked[name] = number(name, value, below=1.0 if name == "jitter" else None)
        current = self.state.store.timings
        for name, value in checked.items():
            setattr(current, name, value)
        return {wire: getattr(current, name) for wire, name in TIMINGS.items()}

    def workload(self, workload_id: str) -> WorkloadRec:
        """The record of a workload; :class:`NoSuchWorkload` (a ``KeyError``) for an unknown id."""
        rec = self.state.store.workloads.get(workload_id)
        if rec is None:
            raise NoSuchWorkload(f"no workload {workload_id}")
        return rec

    def fail_workload(self, workload_id: str, message: str) -> WorkloadRec:
        """Send a workload to ``errored`` now, with ``message`` in its status details."""
        text = _text("message", message)
        rec = self.workload(workload_id)
        self.state.store.fail(rec, str(text))
        return rec

    def play_failure(
        self,
        workload_id: str,
        kind: str,
        *,
        container: str | None = None,
        message: str | None = None,
        candidate: bool = False,
    ) -> Failure | None:
        """Make a workload play a failure from now on: ``image_pull_backoff``, ``crash_loop`` or
        ``oom_kill`` (see :mod:`._failures`), in ``container`` (its primary one by default), with
        ``message`` as the cluster's words (a likely one by default). It shows in the start under
        way, or from the next start, and stays through restarts until :meth:`clear_failure`.

        With ``candidate=True`` (11.5) the candidates of the workload's replacements play it
        instead, the one in progress and those asked for until :meth:`clear_failure` (see
        ``_v11_5/candidates.py``); the workload itself goes on. Returns the workload's failure
        (None for a candidate's: each candidate plays its own)."""
        _text("kind", kind)
        _text("container", container, optional=True)
        _text("message", message, optional=True)
        if not isinstance(candidate, bool):
            raise TypeError(f"candidate must be true or false, got {type(candidate).__name__}")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        rec = self.workload(workload_id)
        if not candidate:
            return self.state.store.play(rec, kind, container=container, message=message)
        if self.state.store.api_version == "v2.41":
            raise ValueError("candidate=True needs API 11.5: v2.41 has no replacements")
        replacement_controls.play_on_candidates(self.state.store, rec, kind, container, message)
        return None

    def clear_failure(self, workload_id: str) -> WorkloadRec:
        """Stop playing a workload's failure, and its candidates', as when its cause is fixed: a
        start it held goes on at once (the cluster's retry pulls the image, the restarted
        container stays up), a candidate that could not pull its images goes on, and the next
        starts and candidates go well."""
        rec = self.workload(workload_id)
        self.state.store.clear_failure(rec)
        replacement_controls.clear_candidates(self.state.store, rec)
        return rec

    def fail_image(self, image: str, kind: str | None) -> dict[str, str]:
        """Make every start of a workload whose container runs ``image``, and every candidate of a
        replacement asked for from now whose container runs it (11.5), play failure ``kind``
        (None: forget the image). Returns the images set to fail, with their failure."""
        _text("image", image)
        if not image:
            raise ValueError("image must be a non-empty string")
        images = self.state.store.failing_images
        if kind is None:
            images.pop(image, None)
        else:
            _text("kind", kind)
            if kind not in KINDS:
                raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
            images[image] = kind
        return dict(images)

    def write_log(
        self,
        workload_id: str,
        message: str,
        level: str = "INFO",
        *,
        span_id: str | None = None,
        trace_id: str | None = None,
        stacktrace: str | None = None,
    ) -> WorkloadRec:
        """Write a record to a workload's log now, as its application would; ``level`` in any case
        (``warn`` is ``WARNING``)."""
        _text("message", message)
        named = level_named(level) if isinstance(level, str) else None
        if named is None:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        for name, value in (("span_id", span_id), ("trace_id", trace_id), ("stacktrace", stacktrace)):
            _text(name, value, optional=True)
        rec = self.workload(workload_id)
        self.state.store.write_log(
            rec, message, named, span_id=span_id, trace_id=trace_id, stacktrace=stacktrace
        )
        return rec

    def artifact(self, artifact_id: str) -> ArtifactRec:
        """The record of an artifact; :class:`NoSuchArtifact` (a ``KeyError``) for an unknown id."""
        rec = self.state.store.artifacts.get(artifact_id)
        if rec is None:
            raise NoSuchArtifact(f"no artifact {artifact_id}")
        return rec

    def fail_replacement(self, workload_id: str, message: str, status: str = "errored") -> ReplacementRec:
        """End the replacement in progress of a workload (11.5) now in ``status`` (``errored`` or
        ``failed``), with ``message``; :class:`~._store.StoreError` (409) when none is in
        progress."""
        text = _text("message", message)
        if status not in ("errored", "failed"):
            raise ValueError(f"status must be 'errored' or 'failed', got {status!r}")
        return replacement_controls.fail(self.state.store, self.workload(workload_id), str(text), status)

    def hold_replacements(self, workload_id: str, at: str) -> None:
        """Hold the replacements of a workload (11.5) at status ``at`` (``submitted``,
        ``initializing``, ``staged``, ``promoting``, ``finalizing`` or ``completed``): those in
        progress that have not passed it, and those asked for while the hold lasts."""
        _text("at", at)
        replacement_controls.hold(self.state.store, self.workload(workload_id), at)

    def release_replacements(self, workload_id: str) -> None:
        """Let a workload's held replacements move on from now."""
        replacement_controls.release(self.state.store, self.workload(workload_id))

    def fail_builds(
        self, artifact_id: str, message: str, *, build_id: str | None = None, status: str = "FAILED"
    ) -> list[BuildRec]:
        """End the image builds of an artifact (11.5) still running, or just ``build_id``, now in
        ``status`` (``FAILED`` or ``CANCELLED``) with ``message`` at the end of their logs;
        :class:`~._store.StoreError` (409) when none is running."""
        text = _text("message", message)
        _text("build_id", build_id, optional=True)
        if status not in builds.FAILURES:
            raise ValueError(f"status must be one of {', '.join(builds.FAILURES)}, got {status!r}")
        store = self.state.store
        rec = self.artifact(artifact_id)
        if build_id is not None and not any(b.id == build_id for b in store.builds.get(rec.id, [])):
            raise NoSuchArtifact(f"no build {build_id} of artifact {artifact_id}")
        return builds.fail(store, rec.id, str(text), build_id, status)

    def hold_builds(self, artifact_id: str, at: str) -> None:
        """Hold the image builds of an artifact (11.5) at status ``at`` (``PENDING``,
        ``IN_PROGRESS``, ``BUILT`` or ``COMPLETED``): those running that have not passed it, and
        those started while the hold lasts."""
        _text("at", at)
        builds.hold(self.state.store, self.artifact(artifact_id).id, at)

    def release_builds(self, artifact_id: str) -> None:
        """Let an artifact's held builds move on from now."""
        builds.release(self.state.store, self.artifact(artifact_id).id)

    def add_user(
        self, token: str | None = None, *, read_only: bool = False, email: str | None = None
    ) -> tuple[str, User]:
        """Add a token with its own user (who sees only its own resources)."""
        if token is not None and (not isinstance(token, str) or not token.strip()):
            raise ValueError("token must be a non-empty string")
        if token is not None and (not token.isprintable() or " " in token):
            raise ValueError("token must not hold spaces or control characters: a header could not carry it")
        if not isinstance(read_only, bool):
            raise TypeError(f"read_only must be true or false, got {type(read_only).__name__}")
        _text("email", email, optional=True)
        users = self.state.store.users
        token = token or secrets.token_hex(20)
        user = User(id=new_id(), email=email or f"user-{len(users)}@emulator.local", read_only=read_only)
        users[token] = user
        return token, user

    def advance(self, seconds: Any) -> float:
        """Move a fake clock ahead; :class:`RealClock` on the real clock. Returns its reading."""
        clock = self.state.store.clock
        if not isinstance(clock, FakeClock):
            raise RealClock("the emulator runs on the real clock")
        clock.advance(number("seconds", seconds))
        return clock.monotonic()

"""The log each emulated workload writes: the lines of its starts and stops, its crashes, and
what its application writes (one access line per invocation, and lines added by tests).

An operation (a start or a stop) schedules its lines ahead, each at the clock time it happens;
:meth:`Logbook.sync` moves the lines whose time has come into the log. Status is derived from the
clock the same way, so the log and the status always agree, and an operation cut short (a stop
during start-up) never writes the lines it did not reach.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

import attrs

__all__ = [
    "LEVELS",
    "MAX_RECORDS",
    "TAIL_LINES",
    "LogEntry",
    "Logbook",
    "crash_script",
    "level_named",
    "start_script",
    "stop_script",
]

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def level_named(word: str) -> str | None:
    """The level a word names, in any case, ``warn`` being ``WARNING`` (as the live service reads
    it); None for a word that names none."""
    upper = word.strip().upper()
    upper = "WARNING" if upper == "WARN" else upper
    return upper if upper in LEVELS else None


#: How many lines of the log ``statusDetails.logTail`` shows.
TAIL_LINES = 20
#: How many records a workload's log keeps: the oldest go first, as a server's retention drops them.
MAX_RECORDS = 100_000

CRASH_TRACEBACK = 'Traceback (most recent call last):\n  File "/app/serve.py", line 42, in <module>'
CRASH_ERROR = "RuntimeError: model file /opt/model/weights.bin not found"


class LogEntry(NamedTuple):
    """One record of a workload's log, at clock time ``t``. ``ttl`` marks the draft TTL's stop line.

    A named tuple: a start plans several of them per workload, and a fleet of ten thousand
    workloads starts at once.
    """

    t: float
    level: str
    message: str
    span_id: str | None = None
    trace_id: str | None = None
    stacktrace: str | None = None
    ttl: bool = False

    def lines(self) -> list[str]:
        """The entry as lines of text, a traceback before its message."""
        return [*(self.stacktrace.splitlines() if self.stacktrace else ()), self.message]


def _name(container: dict[str, Any], index: int) -> str:
    return str(container.get("name") or f"container-{index}")


def _replicas(runtime: dict[str, Any]) -> str:
    """How many replicas a runtime asks for, in words (an 11.5 runtime counts those of its groups)."""
    if "containerGroups" in runtime:
        n = sum(g.get("replicaCount", 1) for g in runtime["containerGroups"]) or 1
        return f"{n} replica{'s' if n != 1 else ''}"
    scaling = runtime.get("autoscaling") or {}
    if scaling.get("enabled"):
        counts = [(p["minCount"], p["maxCount"]) for p in scaling.get("policies", [])]
        low, high = (min(c[0] for c in counts), max(c[1] for c in counts)) if counts else (1, 1)
        return f"{low} to {high} replicas (autoscaling)"
    n = runtime.get("replicaCount", 1)
    return f"{n} replica{'s' if n != 1 else ''}"


def start_script(
    at: float,
    startup: float,
    submitted_fraction: float,
    containers: list[dict[str, Any]],
    runtime: dict[str, Any],
) -> list[LogEntry]:
    """The lines of a start beginning at ``at`` that takes ``startup`` seconds, up to (not
    including) what happens once it is up: :func:`crash_script` or :func:`ready_script`."""
    pulling = at + startup * submitted_fraction
    rest = at + startup - pulling
    out = [LogEntry(at, "INFO", f"Scheduling {_replicas(runtime)}")]
    out += [LogEntry(pulling, "INFO", f'Pulling image "{c["imageUri"]}"') for c in containers]
    out += [LogEntry(pulling + rest * 0.4, "INFO", f'Pulled image "{c["imageUri"]}"') for c in containers]
    out += [
        LogEntry(pulling + rest * 0.6, "INFO", f'Starting container "{_name(c, i)}"')
        for i, c in enumerate(containers)
    ]
    return out


def ready_script(up: float, port: int | None, ttl_at: float | None) -> list[LogEntry]:
    """The lines of a workload that came up at ``up``; ``ttl_at`` is when a draft's TTL stops it."""
    out = [
        LogEntry(up, "INFO", f"Serving on port {port}")
        if port is not None
        else LogEntry(up, "WARNING", "The primary container exposes no port: invocations will answer 503"),
        LogEntry(up, "INFO", "Workload is ready"),
    ]
    if ttl_at is not None:
        message = "Stopped: a workload of a draft artifact runs at most its TTL; register the artifact"
        out.append(LogEntry(ttl_at, "INFO", message, ttl=True))
    return out


def crash_script(start_of_run: float, crash_at: float) -> list[LogEntry]:
    """The lines of an application that crashes at ``crash_at``."""
    span = crash_at - start_of_run
    return [
        LogEntry(start_of_run + span * 0.5, "INFO", "Starting server on 0.0.0.0:8080"),
        LogEntry(start_of_run + span * 0.75, "INFO", "Loading model weights from /opt/model"),
        LogEntry(crash_at, "ERROR", CRASH_ERROR, stacktrace=CRASH_TRACEBACK),
    ]


def stop_script(at: float, stop_for: float, containers: list[dict[str, Any]]) -> list[LogEntry]:
    """The lines of a stop beginning at ``at`` that takes ``stop_for`` seconds."""
    out = [LogEntry(at, "INFO", "Stop requested")]
    out += [
        LogEntry(at + stop_for * 0.5, "INFO", f'Stopping container "{_name(c, i)}"')
        for i, c in enumerate(containers)
    ]
    out.append(LogEntry(at + stop_for, "INFO", "Workload stopped"))
    return out


@attrs.define(eq=False)
class Logbook:
    """One workload's log: ``entries`` written so far, oldest first, and ``pending`` lines of the
    current operation that are due later."""

    entries: list[LogEntry] = attrs.field(factory=list)
    pending: list[LogEntry] = attrs.field(factory=list)

    def sync(self, now: float) -> None:
        """Write every pending line whose time has come."""
        due = 0
        for entry in self.pending:
            if entry.t > now:
                break
            due += 1
        if due:
            self.entries.extend(self.pending[:due])
            del self.pending[:due]
            self._trim()

    def schedule(self, now: float, lines: Iterable[LogEntry]) -> None:
        """Write what is due, drop what the previous operation had not reached, plan ``lines``."""
        self.sync(now)
        self.pending = sorted(lines, key=lambda e: e.t)  # a stable sort keeps same-time lines in order
        self.sync(now)

    def write(self, now: float, entry: LogEntry) -> None:
        """Write ``entry`` (whose time is ``now``) after everything due before it."""
        self.sync(now)
        self.entries.append(entry)
        self._trim()

    def _trim(self) -> None:
        if len(self.entries) > MAX_RECORDS:
            del self.entries[: len(self.entries) - MAX_RECORDS]

    def drop_ttl(self) -> None:
        """Forget the planned draft-TTL stop (the artifact was registered)."""
        self.pending = [e for e in self.pending if not e.ttl]

    def tail(self, now: float, lines: int = TAIL_LINES) -> list[str]:
        """The last ``lines`` lines of the log as text, as ``statusDetails.logTail`` shows them."""
        self.sync(now)
        out: list[str] = []
        for entry in reversed(self.entries):
            out[:0] = entry.lines()
            if len(out) >= lines:
                break
        return out[-lines:]

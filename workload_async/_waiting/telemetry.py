"""What waits report: a wait's span, its log lines and its status-change hooks.

:func:`wait_watch` opens a watch over one wait or many when somebody listens (a recorded span, an
``on_status_change`` hook, INFO logging), and :func:`track` follows a waiter in it. They work
through the client's :class:`~.._observe.observer.Observer`, which knows nothing of waits.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any, Literal

from .._models.enums import WorkloadStatus
from .._observe.hooks import StatusChangeEvent, call_hook
from ..errors import WaitTimeoutError

if TYPE_CHECKING:
    import asyncio

    from .._models.outputs import Workload
    from .._observe.observer import Observer, Spans
    from .._observe.tracing import Active
    from .waiter import Waiter

__all__ = ["Outcome", "WaitWatch", "target_name", "track", "wait_watch"]

log = logging.getLogger("workload_async")
Outcome = Literal["reached", "failed", "timed_out", "cancelled"]


class WaitWatch:
    """One wait span (one workload, or the many of a ``wait_many``), and its log lines and hooks."""

    def __init__(
        self, observer: Observer, spans: Spans | None, active: Active | None, target: WorkloadStatus | None
    ) -> None:
        self.observer = observer
        self.spans = spans
        self.active = active
        self.target = target
        self.pending = 0
        self.polls = 0
        self.outcomes: Counter[Outcome] = Counter()
        self.error: BaseException | None = None
        self.last: WorkloadStatus | None = None

    def add(self, waiter: Waiter) -> None:
        """Follow ``waiter`` until it settles."""
        self.pending += 1
        if self.active is not None:
            self.observer.live.setdefault(waiter.workload_id, []).append(self)
        user = waiter.on_change
        previous: WorkloadStatus | None = None

        def changed(workload: Workload) -> None:
            nonlocal previous
            self.changed(waiter, previous, workload.status)
            previous = workload.status
            if user is not None:
                user(workload)

        waiter.on_change = changed
        waiter.future.add_done_callback(lambda future: self.settled(waiter, future))

    def changed(self, waiter: Waiter, previous: WorkloadStatus | None, status: WorkloadStatus) -> None:
        observer = self.observer
        seconds = observer.clock.monotonic() - waiter.started
        self.last = status
        target = target_name(self.target)
        if log.isEnabledFor(logging.INFO):
            was = f"{previous.value} -> " if previous is not None else ""
            log.info(
                "workload %s %s%s (waiting for %s, %.1fs)",
                waiter.workload_id,
                was,
                status.value,
                target,
                seconds,
            )
        if self.active is not None and self.spans is not None:
            attributes = {
                "workload_async.workload.id": waiter.workload_id,
                "workload_async.workload.status": status.value,
            }
            if previous is not None:
                attributes["workload_async.workload.previous_status"] = previous.value
            self.spans.event(self.active, "workload_async.status_change", attributes)
        if observer.on_status_change is not None:
            event = StatusChangeEvent(waiter.workload_id, previous, status, self.target, seconds)
            call_hook(observer.on_status_change, event)

    def settled(self, waiter: Waiter, future: asyncio.Future[Workload]) -> None:
        outcome, error = _outcome(future)
        self.outcomes[outcome] += 1
        if error is not None and self.error is None:
            self.error = error
        self.polls += waiter.polls
        self.pending -= 1
        if self.active is None:
            return
        group = self.observer.live.get(waiter.workload_id)
        if group is not None:
            if self in group:
                group.remove(self)
            if not group:
                del self.observer.live[waiter.workload_id]
        if self.pending == 0 and self.spans is not None:
            self.spans.end(self.active, self._summary(), self._failure())

    def _summary(self) -> dict[str, str | int]:
        worst: tuple[Outcome, ...] = ("failed", "timed_out", "cancelled")
        outcome = next((o for o in worst if self.outcomes[o]), "reached")
        summary: dict[str, str | int] = {
            "workload_async.wait.outcome": outcome,
            "workload_async.wait.polls": self.polls,
        }
        if sum(self.outcomes.values()) > 1:
            summary.update({f"workload_async.wait.{k}": n for k, n in self.outcomes.items()})
        if self.last is not None:
            summary["workload_async.workload.status"] = self.last.value
        return summary

    def _failure(self) -> BaseException | None:
        if self.outcomes["failed"] or self.outcomes["timed_out"]:
            return self.error
        return None


def _outcome(future: asyncio.Future[Any]) -> tuple[Outcome, BaseException | None]:
    if future.cancelled():
        return "cancelled", None
    error = future.exception()
    if error is None:
        return "reached", None
    return ("timed_out" if isinstance(error, WaitTimeoutError) else "failed"), error


def target_name(target: WorkloadStatus | None) -> str:
    """How logs and spans name a wait's target (``None``: any settled state)."""
    return target.value if target is not None else "settled"


def wait_watch(
    observer: Observer, target: WorkloadStatus | None, workload_id: str | None, count: int = 1
) -> WaitWatch | None:
    """A watch over one wait (``workload_id``) or many (``count``); None when nobody listens."""
    spans = observer.spans()
    active = None
    if spans is not None:
        attributes: dict[str, str | int] = {"workload_async.wait.target": target_name(target)}
        if workload_id is not None:
            attributes["workload_async.workload.id"] = workload_id
        else:
            attributes["workload_async.workload.count"] = count
        active = spans.start(observer.tracer, "workload_async.wait", attributes)
    if active is None and observer.on_status_change is None and not log.isEnabledFor(logging.INFO):
        return None
    return WaitWatch(observer, spans if active is not None else None, active, target)


def track(observer: Observer, waiter: Waiter, watch: WaitWatch | None = None) -> None:
    """Report ``waiter``'s status changes and outcome, in ``watch`` or a wait span of its own."""
    if watch is None:
        watch = wait_watch(observer, waiter.target, waiter.workload_id)
    if watch is not None:
        watch.add(waiter)

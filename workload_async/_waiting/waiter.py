"""One pending wait for one workload, and what a status means for it.

A waiter keeps only what deciding needs between answers: the last status, the raw
``statusDetails`` that came with it and its polling counters. The full :class:`Workload` is built
by the poller only when the status changes or the wait settles, so an idle waiter costs a few
hundred bytes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

import attrs

from .._models.converter import DecodeProblem, structure
from .._models.enums import WorkloadStatus
from .._models.outputs import StatusDetails, Workload
from .._policies import PollPolicy
from ..errors import UnexpectedStatusError, WaitTimeoutError, WorkloadFailedError

__all__ = ["SETTLED", "Verdict", "Waiter", "judge"]

Verdict = Literal["pending", "reached", "failed", "unexpected"]


def judge(status: WorkloadStatus, target: WorkloadStatus | None, waited: float, grace: float) -> Verdict:
    """What a status means for a wait for ``target`` that has lasted ``waited`` seconds.

    ``target=None`` accepts any settled state. ``errored``/``terminated`` fail the wait at once,
    except a wait for ``stopped`` (stopping an errored workload passes through a stale
    ``errored``), which gives them ``grace`` seconds. The opposite settled state (``stopped`` while
    waiting for ``running`` or the reverse) is taken as a stale read for ``grace`` seconds, then
    as the answer. Every other status, known or not, is still changing.
    """
    value = status._value_  # a str: hashed in C, where the enum's own hash is Python code
    if value not in SETTLED:
        return "pending"  # the usual answer, decided first
    if target is None or value == target._value_:
        return "reached"
    if value in _FAILED:
        return "pending" if target is WorkloadStatus.STOPPED and waited < grace else "failed"
    return "pending" if waited < grace else "unexpected"


#: The values of the settled statuses.
SETTLED = frozenset(s.value for s in WorkloadStatus if s.is_settled)
_FAILED = frozenset(s.value for s in WorkloadStatus if s.is_failure)


@attrs.define(eq=False)
class Waiter:
    """One pending wait for one workload."""

    workload_id: str
    target: WorkloadStatus | None
    policy: PollPolicy
    started: float
    deadline: float | None
    future: asyncio.Future[Workload]
    on_change: Callable[[Workload], None] | None = None
    #: Decides on the full workload instead of :func:`judge` on its status (a wait for something
    #: other than a status: a settings replacement).
    settle: Callable[[Workload], Verdict] | None = None
    #: What a :attr:`settle` wait waits for, in words, for its errors ("the end of replacement ...").
    goal: str | None = None
    #: How many status answers arrived for this wait.
    polls: int = 0
    last_status: WorkloadStatus | None = None
    #: The ``statusDetails`` of the last answer, as it came (usually None while pending).
    last_details: Any = None
    #: The workload's active proton as the last answer named it (11.5; None before, or on v2.41):
    #: where a diagnosis reads why a failed wait is stuck.
    proton_id: str | None = None
    last_error: BaseException | None = None
    #: Consecutive polls whose answer could not be read.
    strikes: int = 0
    #: Which slot of the poller's schedule holds this waiter's live entry (-1: none).
    ticket: int = -1
    #: The poll interval after the last answer, before jitter (the policy's, kept to skip
    #: recomputing it once it reaches the cap).
    interval: float = 0.0

    @property
    def last_seen(self) -> Workload | None:
        """The workload as last polled: its id, status and status details (None before any answer).

        Pending waits keep only what the status poll reads, so the other fields are not filled in.
        """
        if self.last_status is None:
            return None
        details: StatusDetails | None = None
        if self.last_details is not None:
            try:
                details = structure(self.last_details, StatusDetails)
            except DecodeProblem:
                details = None
        return Workload(id=self.workload_id, status=self.last_status, status_details=details)

    def verdict(self, status: WorkloadStatus, now: float) -> Verdict:
        """What ``status`` means for this wait now (pending when :attr:`settle` decides instead)."""
        if self.settle is not None:
            return "pending"
        return judge(status, self.target, now - self.started, self.policy.stale_grace)

    def needs_model(self, status: WorkloadStatus, verdict: Verdict) -> bool:
        """True when this answer must be read in full: the wait settles, or its status changed and
        someone watches the changes."""
        return (
            self.settle is not None
            or verdict != "pending"
            or (self.on_change is not None and status != self.last_status)
        )

    def observe(
        self, status: WorkloadStatus, details: Any, workload: Workload | None, verdict: Verdict
    ) -> bool:
        """Take one poll's answer; settle the future unless the verdict is pending.

        ``workload`` is the full model, given whenever :meth:`needs_model` said so. Returns True
        when the status changed.
        """
        self.polls += 1
        self.strikes = 0
        self.last_error = None
        changed = status != self.last_status
        self.last_status = status
        self.last_details = details
        if workload is None:
            return changed
        if changed and self.on_change is not None:
            self.on_change(workload)
        if self.settle is not None:
            verdict = self.settle(workload)
        if verdict == "reached":
            self.future.set_result(workload)
        elif verdict == "failed":
            self.future.set_exception(WorkloadFailedError(workload=workload))
        elif verdict == "unexpected":
            self.future.set_exception(UnexpectedStatusError(workload=workload, target=self._target_text))
        return changed

    def fail(self, error: BaseException) -> None:
        """Settle the future with ``error`` unless it is settled already."""
        if not self.future.done():
            self.future.set_exception(error)

    def time_out(self, now: float, held_by: BaseException | None = None) -> None:
        """Settle the future with :class:`WaitTimeoutError`.

        ``held_by`` is the error that made the poller hold its polls (a ``Retry-After``), told to
        the wait when no poll of its own failed.
        """
        self.fail(
            WaitTimeoutError(
                workload_id=self.workload_id,
                workload=self.last_seen,
                elapsed=now - self.started,
                polls=self.polls,
                target=self._target_text,
                last_error=self.last_error or held_by,
            )
        )

    @property
    def _target_text(self) -> str:
        return self.target.value if self.target is not None else self.goal or "a settled state"

"""Waits built on the client's one :class:`~.poller.StatusPoller`: one, many, as completed, watch."""

from __future__ import annotations

import asyncio
import enum
import functools
import math
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from typing import Final

import attrs

from .._clock import Clock
from .._models.arguments import (
    check_deadline,
    check_flag,
    check_id,
    check_ids,
    check_instance,
    check_seconds,
    shown,
)
from .._models.enums import WorkloadStatus
from .._models.outputs import Workload
from .._policies import PollPolicy
from ..errors import WaitError, WaitTimeoutError, WorkloadAPIError
from .builds_wait import BuildsWaiter
from .diagnosis import PER_BATCH, Diagnoser, behind
from .poller import StatusPoller
from .telemetry import WaitWatch, track, wait_watch
from .waiter import Shown, Verdict, Waiter

__all__ = ["DEFAULT", "Default", "ReturnWhen", "WaitOutcome", "Waits", "limits", "outcome_of"]

#: Requests for a status change are remembered (for a wait's ``stale_grace``) for an hour, and
#: forgotten only once more than this many are remembered.
ASKED_KEPT = 4096
ASKED_FOR = 3600.0


class Default(enum.Enum):
    """The type of :data:`DEFAULT`: "use the client's setting"."""

    TOKEN = 0

    def __repr__(self) -> str:
        return "client.wait_timeout"  # how help() and inspect.signature show the default


DEFAULT: Final = Default.TOKEN


class ReturnWhen(enum.StrEnum):
    """When :meth:`~workload_async.WorkloadsManager.wait_many` returns."""

    ALL_COMPLETED = "all_completed"
    FIRST_COMPLETED = "first_completed"
    FIRST_FAILURE = "first_failure"

    @classmethod
    def _missing_(cls, value: object) -> ReturnWhen:
        # asyncio's own constants are upper case (asyncio.FIRST_COMPLETED == "FIRST_COMPLETED"),
        # and its FIRST_EXCEPTION is what this calls first_failure
        if isinstance(value, str):
            wanted = "first_failure" if value.lower() == "first_exception" else value.lower()
            for member in cls:
                if member.value == wanted:
                    return member
        choices = ", ".join(repr(m.value) for m in cls)
        raise ValueError(f"return_when must be one of {choices}, got {value!r}")


@attrs.frozen
class WaitOutcome:
    """How one workload's wait ended.

    ``ok`` is True when it reached the target; ``workload`` is the last workload seen (None if no
    poll answered); ``error`` is None or the :class:`~workload_async.errors.WorkloadFailedError`,
    :class:`~workload_async.errors.WaitTimeoutError`, :class:`~workload_async.errors.NotFoundError`
    (or other API error) that ended it.
    """

    workload_id: str
    workload: Workload | None
    error: WorkloadAPIError | None = None

    @property
    def ok(self) -> bool:
        """True when the workload reached the status waited for."""
        return self.error is None


class Waits:
    """The wait operations of ``client.workloads``, sharing one poller and one clock."""

    def __init__(
        self,
        poller: StatusPoller,
        clock: Clock,
        policy: PollPolicy,
        timeout: float | None,
        diagnoser: Diagnoser | None = None,
    ) -> None:
        self._poller = poller
        self._clock = clock
        self._observe = poller.observe
        self.policy = policy
        self.timeout = timeout
        #: reads why a failed wait is stuck (see :mod:`.diagnosis`); None: no diagnoses
        self.diagnoser = diagnoser

    async def diagnose(self, waiter: Waiter) -> None:
        """Add a diagnosis to the error a waiter ended with, when one can be read (never raises)."""
        if self.diagnoser is not None and not waiter.future.cancelled():
            error = waiter.future.exception()
            if error is not None:
                await self.diagnoser.annotate(error, waiter.proton_id)

    async def diagnose_many(self, waiters: Iterable[Waiter]) -> None:
        """Diagnose the failed waits among ``waiters``, at most :data:`~.diagnosis.PER_BATCH`."""
        if self.diagnoser is None:
            return
        failed = [
            (error, w.proton_id)
            for w in waiters
            if w.future.done() and not w.future.cancelled() and (error := w.future.exception()) is not None
        ]
        await self.diagnoser.annotate_many(failed)

    async def diagnose_replacement(
        self,
        error: WorkloadAPIError,
        replacement_id: str,
        candidates: Sequence[str],
        last_shown: Shown = None,
    ) -> None:
        """Say why a wait for the end of replacement ``replacement_id`` timed out or why it
        failed (never raises): waiting its turn behind the replacement the workload last showed
        (``last_shown``, no call), else what its candidate proton (the first of ``candidates``)
        says. See :mod:`.diagnosis`."""
        if self.diagnoser is None or not isinstance(error, WaitError) or not self.diagnoser.wanted(error):
            return
        ahead = behind(replacement_id, last_shown) if isinstance(error, WaitTimeoutError) else None
        if ahead is not None:
            error._diagnosed(ahead)
            return
        await self.diagnoser.annotate(error, candidates[0] if candidates else None, candidate=True)

    def deadline_for(self, timeout: float | Default | None, deadline: float | None) -> float | None:
        """The earlier of ``now + timeout`` and ``deadline`` (None when both are open).

        Raises ``TypeError``/``ValueError`` naming ``timeout`` (``DEFAULT``, None or a finite
        number of seconds >= 0) or ``deadline`` (None or a finite time from
        :meth:`Client.deadline`).
        """
        limit = self.timeout if timeout is DEFAULT else check_wait_timeout(timeout)
        deadline = check_deadline(deadline)
        ends = [
            d for d in (deadline, None if limit is None else self._clock.monotonic() + limit) if d is not None
        ]
        return min(ends) if ends else None

    def asked(self, workload_id: str, target: WorkloadStatus) -> None:
        """This client asked for ``workload_id`` to become ``target`` (a start, a stop, a create):
        a wait for it that starts soon after gives a settled status that has not moved yet the
        poll policy's ``stale_grace``."""
        asked = self._poller.asked
        now = self._clock.monotonic()
        asked[workload_id] = (target, now)
        asked.move_to_end(workload_id)  # the newest last: the oldest are at the front
        if len(asked) > ASKED_KEPT:  # forget requests long past any grace, oldest first
            forget = now - ASKED_FOR
            while asked[oldest := next(iter(asked))][1] < forget:
                del asked[oldest]

    def _grace_until(self, workload_id: str, target: WorkloadStatus | None, policy: PollPolicy) -> float:
        asked = self._poller.asked.get(workload_id)
        if asked is None or target is None or asked[0] is not target:
            return float("-inf")
        return asked[1] + policy.stale_grace

    def register(
        self,
        workload_id: str,
        target: WorkloadStatus | None,
        deadline: float | None,
        poll: PollPolicy | None = None,
        on_change: Callable[[Workload], None] | None = None,
        settle: Callable[[WorkloadStatus, Shown, float], Verdict] | None = None,
        watch: WaitWatch | None = None,
        goal: str | None = None,
    ) -> Waiter:
        """Make a waiter and hand it to the poller."""
        check_id(workload_id, "workload_id")
        policy = check_poll(poll) or self.policy
        target = _target(target)
        waiter = Waiter(
            workload_id=workload_id,
            target=target,
            policy=policy,
            started=self._clock.monotonic(),
            deadline=deadline,
            future=asyncio.get_running_loop().create_future(),
            on_change=on_change,
            settle=settle,
            goal=goal,
            grace_until=self._grace_until(workload_id, target, policy),
        )
        track(self._observe, waiter, watch)
        self._poller.add(waiter)
        return waiter

    def register_builds(
        self, artifact_id: str, build_ids: tuple[str, ...], deadline: float | None, poll: PollPolicy | None
    ) -> BuildsWaiter:
        """Make a waiter for some builds of an artifact and hand it to the poller."""
        waiter = BuildsWaiter(
            artifact_id=check_id(artifact_id, "artifact_id"),
            build_ids=build_ids,
            policy=poll or self.policy,
            started=self._clock.monotonic(),
            deadline=deadline,
            future=asyncio.get_running_loop().create_future(),
        )
        self._poller.add(waiter)
        return waiter

    async def wait(
        self,
        workload_id: str,
        until: WorkloadStatus | str,
        timeout: float | Default | None,
        deadline: float | None,
        poll: PollPolicy | None,
    ) -> Workload:
        check_id(workload_id, "workload_id")
        target = _target(until)
        end = self.deadline_for(timeout, deadline)
        waiter = self.register(workload_id, target, end, check_poll(poll))
        try:
            return await waiter.future
        except WorkloadAPIError:
            await self.diagnose(waiter)  # why it is stuck, on the error itself
            raise

    def as_completed(
        self,
        workload_ids: Iterable[str],
        until: WorkloadStatus | str,
        timeout: float | Default | None,
        deadline: float | None,
        poll: PollPolicy | None,
    ) -> AsyncGenerator[WaitOutcome, None]:
        """Check every argument now, at the call; then the generator that yields the outcomes."""
        ids = check_ids(workload_ids)
        target = _target(until)
        self.deadline_for(timeout, deadline)  # checked now; the deadline is counted when iterated
        return self._as_completed(ids, target, timeout, deadline, check_poll(poll))

    async def _as_completed(
        self,
        ids: list[str],
        until: WorkloadStatus | None,
        timeout: float | Default | None,
        deadline: float | None,
        poll: PollPolicy | None,
    ) -> AsyncGenerator[WaitOutcome, None]:
        end = self.deadline_for(timeout, deadline)
        settled: asyncio.Queue[Waiter] = asyncio.Queue()
        waiters = []
        watch = wait_watch(self._observe, until, None, len(ids))
        try:
            for workload_id in ids:
                waiter = self.register(workload_id, until, end, poll, watch=watch)
                waiter.future.add_done_callback(functools.partial(_settled, settled, waiter))
                waiters.append(waiter)
            diagnosed = 0
            for _ in ids:
                waiter = await settled.get()
                if waiter.future.cancelled():
                    continue
                outcome = outcome_of(waiter)
                error, diagnoser = outcome.error, self.diagnoser
                if error is not None and diagnosed < PER_BATCH and diagnoser and diagnoser.wanted(error):
                    diagnosed += 1  # only the first few: thousands timing out at once cost ten calls
                    await self.diagnose(waiter)
                yield outcome
        finally:
            for waiter in waiters:
                waiter.future.cancel()

    def watch(
        self,
        workload_id: str,
        until: WorkloadStatus | str | None,
        timeout: float | Default | None,
        deadline: float | None,
        poll: PollPolicy | None,
    ) -> AsyncGenerator[Workload, None]:
        """Check every argument now, at the call; then the generator of the status changes."""
        check_id(workload_id, "workload_id")
        target = _target(until)
        self.deadline_for(timeout, deadline)
        return self._watch(workload_id, target, timeout, deadline, check_poll(poll))

    async def _watch(
        self,
        workload_id: str,
        until: WorkloadStatus | None,
        timeout: float | Default | None,
        deadline: float | None,
        poll: PollPolicy | None,
    ) -> AsyncGenerator[Workload, None]:
        changes: asyncio.Queue[Workload | None] = asyncio.Queue()
        waiter = self.register(
            workload_id, until, self.deadline_for(timeout, deadline), poll, on_change=changes.put_nowait
        )
        waiter.future.add_done_callback(lambda _: changes.put_nowait(None))
        try:
            while True:
                change = await changes.get()
                if change is None:
                    break
                yield change
            if not waiter.future.cancelled() and waiter.future.exception() is not None:
                await self.diagnose(waiter)
                raise waiter.future.exception()  # type: ignore[misc]
        finally:
            waiter.future.cancel()


def check_wait_timeout(value: object) -> float | None:
    """A wait's ``timeout``: None (no limit, by explicit choice) or a finite number of seconds >= 0."""
    if value is None:
        return None
    if isinstance(value, float) and value == math.inf:
        raise ValueError("timeout must be a finite number of seconds >= 0, got inf: None means no limit")
    return check_seconds(value, "timeout", zero=True)


def check_poll(value: object) -> PollPolicy | None:
    """``poll``: None (the client's policy) or a :class:`PollPolicy`."""
    return check_instance(value, PollPolicy, "poll")


_TARGETS = (WorkloadStatus.RUNNING, WorkloadStatus.STOPPED)


def limits(waits: Waits, wait: bool, timeout: float | Default | None) -> tuple[float | None, float | None]:
    """``(deadline, call timeout)`` of a call that may wait: with ``wait``, one deadline for the
    call and the wait (the client's ``wait_timeout`` by default); without, ``timeout`` bounds
    the call alone (no limit of its own by default). Raises ``ValueError`` for a timeout that is
    not a positive number of seconds, and ``TypeError`` for a ``wait`` that is not a bool."""
    check_flag(wait, "wait")
    if wait:
        return waits.deadline_for(timeout, None), None
    if timeout is DEFAULT or timeout is None:
        return None, None
    return None, check_seconds(timeout, "timeout")


def _target(until: object) -> WorkloadStatus | None:
    """``until``: None, or ``running``/``stopped`` (a :class:`WorkloadStatus` or its value)."""
    if until is None:
        return None
    if not isinstance(until, str):
        raise TypeError(f"until must be 'running' or 'stopped', got {type(until).__name__} {shown(until)}")
    status = WorkloadStatus(until)
    if status not in _TARGETS:
        raise ValueError(f"until must be 'running' or 'stopped', got {shown(str(until))}")
    return status


def outcome_of(waiter: Waiter) -> WaitOutcome:
    """How a settled waiter's wait ended (an error that is not the SDK's is re-raised)."""
    error = waiter.future.exception()
    if error is None:
        return WaitOutcome(waiter.workload_id, waiter.future.result())
    if not isinstance(error, WorkloadAPIError):
        raise error
    workload = getattr(error, "workload", None) or waiter.last_seen
    return WaitOutcome(waiter.workload_id, workload, error)


def _settled(queue: asyncio.Queue[Waiter], waiter: Waiter, _: object) -> None:
    queue.put_nowait(waiter)

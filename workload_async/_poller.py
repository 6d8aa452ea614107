"""One batched status poller per client.

Every pending wait registers a :class:`Waiter`. One background task polls
``GET console/workloads/?ids=..`` for all of them, at most 100 ids a call, and hands each workload
to its waiters. The task starts when the first waiter arrives and ends when the last one leaves;
a waiter whose future is cancelled leaves at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from contextlib import aclosing
from typing import Literal

import attrs

from ._clock import Clock
from ._enums import WorkloadStatus
from ._http import Transport
from ._models import Workload
from ._pagination import AsyncPager
from ._policies import PollPolicy
from .errors import (
    APIStatusError,
    ClientClosedError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
    WaitTimeoutError,
    WorkloadAPIError,
    WorkloadFailedError,
)

__all__ = ["StatusPoller", "Verdict", "Waiter", "judge"]

log = logging.getLogger("workload_async")
BATCH = 100
Verdict = Literal["pending", "reached", "failed", "unexpected"]


def judge(status: WorkloadStatus, target: WorkloadStatus | None, waited: float, grace: float) -> Verdict:
    """What a status means for a wait for ``target`` that has lasted ``waited`` seconds.

    ``target=None`` accepts any settled state. ``errored``/``terminated`` fail the wait at once,
    except a wait for ``stopped`` (stopping an errored workload passes through a stale
    ``errored``), which gives them ``grace`` seconds. The opposite settled state (``stopped`` while
    waiting for ``running`` or the reverse) is taken as a stale read for ``grace`` seconds, then
    as the answer. Every other status, known or not, is still changing.
    """
    if target is None:
        return "reached" if status.is_settled else "pending"
    if status == target:
        return "reached"
    if status.is_failure:
        return "pending" if target == WorkloadStatus.STOPPED and waited < grace else "failed"
    if status.is_settled:
        return "pending" if waited < grace else "unexpected"
    return "pending"


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
    next_due: float = 0.0
    polls: int = 0
    last_seen: Workload | None = None
    last_error: BaseException | None = None

    def observe(self, workload: Workload, now: float) -> None:
        """Take one poll's answer: maybe settle the future, and plan the next poll."""
        if self.future.done():
            return
        self.polls += 1
        changed = self.last_seen is None or self.last_seen.status != workload.status
        self.last_seen = workload
        self.last_error = None
        if changed and self.on_change is not None:
            self.on_change(workload)
        verdict = judge(workload.status, self.target, now - self.started, self.policy.stale_grace)
        if verdict == "reached":
            self.future.set_result(workload)
        elif verdict == "failed":
            self.future.set_exception(WorkloadFailedError(workload=workload))
        elif verdict == "unexpected":
            target = self.target.value if self.target is not None else "a settled state"
            self.future.set_exception(UnexpectedStatusError(workload=workload, target=target))
        else:
            self.next_due = now + self.policy.jittered(self.policy.interval(self.polls))

    def fail(self, error: BaseException) -> None:
        """Settle the future with ``error`` unless it is settled already."""
        if not self.future.done():
            self.future.set_exception(error)

    def time_out(self, now: float) -> None:
        """Settle the future with :class:`WaitTimeoutError`."""
        target = self.target.value if self.target is not None else "a settled state"
        self.fail(
            WaitTimeoutError(
                workload_id=self.workload_id,
                workload=self.last_seen,
                elapsed=now - self.started,
                polls=self.polls,
                target=target,
                last_error=self.last_error,
            )
        )


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    return (items[i : i + size] for i in range(0, len(items), size))


class StatusPoller:
    """Serves every pending wait of one client with batched list calls."""

    def __init__(self, transport: Transport, clock: Clock, *, max_parallel: int = 8) -> None:
        self._transport = transport
        self._clock = clock
        self.observe = transport.observe
        self._max_parallel = max_parallel
        self._waiters: dict[str, list[Waiter]] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._hold_until = 0.0
        self._closed = False
        #: Status list calls made so far (for tests and benchmarks).
        self.requests = 0
        #: Polling rounds made so far.
        self.rounds = 0
        #: Workload statuses asked for so far: what one GET per workload per round would have cost.
        self.ids_polled = 0

    @property
    def pending(self) -> int:
        """How many waiters are registered."""
        return sum(len(ws) for ws in self._waiters.values())

    @property
    def running(self) -> bool:
        """True while the background task is alive."""
        return self._task is not None and not self._task.done()

    def add(self, waiter: Waiter) -> None:
        """Register ``waiter``; its first poll comes within the policy's initial interval."""
        if self._closed:
            raise ClientClosedError("the client is closed; its waits cannot start")
        waiter.next_due = waiter.started + waiter.policy.initial
        self._waiters.setdefault(waiter.workload_id, []).append(waiter)
        waiter.future.add_done_callback(lambda _: self._discard(waiter))
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="workload-async status poller"
            )

    def _discard(self, waiter: Waiter) -> None:
        group = self._waiters.get(waiter.workload_id)
        if group is None:
            return
        if waiter in group:
            group.remove(waiter)
        if not group:
            del self._waiters[waiter.workload_id]
        if not self._waiters and self._wake is not None:
            self._wake.set()

    def _all(self) -> list[Waiter]:
        return [w for group in self._waiters.values() for w in group]

    async def _run(self) -> None:
        try:
            while self._waiters:
                now = self._clock.monotonic()
                for waiter in self._all():
                    if waiter.deadline is not None and now >= waiter.deadline:
                        waiter.time_out(now)
                waiters = self._all()
                if not waiters:
                    break
                due = max(min(w.next_due for w in waiters), self._hold_until)
                if now >= due:
                    await self._round()
                    continue
                deadlines = [w.deadline for w in waiters if w.deadline is not None]
                wake_at = min([due, *deadlines])
                await self._sleep_or_wake(wake_at - now)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never die silently: every waiter learns why
            log.exception("status poller failed")
            for waiter in self._all():
                waiter.fail(exc)

    async def _sleep_or_wake(self, seconds: float) -> None:
        assert self._wake is not None
        self._wake.clear()
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)

    async def _round(self) -> None:
        self.rounds += 1
        ids = list(self._waiters)
        gate = asyncio.Semaphore(self._max_parallel)

        async def one(chunk: list[str]) -> None:
            async with gate:
                await self._poll(chunk)

        with self.observe.poll_round(self, ids):
            await asyncio.gather(*(one(chunk) for chunk in _chunks(ids, BATCH)))

    async def _poll(self, chunk: list[str]) -> None:
        waiters = [w for i in chunk for w in self._waiters.get(i, ())]
        if not waiters:
            return
        deadlines = [w.deadline for w in waiters if w.deadline is not None]
        pager = AsyncPager(
            self._transport,
            "workloads.list",
            Workload,
            ids=chunk,
            deadline=min(deadlines) if deadlines else None,
        )
        self.ids_polled += len(chunk)
        found: dict[str, Workload] = {}
        try:
            # one call for up to 100 ids; a server that pages a shorter list is followed
            async with aclosing(pager.pages()) as pages:
                async for page in pages:
                    self.requests += 1
                    found.update((w.id, w) for w in page.data)
        except WorkloadAPIError as exc:
            if isinstance(exc, APIStatusError) and _permanent(exc):
                for waiter in waiters:  # a bad token or a wrong endpoint will not mend by waiting
                    waiter.fail(exc)
            else:
                self._note_failure(waiters, exc)
            return
        now = self._clock.monotonic()
        for workload_id in chunk:
            workload = found.get(workload_id)
            for waiter in list(self._waiters.get(workload_id, ())):
                if workload is None:
                    waiter.fail(_vanished(workload_id))
                else:
                    waiter.observe(workload, now)

    def _note_failure(self, waiters: list[Waiter], exc: WorkloadAPIError) -> None:
        """A poll that may succeed later: keep the error for the waits, back off, honour Retry-After."""
        now = self._clock.monotonic()
        retry_after = exc.retry_after if isinstance(exc, RateLimitError | ServerError) else None
        if retry_after:
            self._hold_until = max(self._hold_until, now + retry_after)
        for waiter in waiters:
            waiter.last_error = exc
            waiter.next_due = now + waiter.policy.jittered(waiter.policy.interval(waiter.polls))
        log.warning("status poll of %d workloads failed: %s", len(waiters), exc)

    async def close(self) -> None:
        """Stop the background task and fail every pending waiter with :class:`ClientClosedError`."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        for waiter in self._all():
            waiter.fail(ClientClosedError("the client was closed while this wait was pending"))


def _permanent(error: APIStatusError) -> bool:
    return 400 <= error.status < 500 and error.status not in (408, 429)


def _vanished(workload_id: str) -> NotFoundError:
    return NotFoundError(
        f"workload {workload_id} not found (deleted, or not visible to this token)",
        status=404,
        method="GET",
        url="console/workloads/",
    )

"""One batched status poller per client.

Every pending wait registers a :class:`Waiter`. One background task keeps the waiters by the time
their next poll is due (:class:`~.schedule.DueTimes`, slots of 1/128 s) and by their deadline
(:class:`~.schedule.Deadlines`). Each wake-up (a *round*) takes only the waiters that are due,
polls their ids with ``GET console/workloads/?ids=..`` (at most 100 ids a call, at most
``max_parallel`` calls at once) and hands each answer to the waiters of that id. The last call of
a round is topped up with waiters that are at least half-way to their next poll, so calls stay
full, and a round starts a little after its first waiter fell due (:data:`COALESCE`), so that the
waiters due just after it share its calls. Registering a wait costs an append to its slot and
wakes the task only when the new wait is due (or ends) before its planned wake-up; nothing scans
every waiter.

Answers are read status-only (see :mod:`.status_page`): a full :class:`Workload` is built only
for a wait whose status changed or which settles. The task starts with the first waiter and ends
with the last; a waiter whose future is cancelled leaves at once.

This module decides when to poll whom; one call of a round, and what its answer means for its
waits, is a :class:`~.poll_calls.StatusCall`, whose :class:`~.poll_calls.Rulings` the poller
applies to its schedule.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import Iterable

from .._clock import Clock
from .._http.transport import Transport
from .._models.enums import WorkloadStatus
from ..errors import ClientClosedError, WorkloadAPIError
from .poll_calls import BATCH, Rulings, StatusCall
from .schedule import Deadlines, DueTimes
from .waiter import Waiter

__all__ = ["StatusPoller"]

log = logging.getLogger("workload_async")
#: A round starts this fraction of the earliest due wait's interval (at most
#: :data:`COALESCE_MOST` seconds) after that wait falls due, so the waits due just after it (spread
#: by jitter) share its calls; no wait is held back more than this fraction of its own interval.
#: Polled a little late, never early.
COALESCE = 0.05
COALESCE_MOST = 0.5


class StatusPoller:
    """Serves every pending wait of one client with batched list calls.

    The counters are for tests, benchmarks and the demo: ``requests`` (status calls), ``rounds``
    (wake-ups that polled), ``ids_polled`` (statuses asked for: what one GET per workload would
    have cost), ``wakeups`` (times the task woke) and ``examined`` (schedule and deadline entries looked at).
    """

    def __init__(self, transport: Transport, clock: Clock, *, max_parallel: int = 8) -> None:
        self._transport = transport
        self._clock = clock
        self.observe = transport.observe
        self._gate = asyncio.Semaphore(max_parallel)
        self._tracked: dict[str, list[Waiter]] = {}
        self._count = 0
        self._due = DueTimes()
        self._deadlines = Deadlines()
        self._polling: set[str] = set()  # ids in a call now
        self._parked: list[Waiter] = []  # fell due while a call covered their workload
        self._rounds: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._wake_at = -math.inf  # when the task plans to wake; -inf while it is busy
        self._hold_until = 0.0
        self._hold_error: WorkloadAPIError | None = None
        self._closed = False
        #: The last status change this client asked for, by workload id, with when it asked
        #: (see :meth:`~.waits.Waits.asked`): shared by every wait of the client and its views.
        self.asked: dict[str, tuple[WorkloadStatus, float]] = {}
        self.requests = 0
        self.rounds = 0
        self.ids_polled = 0
        self.wakeups = 0

    @property
    def pending(self) -> int:
        """How many waiters are registered."""
        return self._count

    @property
    def examined(self) -> int:
        """Schedule and deadline entries looked at and removed (a count of the poller's work)."""
        return self._due.dropped + self._deadlines.dropped

    @property
    def running(self) -> bool:
        """True while the background task is alive."""
        return self._task is not None and not self._task.done()

    # -- registration -----------------------------------------------------------------------

    def add(self, waiter: Waiter) -> None:
        """Register ``waiter``; its first poll comes within the policy's initial interval."""
        if self._closed:
            raise ClientClosedError("the client is closed; its waits cannot start")
        self._tracked.setdefault(waiter.workload_id, []).append(waiter)
        self._count += 1
        waiter.future.add_done_callback(functools.partial(self._left, waiter))  # lighter than a closure
        if waiter.deadline is not None:
            self._deadlines.add(waiter, waiter.deadline)
            if waiter.deadline < self._wake_at:
                self._poke()
        waiter.interval = waiter.policy.interval(waiter.polls)
        self._schedule(waiter, waiter.started + waiter.interval)
        if not self.running:
            self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="workload-async status poller"
            )

    def _schedule(self, waiter: Waiter, due: float) -> None:
        self._due.schedule(waiter, due)
        if due + min(COALESCE * waiter.interval, COALESCE_MOST) < self._wake_at:
            self._poke()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake_at = -math.inf  # woken already: later arrivals need not poke again

    def _left(self, waiter: Waiter, _: object) -> None:
        self._discard(waiter)

    def _discard(self, waiter: Waiter) -> None:
        group = self._tracked.get(waiter.workload_id)
        if group is None or waiter not in group:
            return
        group.remove(waiter)
        if not group:
            del self._tracked[waiter.workload_id]
        self._count -= 1
        waiter.ticket = -1
        if not self._count:
            self._due.clear()  # every entry left is stale
            self._deadlines.clear()
            self._poke()
        elif len(self._due) > 2 * self._count + 1024:
            self._due.compact()
            self._deadlines.compact()

    # -- the background task ----------------------------------------------------------------

    async def _run(self) -> None:
        try:
            while not self._closed:
                while self._count and not self._closed:
                    now = self._clock.monotonic()
                    self._expire(now)
                    if not self._count:
                        break
                    if now >= self._round_due():
                        ids = self._take_due(now)
                        if ids:
                            self._start_round(ids)
                    await self._idle(self._next_wake(), now)
                await self._end_rounds()
                if not self._count:
                    return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never die silently: every waiter learns why
            log.exception("status poller failed")
            for task in self._rounds:
                task.cancel()
            for waiter in self._all():
                waiter.fail(exc)

    def _all(self) -> list[Waiter]:
        return [w for group in self._tracked.values() for w in group]

    def _expire(self, now: float) -> None:
        """Time out every wait whose deadline has passed."""
        for waiter in self._deadlines.pop_passed(now):
            waiter.time_out(now, self._hold_error if now < self._hold_until else None)
            self._discard(waiter)

    def _take_due(self, now: float) -> list[str]:
        """Take the waiters due by ``now`` (and fill the last call up); return their ids, in order.

        A waiter whose workload a call in flight covers is parked: that call answers for it, or
        :meth:`_reschedule_parked` polls it when the call ends.
        """
        ids: dict[str, None] = {}
        polling, parked, schedule = self._polling, self._parked, self._due

        def take(waiter: Waiter) -> None:
            if waiter.workload_id in polling:
                parked.append(waiter)
            else:
                ids[waiter.workload_id] = None

        for waiter in schedule.pop_due(now):
            take(waiter)
        while len(ids) % BATCH and (entry := schedule.first()) is not None:
            due, waiter = entry
            if due - now > 0.5 * waiter.interval:
                break  # not yet half-way to its next poll
            schedule.take(waiter)
            take(waiter)
        return list(ids)

    def _round_due(self) -> float:
        """When the next round should start (see :data:`COALESCE`), not before a hold ends."""
        return max(self._due.round_start(COALESCE, COALESCE_MOST), self._hold_until)

    def _next_wake(self) -> float:
        wake = self._round_due()
        deadline = self._deadlines.first()
        return wake if deadline is None else min(wake, deadline)

    async def _idle(self, wake_at: float, now: float) -> None:
        """Sleep until ``wake_at`` or until something earlier arrives (a wait, an answer).

        With calls in flight the wait for them is on the event loop's time, bounded like a
        request timeout, never a sleep of the clock: a test's fake clock does not jump ahead
        while an answer travels.
        """
        wake = self._wake
        assert wake is not None
        if wake.is_set() or wake_at <= now:
            wake.clear()
            return
        self._wake_at = wake_at
        waker = asyncio.ensure_future(wake.wait())
        sleeper = None
        try:
            if any(not task.done() for task in self._rounds):
                timeout = None if math.isinf(wake_at) else wake_at - now
                await asyncio.wait({waker}, timeout=timeout)
            else:
                sleeper = asyncio.ensure_future(self._clock.sleep(wake_at - now))
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            tasks = [t for t in (sleeper, waker) if t is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._wake_at = -math.inf
            self.wakeups += 1
            wake.clear()

    async def _end_rounds(self) -> None:
        rounds = list(self._rounds)
        for task in rounds:
            task.cancel()
        await asyncio.gather(*rounds, return_exceptions=True)

    # -- one polling round ------------------------------------------------------------------

    def _start_round(self, ids: list[str]) -> None:
        self.rounds += 1
        self._polling.update(ids)
        started = self._clock.monotonic()
        task = asyncio.get_running_loop().create_task(
            self._round(ids, started), name="workload-async status round"
        )
        self._rounds.add(task)
        task.add_done_callback(self._rounds.discard)

    async def _round(self, ids: list[str], started: float) -> None:
        """Poll ``ids`` in calls of at most :data:`BATCH`, at most ``max_parallel`` at once."""
        answered = False
        try:
            with self.observe.poll_round(ids):
                await asyncio.gather(
                    *(self._poll(ids[i : i + BATCH], started) for i in range(0, len(ids), BATCH))
                )
            answered = True
        finally:
            self._polling.difference_update(ids)
            self._reschedule_parked(() if answered else ids)
            self._poke()

    def _reschedule_parked(self, unanswered: Iterable[str]) -> None:
        """Waits that fell due while a call covered their workload, after its answer for it (a new
        wait for a workload polled a moment ago), have no due entry left: poll them now. So do the
        waits of a round that ended without answering (``unanswered``: its ids)."""
        now = self._clock.monotonic()
        polling = self._polling
        strays = [w for workload_id in unanswered for w in self._tracked.get(workload_id, ())]
        parked, self._parked = self._parked, []
        for waiter in (*parked, *strays):
            if waiter.workload_id in polling:
                self._parked.append(waiter)  # another call in flight answers for it
            elif waiter.ticket == -1 and not waiter.future.done():
                self._schedule(waiter, now)

    async def _poll(self, chunk: list[str], started: float) -> None:
        """One status call of a round (at most ``max_parallel`` at once), and its rulings applied."""
        async with self._gate:
            chunk = [i for i in chunk if i in self._tracked]
            if not chunk:
                return
            self.ids_polled += len(chunk)
            call = StatusCall(self._transport, self._tracked, chunk, started)
            try:
                pages = await call.fetch()
            except WorkloadAPIError as exc:
                self.requests += call.requests
                self._apply(call.rule_failure(exc, self._clock.monotonic()))
                return
            self.requests += call.requests
        self._apply(call.rule(pages, self._clock.monotonic()))

    def _apply(self, rulings: Rulings) -> None:
        """Schedule the next polls a call asked for, let go of the waits that left, hold or end a hold."""
        schedule = self._schedule
        for waiter, due in rulings.again:
            if not waiter.future.done():
                schedule(waiter, due)
        for waiter in rulings.left:
            self._discard(waiter)
        if rulings.answered:
            self._hold_until, self._hold_error = 0.0, None
        elif rulings.hold is not None:
            until, error = rulings.hold
            nearest = self._deadlines.first()
            if nearest is not None:
                until = min(until, nearest)  # never hold past a deadline
            if until > self._hold_until:
                self._hold_until, self._hold_error = until, error

    async def close(self) -> None:
        """Stop the background task and fail every pending waiter with :class:`ClientClosedError`."""
        self._closed = True
        task, self._task = self._task, None
        tasks = [t for t in (task, *self._rounds) if t is not None and not t.done()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for waiter in self._all():
            waiter.fail(ClientClosedError("the client was closed while this wait was pending"))

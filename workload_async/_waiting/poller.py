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

A wait whose ``key`` is not a workload id polls another kind of *target* (the builds of an
artifact: :class:`~.builds_wait.ArtifactBuilds`): one call a round per target, whatever the number
of waits on it, on the same schedule, deadlines, holds and ``close()``. While none is pending the
round is the workload round alone, unchanged.

This module decides when to poll whom; one call of a round, and what its answer means for its
waits, is a :class:`~.poll_calls.StatusCall`, whose :class:`~.poll_calls.Rulings` the poller
applies to its schedule.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Any, cast

from .._clock import Clock
from .._http.transport import Transport
from .._models.enums import WorkloadStatus
from ..errors import ClientClosedError, WorkloadAPIError
from .poll_calls import BATCH, Rulings, StatusCall
from .schedule import Deadlines, DueTimes
from .waiter import Pending, Waiter

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
        #: the waits of the other kinds of target (an artifact's builds), by target
        self._targets: dict[Hashable, list[Pending]] = {}
        self._count = 0
        self._due = DueTimes()
        self._deadlines = Deadlines()
        self._polling: set[Hashable] = set()  # ids (and targets) in a call now
        self._parked: list[Pending] = []  # fell due while a call covered their workload
        self._rounds: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._wake_at = -math.inf  # when the task plans to wake; -inf while it is busy
        self._hold_until = 0.0
        self._hold_error: WorkloadAPIError | None = None
        self._closed = False
        #: The last status change this client asked for, by workload id, with when it asked
        #: (see :meth:`~.waits.Waits.asked`): shared by every wait of the client and its views;
        #: oldest first, so that forgetting the old ones costs nothing per request.
        self.asked: OrderedDict[str, tuple[WorkloadStatus, float]] = OrderedDict()
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

    @property
    def rounds_in_flight(self) -> int:
        """Polling rounds whose calls have not all been answered yet."""
        return sum(not task.done() for task in self._rounds)

    # -- registration -----------------------------------------------------------------------

    def add(self, waiter: Pending) -> None:
        """Register ``waiter``; its first poll comes within the policy's initial interval."""
        if self._closed:
            raise ClientClosedError("the client is closed; its waits cannot start")
        key = waiter.key
        if type(key) is str:
            self._tracked.setdefault(key, []).append(cast(Waiter, waiter))
        else:
            self._targets.setdefault(key, []).append(waiter)
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

    def _group(self, key: Hashable) -> list[Any] | None:
        """The waits polled by ``key``: a workload id's, or another target's."""
        return self._tracked.get(key) if type(key) is str else self._targets.get(key)

    def _schedule(self, waiter: Pending, due: float) -> None:
        self._due.schedule(waiter, due)
        if due + min(COALESCE * waiter.interval, COALESCE_MOST) < self._wake_at:
            self._poke()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()
            self._wake_at = -math.inf  # woken already: later arrivals need not poke again

    def _left(self, waiter: Pending, _: object) -> None:
        self._discard(waiter)

    def _discard(self, waiter: Pending) -> None:
        key = waiter.key
        group = self._group(key)
        if group is None or waiter not in group:
            return
        group.remove(waiter)
        if not group:
            if type(key) is str:
                del self._tracked[key]
            else:
                del self._targets[key]
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

    def _all(self) -> list[Pending]:
        return [w for groups in (self._tracked, self._targets) for group in groups.values() for w in group]

    def _expire(self, now: float) -> None:
        """Time out every wait whose deadline has passed."""
        for waiter in self._deadlines.pop_passed(now):
            waiter.time_out(now, self._hold_error if now < self._hold_until else None)
            self._discard(waiter)

    def _take_due(self, now: float) -> list[Hashable]:
        """Take the waiters due by ``now`` (and fill the last call up); return their keys (ids),
        in order.

        A waiter whose workload a call in flight covers is parked: that call answers for it, or
        :meth:`_reschedule_parked` polls it when the call ends.
        """
        ids: dict[Hashable, None] = {}
        polling, parked, schedule = self._polling, self._parked, self._due

        def take(waiter: Pending) -> None:
            if waiter.key in polling:
                parked.append(waiter)
            else:
                ids[waiter.key] = None

        fallen_due = schedule.pop_due(now)
        if polling:
            for waiter in fallen_due:
                take(waiter)
        else:  # no call in flight, as most often: no wait to park
            ids.update(dict.fromkeys([waiter.key for waiter in fallen_due]))
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

    def _start_round(self, ids: list[Hashable]) -> None:
        self.rounds += 1
        self._polling.update(ids)
        started = self._clock.monotonic()
        task = asyncio.get_running_loop().create_task(
            self._round(ids, started), name="workload-async status round"
        )
        self._rounds.add(task)
        task.add_done_callback(self._rounds.discard)

    async def _round(self, keys: list[Hashable], started: float) -> None:
        """Poll the workload ids of ``keys`` in calls of at most :data:`BATCH`, and each other
        target of them in a call of its own, at most ``max_parallel`` calls at once."""
        answered = False
        ids = cast(list[str], keys)
        others: list[Hashable] = []
        if self._targets:  # some wait polls another kind of target: set those apart
            ids = [k for k in keys if type(k) is str]
            others = [k for k in keys if type(k) is not str]
        chunks = [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
        try:
            with self.observe.poll_round(ids):
                await asyncio.gather(
                    *(self._poll(chunk, started) for chunk in chunks),
                    *(self._poll_target(target, started) for target in others),
                )
            answered = True
        finally:
            self._polling.difference_update(keys)
            self._reschedule_parked(() if answered else keys)
            self._poke()

    def _reschedule_parked(self, unanswered: Iterable[Hashable]) -> None:
        """Waits that fell due while a call covered their workload, after its answer for it (a new
        wait for a workload polled a moment ago), have no due entry left: poll them now. So do the
        waits of a round that ended without answering (``unanswered``: its ids)."""
        now = self._clock.monotonic()
        polling = self._polling
        strays = [w for key in unanswered for w in self._group(key) or ()]
        parked, self._parked = self._parked, []
        for waiter in (*parked, *strays):
            if waiter.key in polling:
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

    async def _poll_target(self, target: Hashable, started: float) -> None:
        """One call for another kind of target (see the module), and its rulings applied."""
        async with self._gate:
            waiters = self._targets.get(target)
            if not waiters:
                return
            self.ids_polled += sum(len(getattr(w, "build_ids", (None,))) for w in waiters)
            call = target.call(self._transport, list(waiters), started)  # type: ignore[attr-defined]
            try:
                answer = await call.fetch()
            except WorkloadAPIError as exc:
                self.requests += call.requests
                self._apply(call.rule_failure(exc, self._clock.monotonic()))
                return
            self.requests += call.requests
        self._apply(call.rule(answer, self._clock.monotonic()))

    def _apply(self, rulings: Rulings) -> None:
        """Schedule the next polls a call asked for, let go of the waits that left, hold or end a hold."""
        schedule = self._schedule
        for waiter, due in rulings.again:
            if not waiter.future.done():
                schedule(waiter, due)
        for waiters, due, interval in rulings.batches:
            # a wait of the batch that failed since (an unreadable item) is in ``left``, below:
            # leaving, it leaves its entry stale
            self._due.schedule_many(waiters, due, interval)
            if due + min(COALESCE * interval, COALESCE_MOST) < self._wake_at:
                self._poke()
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

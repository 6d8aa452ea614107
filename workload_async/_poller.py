"""One batched status poller per client.

Every pending wait registers a :class:`Waiter`. One background task keeps the waiters by the time
their next poll is due (:class:`~._schedule.DueTimes`, slots of 1/128 s) and by their deadline
(:class:`~._schedule.Deadlines`). Each wake-up (a *round*) takes only the waiters that are due,
polls their ids with ``GET console/workloads/?ids=..`` (at most 100 ids a call, at most
``max_parallel`` calls at once) and hands each answer to the waiters of that id. The last call of
a round is topped up with waiters that are at least half-way to their next poll, so calls stay
full, and a round starts a little after its first waiter fell due (:data:`COALESCE`), so that the
waiters due just after it share its calls. Registering a wait costs an append to its slot and
wakes the task only when the new wait is due (or ends) before its planned wake-up; nothing scans
every waiter.

Answers are read status-only (see :mod:`._status_page`): a full :class:`Workload` is built only
for a wait whose status changed or which settles. The task starts with the first waiter and ends
with the last; a waiter whose future is cancelled leaves at once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from ._clock import Clock
from ._enums import WorkloadStatus
from ._http import Transport
from ._models import Workload
from ._pagination import AsyncPager
from ._responses import Response
from ._schedule import Deadlines, DueTimes
from ._status_page import StatusPage, read_status_page, read_workload
from ._waiter import SETTLED as _SETTLED
from ._waiter import Verdict, Waiter, judge
from .errors import (
    APIStatusError,
    ClientClosedError,
    NotFoundError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    WorkloadAPIError,
)

__all__ = ["BATCH", "DECODE_STRIKES", "StatusPoller", "Verdict", "Waiter", "judge"]

log = logging.getLogger("workload_async")
BATCH = 100
#: Consecutive unreadable answers after which a wait fails with the ResponseDecodeError.
DECODE_STRIKES = 3
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
        async with self._gate:
            chunk = [i for i in chunk if i in self._tracked]
            if not chunk:
                return
            self.ids_polled += len(chunk)
            try:
                pages = [page async for page in self._pages(chunk)]
            except WorkloadAPIError as exc:
                self._poll_failed(chunk, exc)
                return
        self._hold_until, self._hold_error = 0.0, None
        now = self._clock.monotonic()
        unattributed: ResponseDecodeError | None = None
        answered: set[str] = set()
        for response, page in pages:
            items = page.items
            if answered:  # a later page of a paged answer: the first answer for an id counts
                items = {k: v for k, v in items.items() if k not in answered}
            for workload_id, (status, details, item) in items.items():
                self._deliver(workload_id, status, details, item, response, started, now)
            answered.update(items)
            for workload_id, error in page.broken.items():
                answered.add(workload_id)
                self._fail_id(workload_id, error)
            if page.anonymous:
                unattributed = page.anonymous[0]
        for workload_id in chunk:
            if workload_id not in answered:
                self._fail_id(workload_id, unattributed or _vanished(workload_id, self._list_path()))

    async def _pages(self, chunk: list[str]) -> AsyncGenerator[tuple[Response, StatusPage], None]:
        """The pages answering one call (a server that pages a shorter list is followed).

        A poll's request timeout is the client's request timeout: it belongs to the poller, not
        to the shortest wait it serves; waits time out one by one. The poller retries by polling
        again, so the call itself is not retried.
        """
        await self._transport.get_dialect()  # an "auto" client may not know its routes yet
        query = [("limit", str(BATCH)), *(("ids", i) for i in chunk)]
        url: Any = self._transport.url("workloads.list").with_query(query)
        follower = AsyncPager(self._transport, "workloads.list", Workload)
        while url is not None:
            response = await self._transport.send("GET", url, retry="never", route="workloads.list")
            self.requests += 1
            page = read_status_page(response)
            yield response, page
            url = follower._follow(page.next, url) if page.next and page.size else None

    def _list_path(self) -> str:
        """The status list's path in the client's dialect, as errors name it."""
        dialect = self._transport.dialect
        return dialect.path("workloads.list") if dialect is not None else "workloads.list"

    def _deliver(
        self,
        workload_id: str,
        status: WorkloadStatus,
        details: Any,
        item: Any,
        response: Response,
        started: float,
        now: float,
    ) -> None:
        """Hand one workload's status to its waiters; build the full model only if one needs it.

        The next poll of a waiter is due an interval after its round started (so the waiters of
        one round stay together, however their answers trickle in), but at least half an
        interval after this answer (a slow server is not polled back to back).

        Most answers change nothing (the workload is still on its way): such a waiter takes the
        status and is scheduled again without a verdict or a model.
        """
        group = self._tracked.get(workload_id)
        if not group:
            return
        changing = status._value_ not in _SETTLED
        workload: Workload | None = None
        for waiter in group[:]:  # a copy: settling removes the waiter from the group
            if waiter.future.done():
                continue
            quiet = changing and (waiter.on_change is None or status == waiter.last_status)
            if quiet and waiter.settle is None:
                waiter.observe(status, details, None, "pending")
            else:
                verdict = waiter.verdict(status, now)
                model = None
                if waiter.needs_model(status, verdict):
                    if workload is None:
                        try:
                            workload = read_workload(workload_id, item, response)
                        except ResponseDecodeError as exc:
                            self._fail_id(workload_id, exc)  # an unreadable item fails its own waits
                            return
                    model = workload
                waiter.observe(status, details, model, verdict)
                if waiter.future.done():
                    self._discard(waiter)
                    continue
            policy = waiter.policy
            interval = waiter.interval
            if interval < policy.cap:  # still backing off (the interval never shrinks)
                interval = waiter.interval = policy.interval(waiter.polls)
            if policy.jitter:
                interval = policy.jittered(interval)
            self._schedule(waiter, max(started + interval, now + 0.5 * interval))

    def _fail_id(self, workload_id: str, error: WorkloadAPIError) -> None:
        for waiter in list(self._tracked.get(workload_id, ())):
            waiter.fail(error)
            self._discard(waiter)

    def _poll_failed(self, chunk: list[str], exc: WorkloadAPIError) -> None:
        """A call failed: fail the waits at once when it will not mend, else back off and poll again.

        A ``Retry-After`` holds every poll of this client, for at most the retry policy's
        ``max_retry_after`` and never past the nearest deadline; a good answer ends the hold.
        An unreadable answer fails the waits it concerns once it repeats :data:`DECODE_STRIKES`
        times in a row.
        """
        now = self._clock.monotonic()
        if isinstance(exc, ClientClosedError) or (isinstance(exc, APIStatusError) and _permanent(exc)):
            for workload_id in chunk:  # a bad token or a wrong endpoint will not mend by waiting
                self._fail_id(workload_id, exc)
            return
        retry_after = exc.retry_after if isinstance(exc, RateLimitError | ServerError) else None
        if retry_after is not None and retry_after > 0:
            until = now + min(retry_after, self._transport.retry.max_retry_after)
            nearest = self._deadlines.first()
            if nearest is not None:
                until = min(until, nearest)
            if until > self._hold_until:
                self._hold_until, self._hold_error = until, exc
        decoding = isinstance(exc, ResponseDecodeError)
        for workload_id in chunk:
            for waiter in list(self._tracked.get(workload_id, ())):
                waiter.last_error = exc
                waiter.strikes += decoding
                if decoding and waiter.strikes >= DECODE_STRIKES:
                    waiter.fail(exc)
                    self._discard(waiter)
                elif not waiter.future.done():
                    interval = waiter.interval = waiter.policy.interval(waiter.polls)
                    self._schedule(waiter, now + waiter.policy.jittered(interval))
        log.warning("status poll of %d workloads failed: %s", len(chunk), exc)

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


def _permanent(error: APIStatusError) -> bool:
    return 400 <= error.status < 500 and error.status not in (408, 429)


def _vanished(workload_id: str, path: str) -> NotFoundError:
    return NotFoundError(
        f"workload {workload_id} not found (deleted, or not visible to this token)",
        status=404,
        method="GET",
        url=path,
    )

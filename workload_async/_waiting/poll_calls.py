"""One status call of a polling round, and what its answer does to the waits it concerns.

:class:`PollCalls` is half of :class:`~.poller.StatusPoller`: the poller decides *when* to poll
which waits (its schedule and its rounds); the methods here send one call of up to
:data:`BATCH` ids, follow its pages, read each item status-only and hand it to the
waits of that id (:meth:`PollCalls._deliver`), and decide what a failed call means for them
(:meth:`PollCalls._poll_failed`). The state they work on is the poller's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import Any

from .._clock import Clock
from .._http.pagination import AsyncPager
from .._http.responses import Response
from .._http.transport import Transport
from .._models.enums import WorkloadStatus
from .._models.outputs import Workload
from ..errors import (
    APIStatusError,
    ClientClosedError,
    NotFoundError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    WorkloadAPIError,
)
from .schedule import Deadlines
from .status_page import StatusPage, read_status_page, read_workload
from .waiter import SETTLED as _SETTLED
from .waiter import Waiter

__all__ = ["BATCH", "DECODE_STRIKES", "PollCalls"]

log = logging.getLogger("workload_async")
#: Ids in one status call (the list route's largest page).
BATCH = 100
#: Consecutive unreadable answers after which a wait fails with the ResponseDecodeError.
DECODE_STRIKES = 3


class PollCalls:
    """The status calls of :class:`~.poller.StatusPoller`, mixed into it (see the module).

    The annotations below are the poller's state these methods work on; the poller sets them.
    """

    _clock: Clock
    _transport: Transport
    _gate: asyncio.Semaphore
    _tracked: dict[str, list[Waiter]]
    _deadlines: Deadlines
    _hold_until: float
    _hold_error: WorkloadAPIError | None
    requests: int
    ids_polled: int

    def _schedule(self, waiter: Waiter, due: float) -> None:
        raise NotImplementedError  # the poller's: its schedule

    def _discard(self, waiter: Waiter) -> None:
        raise NotImplementedError  # the poller's: a waiter leaves

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


def _permanent(error: APIStatusError) -> bool:
    return 400 <= error.status < 500 and error.status not in (408, 429)


def _vanished(workload_id: str, path: str) -> NotFoundError:
    return NotFoundError(
        f"workload {workload_id} not found (deleted, or not visible to this token)",
        status=404,
        method="GET",
        url=path,
    )

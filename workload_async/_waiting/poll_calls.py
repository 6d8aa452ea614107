"""One status call of a polling round, and what its answer means for the waits it concerns.

A :class:`StatusCall` sends one call of up to :data:`BATCH` ids (following the pages of a server
that pages a shorter list) and reads each item status-only; :meth:`StatusCall.rule` then hands each
answer to the waits of that id and returns :class:`Rulings`: which waits to poll again and when,
which left, whether every poll of the client should hold (a ``Retry-After``). The poller
(:mod:`.poller`) applies them to its schedule; a call never touches the schedule itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import attrs
from yarl import URL

from .._http.pagination import follow
from .._http.responses import Response
from .._http.transport import Transport
from .._models.enums import WorkloadStatus
from .._models.outputs import Workload
from .._policies import PollPolicy
from ..errors import (
    APIStatusError,
    ClientClosedError,
    NotFoundError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    WorkloadAPIError,
)
from .status_page import StatusPage, read_shown, read_status_page, read_workload
from .waiter import SETTLED as _SETTLED
from .waiter import Pending, Waiter

__all__ = ["BATCH", "DECODE_STRIKES", "Rulings", "StatusCall", "again_later", "ended", "permanent"]

log = logging.getLogger("workload_async")
#: Ids in one status call (the list route's largest page).
BATCH = 100
#: Consecutive unreadable answers after which a wait fails with the ResponseDecodeError.
DECODE_STRIKES = 3


@attrs.define(eq=False, slots=True)
class Rulings:
    """What one status call decided for its waits, for the poller to apply.

    ``again``: waits to poll again, each with when; ``batches``: waits to poll again together,
    each batch with when and the poll interval they share (most waits of a call: one due time, one
    schedule entry to make); ``left``: waits that settled or failed (their futures are done) and
    leave the poller; ``hold``: hold every poll of the client until that time, for that error (a
    ``Retry-After``); ``answered``: an answer came, which ends a hold.
    """

    again: list[tuple[Pending, float]] = attrs.field(factory=list)
    batches: list[tuple[list[Pending], float, float]] = attrs.field(factory=list)
    left: list[Pending] = attrs.field(factory=list)
    hold: tuple[float, WorkloadAPIError] | None = None
    answered: bool = False


class _Again:
    """The waits of one call to poll again, grouped by policy and interval: a group's next poll is
    one due time (its jitter drawn once for the call), so the waits of one call are polled
    together again, as they were this time."""

    __slots__ = ("_interval", "_last", "_policy", "groups")

    def __init__(self) -> None:
        self.groups: dict[tuple[int, float], tuple[PollPolicy, list[Pending]]] = {}  # by id(policy), interval
        self._last: list[Pending] = []  # the group the last wait joined, with its policy and interval
        self._policy: PollPolicy | None = None
        self._interval = 0.0

    def add(self, waiter: Waiter) -> None:
        """``waiter`` is polled again: its interval backs off, and it joins its group."""
        policy = waiter.policy
        interval = waiter.interval
        if interval < policy.cap:  # still backing off (the interval never shrinks)
            interval = waiter.interval = policy.interval(waiter.polls)
        if policy is self._policy and interval == self._interval:
            self._last.append(waiter)  # as the wait before it, most often
            return
        group = self.groups.get((id(policy), interval))
        if group is None:
            group = self.groups[id(policy), interval] = (policy, [])
        self._last, self._policy, self._interval = group[1], policy, interval
        group[1].append(waiter)


def status_url(first: URL, ids: Sequence[str]) -> URL:
    """The list call's URL asking for the statuses of ``ids``: ``first`` with their query.

    Ids as servers make them (ASCII letters and digits) need no encoding: the query is written
    as it goes on the wire, which costs a fraction of building it part by part.
    """
    joined = "".join(ids)
    if joined.isascii() and joined.isalnum() and not first.query_string:
        return URL(f"{first}?limit={BATCH}&ids=" + "&ids=".join(ids), encoded=True)
    return first.with_query([("limit", str(BATCH)), *(("ids", i) for i in ids)])


class StatusCall:
    """One status call for ``chunk`` (ids, at most :data:`BATCH`) whose waits are in ``tracked``.

    :meth:`fetch` sends it; :meth:`rule` (or :meth:`rule_failure`, when it raised) reads what the
    answer means for each wait. ``requests`` counts the HTTP calls it made (one a page).
    """

    __slots__ = ("chunk", "requests", "started", "tracked", "transport")

    def __init__(
        self, transport: Transport, tracked: dict[str, list[Waiter]], chunk: list[str], started: float
    ) -> None:
        self.transport = transport
        self.tracked = tracked
        self.chunk = chunk
        self.started = started
        self.requests = 0

    async def fetch(self) -> list[tuple[Response, StatusPage]]:
        """The pages answering the call, read status-only.

        A poll's request timeout is the client's request timeout: it belongs to the poller, not
        to the shortest wait it serves; waits time out one by one. The poller retries by polling
        again, so the call itself is not retried.
        """
        transport = self.transport
        await transport.get_dialect()  # an "auto" client may not know its routes yet
        first = transport.url("workloads.list")
        url: Any = status_url(first, self.chunk)
        pages = []
        while url is not None:
            response = await transport.send("GET", url, retry="never", route="workloads.list")
            self.requests += 1
            page = read_status_page(response)
            pages.append((response, page))
            url = follow(page.next, url, transport.base, first.raw_path) if page.next and page.size else None
        return pages

    def rule(self, pages: list[tuple[Response, StatusPage]], now: float) -> Rulings:
        """Hand each answer to the waits of its id; the first answer for an id counts.

        The waits polled again are grouped by their policy and interval: a group's next poll is
        one due time (its jitter drawn once for the call: the waits of one call are polled
        together again, as they were this time).
        """
        rulings = Rulings(answered=True)
        unattributed: ResponseDecodeError | None = None
        answered: set[str] = set()
        again = _Again()
        tracked, settled = self.tracked, _SETTLED
        for response, page in pages:
            items = page.items
            if answered:  # a later page of a paged answer
                items = {k: v for k, v in items.items() if k not in answered}
            for workload_id, (status, details, item) in items.items():
                group = tracked.get(workload_id)
                if group is None:
                    continue
                waiter = group[0]
                if (  # the usual answer, taken without _deliver's loop: one wait, and no news
                    len(group) == 1
                    and status._value_ not in settled
                    and waiter.settle is None
                    and (waiter.on_change is None or status is waiter.last_status)
                    and not waiter.future.done()
                ):
                    proton = item.get("protonId")
                    waiter.proton_id = proton if type(proton) is str else None
                    waiter.observe(status, details, None, "pending")
                    again.add(waiter)
                else:
                    self._deliver(rulings, again, group, workload_id, status, details, item, response, now)
            answered.update(items)
            for workload_id, error in page.broken.items():
                answered.add(workload_id)
                self._fail_id(rulings, workload_id, error)
            if page.anonymous:
                unattributed = page.anonymous[0]
        for workload_id in self.chunk:
            if workload_id not in answered:
                self._fail_id(rulings, workload_id, unattributed or self._vanished(workload_id))
        started = self.started
        for (_, interval), (policy, waiters) in again.groups.items():
            if policy.jitter:
                interval = policy.jittered(interval)
            rulings.batches.append((waiters, max(started + interval, now + 0.5 * interval), interval))
        return rulings

    def _deliver(
        self,
        rulings: Rulings,
        again: _Again,
        group: list[Waiter],
        workload_id: str,
        status: WorkloadStatus,
        details: Any,
        item: Any,
        response: Response,
        now: float,
    ) -> None:
        """Hand one workload's status to its waits; build the full model only if one needs it.

        A wait to poll again joins ``again``: its next poll is due an interval after its round
        started (so the waits of one round stay together, however their answers trickle in), but
        at least half an interval after this answer (a slow server is not polled back to back).

        Most answers change nothing (the workload is still on its way): such a wait takes the
        status and is polled again, without a verdict or a model.
        """
        changing = status._value_ not in _SETTLED
        workload: Workload | None = None
        proton = item.get("protonId")
        proton = proton if type(proton) is str else None
        for waiter in group:
            if waiter.future.done():
                continue
            waiter.proton_id = proton
            if (
                changing
                and waiter.settle is None
                and (waiter.on_change is None or status is waiter.last_status)
            ):
                waiter.observe(status, details, None, "pending")  # quiet: no verdict, no model
            else:
                verdict = waiter.verdict(status, now, None if waiter.settle is None else read_shown(item))
                model = None
                if waiter.needs_model(status, verdict):
                    if workload is None:
                        try:
                            workload = read_workload(workload_id, item, response)
                        except ResponseDecodeError as exc:
                            self._fail_id(rulings, workload_id, exc)  # it fails its own waits only
                            return
                    model = workload
                waiter.observe(status, details, model, verdict)
                if waiter.future.done():
                    rulings.left.append(waiter)
                    continue
            again.add(waiter)

    def _fail_id(self, rulings: Rulings, workload_id: str, error: WorkloadAPIError) -> None:
        for waiter in self.tracked.get(workload_id, ()):
            waiter.fail(error)
            rulings.left.append(waiter)

    def rule_failure(self, exc: WorkloadAPIError, now: float) -> Rulings:
        """The call failed: fail the waits at once when it will not mend, else poll them again later
        (see :func:`again_later`)."""
        waiters = [w for workload_id in self.chunk for w in self.tracked.get(workload_id, ())]
        rulings = again_later(exc, waiters, now, self.transport.retry.max_retry_after)
        if not ended(exc):
            log.warning("status poll of %d workloads failed: %s", len(self.chunk), exc)
        return rulings

    def _vanished(self, workload_id: str) -> NotFoundError:
        dialect = self.transport.dialect
        path = dialect.path("workloads.list") if dialect is not None else "workloads.list"
        return NotFoundError(
            f"workload {workload_id} not found (deleted, or not visible to this token)",
            status=404,
            method="GET",
            url=path,
        )


def permanent(error: APIStatusError) -> bool:
    """True for an answer that will not mend by waiting: a 4xx other than 408 and 429."""
    return 400 <= error.status < 500 and error.status not in (408, 429)


def ended(exc: WorkloadAPIError) -> bool:
    """True when a failed poll ends the waits it concerns (it will not mend by waiting)."""
    return isinstance(exc, ClientClosedError) or (isinstance(exc, APIStatusError) and permanent(exc))


def again_later(
    exc: WorkloadAPIError, waiters: Sequence[Pending], now: float, longest_hold: float
) -> Rulings:
    """What a failed poll means for ``waiters``: they fail at once when it will not mend (a closed
    client, a bad token, a wrong endpoint), else are polled again later.

    A ``Retry-After`` asks to hold every poll of this client, for at most ``longest_hold`` seconds
    (the poller also keeps it short of the nearest deadline). An unreadable answer fails the waits
    it concerns once it repeats :data:`DECODE_STRIKES` times in a row.
    """
    rulings = Rulings()
    if ended(exc):
        for waiter in waiters:
            waiter.fail(exc)
            rulings.left.append(waiter)
        return rulings
    retry_after = exc.retry_after if isinstance(exc, RateLimitError | ServerError) else None
    if retry_after is not None and retry_after > 0:
        rulings.hold = (now + min(retry_after, longest_hold), exc)
    decoding = isinstance(exc, ResponseDecodeError)
    for waiter in waiters:
        waiter.last_error = exc
        waiter.strikes += decoding
        if decoding and waiter.strikes >= DECODE_STRIKES:
            waiter.fail(exc)
            rulings.left.append(waiter)
        elif not waiter.future.done():
            interval = waiter.interval = waiter.policy.interval(waiter.polls)
            rulings.again.append((waiter, now + waiter.policy.jittered(interval)))
    return rulings

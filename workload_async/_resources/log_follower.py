"""Following a workload's log as it grows: oldest first, through failures, resumable.

A :class:`LogFollower` polls the log from a cursor (the newest time seen), yields what is new, and
hands each record a position (:func:`position`) that a new follow resumes after. A poll that
fails for a reason that may pass (the connection, a 5xx, a 429, an unreadable page) is tried
again with backoff until the follow's own deadline; one that will not pass (a bad token, a
workload that is gone, a filter the server refuses) ends the follow with its error.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import datetime

import attrs

from .._http.transport import Transport
from .._models.outputs import LogRecord
from .._policies import PollPolicy
from ..errors import (
    APIStatusError,
    ClientClosedError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    TransportError,
    WorkloadAPIError,
)

__all__ = ["LogFollower", "parse_position", "position"]

log = logging.getLogger("workload_async")

_POSITION = re.compile(r"(?P<time>\d{4}-\d\d-\d\dT[0-9:.]+(?:[+-]\d\d:\d\d|Z))#(?P<count>[1-9]\d{0,8})")


def position(stamp: datetime, count: int) -> str:
    """The position of the ``count``-th record (oldest first) written at ``stamp``."""
    return f"{stamp.isoformat()}#{count}"


def parse_position(value: object) -> tuple[datetime, int]:
    """A record's :attr:`~workload_async.LogRecord.position` as (time, count); ``TypeError`` or
    ``ValueError`` naming ``after`` for anything else."""
    if not isinstance(value, str):
        raise TypeError(f"after must be a LogRecord's position (a string), got {type(value).__name__}")
    match = _POSITION.fullmatch(value)
    stamp = None
    if match is not None:
        try:
            stamp = datetime.fromisoformat(match["time"])
        except ValueError:
            stamp = None
    if match is None or stamp is None or stamp.tzinfo is None:
        raise ValueError("after must be the position of a record follow_logs yielded (record.position)")
    return stamp, int(match["count"])


def _passes(error: WorkloadAPIError) -> bool:
    """True for a failure that may pass by polling again later."""
    if isinstance(error, ClientClosedError):
        return False
    if isinstance(error, TransportError | ResponseDecodeError | ServerError | RateLimitError):
        return True
    return isinstance(error, APIStatusError) and error.status == 408


Poll = Callable[[datetime | None], Awaitable[list[LogRecord]]]


@attrs.define(eq=False)
class LogFollower:
    """One follow of one workload's log (see the module)."""

    transport: Transport
    workload_id: str
    poll: Poll  # every record from a time on, newest first
    settled: Callable[[], Awaitable[bool]] | None  # is the workload settled (until_settled)
    policy: PollPolicy
    cursor: datetime | None = None
    #: Records at the cursor's time the caller has already seen, by count (a resume's ``after``).
    skip_first: int = 0
    deadline: float | None = None

    async def run(self) -> AsyncGenerator[LogRecord, None]:
        clock = self.transport.clock
        cursor, skip_first = self.cursor, self.skip_first
        seen_at_cursor: Counter[LogRecord] = Counter()  # records at the cursor's time, already yielded
        quiet = failures = 0
        failure: WorkloadAPIError | None = None
        while True:
            try:
                settled = await self.settled() if self.settled is not None else False
                polled = await self.poll(cursor)
            except WorkloadAPIError as exc:
                if not _passes(exc):
                    raise
                failure, failures = exc, failures + 1
                delay = self._backoff(exc, failures)
                log.warning(
                    "following the log of workload %s: a poll failed (%s); polling again in %.1fs",
                    self.workload_id,
                    exc,
                    delay,
                )
            else:
                failure, failures = None, 0
                skip = Counter(seen_at_cursor)
                fresh: list[tuple[LogRecord, int]] = []
                at_stamp: Counter[datetime] = Counter()
                for record in reversed(polled):  # oldest first
                    stamp = record.timestamp
                    if cursor is not None and (stamp is None or stamp < cursor):
                        continue  # a server that ignored startTime
                    if stamp is not None:
                        at_stamp[stamp] += 1
                    if stamp == cursor and skip_first:
                        skip_first -= 1
                        continue
                    if stamp == cursor and skip[record] > 0:
                        skip[record] -= 1
                        continue
                    fresh.append((record, at_stamp[stamp] if stamp is not None else 0))
                for record, count in fresh:
                    stamp = record.timestamp
                    yield record if stamp is None else attrs.evolve(record, position=position(stamp, count))
                newest = max((r.timestamp for r in polled if r.timestamp is not None), default=None)
                if newest is not None and (cursor is None or newest >= cursor):
                    cursor, skip_first = newest, 0
                    seen_at_cursor = Counter(r for r in polled if r.timestamp == newest)
                if settled:
                    return
                quiet = 0 if fresh else quiet + 1
                delay = self.policy.jittered(self.policy.interval(quiet))
            if self.deadline is not None:
                left = self.deadline - clock.monotonic()
                if left <= 0:
                    if failure is not None:
                        raise failure  # the log could not be read to the end: say so
                    return
                delay = min(delay, left)
            if not await self.transport.sleeps.sleep(clock, delay) or self.transport.closed:
                raise ClientClosedError("the client was closed while following a workload's log")

    def _backoff(self, error: WorkloadAPIError, failures: int) -> float:
        """Seconds before polling again after ``failures`` failed polls in a row (each already
        retried by the transport): the server's ``Retry-After``, else the poll policy's cap,
        doubling, up to a minute."""
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None and retry_after > 0:
            return self.transport.retry.after(float(retry_after))
        return self.policy.jittered(min(60.0, self.policy.cap * 2 ** min(failures - 1, 8)))

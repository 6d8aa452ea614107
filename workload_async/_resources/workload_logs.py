"""A workload's log: read it page by page (newest first) or follow it as it grows (oldest first)."""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, Callable, Iterable
from datetime import datetime, timedelta

from .._dialects.dialect import Dialect
from .._http.pagination import AsyncPager
from .._http.transport import Transport
from .._models.arguments import check_count, check_flag, check_id, check_moment, check_strings, check_timeout
from .._models.converter import wire_fields
from .._models.outputs import LogRecord, Workload
from .._policies import PollPolicy
from .._waiting.waits import Waits, check_poll
from .log_follower import LogFollower, parse_position

__all__ = ["LOG_LEVELS", "MAX_LOG_PAGE_SIZE", "LogsMixin"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_LOG_PAGE_SIZE = 1000

Query = list[tuple[str, str]]
#: A query whose ``level`` is written in the words of the client's API generation.
DialectQuery = Callable[[Dialect], Query]


def _level(level: object) -> str:
    """``level`` checked: a severity in any case, ``warn`` meaning ``warning`` (as DataRobot's own
    clients say it); ``ValueError`` naming the argument otherwise."""
    named = level.strip().upper() if isinstance(level, str) else None
    if named == "WARN":
        named = "WARNING"
    if named not in LOG_LEVELS:
        choices = ", ".join(w.lower() for w in LOG_LEVELS)
        raise ValueError(f"level must be one of {choices} (or warn), in any case; got {level!r}")
    return str(level).strip()


def _level_word(dialect: Dialect, level: str) -> str:
    """How the client's generation says ``level``: in lower case as given on 11.5 (``warn`` stays
    ``warn``, as DataRobot's clients send it), the upper-case severity on v2.41."""
    if dialect.has("lower-case log levels"):
        return level.lower()
    upper = level.upper()
    return "WARNING" if upper == "WARN" else upper


def _leveled(query: Query, level: str | None) -> Query | DialectQuery:
    if level is None:
        return query
    return lambda dialect: [("level", _level_word(dialect, level)), *query]


def _substrings(value: Iterable[str], name: str) -> list[str]:
    return check_strings(value, name)


def _moment(value: datetime | timedelta | None, now: datetime, name: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return check_moment(value, name)
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise ValueError(f"{name} as a timedelta means 'that long ago' and must not be negative")
        try:
            return now - value
        except OverflowError:
            raise ValueError(f"{name} reaches back before the year 1") from None
    raise TypeError(f"{name} must be a datetime or a timedelta (that long ago), got {type(value).__name__}")


def _stamp(value: datetime) -> str:
    stamp: str = wire_fields(t=value)["t"]
    return stamp


def _filters(
    includes: Iterable[str], excludes: Iterable[str], span_id: str | None, trace_id: str | None
) -> Query:
    query: Query = [("includes", s) for s in _substrings(includes, "includes")]
    query += [("excludes", s) for s in _substrings(excludes, "excludes")]
    if span_id is not None:
        query.append(("spanId", check_id(span_id, "span_id")))
    if trace_id is not None:
        query.append(("traceId", check_id(trace_id, "trace_id")))
    return query


class LogsMixin:
    """``logs`` and ``follow_logs`` for ``client.workloads`` (``otel/workload/{id}/logs/``)."""

    _t: Transport
    _waits: Waits

    def _pager(
        self,
        workload_id: str,
        query: Query,
        page_size: int,
        timeout: float | None = None,
        offset: int = 0,
        level: str | None = None,
    ) -> AsyncPager[LogRecord]:
        return AsyncPager(
            self._t,
            "workloads.logs",
            LogRecord,
            params=_leveled(query, level),
            page_size=page_size,
            max_page_size=MAX_LOG_PAGE_SIZE,
            route_ids=(workload_id,),
            timeout=timeout,
            offset=offset,
        )

    def logs(
        self,
        workload_id: str,
        *,
        level: str | None = None,
        since: datetime | timedelta | None = None,
        until: datetime | timedelta | None = None,
        includes: Iterable[str] = (),
        excludes: Iterable[str] = (),
        span_id: str | None = None,
        trace_id: str | None = None,
        page_size: int = 100,
        timeout: float | None = None,
    ) -> AsyncPager[LogRecord]:
        """A workload's log records, **newest first**, fetched lazily page by page.

        ``level`` is a severity (``debug``, ``info``, ``warning`` or ``warn``, ``error``,
        ``critical``, in any case): on API 11.5 it keeps that severity and every more severe one,
        on v2.41 that severity only (each generation's server decides; the client sends the
        level as that generation's clients do). ``since``/``until`` bound the time (a
        ``datetime``, or a ``timedelta`` meaning that long ago on the client's clock; both ends
        included); ``includes`` keeps
        records whose message contains every one of these substrings and ``excludes`` drops those
        containing any (case-sensitive); ``span_id``/``trace_id`` keep one span's or trace's
        records. ``page_size`` goes up to 1000; ``timeout`` bounds the fetch of each page,
        retries included. Raises ``ValueError`` for a filter the server
        would refuse, and (when iterated) :class:`~workload_async.errors.NotFoundError` for an
        unknown workload.
        """
        check_id(workload_id, "workload_id")
        query = _filters(includes, excludes, span_id, trace_id)
        checked = None if level is None else _level(level)
        now = self._t.clock.now()
        start, end = _moment(since, now, "since"), _moment(until, now, "until")
        if start is not None and end is not None and start > end:
            raise ValueError(f"since ({start.isoformat()}) is after until ({end.isoformat()})")
        if start is not None:
            query.append(("startTime", _stamp(start)))
        if end is not None:
            query.append(("endTime", _stamp(end)))
        check_count(page_size, "page_size", minimum=1, maximum=MAX_LOG_PAGE_SIZE)
        return self._pager(workload_id, query, page_size, check_timeout(timeout), level=checked)

    def follow_logs(
        self,
        workload_id: str,
        *,
        since: datetime | timedelta | None = None,
        after: str | None = None,
        until_settled: bool = False,
        level: str | None = None,
        includes: Iterable[str] = (),
        excludes: Iterable[str] = (),
        span_id: str | None = None,
        trace_id: str | None = None,
        poll: PollPolicy | None = None,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> AsyncGenerator[LogRecord, None]:
        """Yield a workload's log records **oldest first**, then each new one as it is written.

        It starts with the records already there (from ``since`` when given: an aware
        ``datetime``, or a ``timedelta`` meaning that long ago; or right after the record whose
        :attr:`~workload_async.LogRecord.position` is ``after``, to resume an earlier follow,
        repeating nothing), then polls for new ones at the cadence of ``poll`` (the client's
        :class:`~workload_async.PollPolicy` by default): fast at first, slower while nothing new
        comes, fast again when records arrive. Time comes from the client's clock. Each record
        carries its ``position``.

        It follows until the caller stops iterating or cancels, until ``timeout`` seconds have
        passed (or the ``deadline`` from :meth:`Client.deadline`), or, with
        ``until_settled=True``, until the workload is settled (``running``, ``stopped``,
        ``errored``) and every record written until then was yielded. A poll that fails for a
        reason that may pass (the connection, a 5xx, a 429) is tried again with backoff, without
        ending the follow; at the deadline, a follow whose polls were failing raises the last
        failure, since records may be missing. Filters are those of :meth:`logs`. Records
        identical in every field and written in the same millisecond are told apart by their
        count, so each of them is yielded.

        Raises ``TypeError``/``ValueError`` naming the argument at the call (a naive datetime,
        ``since`` with ``after``, a ``timeout`` that is not a finite number > 0), and, as it
        runs, :class:`~workload_async.errors.NotFoundError` for an unknown workload, what the
        server refuses, and :class:`~workload_async.errors.ClientClosedError` once the client
        is closed::

            async for record in client.workloads.follow_logs(workload_id, timeout=3600):
                checkpoint(record.position)  # later: follow_logs(workload_id, after=saved)
        """
        check_id(workload_id, "workload_id")
        query = _filters(includes, excludes, span_id, trace_id)
        checked = None if level is None else _level(level)
        start = _moment(since, self._t.clock.now(), "since")
        resume = parse_position(after) if after is not None else None
        if resume is not None and start is not None:
            raise ValueError("pass since= or after=, not both: after= resumes where an earlier follow was")
        check_flag(until_settled, "until_settled")
        policy = check_poll(poll) or self._waits.policy
        end = self._waits.deadline_for(check_timeout(timeout), deadline)
        settled = functools.partial(self._settled, workload_id) if until_settled else None
        follower = LogFollower(
            transport=self._t,
            workload_id=workload_id,
            poll=functools.partial(self._poll, workload_id, query, level=checked),
            settled=settled,
            policy=policy,
            cursor=resume[0] if resume is not None else start,
            skip_first=resume[1] if resume is not None else 0,
            deadline=end,
        )
        return follower.run()

    async def _settled(self, workload_id: str) -> bool:
        # read before the log, so that the log holds every record up to the settling
        response = await self._t.call("GET", "workloads.get", workload_id)
        return response.parse(Workload).status.is_settled

    async def _poll(
        self, workload_id: str, query: Query, cursor: datetime | None, level: str | None
    ) -> list[LogRecord]:
        """Every record from ``cursor`` on, newest first, read as of one moment."""
        if cursor is not None:
            query = [*query, ("startTime", _stamp(cursor))]
        first = await self._pager(workload_id, query, MAX_LOG_PAGE_SIZE, level=level).first_page()
        records = list(first.data)
        top = records[0].timestamp if records else None
        if first.next and top is not None:
            # Later pages are read up to the newest record of the first one: records written
            # meanwhile would shift the offsets and show some records twice.
            rest = [*query, ("endTime", _stamp(top))]
            records += await self._pager(
                workload_id, rest, MAX_LOG_PAGE_SIZE, offset=len(records), level=level
            ).collect()
        return records

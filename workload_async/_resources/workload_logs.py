"""A workload's log: read it page by page (newest first) or follow it as it grows (oldest first)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncGenerator, Callable, Iterable
from datetime import datetime, timedelta

from .._dialects.dialect import Dialect
from .._http.pagination import AsyncPager
from .._http.transport import Transport
from .._models.checks import check_id
from .._models.converter import wire_fields
from .._models.outputs import LogRecord, Workload
from .._policies import PollPolicy
from .._waiting.waits import Waits

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
    if isinstance(value, str):
        raise ValueError(f"{name} must be a list of substrings, e.g. {name}=[{value!r}]; got a string")
    out = list(value)
    for item in out:
        if not isinstance(item, str) or not item:
            raise ValueError(f"{name} must hold non-empty strings, got {item!r}")
    return out


def _moment(value: datetime | timedelta | None, now: datetime, name: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise ValueError(f"{name} as a timedelta means 'that long ago' and must not be negative")
        return now - value
    raise ValueError(f"{name} must be a datetime or a timedelta (that long ago), got {value!r}")


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
        if not 1 <= page_size <= MAX_LOG_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_LOG_PAGE_SIZE}, got {page_size}")
        return self._pager(workload_id, query, page_size, timeout, level=checked)

    def follow_logs(
        self,
        workload_id: str,
        *,
        since: datetime | timedelta | None = None,
        until_settled: bool = False,
        level: str | None = None,
        includes: Iterable[str] = (),
        excludes: Iterable[str] = (),
        span_id: str | None = None,
        trace_id: str | None = None,
        poll: PollPolicy | None = None,
    ) -> AsyncGenerator[LogRecord, None]:
        """Yield a workload's log records **oldest first**, then each new one as it is written.

        It starts with the records already there (from ``since`` when given: a ``datetime``, or a
        ``timedelta`` meaning that long ago), then polls for new ones at the cadence of ``poll``
        (the client's :class:`~workload_async.PollPolicy` by default): fast at first, slower while
        nothing new comes, fast again when records arrive. Time comes from the client's clock.

        With ``until_settled=False`` (the default) it follows until the caller stops iterating or
        cancels; with ``until_settled=True`` it ends once the workload is settled (``running``,
        ``stopped``, ``errored``) and every record written until then was yielded. Filters are
        those of :meth:`logs`. Records identical in every field and written in the same
        millisecond are told apart by their count, so each of them is yielded.
        """
        check_id(workload_id, "workload_id")
        query = _filters(includes, excludes, span_id, trace_id)
        checked = None if level is None else _level(level)
        start = _moment(since, self._t.clock.now(), "since")
        policy = poll or self._waits.policy
        return self._follow(workload_id, query, start, until_settled, policy, checked)

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

    async def _follow(
        self,
        workload_id: str,
        query: Query,
        cursor: datetime | None,
        until_settled: bool,
        policy: PollPolicy,
        level: str | None = None,
    ) -> AsyncGenerator[LogRecord, None]:
        clock = self._t.clock
        seen_at_cursor: Counter[LogRecord] = Counter()  # records at the cursor's time, already yielded
        quiet = 0
        while True:
            settled = False
            if until_settled:  # read before the log, so the log holds every record up to the settling
                response = await self._t.call("GET", "workloads.get", workload_id)
                settled = response.parse(Workload).status.is_settled
            polled = await self._poll(workload_id, query, cursor, level)
            skip = Counter(seen_at_cursor)
            fresh: list[LogRecord] = []
            for record in reversed(polled):  # oldest first
                stamp = record.timestamp
                if cursor is not None and (stamp is None or stamp < cursor):
                    continue  # a server that ignored startTime
                if stamp == cursor and skip[record] > 0:
                    skip[record] -= 1
                    continue
                fresh.append(record)
            for record in fresh:
                yield record
            newest = max((r.timestamp for r in polled if r.timestamp is not None), default=None)
            if newest is not None and (cursor is None or newest >= cursor):
                cursor = newest
                seen_at_cursor = Counter(r for r in polled if r.timestamp == newest)
            if settled:
                return
            quiet = 0 if fresh else quiet + 1
            await clock.sleep(policy.jittered(policy.interval(quiet)))

"""Routes both API generations serve (``api-v2.41.md`` §7): workload logs and compute bundles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from ._bundles import matches_use_cases
from ._invoke import Handler
from ._logbook import LEVELS, LogEntry, level_named
from ._state import state_of, user_of
from ._store import Store
from ._web import page_of, query_error, time_query, timestamp

__all__ = ["SHARED_ROUTES", "log_record"]


def _stamp(store: Store, entry: LogEntry) -> datetime:
    """The entry's time as its record shows it (milliseconds), so filters agree with what was read."""
    wall = store.wall(entry.t)
    return wall.replace(microsecond=wall.microsecond // 1000 * 1000)


async def workload_logs(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.workload(user_of(request), request.match_info["id"])
    query = request.query
    levels = _levels(store, query.get("level"))
    start, end = time_query(request, "startTime"), time_query(request, "endTime")
    includes, excludes = query.getall("includes", []), query.getall("excludes", [])
    span_id, trace_id = query.get("spanId"), query.get("traceId")
    rec.log.sync(store.now())

    def wanted(e: LogEntry) -> bool:
        if levels is not None and e.level not in levels:
            return False
        if (span_id is not None and e.span_id != span_id) or (
            trace_id is not None and e.trace_id != trace_id
        ):
            return False
        if not all(s in e.message for s in includes) or any(s in e.message for s in excludes):
            return False
        if start is not None or end is not None:
            stamp = _stamp(store, e)
            return (start is None or stamp >= start) and (end is None or stamp <= end)
        return True

    items = [e for e in reversed(rec.log.entries) if wanted(e)]  # newest first
    lower = store.api_version != "v2.41"  # 11.5 names levels in lower case
    return page_of(request, items, lambda e: log_record(store, e, lower=lower), max_limit=1000)


_LIVE_WORDS = ("debug", "info", "warn", "warning", "error", "critical")


def _levels(store: Store, word: str | None) -> frozenset[str] | None:
    """The levels a ``level`` query keeps (None: all). v2.41: exactly that level, named in upper
    case. 11.5: that level and every more severe one, named in any case, ``warn`` being
    ``warning`` (``api-live.md`` §5)."""
    if word is None:
        return None
    if store.api_version == "v2.41":
        if word not in LEVELS:
            raise query_error("level", f"Input should be one of {', '.join(LEVELS)}", "enum")
        return frozenset({word})
    named = level_named(word)
    if named is None:
        raise query_error("level", f"Input should be one of {', '.join(_LIVE_WORDS)}", "enum")
    return frozenset(LEVELS[LEVELS.index(named) :])


async def list_bundles(request: web.Request) -> web.Response:
    store = state_of(request).store
    use_cases = request.query.getall("useCases", [])
    # entityType and entityId are accepted; no bundle is limited to an entity here (emulator's choice)
    items = [b for b in store.bundles.values() if matches_use_cases(b, use_cases)]
    return page_of(request, items, dict)


SHARED_ROUTES: list[tuple[str, str, str, Handler]] = [
    ("GET", "/otel/workload/{id}/logs", "workloads.logs", workload_logs),
    ("GET", "/mlops/compute/bundles", "bundles.list", list_bundles),
]


def log_record(store: Store, e: LogEntry, *, lower: bool = False) -> dict[str, Any]:
    return {
        "timestamp": timestamp(store, e.t),
        "level": e.level.lower() if lower else e.level,
        "message": e.message,
        "spanId": e.span_id,
        "traceId": e.trace_id,
        "stacktrace": e.stacktrace,
    }

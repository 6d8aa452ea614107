"""What both generations' handlers share: JSON answers and errors, request bodies and queries,
paging, searching and sorting, and timestamps."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from ._store import Store, StoreError

__all__ = [
    "TOO_DEEP",
    "detail",
    "int_query",
    "json_response",
    "page_of",
    "query_error",
    "read_body",
    "search",
    "sorted_records",
    "time_query",
    "timestamp",
]

TOO_DEEP = "Request body is nested too deeply"
_SORTS = ("name", "createdAt", "updatedAt", "status")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def detail(status: int, message: Any, headers: dict[str, str] | None = None) -> web.Response:
    return json_response({"detail": message}, status, headers)


async def read_body(
    request: web.Request,
    schema: dict[str, Any],
    kind: str,
    check: Callable[..., list[dict[str, Any]]],
) -> dict[str, Any]:
    """The JSON object of the request's body, checked by ``check`` (the generation's validator)
    against ``schema``; ``kind`` names what the body describes (``workload``, ``artifact``, or
    ``""``) for the checks that depend on it."""
    raw = await request.read()
    ctype = request.content_type
    if ctype not in ("application/json", "") and not ctype.endswith("+json"):
        raise StoreError(400, f"Content-Type must be application/json, got {ctype}")
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise StoreError(400, "Request body is not valid JSON") from None
    except RecursionError:
        raise StoreError(400, TOO_DEEP) from None
    if body is None:
        raise StoreError(422, [{"loc": ["body"], "msg": "Field required", "type": "missing"}])
    try:
        problems = check(body, schema, kind=kind)
    except RecursionError:
        raise StoreError(400, TOO_DEEP) from None
    if problems:
        raise StoreError(422, problems)
    return dict(body)


def query_error(name: str, msg: str, kind: str = "value_error") -> StoreError:
    """A 422 that names the query parameter ``name``."""
    return StoreError(422, [{"loc": ["query", name], "msg": msg, "type": kind}])


def time_query(request: web.Request, name: str) -> datetime | None:
    """The RFC 3339 time (with its offset) in query parameter ``name``; None when it is absent."""
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise query_error(name, "Input should be an RFC 3339 timestamp", "datetime_parsing") from None
    if when.tzinfo is None:
        raise query_error(name, "Input should carry a time zone", "datetime_parsing")
    return when


def int_query(request: web.Request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise StoreError(
            422,
            [{"loc": ["query", name], "msg": f"Input should be an integer {bound}", "type": "value_error"}],
        )
    return value


def page_of(
    request: web.Request,
    items: list[Any],
    render_one: Callable[[Any], dict[str, Any]],
    default_limit: int = 100,
    max_limit: int = 100,
) -> web.Response:
    offset = int_query(request, "offset", 0, 0, None)
    limit = int_query(request, "limit", default_limit, 1, max_limit)
    chunk = items[offset : offset + limit]

    def link(new_offset: int) -> str:
        return str(request.url.update_query(offset=str(new_offset), limit=str(limit)))

    return json_response(
        {
            "count": len(chunk),
            "totalCount": len(items),
            "next": link(offset + limit) if offset + limit < len(items) else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "data": [render_one(item) for item in chunk],
        }
    )


def search(request: web.Request, items: list[Any]) -> list[Any]:
    needle = request.query.get("search")
    if not needle:
        return items
    folded = needle.casefold()
    return [item for item in items if folded in item.name.casefold()]


def sorted_records(request: web.Request, store: Store, items: list[Any]) -> list[Any]:
    sort = request.query.get("sort", "-createdAt")
    key_name = sort.removeprefix("-")
    if key_name not in _SORTS:
        raise StoreError(
            422,
            [
                {
                    "loc": ["query", "sort"],
                    "msg": f"Sort key must be one of {', '.join(_SORTS)}",
                    "type": "enum",
                }
            ],
        )
    descending = sort.startswith("-")
    if key_name == "createdAt":  # insertion order is creation order
        return items[::-1] if descending else items
    keys: dict[str, Callable[[Any], Any]] = {
        "name": lambda w: w.name.casefold(),
        "updatedAt": lambda w: max(w.created, store.phase(w)[1]),
        "status": lambda w: store.phase(w)[0],
    }
    return sorted(items, key=keys[key_name], reverse=descending)


def timestamp(store: Store, t: float) -> str:
    """RFC 3339 UTC with a ``Z``, millisecond precision; the year always has four digits (``%Y``
    writes ``999`` for the year 999, which is no RFC 3339 date)."""
    w = store.wall(t)
    return (
        f"{w.year:04d}-{w.month:02d}-{w.day:02d}T{w.hour:02d}:{w.minute:02d}:{w.second:02d}"
        f".{w.microsecond // 1000:03d}Z"
    )

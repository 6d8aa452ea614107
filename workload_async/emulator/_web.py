"""Shared pieces of the emulator's handlers: state access, JSON answers, bodies, paging."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import attrs
from aiohttp import web

from ._faults import Faults
from ._store import Store, StoreError, User
from ._v2_41.validate import validate

__all__ = [
    "API_PREFIX",
    "CURRENT_USER",
    "STATE",
    "TOO_DEEP",
    "EmulatorState",
    "api_root",
    "detail",
    "int_query",
    "json_response",
    "page_of",
    "query_error",
    "read_body",
    "search",
    "sorted_records",
    "state_of",
    "time_query",
    "user_of",
]

API_PREFIX = "/api/v2"
TOO_DEEP = "Request body is nested too deeply"
_SORTS = ("name", "createdAt", "updatedAt", "status")


@attrs.define(eq=False)
class EmulatorState:
    """Everything the app needs: the store, the fault rules and the counters."""

    store: Store
    faults: Faults = attrs.field(factory=Faults)
    log_requests: bool = False
    #: The token the ``/_emulator`` control routes require (the emulator's own).
    control_token: str = attrs.field(default="", repr=False)
    counts: Counter[str] = attrs.field(factory=Counter)
    in_flight: Counter[str] = attrs.field(factory=Counter)
    max_in_flight: Counter[str] = attrs.field(factory=Counter)
    request_log: list[tuple[float, str, int]] = attrs.field(factory=list)
    stream_events_sent: int = 0

    def reset_counters(self) -> None:
        self.counts.clear()
        self.in_flight.clear()
        self.max_in_flight.clear()
        self.request_log.clear()


STATE: web.AppKey[EmulatorState] = web.AppKey("state", EmulatorState)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def detail(status: int, message: Any, headers: dict[str, str] | None = None) -> web.Response:
    return json_response({"detail": message}, status, headers)


def state_of(request: web.Request) -> EmulatorState:
    return request.app[STATE]


CURRENT_USER: ContextVar[User] = ContextVar("workload_async_emulator_user")


def user_of(request: web.Request) -> User:
    return CURRENT_USER.get()


def api_root(request: web.Request) -> str:
    return f"{request.url.origin()}{API_PREFIX}/"


async def read_body(
    request: web.Request,
    schema: dict[str, Any],
    kind: str = "",
    check: Callable[..., list[dict[str, Any]]] = validate,
) -> dict[str, Any]:
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

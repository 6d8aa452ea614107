"""Control and introspection routes under ``/_emulator`` (outside the API).

They reset the store, inject faults and mint tokens, so they answer only the emulator's own token
(``Authorization: Bearer <emu.token>``), and a request with a body must say
``Content-Type: application/json``: a cross-site form or ``text/plain`` POST gets nowhere.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .._clock import FakeClock
from ._faults import Fault
from ._logbook import LEVELS
from ._records import User, new_id
from ._store import StoreError
from ._v11_5.rules import fail_replacement as failed_replacement

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = ["add_control_routes"]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


def _bad(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"detail": message}), content_type="application/json")


async def _read(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        raise _bad("body is not JSON") from None
    except RecursionError:
        raise _bad("body is nested too deeply") from None
    if not isinstance(body, dict):
        raise _bad("body must be a JSON object")
    return body


_Control = Callable[[web.Request], Awaitable[web.Response]]


def _guarded(state: EmulatorState, handler: _Control) -> _Control:
    """``handler``, answering only the emulator's token and JSON bodies."""

    async def guarded(request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expected = state.control_token
        if scheme != "Bearer" or not expected or not secrets.compare_digest(token.strip(), expected):
            return _json(
                {"detail": "control routes need the emulator's token (Authorization: Bearer ...)"}, 401
            )
        if request.body_exists and request.content_type != "application/json":
            return _json(
                {"detail": f"Content-Type must be application/json, got {request.content_type}"}, 415
            )
        return await handler(request)

    return guarded


def add_control_routes(app: web.Application, state: EmulatorState) -> None:
    """Register the control routes on ``app``."""

    async def reset(request: web.Request) -> web.Response:
        state.store.reset()
        state.faults.clear()
        state.reset_counters()
        return _json({"reset": True})

    async def counters(request: web.Request) -> web.Response:
        return _json(
            {
                "requests": dict(state.counts),
                "total": sum(state.counts.values()),
                "inFlight": dict(state.in_flight),
                "maxInFlight": dict(state.max_in_flight),
                "streamEventsSent": state.stream_events_sent,
            }
        )

    async def reset_counters(request: web.Request) -> web.Response:
        state.reset_counters()
        return _json({"reset": True})

    async def list_faults(request: web.Request) -> web.Response:
        return _json({"faults": [f.to_json() for f in state.faults.rules]})

    async def add_fault(request: web.Request) -> web.Response:
        try:
            fault = Fault.from_json(await _read(request))
        except (TypeError, ValueError) as exc:
            return _json({"detail": str(exc)}, 422)
        state.faults.add(fault)
        return _json(fault.to_json(), 201)

    async def clear_faults(request: web.Request) -> web.Response:
        state.faults.clear()
        return web.Response(status=204)

    async def timings(request: web.Request) -> web.Response:
        body = await _read(request)
        t = state.store.timings
        names = {
            "startupSeconds": "startup_seconds",
            "stopSeconds": "stop_seconds",
            "jitter": "jitter",
            "draftTtlSeconds": "draft_ttl_seconds",
        }
        for wire, value in body.items():
            if wire not in names or not isinstance(value, int | float) or value < 0:
                return _json({"detail": f"bad timing {wire}={value!r}; known: {sorted(names)}"}, 422)
            setattr(t, names[wire], float(value))
        return _json({wire: getattr(t, attr) for wire, attr in names.items()})

    async def fail_workload(request: web.Request) -> web.Response:
        rec = state.store.workloads.get(request.match_info["id"])
        if rec is None:
            return _json({"detail": "no such workload"}, 404)
        body = await _read(request)
        state.store.fail(rec, str(body.get("message", "failed by the emulator's control route")))
        return _json({"id": rec.id, "status": state.store.phase(rec)[0]})

    async def write_log(request: web.Request) -> web.Response:
        rec = state.store.workloads.get(request.match_info["id"])
        if rec is None:
            return _json({"detail": "no such workload"}, 404)
        body = await _read(request)
        level = body.get("level", "INFO")
        extra = {wire: body.get(wire) for wire in ("spanId", "traceId", "stacktrace")}
        if not isinstance(body.get("message"), str) or level not in LEVELS:
            return _json({"detail": f"give a message (string) and a level among {', '.join(LEVELS)}"}, 422)
        if not all(v is None or isinstance(v, str) for v in extra.values()):
            return _json({"detail": "spanId, traceId and stacktrace must be strings"}, 422)
        state.store.write_log(
            rec,
            body["message"],
            level,
            span_id=extra["spanId"],
            trace_id=extra["traceId"],
            stacktrace=extra["stacktrace"],
        )
        return _json({"id": rec.id, "records": len(rec.log.entries)}, 201)

    async def fail_replacement(request: web.Request) -> web.Response:
        rec = state.store.workloads.get(request.match_info["id"])
        if rec is None:
            return _json({"detail": "no such workload"}, 404)
        body = await _read(request)
        message = str(body.get("message", "failed by the emulator's control route"))
        try:
            replacement = failed_replacement(state.store, rec, message)
        except StoreError as exc:
            return _json({"detail": exc.detail}, exc.status)
        return _json({"id": replacement.id, "status": "errored"})

    async def add_user(request: web.Request) -> web.Response:
        body = await _read(request)
        token = str(body.get("token") or new_id())
        user = User(
            id=new_id(),
            email=str(body.get("email", f"{token[:6]}@emulator.local")),
            read_only=bool(body.get("readOnly", False)),
        )
        state.store.users[token] = user
        return _json({"token": token, "id": user.id, "readOnly": user.read_only}, 201)

    async def advance(request: web.Request) -> web.Response:
        clock = state.store.clock
        if not isinstance(clock, FakeClock):
            return _json({"detail": "the emulator runs on the real clock"}, 409)
        body = await _read(request)
        clock.advance(float(body.get("seconds", 0)))
        return _json({"monotonic": clock.monotonic()})

    routes: list[tuple[str, str, _Control]] = [
        ("POST", "/_emulator/reset", reset),
        ("GET", "/_emulator/counters", counters),
        ("POST", "/_emulator/counters/reset", reset_counters),
        ("GET", "/_emulator/faults", list_faults),
        ("POST", "/_emulator/faults", add_fault),
        ("DELETE", "/_emulator/faults", clear_faults),
        ("PUT", "/_emulator/timings", timings),
        ("POST", "/_emulator/workloads/{id}/fail", fail_workload),
        ("POST", "/_emulator/workloads/{id}/logs", write_log),
        ("POST", "/_emulator/workloads/{id}/fail-replacement", fail_replacement),
        ("POST", "/_emulator/users", add_user),
        ("POST", "/_emulator/clock/advance", advance),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, _guarded(state, handler))

"""The emulator's aiohttp application: one generation's routes behind auth, faults and counters."""

from __future__ import annotations

import logging
import time

from aiohttp import web

from ._control_routes import add_control_routes
from ._invoke import Handler, invoke_deployment, invoke_workload
from ._logs_and_bundles import SHARED_ROUTES
from ._state import API_PREFIX, CURRENT_USER, STATE, EmulatorState, state_of
from ._store import StoreError
from ._v2_41.handlers import ROUTES
from ._v11_5 import handlers as v11_5
from ._web import detail, json_response

__all__ = ["API_PREFIX", "EmulatorState", "make_app"]

log = logging.getLogger("workload_async.emulator")


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _route_name(request: web.Request) -> str | None:
    name: str | None = getattr(request.match_info.handler, "route_name", None)
    return name


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Counters, logging, faults, auth and error bodies for every API route."""
    name = _route_name(request)
    if name is None:
        return await _unrouted(request, handler)
    state = state_of(request)
    started = time.perf_counter()
    state.counts[name] += 1
    state.in_flight[name] += 1
    state.in_flight["*"] += 1
    state.max_in_flight[name] = max(state.max_in_flight[name], state.in_flight[name])
    state.max_in_flight["*"] = max(state.max_in_flight["*"], state.in_flight["*"])
    status = 0
    try:
        response = await _handle(request, handler, name, state)
        status = response.status
        return response
    finally:
        state.in_flight[name] -= 1
        state.in_flight["*"] -= 1
        state.request_log.append((state.store.now(), name, status))
        if state.log_requests:
            log.info(
                "%s %s -> %s (%.1f ms)",
                request.method,
                request.path,  # never the query: it may hold secrets
                status or "dropped",
                (time.perf_counter() - started) * 1000,
            )


async def _handle(
    request: web.Request, handler: Handler, name: str, state: EmulatorState
) -> web.StreamResponse:
    drop_after = False
    for fault in state.faults.pick(name, request.method):
        if fault.kind == "latency":
            await state.store.clock.sleep(fault.seconds)
        elif fault.kind == "status":
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
            return detail(fault.status, f"Injected fault: HTTP {fault.status}", headers)
        elif fault.kind == "drop_before":
            return _drop(request)
        else:
            drop_after = True
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = state.store.users.get(token.strip()) if scheme in ("Bearer", "Token") else None
    if user is None:
        return json_response({"message": "Invalid API key"}, 401)
    if user.read_only and request.method not in _READ_METHODS and not name.startswith("invoke."):
        return json_response({"message": "This API key is read-only and cannot make changes"}, 403)
    CURRENT_USER.set(user)  # each request is served in its own task, so its own context
    try:
        response = await handler(request)
    except StoreError as exc:
        response = detail(exc.status, exc.detail)
    if drop_after:
        return _drop(request)
    return response


async def _unrouted(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A path of no route: under the API root, answered as FastAPI answers it, with a JSON body
    (``{"detail": "Not Found"}``, or 405 ``Method Not Allowed``), never aiohttp's plain text."""
    try:
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed) as exc:
        if not request.path.startswith(API_PREFIX + "/") and request.path != API_PREFIX:
            raise
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return detail(exc.status, exc.reason, headers)


def _drop(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=499)  # never written: the connection is gone


def _named(handler: Handler, name: str) -> Handler:
    async def named(request: web.Request) -> web.StreamResponse:
        return await handler(request)

    named.route_name = name  # type: ignore[attr-defined]
    return named


def make_app(state: EmulatorState) -> web.Application:
    """The emulator's application: the API under ``/api/v2`` and control routes under ``/_emulator``."""
    app = web.Application(middlewares=[api_middleware], client_max_size=16 * 1024**2)
    app[STATE] = state
    invokes: tuple[tuple[str, Handler], ...]
    if state.store.api_version == "v2.41":
        routes = ROUTES
        invokes = (("workloads", invoke_workload), ("deployments", invoke_deployment))
    else:
        routes, invokes = v11_5.ROUTES, (("workloads", v11_5.invoke_workload),)
    for method, path, name, handler in routes + SHARED_ROUTES:  # logs and bundles: both generations
        named = _named(handler, name)
        for form in (path, path + "/"):
            app.router.add_route(method, API_PREFIX + form, named)
    for kind, handler in invokes:
        named = _named(handler, f"invoke.{kind.removesuffix('s')}")
        app.router.add_route("*", f"{API_PREFIX}/endpoints/{kind}/{{id}}", named)
        app.router.add_route("*", f"{API_PREFIX}/endpoints/{kind}/{{id}}/{{tail:.*}}", named)
    add_control_routes(app, state)
    return app

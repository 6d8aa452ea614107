"""The invoke routes: a call forwarded to the workload's application (the built-in echo app),
counted in a deployment's (v2.41) or the workload's own (11.5) stats."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from ._echo import echo
from ._records import DeploymentRec, WorkloadRec
from ._state import state_of, user_of
from ._web import detail

__all__ = ["Handler", "invoke_counted", "invoke_deployment", "invoke_workload", "invoke_workload_of"]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def invoke_workload_of(request: web.Request, workload_id: str) -> web.StreamResponse:
    """Forward an invoke to the workload's application (the echo app) when it is running."""
    store = state_of(request).store
    rec = store.workload(user_of(request), workload_id)
    status, _ = store.phase(rec)
    if status != "running":
        return detail(503, f"Workload {workload_id} is not running (status: {status})")
    if rec.port is None:
        return detail(503, f"Workload {workload_id} exposes no port: its primary container has no port")
    response = await echo(request, state_of(request))
    trace_id, span_id = _trace_context(request.headers.get("traceparent", ""))
    line = f'"{request.method} /{request.match_info.get("tail", "")}" {response.status}'
    store.write_log(rec, line, trace_id=trace_id, span_id=span_id)
    return response


def _trace_context(traceparent: str) -> tuple[str | None, str | None]:
    """The trace and span ids of a W3C ``traceparent`` header (``00-<trace>-<span>-<flags>``)."""
    parts = traceparent.strip().split("-")
    if len(parts) == 4 and len(parts[1]) == 32 and len(parts[2]) == 16:
        return parts[1], parts[2]
    return None, None


async def invoke_workload(request: web.Request) -> web.StreamResponse:
    return await invoke_workload_of(request, request.match_info["id"])


async def invoke_deployment(request: web.Request) -> web.StreamResponse:
    store = state_of(request).store
    dep = store.deployment(user_of(request), request.match_info["id"])
    return await invoke_counted(request, dep.workload_id, dep)


async def invoke_counted(
    request: web.Request, workload_id: str, counter: DeploymentRec | WorkloadRec
) -> web.StreamResponse:
    """Invoke a workload's application, counting the call in ``counter``'s stats (a deployment's
    on v2.41, the workload's own on 11.5)."""
    store = state_of(request).store
    started = time.perf_counter()
    counter.in_flight += 1
    status = 500
    try:
        response = await invoke_workload_of(request, workload_id)
        status = response.status
        return response
    finally:
        counter.in_flight -= 1
        counter.calls.append((store.now(), (time.perf_counter() - started) * 1000, status))

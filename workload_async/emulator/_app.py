"""The emulator's aiohttp application: the v2.41 routes, auth, faults and counters."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

import attrs
from aiohttp import web

from . import _render as render
from ._control import add_control_routes
from ._echo import echo
from ._faults import Faults
from ._store import Store, StoreError, User
from ._validate import (
    CREATE_DEPLOYMENT,
    CREATE_WORKLOAD,
    INPUT_ARTIFACT,
    PATCH_ARTIFACT,
    PATCH_DEPLOYMENT,
    validate,
)

__all__ = ["API_PREFIX", "EmulatorState", "make_app"]

log = logging.getLogger("workload_async.emulator")
API_PREFIX = "/api/v2"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STATE: web.AppKey[EmulatorState] = web.AppKey("state", object)  # type: ignore[arg-type]
_SORTS = ("name", "createdAt", "updatedAt", "status")


@attrs.define(eq=False)
class EmulatorState:
    """Everything the app needs: the store, the fault rules and the counters."""

    store: Store
    faults: Faults = attrs.field(factory=Faults)
    log_requests: bool = False
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


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def detail(status: int, message: Any, headers: dict[str, str] | None = None) -> web.Response:
    return _json({"detail": message}, status, headers)


def _state(request: web.Request) -> EmulatorState:
    return request.app[STATE]


_USER: ContextVar[User] = ContextVar("workload_async_emulator_user")


def _user(request: web.Request) -> User:
    return _USER.get()


def api_root(request: web.Request) -> str:
    return f"{request.url.origin()}{API_PREFIX}/"


async def _body(request: web.Request, schema: dict[str, Any], kind: str = "") -> dict[str, Any]:
    raw = await request.read()
    ctype = request.content_type
    if ctype not in ("application/json", "") and not ctype.endswith("+json"):
        raise StoreError(400, f"Content-Type must be application/json, got {ctype}")
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        raise StoreError(400, "Request body is not valid JSON") from None
    if body is None:
        raise StoreError(422, [{"loc": ["body"], "msg": "Field required", "type": "missing"}])
    problems = validate(body, schema, kind=kind)
    if problems:
        raise StoreError(422, problems)
    return dict(body)


def _int_query(request: web.Request, name: str, default: int, low: int, high: int | None) -> int:
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


def _page(
    request: web.Request, items: list[Any], render_one: Callable[[Any], dict[str, Any]]
) -> web.Response:
    offset = _int_query(request, "offset", 0, 0, None)
    limit = _int_query(request, "limit", 100, 1, 100)
    chunk = items[offset : offset + limit]

    def link(new_offset: int) -> str:
        return str(request.url.update_query(offset=str(new_offset), limit=str(limit)))

    return _json(
        {
            "count": len(chunk),
            "totalCount": len(items),
            "next": link(offset + limit) if offset + limit < len(items) else None,
            "previous": link(max(0, offset - limit)) if offset > 0 else None,
            "data": [render_one(item) for item in chunk],
        }
    )


def _search(request: web.Request, items: list[Any]) -> list[Any]:
    needle = request.query.get("search")
    if not needle:
        return items
    folded = needle.casefold()
    return [item for item in items if folded in item.name.casefold()]


def _sorted(request: web.Request, store: Store, items: list[Any]) -> list[Any]:
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


# -- workloads ----------------------------------------------------------------------------------


async def create_workload(request: web.Request) -> web.Response:
    store = _state(request).store
    body = await _body(request, CREATE_WORKLOAD, kind="workload")
    rec = store.create_workload(_user(request), body)
    return _json(render.workload(store, rec, api_root(request)), 201)


async def list_workloads(request: web.Request) -> web.Response:
    store = _state(request).store
    user = _user(request)
    ids = request.query.getall("ids", [])
    if ids:
        wanted = dict.fromkeys(ids)
        items = [w for w in store.workloads.values() if w.id in wanted and w.owner == user.id]
    else:
        items = list(store.owned(store.workloads, user))
    items = _sorted(request, store, _search(request, items))
    root = api_root(request)
    return _page(request, items, lambda w: render.workload(store, w, root))


async def get_workload(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.workload(_user(request), request.match_info["id"])
    return _json(render.workload(store, rec, api_root(request)))


async def start_workload(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.workload(_user(request), request.match_info["id"])
    accepted = store.start(rec)
    text = "Workload start accepted" if accepted else "Workload is already starting or running"
    return _json(render.operation(rec, api_root(request), text), 202 if accepted else 200)


async def stop_workload(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.workload(_user(request), request.match_info["id"])
    accepted = store.stop(rec)
    text = "Workload stop accepted" if accepted else "Workload is already stopping or stopped"
    return _json(render.operation(rec, api_root(request), text), 202 if accepted else 200)


async def delete_workload(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.workload(_user(request), request.match_info["id"])
    del store.workloads[rec.id]
    for dep in [d for d in store.deployments.values() if d.workload_id == rec.id]:
        del store.deployments[dep.id]
    return web.Response(status=204)


# -- artifacts ----------------------------------------------------------------------------------


async def create_artifact(request: web.Request) -> web.Response:
    store = _state(request).store
    body = await _body(request, INPUT_ARTIFACT, kind="artifact")
    return _json(render.artifact(store, store.create_artifact(_user(request), body)), 201)


async def list_artifacts(request: web.Request) -> web.Response:
    store = _state(request).store
    status = request.query.get("status")
    if status is not None and status not in ("draft", "registered"):
        raise StoreError(
            422,
            [{"loc": ["query", "status"], "msg": "Input should be 'draft' or 'registered'", "type": "enum"}],
        )
    items = [a for a in store.owned(store.artifacts, _user(request)) if status is None or a.status == status]
    items = _search(request, items)[::-1]
    return _page(request, items, lambda a: render.artifact(store, a))


async def get_artifact(request: web.Request) -> web.Response:
    store = _state(request).store
    return _json(render.artifact(store, store.artifact(_user(request), request.match_info["id"])))


def _locked(rec: Any) -> None:
    if rec.status == "registered":
        raise StoreError(409, f"Artifact {rec.id} is registered and immutable")


async def replace_artifact(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.artifact(_user(request), request.match_info["id"])
    body = await _body(request, INPUT_ARTIFACT, kind="artifact")
    _locked(rec)
    rec.name, rec.spec = body["name"], body["spec"]
    rec.description, rec.type = body.get("description", ""), body.get("type", "generic")
    rec.updated = store.now()
    if body.get("status") == "registered":
        store.register(rec)
    return _json(render.artifact(store, rec))


async def update_artifact(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.artifact(_user(request), request.match_info["id"])
    raw = await request.read()
    try:
        peek = json.loads(raw) if raw else None
    except ValueError:
        peek = None
    if isinstance(peek, dict) and "spec" in peek:
        raise StoreError(
            422,
            [
                {
                    "loc": ["body", "spec"],
                    "msg": "The spec cannot be changed with PATCH; use PUT",
                    "type": "value_error",
                }
            ],
        )
    body = await _body(request, PATCH_ARTIFACT)
    _locked(rec)
    if "name" in body:
        rec.name = body["name"]
    if "description" in body:
        rec.description = body["description"]
    rec.updated = store.now()
    if body.get("status") == "registered":
        store.register(rec)
    return _json(render.artifact(store, rec))


async def delete_artifact(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.artifact(_user(request), request.match_info["id"])
    _locked(rec)
    if store.users_of(rec):
        raise StoreError(409, f"Artifact {rec.id} is used by a live workload")
    del store.artifacts[rec.id]
    return web.Response(status=204)


# -- deployments --------------------------------------------------------------------------------


async def create_deployment(request: web.Request) -> web.Response:
    store = _state(request).store
    user = _user(request)
    body = await _body(request, CREATE_DEPLOYMENT)
    workload = store.workload(user, body["workloadId"])
    artifact = store.artifacts.get(workload.artifact_id)
    if artifact is None or artifact.status != "registered":
        raise StoreError(
            422,
            [
                {
                    "loc": ["body", "workloadId"],
                    "msg": "The workload's artifact is a draft; register it before deploying",
                    "type": "value_error",
                }
            ],
        )
    from ._store import DeploymentRec, new_id

    now = store.now()
    rec = DeploymentRec(
        id=new_id(),
        owner=user.id,
        name=body["name"],
        description=body.get("description", ""),
        workload_id=workload.id,
        importance=body.get("importance", "low"),
        created=now,
        updated=now,
    )
    store.deployments[rec.id] = rec
    return _json(render.deployment(store, rec, api_root(request)), 201)


async def list_deployments(request: web.Request) -> web.Response:
    store = _state(request).store
    items = _search(request, list(store.owned(store.deployments, _user(request))))[::-1]
    root = api_root(request)
    return _page(request, items, lambda d: render.deployment(store, d, root))


async def get_deployment(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.deployment(_user(request), request.match_info["id"])
    return _json(render.deployment(store, rec, api_root(request)))


async def update_deployment(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.deployment(_user(request), request.match_info["id"])
    body = await _body(request, PATCH_DEPLOYMENT)
    for wire, attr in (("name", "name"), ("description", "description"), ("importance", "importance")):
        if wire in body:
            setattr(rec, attr, body[wire])
    rec.updated = store.now()
    return _json(render.deployment(store, rec, api_root(request)))


async def delete_deployment(request: web.Request) -> web.Response:
    store = _state(request).store
    rec = store.deployment(_user(request), request.match_info["id"])
    del store.deployments[rec.id]
    return web.Response(status=204)


async def deployment_stats(request: web.Request) -> web.Response:
    store = _state(request).store
    return _json(render.stats(store, store.deployment(_user(request), request.match_info["id"])))


# -- invoke -------------------------------------------------------------------------------------


async def _invoke(request: web.Request, workload_id: str) -> web.StreamResponse:
    store = _state(request).store
    rec = store.workload(_user(request), workload_id)
    status, _ = store.phase(rec)
    if status != "running":
        return detail(503, f"Workload {workload_id} is not running (status: {status})")
    return await echo(request, _state(request))


async def invoke_workload(request: web.Request) -> web.StreamResponse:
    return await _invoke(request, request.match_info["id"])


async def invoke_deployment(request: web.Request) -> web.StreamResponse:
    store = _state(request).store
    dep = store.deployment(_user(request), request.match_info["id"])
    started = time.perf_counter()
    dep.in_flight += 1
    status = 500
    try:
        response = await _invoke(request, dep.workload_id)
        status = response.status
        return response
    finally:
        dep.in_flight -= 1
        dep.calls.append((store.now(), (time.perf_counter() - started) * 1000, status))


# -- middlewares --------------------------------------------------------------------------------

ROUTES: list[tuple[str, str, str, Handler]] = [
    ("POST", "/console/workloads", "workloads.create", create_workload),
    ("GET", "/console/workloads", "workloads.list", list_workloads),
    ("GET", "/console/workloads/{id}", "workloads.get", get_workload),
    ("DELETE", "/console/workloads/{id}", "workloads.delete", delete_workload),
    ("POST", "/console/workloads/{id}/start", "workloads.start", start_workload),
    ("POST", "/console/workloads/{id}/stop", "workloads.stop", stop_workload),
    ("POST", "/registry/artifacts", "artifacts.create", create_artifact),
    ("GET", "/registry/artifacts", "artifacts.list", list_artifacts),
    ("GET", "/registry/artifacts/{id}", "artifacts.get", get_artifact),
    ("PUT", "/registry/artifacts/{id}", "artifacts.replace", replace_artifact),
    ("PATCH", "/registry/artifacts/{id}", "artifacts.update", update_artifact),
    ("DELETE", "/registry/artifacts/{id}", "artifacts.delete", delete_artifact),
    ("POST", "/console/deployments", "deployments.create", create_deployment),
    ("GET", "/console/deployments", "deployments.list", list_deployments),
    ("GET", "/console/deployments/{id}", "deployments.get", get_deployment),
    ("PATCH", "/console/deployments/{id}", "deployments.update", update_deployment),
    ("DELETE", "/console/deployments/{id}", "deployments.delete", delete_deployment),
    ("GET", "/console/deployments/{id}/stats", "deployments.stats", deployment_stats),
]
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _route_name(request: web.Request) -> str | None:
    name: str | None = getattr(request.match_info.handler, "route_name", None)
    return name


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Counters, logging, faults, auth and error bodies for every API route."""
    name = _route_name(request)
    if name is None:
        return await handler(request)
    state = _state(request)
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
                request.path_qs,
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
        return _json({"message": "Invalid API key"}, 401)
    if user.read_only and request.method not in _READ_METHODS and not name.startswith("invoke."):
        return _json({"message": "This API key is read-only and cannot make changes"}, 403)
    _USER.set(user)  # each request is served in its own task, so its own context
    try:
        response = await handler(request)
    except StoreError as exc:
        response = detail(exc.status, exc.detail)
    if drop_after:
        return _drop(request)
    return response


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
    for method, path, name, handler in ROUTES:
        named = _named(handler, name)
        for form in (path, path + "/"):
            app.router.add_route(method, API_PREFIX + form, named)
    for kind, handler in (("workloads", invoke_workload), ("deployments", invoke_deployment)):
        named = _named(handler, f"invoke.{kind.removesuffix('s')}")
        app.router.add_route("*", f"{API_PREFIX}/endpoints/{kind}/{{id}}", named)
        app.router.add_route("*", f"{API_PREFIX}/endpoints/{kind}/{{id}}/{{tail:.*}}", named)
    add_control_routes(app, state, STATE)
    return app

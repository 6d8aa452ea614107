"""The emulator's API handlers, one per route of the contract, and the route table."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .._invoke import Handler
from .._state import api_root, state_of, user_of
from .._store import StoreError
from .._web import json_response, page_of, query_error, read_body, search, sorted_records
from . import render
from .validate import (
    CREATE_DEPLOYMENT,
    CREATE_WORKLOAD,
    INPUT_ARTIFACT,
    PATCH_ARTIFACT,
    PATCH_DEPLOYMENT,
    validate,
)

__all__ = ["ROUTES"]


# -- workloads ----------------------------------------------------------------------------------


async def create_workload(request: web.Request) -> web.Response:
    store = state_of(request).store
    body = await read_body(request, CREATE_WORKLOAD, "workload", validate)
    rec = store.create_workload(user_of(request), body)
    return json_response(render.workload(store, rec, api_root(request)), 201)


async def list_workloads(request: web.Request) -> web.Response:
    store = state_of(request).store
    user = user_of(request)
    ids = request.query.getall("ids", [])
    if ids:  # a direct look-up of each id, in creation order: no scan of the store
        found = (store.workloads.get(i) for i in dict.fromkeys(ids))
        items = sorted((w for w in found if w is not None and w.owner == user.id), key=lambda w: w.seq)
    else:
        items = list(store.owned(store.workloads, user))
    items = sorted_records(request, store, search(request, items))
    root = api_root(request)
    return page_of(request, items, lambda w: render.workload(store, w, root))


async def get_workload(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.workload(user_of(request), request.match_info["id"])
    return json_response(render.workload(store, rec, api_root(request)))


async def start_workload(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.workload(user_of(request), request.match_info["id"])
    accepted = store.start(rec)
    text = "Workload start accepted" if accepted else "Workload is already starting or running"
    return json_response(render.operation(rec, api_root(request), text), 202 if accepted else 200)


async def stop_workload(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.workload(user_of(request), request.match_info["id"])
    accepted = store.stop(rec)
    text = "Workload stop accepted" if accepted else "Workload is already stopping or stopped"
    return json_response(render.operation(rec, api_root(request), text), 202 if accepted else 200)


async def delete_workload(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.workload(user_of(request), request.match_info["id"])
    del store.workloads[rec.id]
    for dep in [d for d in store.deployments.values() if d.workload_id == rec.id]:
        del store.deployments[dep.id]
    return web.Response(status=204)


# -- artifacts ----------------------------------------------------------------------------------


async def create_artifact(request: web.Request) -> web.Response:
    store = state_of(request).store
    body = await read_body(request, INPUT_ARTIFACT, "artifact", validate)
    return json_response(render.artifact(store, store.create_artifact(user_of(request), body)), 201)


async def list_artifacts(request: web.Request) -> web.Response:
    store = state_of(request).store
    status = request.query.get("status")
    if status is not None and status not in ("draft", "registered"):
        raise StoreError(
            422,
            [{"loc": ["query", "status"], "msg": "Input should be 'draft' or 'registered'", "type": "enum"}],
        )
    items = [
        a for a in store.owned(store.artifacts, user_of(request)) if status is None or a.status == status
    ]
    items = search(request, items)[::-1]
    return page_of(request, items, lambda a: render.artifact(store, a))


async def get_artifact(request: web.Request) -> web.Response:
    store = state_of(request).store
    return json_response(render.artifact(store, store.artifact(user_of(request), request.match_info["id"])))


def _locked(rec: Any) -> None:
    if rec.status == "registered":
        raise StoreError(409, f"Artifact {rec.id} is registered and immutable")


async def replace_artifact(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.artifact(user_of(request), request.match_info["id"])
    body = await read_body(request, INPUT_ARTIFACT, "artifact", validate)
    _locked(rec)
    rec.name, rec.spec = body["name"], body["spec"]
    rec.description, rec.type = body.get("description", ""), body.get("type", "generic")
    rec.updated = store.now()
    if body.get("status") == "registered":
        store.register(rec)
    return json_response(render.artifact(store, rec))


async def update_artifact(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.artifact(user_of(request), request.match_info["id"])
    raw = await request.read()
    try:
        peek = json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        peek = None  # read_body below answers it
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
    body = await read_body(request, PATCH_ARTIFACT, "", validate)
    _locked(rec)
    if "name" in body:
        rec.name = body["name"]
    if "description" in body:
        rec.description = body["description"]
    rec.updated = store.now()
    if body.get("status") == "registered":
        store.register(rec)
    return json_response(render.artifact(store, rec))


async def delete_artifact(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.artifact(user_of(request), request.match_info["id"])
    _locked(rec)
    if store.users_of(rec):
        raise StoreError(409, f"Artifact {rec.id} is used by a live workload")
    del store.artifacts[rec.id]
    return web.Response(status=204)


# -- deployments --------------------------------------------------------------------------------


async def create_deployment(request: web.Request) -> web.Response:
    store = state_of(request).store
    body = await read_body(request, CREATE_DEPLOYMENT, "", validate)
    rec = store.create_deployment(user_of(request), body)
    return json_response(render.deployment(store, rec, api_root(request)), 201)


_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _bool_query(request: web.Request, name: str) -> bool:
    raw = request.query.get(name, "false").lower()
    if raw not in _TRUE + _FALSE:
        raise query_error(name, "Input should be a valid boolean", "bool_parsing")
    return raw in _TRUE


async def list_deployments(request: web.Request) -> web.Response:
    store = state_of(request).store
    with_workload = _bool_query(request, "workloadDetails")
    items = list(store.owned(store.deployments, user_of(request)))
    wids = request.query.getall("wid", [])
    if wids:
        wanted = frozenset(wids)
        items = [d for d in items if d.workload_id in wanted]
    items = search(request, items)[::-1]
    root = api_root(request)
    return page_of(request, items, lambda d: render.deployment(store, d, root, with_workload))


async def get_deployment(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.deployment(user_of(request), request.match_info["id"])
    return json_response(render.deployment(store, rec, api_root(request)))


async def update_deployment(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.deployment(user_of(request), request.match_info["id"])
    body = await read_body(request, PATCH_DEPLOYMENT, "", validate)
    for wire, attr in (("name", "name"), ("description", "description"), ("importance", "importance")):
        if wire in body:
            setattr(rec, attr, body[wire])
    rec.updated = store.now()
    return json_response(render.deployment(store, rec, api_root(request)))


async def delete_deployment(request: web.Request) -> web.Response:
    store = state_of(request).store
    rec = store.deployment(user_of(request), request.match_info["id"])
    del store.deployments[rec.id]
    return web.Response(status=204)


async def deployment_stats(request: web.Request) -> web.Response:
    store = state_of(request).store
    return json_response(render.stats(store, store.deployment(user_of(request), request.match_info["id"])))


# -- invoke -------------------------------------------------------------------------------------


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

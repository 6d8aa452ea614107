"""The emulator's handlers of the 11.5 generation (``api-11.5.md`` §2) and their route table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .._invoke import Handler, invoke_counted
from .._records import ArtifactRec, WorkloadRec
from .._state import api_root, state_of, user_of
from .._store import Store, StoreError
from .._web import json_response, page_of, query_error, read_body
from . import builds, events, render, replacement_routes, replacements, rules
from .listing import IMPORTANCE_RANK, choices, matching_workloads, searched
from .protons import PROTON_ROUTES
from .stats import FLEET_ROUTES, STATS_ROUTES
from .validate import (
    ARTIFACT_TYPES,
    CLONE_ARTIFACT,
    CREATE_WORKLOAD,
    INPUT_ARTIFACT,
    PATCH_ARTIFACT,
    PATCH_SETTINGS,
    PATCH_WORKLOAD,
    validate,
)

__all__ = ["ROUTES", "invoke_workload"]

PAGE_SIZE = 10


def _ordered(request: web.Request, items: list[Any], keys: dict[str, Callable[[Any], Any]]) -> list[Any]:
    order = request.query.get("orderBy", "-createdAt")
    key_name = order.removeprefix("-")
    if key_name not in keys:
        raise query_error("orderBy", f"orderBy must be one of {', '.join(keys)}")
    return sorted(items, key=keys[key_name], reverse=order.startswith("-"))


def _page(request: web.Request, items: list[Any], one: Callable[[Any], dict[str, Any]]) -> web.Response:
    return page_of(request, items, one, default_limit=PAGE_SIZE)


def _workload(request: web.Request) -> tuple[Store, WorkloadRec]:
    store = state_of(request).store
    return store, store.workload(user_of(request), request.match_info["id"])


def _artifact(request: web.Request) -> tuple[Store, ArtifactRec]:
    store = state_of(request).store
    return store, store.artifact(user_of(request), request.match_info["id"])


# -- workloads ----------------------------------------------------------------------------------


async def create_workload(request: web.Request) -> web.Response:
    store = state_of(request).store
    body = await read_body(request, CREATE_WORKLOAD, "workload", validate)
    if "artifactId" in body:  # an image built from source must be built first; an inline one cannot be
        artifact = store.artifact(user_of(request), body["artifactId"])
        builds.refuse_unbuilt(store, artifact, ("body", "artifactId"))
    else:
        builds.refuse_inline_source(body["artifact"], ("body", "artifact"))
    rec = rules.create_workload(store, user_of(request), body)
    return json_response(render.workload(store, rec, api_root(request)), 201)


async def list_workloads(request: web.Request) -> web.Response:
    store = state_of(request).store
    items = _ordered(
        request,
        matching_workloads(request),
        {
            "name": lambda w: w.name.casefold(),
            "createdAt": lambda w: w.created,
            "updatedAt": lambda w: max(w.created, store.phase(w)[1]),
            "status": lambda w: store.phase(w)[0],
            "importance": lambda w: IMPORTANCE_RANK.get(w.importance, 0),
        },
    )
    root = api_root(request)
    return _page(request, items, lambda w: render.workload(store, w, root))


async def get_workload(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    return json_response(render.workload(store, rec, api_root(request)))


async def update_workload(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    body = await read_body(request, PATCH_WORKLOAD, "", validate)
    if body.get("name", rec.name) != rec.name:
        rules.unique_name(store, user_of(request), body["name"])
    for key in ("name", "description", "importance"):
        if key in body:
            setattr(rec, key, body[key])
    rules.record(store, rec, "update", user_of(request).id, **body)
    return json_response(render.workload(store, rec, api_root(request)))


async def delete_workload(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    del store.workloads[rec.id]
    store.replacements.pop(rec.id, None)
    store.events.pop(rec.id, None)
    return web.Response(status=204)


async def start_workload(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    changed = rules.start(store, rec, user_of(request))
    text = "Workload start accepted" if changed else f"Workload is already {store.phase(rec)[0]}"
    return json_response(render.operation(rec, api_root(request), text), 202 if changed else 200)


async def stop_workload(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    changed = rules.stop(store, rec, user_of(request))
    text = "Workload stop accepted" if changed else "Workload is already stopping or stopped"
    return json_response(render.operation(rec, api_root(request), text), 202 if changed else 200)


async def get_settings(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    return json_response({"runtime": replacements.current_runtime(store, rec)[0]})


async def update_settings(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    body = await read_body(request, PATCH_SETTINGS, "", validate)
    replacement = replacements.replace_settings(store, rec, user_of(request), body["runtime"])
    return json_response(render.replacement(store, replacement), 202)


async def promote_workload(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    rules.promote(store, rec, user_of(request))
    return json_response(render.workload(store, rec, api_root(request)), 202)


async def workload_history(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    items = store.replacements.get(rec.id, [])[::-1]
    return _page(request, items, lambda r: render.replacement(store, r))


async def workload_events(request: web.Request) -> web.Response:
    store, rec = _workload(request)
    return _page(request, events.events_of(store, rec), lambda e: render.event(store, e))


async def invoke_workload(request: web.Request) -> web.StreamResponse:
    """Invoke a workload's application, counting the call in the workload's stats."""
    _, rec = _workload(request)
    return await invoke_counted(request, rec.id, rec)


# -- artifacts ----------------------------------------------------------------------------------


def _normalized(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "spec": rules.normalized_spec(body), "status": "draft"}


def _unlocked(rec: ArtifactRec) -> None:
    """403 for a change of a locked artifact, as the live service answers (``api-live.md`` §6)."""
    if rec.status == "locked":
        raise StoreError(403, f"Artifact {rec.id} is locked and immutable")


async def create_artifact(request: web.Request) -> web.Response:
    store = state_of(request).store
    body = await read_body(request, INPUT_ARTIFACT, "artifact", validate)
    return json_response(
        render.artifact(store, store.create_artifact(user_of(request), _normalized(body))), 201
    )


async def list_artifacts(request: web.Request) -> web.Response:
    store = state_of(request).store
    items: list[ArtifactRec] = list(store.owned(store.artifacts, user_of(request)))
    ids = set(request.query.getall("ids", []))
    statuses = choices(request, "status", ("draft", "locked"))
    types = choices(request, "type", ARTIFACT_TYPES)
    items = [
        a
        for a in searched(request, items)
        if (not ids or a.id in ids)
        and (not statuses or a.status in statuses)
        and (not types or a.type in types)
    ]
    items = _ordered(
        request,
        items,
        {
            "name": lambda a: a.name.casefold(),
            "createdAt": lambda a: a.created,
            "updatedAt": lambda a: a.updated,
            "status": lambda a: a.status,
        },
    )
    return _page(request, items, lambda a: render.artifact(store, a))


async def get_artifact(request: web.Request) -> web.Response:
    store, rec = _artifact(request)
    return json_response(render.artifact(store, rec))


async def replace_artifact(request: web.Request) -> web.Response:
    store, rec = _artifact(request)
    body = _normalized(await read_body(request, INPUT_ARTIFACT, "artifact", validate))
    _unlocked(rec)
    builds.merge_images(rec, body["spec"])
    rec.name, rec.spec = body["name"], body["spec"]
    rec.description, rec.type = body.get("description", ""), body.get("type", "service")
    rec.updated = store.now()
    return json_response(render.artifact(store, rec))


async def update_artifact(request: web.Request) -> web.Response:
    store, rec = _artifact(request)
    body = await read_body(request, PATCH_ARTIFACT, "", validate)
    _unlocked(rec)
    spec_type = (body.get("spec") or {}).get("type")
    if spec_type is not None and spec_type != rec.type:
        msg = f"spec.type cannot change ({rec.type!r} to {spec_type!r})"
        raise StoreError(422, [{"loc": ["body", "spec", "type"], "msg": msg, "type": "value_error"}])
    if "spec" in body:
        builds.merge_images(rec, body["spec"])
    if body.get("status") == "locked":  # checked before anything changes
        builds.refuse_unbuilt(store, rec, ("body", "status"), spec=body.get("spec"))
    for key in ("name", "description"):
        if key in body:
            setattr(rec, key, body[key])
    if "spec" in body:
        rec.spec = rules.normalized_spec({"spec": body["spec"], "type": rec.type})
    rec.updated = store.now()
    if body.get("status") == "locked":
        store.register(rec)
    return json_response(render.artifact(store, rec))


async def delete_artifact(request: web.Request) -> web.Response:
    store, rec = _artifact(request)
    if rec.status == "locked":  # a delete is 409, unlike a change (403)
        raise StoreError(409, f"Artifact {rec.id} is locked and cannot be deleted")
    if store.users_of(rec):
        raise StoreError(409, f"Artifact {rec.id} is used by a workload")
    del store.artifacts[rec.id]
    store.builds.pop(rec.id, None)
    return web.Response(status=204)


async def clone_artifact(request: web.Request) -> web.Response:
    store, rec = _artifact(request)
    body = await read_body(request, CLONE_ARTIFACT, "", validate)
    clone = store.create_artifact(
        user_of(request),
        {"name": body["name"], "description": rec.description, "type": rec.type, "spec": rec.spec},
    )
    return json_response(render.artifact(store, clone))


ROUTES: list[tuple[str, str, str, Handler]] = [
    ("POST", "/workloads", "workloads.create", create_workload),
    ("GET", "/workloads", "workloads.list", list_workloads),
    *FLEET_ROUTES,  # workloads/stats, before workloads/{id} takes "stats" for an id
    ("GET", "/workloads/{id}", "workloads.get", get_workload),
    ("PATCH", "/workloads/{id}", "workloads.update", update_workload),
    ("DELETE", "/workloads/{id}", "workloads.delete", delete_workload),
    ("POST", "/workloads/{id}/start", "workloads.start", start_workload),
    ("POST", "/workloads/{id}/stop", "workloads.stop", stop_workload),
    ("GET", "/workloads/{id}/settings", "workloads.settings", get_settings),
    ("PATCH", "/workloads/{id}/settings", "workloads.update_settings", update_settings),
    ("POST", "/workloads/{id}/promote", "workloads.promote", promote_workload),
    ("GET", "/workloads/{id}/history", "workloads.history", workload_history),
    ("GET", "/workloads/{id}/events", "workloads.events", workload_events),
    *PROTON_ROUTES,
    *STATS_ROUTES,
    ("POST", "/artifacts", "artifacts.create", create_artifact),
    ("GET", "/artifacts", "artifacts.list", list_artifacts),
    ("GET", "/artifacts/{id}", "artifacts.get", get_artifact),
    ("PUT", "/artifacts/{id}", "artifacts.replace", replace_artifact),
    ("PATCH", "/artifacts/{id}", "artifacts.update", update_artifact),
    ("DELETE", "/artifacts/{id}", "artifacts.delete", delete_artifact),
    ("POST", "/artifacts/{id}/clone", "artifacts.clone", clone_artifact),
    *replacement_routes.ROUTES,
    *builds.ROUTES,
]


def _settling(handler: Handler) -> Handler:
    """``handler``, after the replacements and builds that completed since the last request
    took effect (their switch, their image)."""

    async def settled(request: web.Request) -> web.StreamResponse:
        store = state_of(request).store
        replacements.settle(store)
        builds.settle(store)
        return await handler(request)

    return settled


ROUTES = [(method, path, name, _settling(handler)) for method, path, name, handler in ROUTES]

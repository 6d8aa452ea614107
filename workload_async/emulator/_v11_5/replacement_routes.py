"""The routes of a workload's replacement (``api-live.md`` §1): ``POST``, ``GET`` and ``DELETE
workloads/{id}/replacement/``; what they do is :mod:`.replacements`'."""

from __future__ import annotations

from aiohttp import web

from .._invoke import Handler
from .._records import User, WorkloadRec
from .._state import state_of, user_of
from .._store import Store, StoreError
from .._web import json_response, read_body
from .replacements import NONE_ACTIVE, cancel, replace, shown, view
from .validate import REPLACE, validate

__all__ = ["ROUTES"]


def _owned(request: web.Request) -> tuple[Store, WorkloadRec, User] | None:
    store, user = state_of(request).store, user_of(request)
    w = store.workloads.get(request.match_info["id"])
    return None if w is None or w.owner != user.id else (store, w, user)


async def start_replacement(request: web.Request) -> web.Response:
    store, user = state_of(request).store, user_of(request)
    w = store.workload(user, request.match_info["id"])
    body = await read_body(request, REPLACE, "", validate)
    return json_response(view(store, replace(store, w, user, body)), 202)


async def get_replacement(request: web.Request) -> web.Response:
    owned = _owned(request)
    showing = None if owned is None else shown(owned[0], owned[1])
    if owned is None or showing is None:
        raise StoreError(404, NONE_ACTIVE)
    return json_response(view(owned[0], showing[0]))


async def cancel_replacement(request: web.Request) -> web.Response:
    owned = _owned(request)
    if owned is None:
        raise StoreError(404, NONE_ACTIVE)
    store, w, user = owned
    return json_response(view(store, cancel(store, w, user)), 202)


ROUTES: list[tuple[str, str, str, Handler]] = [
    ("POST", "/workloads/{id}/replacement", "workloads.replace", start_replacement),
    ("GET", "/workloads/{id}/replacement", "workloads.replacement", get_replacement),
    ("DELETE", "/workloads/{id}/replacement", "workloads.cancel_replacement", cancel_replacement),
]

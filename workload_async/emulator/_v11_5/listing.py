"""Which of a user's workloads a list keeps: the filters ``GET workloads/`` and
``GET workloads/stats`` share (``api-11.5.md`` §2, ``api-live.md`` §6)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .._records import WorkloadRec
from .._state import state_of, user_of
from .._web import query_error

__all__ = ["IMPORTANCE_RANK", "STATUSES", "choices", "matching_workloads", "searched"]

IMPORTANCE_RANK = {"low": 0, "moderate": 1, "high": 2, "critical": 3}


STATUSES = (
    "unknown",
    "submitted",
    "initializing",
    "provisioning",
    "launching",
    "running",
    "warming",
    "draining",
    "stopping",
    "stopped",
    "errored",
    "terminated",
)


def choices(request: web.Request, name: str, allowed: tuple[str, ...]) -> set[str]:
    values = set(request.query.getall(name, []))
    if values - set(allowed):
        raise query_error(name, f"Input should be one of {', '.join(allowed)}")
    return values


def searched(request: web.Request, items: list[Any]) -> list[Any]:
    needle = request.query.get("search", "").casefold()
    if not needle:
        return items
    return [
        i
        for i in items
        if needle in i.name.casefold() or needle in i.description.casefold() or i.id.startswith(needle)
    ]


def matching_workloads(request: web.Request) -> list[WorkloadRec]:
    """The user's workloads the list's filters keep (``ids``, ``search``, ``status``,
    ``importance``, ``artifactId``, ``createdBy``, ``enclave``), in creation order."""
    store = state_of(request).store
    user = user_of(request)
    items: list[WorkloadRec] = list(store.owned(store.workloads, user))
    ids = request.query.getall("ids", [])
    if ids:
        wanted = set(ids)
        items = [w for w in items if w.id in wanted]
    statuses = choices(request, "status", STATUSES)
    importance = choices(request, "importance", tuple(IMPORTANCE_RANK))
    artifact_id, created_by = request.query.get("artifactId"), request.query.get("createdBy")
    enclaves = set(request.query.getall("enclave", []))
    return [
        w
        for w in searched(request, items)
        if (not statuses or store.phase(w)[0] in statuses)
        and (not importance or w.importance in importance)
        and (artifact_id is None or w.artifact_id == artifact_id)
        and (created_by is None or w.owner == created_by)
        and (not enclaves or bool(enclaves & set(w.runtime.get("enclaves") or ())))
    ]

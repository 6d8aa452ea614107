"""The 11.5 generation's JSON, written by hand from ``api-11.5.md`` §3: exactly its fields."""

from __future__ import annotations

from typing import Any

from .._records import ArtifactRec, EventRec, ReplacementRec, WorkloadRec
from .._store import Store
from .._v2_41 import render as _render
from .._v2_41.render import status_and_details
from .._web import timestamp
from . import builds, replacements
from .replacements import current_runtime

__all__ = ["artifact", "event", "operation", "replacement", "workload"]


def _user(store: Store, user_id: str) -> dict[str, Any]:
    user = next((u for u in store.users.values() if u.id == user_id), None)
    return {"id": user_id, "email": user.email if user else None}


def artifact(store: Store, a: ArtifactRec) -> dict[str, Any]:
    """The v2.41 artifact, with the two fields this generation adds (and what its containers'
    image builds say)."""
    return {
        **_render.artifact(store, a),
        "spec": builds.spec_view(store, a),
        "artifactRepositoryId": None,
        "creator": _user(store, a.owner),
    }


def workload(store: Store, w: WorkloadRec, api_root: str) -> dict[str, Any]:
    status, since, details = status_and_details(store, w)
    if details is None and status not in ("submitted", "provisioning"):
        details = {"conditions": [], "logTail": []}
    a = store.artifacts.get(w.artifact_id)
    runtime, proton = current_runtime(store, w)
    owner = _user(store, w.owner)
    updated = max([w.created, since, *(e.at for e in store.events.get(w.id, []))])
    return {
        "id": w.id,
        "name": w.name,
        "description": w.description,
        "importance": w.importance,
        "type": a.type if a else None,
        "status": status,
        "statusDetails": details,
        "artifactId": w.artifact_id,
        "artifact": {
            "id": w.artifact_id,
            "name": a.name if a else None,
            "status": a.status if a else None,
            "type": a.type if a else None,
            "version": a.version if a else None,
            "artifactRepositoryId": None,
        },
        "runtime": runtime,
        "endpoint": f"{api_root}endpoints/workloads/{w.id}/",
        "protonId": proton,
        "replacement": replacements.embedded(store, w),
        "requestStats": None,
        "creator": owner,
        "owners": [owner],
        "permissions": ["CAN_VIEW", "CAN_UPDATE", "CAN_DELETE"],
        "tags": [],
        "createdAt": timestamp(store, w.created),
        "updatedAt": timestamp(store, updated),
    }


def operation(w: WorkloadRec, api_root: str, text: str) -> dict[str, Any]:
    return {"status": text, "workloadId": w.id, "trackVia": f"{api_root}workloads/{w.id}/"}


def replacement(store: Store, r: ReplacementRec) -> dict[str, Any]:
    return replacements.view(store, r)


def event(store: Store, e: EventRec) -> dict[str, Any]:
    return {
        "id": e.id,
        "workloadId": e.workload_id,
        "timestamp": timestamp(store, e.at),
        "eventType": e.type,
        "actorId": e.actor,
        "details": e.details,
    }

"""The emulator's JSON, written by hand from the contract (never through the SDK's converter)."""

from __future__ import annotations

import statistics
from typing import Any

from .._records import ArtifactRec, DeploymentRec, WorkloadRec
from .._store import Store
from .._web import timestamp

__all__ = ["artifact", "deployment", "operation", "stats", "status_and_details", "workload"]


def artifact(store: Store, a: ArtifactRec) -> dict[str, Any]:
    return {
        "id": a.id,
        "name": a.name,
        "description": a.description,
        "type": a.type,
        "status": a.status,
        "version": a.version,
        "spec": a.spec,
        "createdAt": timestamp(store, a.created),
        "updatedAt": timestamp(store, a.updated),
    }


def status_and_details(store: Store, w: WorkloadRec) -> tuple[str, float, dict[str, Any] | None]:
    """A workload's status now, since when, and its ``statusDetails`` as the wire shows them."""
    status, since = store.phase(w)
    details = store.status_details(w, status, since)
    if details is not None:
        for condition in details["conditions"]:
            condition["lastTransitionTime"] = timestamp(store, condition["lastTransitionTime"])
    return status, since, details


def workload(store: Store, w: WorkloadRec, api_root: str) -> dict[str, Any]:
    status, since, details = status_and_details(store, w)
    a = store.artifacts.get(w.artifact_id)
    user = next((u for u in store.users.values() if u.id == w.owner), None)
    return {
        "id": w.id,
        "name": w.name,
        "status": status,
        "statusDetails": details,
        "artifactId": w.artifact_id,
        "artifact": {
            "id": w.artifact_id,
            "name": a.name if a else None,
            "status": a.status if a else None,
            "version": a.version if a else None,
        },
        "runtime": w.runtime,
        "endpoint": f"{api_root}endpoints/workloads/{w.id}/",
        "creator": {"id": w.owner, "email": user.email if user else None},
        "createdAt": timestamp(store, w.created),
        "updatedAt": timestamp(store, max(w.created, since)),
    }


def operation(w: WorkloadRec, api_root: str, text: str) -> dict[str, Any]:
    return {"status": text, "workloadId": w.id, "trackVia": f"{api_root}console/workloads/{w.id}/"}


def deployment(store: Store, d: DeploymentRec, api_root: str, with_workload: bool = False) -> dict[str, Any]:
    w = store.workloads.get(d.workload_id)
    out: dict[str, Any] = {
        "id": d.id,
        "name": d.name,
        "description": d.description,
        "workloadId": d.workload_id,
        "importance": d.importance,
        "status": store.phase(w)[0] if w is not None else "unknown",
        "endpoint": f"{api_root}endpoints/deployments/{d.id}/",
        "createdAt": timestamp(store, d.created),
        "updatedAt": timestamp(store, d.updated),
    }
    if with_workload:
        out["workload"] = workload(store, w, api_root) if w is not None else None
    return out


def stats(store: Store, d: DeploymentRec) -> dict[str, Any]:
    now = store.now()
    calls = d.calls
    minutes = max((now - d.created) / 60.0, 1 / 60.0)
    server = sum(1 for _, _, s in calls if s >= 500)
    user = sum(1 for _, _, s in calls if 400 <= s < 500)
    return {
        "deploymentId": d.id,
        "period": {"start": timestamp(store, d.created), "end": timestamp(store, now)},
        "metrics": {
            "totalRequests": len(calls),
            "requestsPerMinute": round(len(calls) / minutes, 3),
            "concurrentRequests": d.in_flight,
            "responseTime": round(statistics.median(ms for _, ms, _ in calls), 3) if calls else None,
            "serverErrors": server,
            "userErrors": user,
            "totalErrorRate": round((server + user) / len(calls), 4) if calls else 0.0,
        },
    }

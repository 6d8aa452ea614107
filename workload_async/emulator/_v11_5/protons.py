"""A workload's protons (``api-live.md`` §3): the running instances of it, each one artifact and
one runtime, and what its replicas and containers are doing.

A workload has the proton it was created with, and one more per settings replacement: the
``candidate`` while the replacement runs, the ``active`` one once it completed (the one before it
is then ``stopped`` with no role). The active proton's status is the workload's. Like that status,
everything here is derived from the clock on every read.

``GET …/protons/{pid}/statusDetails`` answers 204 until the proton's first status update (while it
is ``submitted``), then a snapshot: an overall state and summary, and each replica with its
conditions and containers; a failure the workload plays (:mod:`.._failures`) shows there.
"""

from __future__ import annotations

import hashlib
from typing import Any

import attrs
from aiohttp import web

from .._failures import restarts, summary
from .._invoke import Handler
from .._records import Failure, WorkloadRec
from .._state import api_root, state_of, user_of
from .._store import Store, StoreError
from .._web import json_response, page_of, timestamp
from . import candidates
from .replacements import current_runtime, first_proton, phases

__all__ = ["PROTON_ROUTES", "ProtonView", "candidate_failure", "protons_of"]

#: A candidate proton's status while its replacement is in each of these.
#: What a candidate proton shows while its replacement is at each step (a workload status).
_CANDIDATE = {
    "submitted": "submitted",
    "initializing": "launching",
    "staged": "running",
    "promoting": "running",
    "finalizing": "running",
    "canceling": "stopping",
}
_CONDITIONS = ("PodScheduled", "Initialized", "ContainersReady", "Ready")


@attrs.frozen
class ProtonView:
    """One proton of a workload as of one read."""

    id: str
    ordinal: int  # 1 for the workload's first proton: its name is the workload's, numbered
    artifact_id: str
    runtime: dict[str, Any]
    role: str | None
    status: str
    since: float  # when it entered ``status``
    created: float
    active: bool


def protons_of(store: Store, w: WorkloadRec) -> list[ProtonView]:
    """The workload's protons, newest first."""
    now = store.now()
    status, since = store.phase(w, now)
    active_id = current_runtime(store, w)[1]
    made = [(*first_proton(store, w), w.created)]
    outcomes: list[tuple[str, float]] = []  # of the replacement that made each proton after the first
    for r, phase in phases(store, w, now):
        made.append((r.candidate_proton_id, r.candidate_artifact_id, r.runtime, r.created))
        outcomes.append((phase.status, phase.since))
    views = []
    for k, (pid, artifact_id, runtime, created) in enumerate(made):
        if pid == active_id:
            views.append(ProtonView(pid, k + 1, artifact_id, runtime, "active", status, since, created, True))
            continue
        state, when = outcomes[k - 1] if k else ("completed", created)
        if state == "completed":  # active once, until the next replacement that completed
            ended = next((t for s, t in outcomes[k:] if s == "completed"), now)
            view = ProtonView(pid, k + 1, artifact_id, runtime, None, "stopped", ended, created, False)
        elif state in ("errored", "failed"):
            view = ProtonView(pid, k + 1, artifact_id, runtime, None, "errored", when, created, False)
        elif state == "canceled":
            view = ProtonView(pid, k + 1, artifact_id, runtime, None, "stopped", when, created, False)
        else:
            shown = _CANDIDATE.get(state, "submitted")
            view = ProtonView(pid, k + 1, artifact_id, runtime, "candidate", shown, when, created, False)
        views.append(view)
    return views[::-1]


def candidate_failure(store: Store, w: WorkloadRec, proton_id: str) -> Failure | None:
    """The failure the candidate proton ``proton_id`` of ``w`` shows now (see :mod:`.candidates`)."""
    for r, phase in phases(store, w):
        if r.candidate_proton_id == proton_id:
            return candidates.shown(r, phase.status)
    return None


def _find(store: Store, w: WorkloadRec, proton_id: str) -> ProtonView:
    for view in protons_of(store, w):
        if view.id == proton_id:
            return view
    raise StoreError(404, f"Proton {proton_id} not found")


def proton_json(store: Store, w: WorkloadRec, p: ProtonView, root: str) -> dict[str, Any]:
    """A proton as ``GET …/protons/{pid}/`` answers it: exactly the fields of ``api-live.md`` §3."""
    running = p.status == "running"
    tail = w.log.tail(store.now()) if p.active else []
    return {
        "id": p.id,
        "name": f"{w.name}-{p.ordinal}",
        "workloadId": w.id,
        "artifactId": p.artifact_id,
        "status": p.status,
        "role": p.role,
        "runtime": p.runtime,
        "endpoint": f"{root}endpoints/workloads/{w.id}/" if p.active else None,
        "runningSince": timestamp(store, p.since) if running else None,
        "statusDetails": {"logTail": tail},
        "createdAt": timestamp(store, p.created),
        "updatedAt": timestamp(store, max(p.created, p.since)),
    }


# -- the status snapshot -------------------------------------------------------------------------


def _address(seed: str, net: int) -> str:
    digest = hashlib.sha256(seed.encode()).digest()
    return f"10.{net}.{digest[0]}.{digest[1] or 1}"


def _replica_counts(runtime: dict[str, Any]) -> dict[str, int]:
    """How many replicas each group runs: its count, or its autoscaling's least (at least 1)."""
    counts = {}
    for group in runtime.get("containerGroups") or []:
        scaling = group.get("autoscaling")
        if scaling and scaling.get("enabled", True):
            counts[group.get("name", "default")] = max(1, int(scaling.get("minReplicaCount") or 1))
        else:
            counts[group.get("name", "default")] = int(group.get("replicaCount") or 1)
    return counts


def _containers_of(store: Store, artifact_id: str, group: str) -> list[tuple[str, str]]:
    artifact = store.artifacts.get(artifact_id)
    if artifact is None:
        return []
    for g in artifact.spec["containerGroups"]:
        if g.get("name", "default") == group:
            return [
                (str(c.get("name") or f"container-{i}"), str(c.get("imageUri") or ""))
                for i, c in enumerate(g["containers"])
            ]
    return []


def _container(
    name: str, image: str, status: str, *, ready: bool, restart_count: int, started: str | None
) -> dict[str, Any]:
    return {
        "name": name,
        "image": image,
        "status": status,
        "ready": ready,
        "restartCount": restart_count,
        "startedAt": started,
    }


def snapshot(store: Store, w: WorkloadRec, p: ProtonView) -> dict[str, Any] | None:
    """The replica status snapshot of a proton; None before its first status update (204)."""
    if p.status == "submitted":
        return None
    now = store.now()
    if p.active:
        failure = w.failure if store.failure_shown(w, now) is not None else None
    else:
        failure = candidate_failure(store, w, p.id)
    since = timestamp(store, p.since)
    replicas = []
    if p.status not in ("stopped", "terminated"):
        for group, count in _replica_counts(p.runtime).items():
            for index in range(count):
                name = f"{w.name}-{p.ordinal}-{group}-{index}"
                replicas.append(_replica(store, w, p, group, name, failure, now, since))
    return {
        "overallStatus": {"state": p.status, "summary": _summary(store, w, p, failure), "lastUpdated": since},
        "replicas": replicas,
    }


def _replica(
    store: Store,
    w: WorkloadRec,
    p: ProtonView,
    group: str,
    name: str,
    failure: Failure | None,
    now: float,
    since: str,
) -> dict[str, Any]:
    status = p.status
    up = status in ("running", "stopping", "draining", "warming")
    scheduled = status not in ("provisioning",)
    containers = []
    for cname, image in _containers_of(store, p.artifact_id, group):
        if failure is not None and cname == failure.container:
            if failure.kind == "image_pull_backoff":
                entry = _container(cname, image, "waiting", ready=False, restart_count=0, started=None)
            elif failure.kind == "crash_loop":
                count = restarts(failure, p.since, now)
                entry = _container(cname, image, "waiting", ready=False, restart_count=count, started=None)
            else:
                entry = _container(cname, image, "terminated", ready=False, restart_count=0, started=since)
        elif status == "errored" and failure is None:
            entry = _container(cname, image, "terminated", ready=False, restart_count=0, started=since)
        elif up or (status == "errored" and failure is not None and failure.kind == "crash_loop"):
            entry = _container(
                cname, image, "running", ready=status == "running", restart_count=0, started=since
            )
        else:
            entry = _container(cname, image, "waiting", ready=False, restart_count=0, started=None)
        containers.append(entry)
    ready = bool(containers) and all(c["ready"] for c in containers)
    met = {
        "PodScheduled": scheduled,
        "Initialized": scheduled and status != "provisioning",
        "ContainersReady": ready,
        "Ready": ready,
    }
    if (failure is not None and failure.kind == "oom_kill") or (status == "errored" and failure is None):
        phase = "failed"
    elif up or (failure is not None and failure.kind == "crash_loop"):
        phase = "running"
    else:
        phase = "pending"
    return {
        "name": name,
        "status": phase,
        "address": _address(name, 1),
        "nodeAddress": _address(name, 2),
        "startedAt": since if phase != "pending" else None,
        "conditions": [{"type": t, "met": met[t], "since": since} for t in _CONDITIONS],
        "containers": containers,
    }


def _summary(store: Store, w: WorkloadRec, p: ProtonView, failure: Failure | None) -> str:
    if failure is not None:
        return summary(failure)
    if p.status == "errored" and p.active:
        details = store.status_details(w, p.status, p.since) or {"conditions": [{}]}
        condition = details["conditions"][0]
        return f"{condition.get('reason', 'Error')}: {condition.get('message', 'the workload errored')}"
    return {
        "provisioning": "Waiting for capacity to schedule the replicas",
        "launching": "Pulling images and starting containers",
        "running": "All replicas are running and ready",
        "stopping": "Stopping the replicas",
        "stopped": "No replicas are running",
        "errored": "The replacement failed; this proton never served",
    }.get(p.status, p.status)


# -- handlers ------------------------------------------------------------------------------------


def _workload(request: web.Request) -> tuple[Store, WorkloadRec]:
    store = state_of(request).store
    return store, store.workload(user_of(request), request.match_info["id"])


async def list_protons(request: web.Request) -> web.Response:
    store, w = _workload(request)
    root = api_root(request)
    return page_of(request, protons_of(store, w), lambda p: proton_json(store, w, p, root), default_limit=10)


async def get_proton(request: web.Request) -> web.Response:
    store, w = _workload(request)
    return json_response(proton_json(store, w, _find(store, w, request.match_info["pid"]), api_root(request)))


async def proton_status(request: web.Request) -> web.Response:
    store, w = _workload(request)
    shot = snapshot(store, w, _find(store, w, request.match_info["pid"]))
    return web.Response(status=204) if shot is None else json_response(shot)


PROTON_ROUTES: list[tuple[str, str, str, Handler]] = [
    ("GET", "/workloads/{id}/protons", "workloads.protons", list_protons),
    ("GET", "/workloads/{id}/protons/{pid}", "workloads.proton", get_proton),
    ("GET", "/workloads/{id}/protons/{pid}/statusDetails", "workloads.proton_status", proton_status),
]

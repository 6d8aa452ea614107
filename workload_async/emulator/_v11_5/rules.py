"""The rules of the 11.5 generation over the shared store: creates, start/stop, promote and
events (``api-11.5.md`` §4); replacements are in :mod:`.replacements`, image builds in
:mod:`.builds`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from .._bundles import CATALOGUE, resolved_view
from .._records import ArtifactRec, EventRec, User, WorkloadRec, new_id
from .._store import Store, StoreError
from .validate import group_names, runtime_problems

__all__ = [
    "BUNDLES",
    "check_runtime",
    "create_workload",
    "events_of",
    "normalized_runtime",
    "promote",
    "record",
    "start",
    "stop",
]

#: The resource bundles a group runtime may name: the v2.41 catalogue, as 11.5 shows a bundle.
BUNDLES: dict[str, dict[str, Any]] = {b["id"]: resolved_view(b) for b in CATALOGUE}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)\s*", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4}


def _bytes(value: Any) -> int:
    if isinstance(value, int):
        return value
    match = _SIZE.fullmatch(str(value))
    if match is None:
        return 0
    unit = match.group(2).upper().rstrip("B")
    factor = 1024 ** ("KMGT".index(unit[0]) + 1) if unit.endswith("I") else _UNITS.get(unit, 1)
    return int(float(match.group(1)) * factor)


def _resolved(group: dict[str, Any]) -> dict[str, Any]:
    """The bundle a group runs on: the one it names, else the smallest that fits its allocations."""
    named = group.get("resourceBundles") or []
    if named:
        return dict(BUNDLES[named[0]])
    allocations = [c.get("resourceAllocation", {}) for c in group.get("containers", [])]
    cpu = sum(float(a.get("cpu", 0)) for a in allocations)
    memory = sum(_bytes(a.get("memory", 0)) for a in allocations)
    gpu = sum(float(a.get("gpu", 0)) for a in allocations)
    for bundle in sorted(BUNDLES.values(), key=lambda b: (b["gpuCount"], b["cpuCount"])):
        if bundle["cpuCount"] >= cpu and bundle["memoryBytes"] >= memory and bundle["gpuCount"] >= gpu:
            return dict(bundle)
    return dict(max(BUNDLES.values(), key=lambda b: (b["gpuCount"], b["cpuCount"])))  # the largest


def normalized_runtime(runtime: dict[str, Any] | None, artifact: ArtifactRec) -> dict[str, Any]:
    """The runtime as a response echoes it: a group runtime for every group, defaults filled."""
    given = {g.get("name", "default"): g for g in (runtime or {}).get("containerGroups", [])}
    groups = []
    for name in group_names(artifact.spec):
        group = {"name": name, **given.get(name, {})}
        scaling = group.get("autoscaling")
        if scaling is not None:
            group["autoscaling"] = {"enabled": scaling.get("enabled", True), **scaling}
        if not (scaling and group["autoscaling"]["enabled"]):
            group.setdefault("replicaCount", 1)
        group["bundleSelectionPolicy"] = "availability"
        group["resolvedBundle"] = _resolved(group)
        groups.append(group)
    return {"containerGroups": groups}


def check_runtime(runtime: dict[str, Any], artifact: ArtifactRec, loc: tuple[str, ...]) -> None:
    problems = runtime_problems(runtime, artifact.spec, artifact.type, loc, set(BUNDLES))
    if problems:
        raise StoreError(422, problems)


def record(store: Store, w: WorkloadRec, kind: str, actor: str | None, **details: Any) -> None:
    """Add an event to a workload's log."""
    event = EventRec(new_id(), w.id, store.now(), kind, actor, details or None)
    store.events.setdefault(w.id, []).append(event)


def create_workload(store: Store, user: User, body: dict[str, Any]) -> WorkloadRec:
    """``POST workloads/``: a named workload from an artifact id or an inline (draft) artifact."""
    if "artifactId" in body:
        artifact = store.artifact(user, body["artifactId"])
    else:
        inline = body["artifact"]
        spec = inline["spec"]
        groups = [{"name": g.get("name", "default"), **g} for g in spec["containerGroups"]]
        inline = {**inline, "spec": {"type": "service", **spec, "containerGroups": groups}}
        check_runtime(body.get("runtime") or {"containerGroups": []}, _probe(inline), ("body", "runtime"))
        artifact = store.create_artifact(user, {**inline, "status": "draft"})
    check_runtime(body.get("runtime") or {"containerGroups": []}, artifact, ("body", "runtime"))
    rec = store.create_workload(user, {"artifactId": artifact.id, "name": body["name"]}, check_draft=False)
    rec.runtime = normalized_runtime(body.get("runtime"), artifact)
    rec.description = body.get("description", "")
    rec.importance = body.get("importance", "low")
    record(store, rec, "create", user.id, name=rec.name)
    return rec


def _probe(inline: dict[str, Any]) -> ArtifactRec:
    """An unsaved artifact record of an inline artifact, to check a runtime against it first."""
    return ArtifactRec(
        id="",
        owner="",
        name=inline["name"],
        description="",
        type=inline.get("type", "service"),
        status="draft",
        spec=inline["spec"],
        created=0.0,
        updated=0.0,
    )


def start(store: Store, w: WorkloadRec, user: User) -> None:
    """``POST …/start``: 202 from ``stopped`` only; 409 otherwise."""
    status, _ = store.phase(w)
    if status != "stopped":
        raise StoreError(409, "Workload proton must be stopped before starting")
    store.begin(w, "start")
    record(store, w, "start", user.id)


def stop(store: Store, w: WorkloadRec, user: User) -> bool:
    """``POST …/stop``: always 202; True when something changed (a stopped one is a no-op)."""
    status, _ = store.phase(w)
    if status in ("stopping", "stopped"):
        return False
    store.begin(w, "stop")
    record(store, w, "stop", user.id)
    return True


def promote(store: Store, w: WorkloadRec, user: User) -> None:
    """``POST …/promote``: lock the running workload's draft artifact, in place."""
    artifact = store.artifacts.get(w.artifact_id)
    problem = None
    if artifact is None or artifact.status != "draft":
        problem = "The workload's artifact is not a draft"
    elif store.phase(w)[0] != "running":
        problem = "Nothing runs: start the workload before promoting it"
    if problem is not None or artifact is None:
        raise StoreError(422, [{"loc": ["path", "id"], "msg": problem, "type": "value_error"}])
    store.register(artifact)
    record(store, w, "promote", user.id, artifactId=artifact.id, version=artifact.version)


def events_of(store: Store, w: WorkloadRec) -> list[EventRec]:
    """The workload's events, newest first, with the error it is in now (if any) among them."""
    events = list(store.events.get(w.id, []))
    status, since = store.phase(w)
    if status == "errored":
        details = store.status_details(w, status, since) or {"conditions": [{}]}
        message = details["conditions"][0].get("message")
        event_id = hashlib.sha256(f"{w.id}@{since!r}".encode()).hexdigest()[:24]  # the same on every read
        events.append(EventRec(event_id, w.id, since, "error", None, {"message": message}))
    order = sorted(enumerate(events), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    return [event for _, event in order]  # newest first; the later of two at one time first

"""The rules of the 11.5 generation over the shared store: creates, start/stop, promote and
events (``api-11.5.md`` §4); replacements are in :mod:`.replacements`, image builds in
:mod:`.builds`.
"""

from __future__ import annotations

import re
from typing import Any

from .._bundles import CATALOGUE, resolved_view
from .._records import ArtifactRec, EventRec, User, WorkloadRec, new_id
from .._store import Store, StoreError
from .autoscaling import check_replica_cap, slim
from .validate import group_names, runtime_problems

__all__ = [
    "BUNDLES",
    "check_runtime",
    "create_workload",
    "normalized_runtime",
    "normalized_spec",
    "promote",
    "record",
    "start",
    "stop",
    "unique_name",
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
    """The runtime as a response echoes it: a group runtime for every group, defaults filled,
    autoscaling in the new shape (see :mod:`.autoscaling`), sizes in bytes; enclaves as given."""
    given = {g.get("name", "default"): g for g in (runtime or {}).get("containerGroups") or []}
    groups = []
    for name in group_names(artifact.spec):
        group = {"name": name, **given.get(name, {})}
        group.pop("resolvedBundle", None)  # read-only: the server resolves it
        scaling = group.get("autoscaling")
        if scaling is not None:
            group["autoscaling"] = slim(scaling)
        if not (scaling and group["autoscaling"]["enabled"]):
            group.setdefault("replicaCount", 1)
        if "containers" in group:
            group["containers"] = [_in_bytes(c) for c in group["containers"]]
        group["bundleSelectionPolicy"] = "availability"
        group["resolvedBundle"] = _resolved(group)
        groups.append(group)
    out: dict[str, Any] = {"containerGroups": groups}
    for key in ("enclaveSelectionPolicy", "enclaves"):
        if runtime and key in runtime:
            out[key] = runtime[key]
    return out


def _in_bytes(container: dict[str, Any]) -> dict[str, Any]:
    """A container's allocation with ``memory`` and ``gpuMemory`` in bytes, as answers give them."""
    allocation = container.get("resourceAllocation")
    if not allocation:
        return container
    sized = {k: _bytes(v) if k in ("memory", "gpuMemory") else v for k, v in allocation.items()}
    return {**container, "resourceAllocation": sized}


def check_runtime(runtime: dict[str, Any], artifact: ArtifactRec, loc: tuple[str, ...]) -> None:
    problems = runtime_problems(runtime, artifact.spec, artifact.type, loc, set(BUNDLES))
    if problems:
        raise StoreError(422, problems)
    check_replica_cap(runtime)


def record(store: Store, w: WorkloadRec, kind: str, actor: str | None, **details: Any) -> None:
    """Add an event to a workload's log."""
    event = EventRec(new_id(), w.id, store.now(), kind, actor, details or None)
    store.events.setdefault(w.id, []).append(event)


def normalized_spec(body: dict[str, Any]) -> dict[str, Any]:
    """An artifact's spec as stored: every group named (``default``), the artifact's ``type``
    injected as ``spec.type``."""
    spec = body["spec"]
    groups = [{"name": g.get("name", "default"), **g} for g in spec["containerGroups"]]
    return {**spec, "type": body.get("type", "service"), "containerGroups": groups}


def unique_name(store: Store, user: User, name: str) -> None:
    """409 when the user already has a workload of that name (``api-live.md`` §6)."""
    if any(w.name == name for w in store.owned(store.workloads, user)):
        raise StoreError(409, f"A workload named {name!r} already exists")


def create_workload(store: Store, user: User, body: dict[str, Any]) -> WorkloadRec:
    """``POST workloads/``: a named workload from an artifact id or an inline (draft) artifact.

    409 when the name is taken, or when the artifact is a draft another workload runs already."""
    unique_name(store, user, body["name"])
    runtime = body.get("runtime") or {}
    if "artifactId" in body:
        artifact = store.artifact(user, body["artifactId"])
        if artifact.status == "draft" and store.users_of(artifact):
            raise StoreError(
                409, f"Artifact {artifact.id} is a draft that backs a workload already; lock it to share it"
            )
    else:
        inline = {**body["artifact"], "spec": normalized_spec(body["artifact"])}
        check_runtime(runtime, _probe(inline), ("body", "runtime"))
        artifact = store.create_artifact(user, {**inline, "status": "draft"})
    check_runtime(runtime, artifact, ("body", "runtime"))
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


#: A start of a workload in these is a no-op (200), as the live service answers it (``api-live.md`` §6).
_UP = frozenset({"submitted", "initializing", "provisioning", "launching", "warming", "running"})


def start(store: Store, w: WorkloadRec, user: User) -> bool:
    """``POST …/start``: True when it starts (202); False, a no-op (200), when it is on its way up
    or running; 409 only while it is stopping."""
    status, _ = store.phase(w)
    if status in _UP:
        return False
    if status in ("stopping", "draining"):
        raise StoreError(409, "The proton must be stopped before attempting to start it.")
    store.begin(w, "start")
    record(store, w, "start", user.id)
    return True


def stop(store: Store, w: WorkloadRec, user: User) -> bool:
    """``POST …/stop``: True when it stops (202); False, a no-op (200), when already stopping or
    stopped."""
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

"""The rules of the 11.5 generation over the shared store: creates, start/stop, settings
replacements, promote and events (``api-11.5.md`` §4).

Like workload status, a replacement's status is never stored: it is derived from when it was asked
for and the start-up time, so a fake clock moves it too.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from .._bundles import CATALOGUE, resolved_view
from .._records import ArtifactRec, EventRec, ReplacementRec, User, WorkloadRec, new_id
from .._store import Store, StoreError
from .autoscaling import check_replica_cap, slim
from .validate import group_names, runtime_problems

__all__ = [
    "BUNDLES",
    "create_workload",
    "current_runtime",
    "events_of",
    "normalized_spec",
    "promote",
    "replace_settings",
    "replacement_status",
    "running_replacement",
    "start",
    "stop",
    "unique_name",
]

#: The resource bundles a group runtime may name: the v2.41 catalogue, as 11.5 shows a bundle.
BUNDLES: dict[str, dict[str, Any]] = {b["id"]: resolved_view(b) for b in CATALOGUE}
_SETTLED_REPLACEMENT = frozenset({"completed", "errored"})
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


def _check_runtime(runtime: dict[str, Any], artifact: ArtifactRec, loc: tuple[str, ...]) -> None:
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
        _check_runtime(runtime, _probe(inline), ("body", "runtime"))
        artifact = store.create_artifact(user, {**inline, "status": "draft"})
    _check_runtime(runtime, artifact, ("body", "runtime"))
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


def replacement_status(store: Store, r: ReplacementRec, now: float | None = None) -> tuple[str, float]:
    """A replacement's status and when it entered it: submitted 20%, initializing 40%, switching 40%."""
    now = store.now() if now is None else now
    if r.failed is not None and now >= r.failed[0]:
        return "errored", r.failed[0]
    elapsed = now - r.created
    marks = (("submitted", 0.0), ("initializing", 0.2), ("switching", 0.6), ("completed", 1.0))
    state, since = marks[0]
    for name, fraction in marks:
        if elapsed >= r.duration * fraction:
            state, since = name, fraction
    return state, r.created + r.duration * since


def running_replacement(store: Store, w: WorkloadRec) -> ReplacementRec | None:
    """The replacement still in progress, if any."""
    for r in store.replacements.get(w.id, []):
        if replacement_status(store, r)[0] not in _SETTLED_REPLACEMENT:
            return r
    return None


def _completed(store: Store, w: WorkloadRec) -> ReplacementRec | None:
    done = [r for r in store.replacements.get(w.id, []) if replacement_status(store, r)[0] == "completed"]
    return done[-1] if done else None


def current_runtime(store: Store, w: WorkloadRec) -> tuple[dict[str, Any], str]:
    """The runtime and proton the workload runs on now: those of its last completed replacement."""
    done = _completed(store, w)
    return (w.runtime, w.proton_id) if done is None else (done.runtime, done.candidate_proton_id)


def replace_settings(store: Store, w: WorkloadRec, user: User, runtime: dict[str, Any]) -> ReplacementRec:
    """``PATCH …/settings``: check the runtime against the artifact, then start a replacement."""
    artifact = store.artifacts.get(w.artifact_id)
    if artifact is None:
        raise StoreError(409, f"Workload {w.id}'s artifact is gone")
    _check_runtime(runtime, artifact, ("body", "runtime"))
    if running_replacement(store, w) is not None:
        raise StoreError(409, f"Workload {w.id} has a replacement in progress; wait for it to finish")
    now = store.now()
    rec = ReplacementRec(
        id=new_id(),
        workload_id=w.id,
        user_id=user.id,
        candidate_artifact_id=artifact.id,
        candidate_proton_id=new_id(),
        previous_proton_id=current_runtime(store, w)[1],
        runtime=normalized_runtime(runtime, artifact),
        created=now,
        duration=store.timings.startup_seconds,
    )
    store.replacements.setdefault(w.id, []).append(rec)
    record(store, w, "settings_change", user.id, replacementId=rec.id)
    return rec


def fail_replacement(store: Store, w: WorkloadRec, message: str) -> ReplacementRec:
    """Send the replacement in progress to ``errored`` now (the workload keeps its old settings)."""
    rec = running_replacement(store, w)
    if rec is None:
        raise StoreError(409, f"Workload {w.id} has no replacement in progress")
    rec.failed = (store.now(), message)
    record(store, w, "error", None, replacementId=rec.id, message=message)
    return rec


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
    """The workload's events, newest first, with the error it is in now (if any) among them, and
    a ``warning`` event for a failure it plays (see :mod:`.._failures`)."""
    events = list(store.events.get(w.id, []))
    status, since = store.phase(w)
    shown = store.failure_shown(w, store.now())
    if shown is not None and w.failure is not None:
        f, at = w.failure, shown[1]
        event_id = hashlib.sha256(f"{w.id}@{at!r}:{f.kind}".encode()).hexdigest()[:24]
        warning = {
            "type": "Warning",
            "reason": f.reason,
            "message": f.message,
            "container": f.container,
            "image": f.image,
            "protonId": current_runtime(store, w)[1],
        }
        events.append(EventRec(event_id, w.id, at, "warning", None, warning))
    if status == "errored":
        details = store.status_details(w, status, since) or {"conditions": [{}]}
        message = details["conditions"][0].get("message")
        event_id = hashlib.sha256(f"{w.id}@{since!r}".encode()).hexdigest()[:24]  # the same on every read
        events.append(EventRec(event_id, w.id, since, "error", None, {"message": message}))
    order = sorted(enumerate(events), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    return [event for _, event in order]  # newest first; the later of two at one time first

"""The 11.5 generation (``api-11.5.md``), written as a change of v2.41: its routes, features and
how the user's request models are written for it (§3).

Its route table is v2.41's without the ``console/`` and ``registry/`` prefixes and without
deployments, plus the routes only 11.5 has. The models are the same as for v2.41; only where their
values go differs:

- a container's ``resource_request`` moves into the workload's runtime, as the
  ``resourceAllocation`` of that container in its group (an unnamed container is named
  ``container-<index>`` so the runtime can point at it);
- ``WorkloadRuntime(replica_count=, autoscaling=, resources=[bundle])`` becomes the group runtime
  of the artifact's only group (or of the group ``"default"``), the bundle a ``resourceBundles`` id;
- autoscaling is written as the live service takes it (``api-live.md`` §4): the replica bounds
  beside the policies, hoisted from the policies' legacy ``min_count``/``max_count``;
- the lock word is ``locked``.

What 11.5 cannot say is a ``ValueError`` naming the field, before anything is sent.
"""

from __future__ import annotations

from typing import Any

from .._models.checks import check_allocation, check_runtime
from .._models.converter import unstructure, wire_fields
from .._models.enums import ArtifactStatus, ScalingMetricType
from .._models.inputs import Autoscaling, GroupRuntime, InputArtifact, WorkloadRuntime
from .dialect import Dialect
from .routes import route_parts
from .v2_41 import ROUTES

__all__ = ["V11_5", "artifact_body", "create_body", "settings_body"]

DEFAULT_GROUP = "default"
_V2_41_METRICS = frozenset(
    {ScalingMetricType.HTTP_REQUESTS_PER_HOUR, ScalingMetricType.HTTP_REQUESTS_IN_FLIGHT}
)


def _not_here(path: str, why: str) -> ValueError:
    return ValueError(f"{path}: not part of API 11.5; {why}")


def _group_name(artifact: InputArtifact, g: int, path: str) -> str:
    group = artifact.spec.container_groups[g]
    if group.name is None and len(artifact.spec.container_groups) > 1:
        raise ValueError(
            f"{path}.spec.container_groups[{g}].name: API 11.5 needs a name for each group when an "
            "artifact has several"
        )
    return group.name or DEFAULT_GROUP


def _artifact_wire(
    artifact: InputArtifact, path: str, *, movable: bool
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The artifact's wire form, and the container allocations taken out of it, by group name."""
    body: dict[str, Any] = unstructure(artifact)
    if artifact.status is not None:
        body["status"] = "locked" if ArtifactStatus(artifact.status).is_locked else artifact.status.value
    moved: dict[str, list[dict[str, Any]]] = {}
    for g, group in enumerate(artifact.spec.container_groups):
        name = _group_name(artifact, g, path)
        for i, c in enumerate(group.containers):
            request = c.resource_request
            if request is None:
                continue
            rpath = f"{path}.spec.container_groups[{g}].containers[{i}].resource_request"
            if not movable:
                raise _not_here(
                    rpath,
                    "11.5 sets resources per workload: pass them in the workload's runtime "
                    "(GroupRuntime(containers=[ContainerResources(...)]))",
                )
            if request.gpu_type is not None:
                raise _not_here(f"{rpath}.gpu_type", "11.5 picks GPUs by resource bundle (runtime resources)")
            wire = body["spec"]["containerGroups"][g]["containers"][i]
            del wire["resourceRequest"]
            if c.name is None:
                wire["name"] = f"container-{i}"
            allocation = wire_fields(
                cpu=request.cpu, memory=request.memory, gpu=request.gpu, gpu_memory=request.gpu_memory
            )
            moved.setdefault(name, []).append({"name": wire["name"], "resourceAllocation": allocation})
    return body, moved


def _autoscaling_wire(scaling: Autoscaling) -> dict[str, Any]:
    """Autoscaling in the shape today's 11.5 servers take and answer: the replica bounds beside
    the policies (hoisted from the policies' legacy counts when given there), each policy its
    metric and target (and priority, when set)."""
    low, high = scaling.replica_bounds
    body: dict[str, Any] = {"enabled": scaling.enabled}
    if low is not None:
        body["minReplicaCount"] = low
    if high is not None:
        body["maxReplicaCount"] = high
    body["policies"] = [
        wire_fields(scaling_metric=p.scaling_metric, target=p.target, priority=p.priority)
        for p in scaling.policies
    ]
    return body


def _with_scaling(wire: dict[str, Any], scaling: Autoscaling | None) -> dict[str, Any]:
    if scaling is not None:
        wire["autoscaling"] = _autoscaling_wire(scaling)
    return wire


def _group_wire(group: GroupRuntime, path: str) -> dict[str, Any]:
    check_runtime(WorkloadRuntime(replica_count=group.replica_count, autoscaling=group.autoscaling), path)
    for i, container in enumerate(group.containers or ()):
        if container.resource_allocation is not None:
            check_allocation(container.resource_allocation, f"{path}.containers[{i}].resource_allocation")
    _check_metrics(group, path)
    if group.resource_bundles is not None and len(group.resource_bundles) > 1:
        raise _not_here(f"{path}.resource_bundles", "11.5 takes at most one resource bundle per group")
    return _with_scaling(unstructure(group), group.autoscaling)


def _check_metrics(runtime: WorkloadRuntime | GroupRuntime, path: str) -> None:
    for i, policy in enumerate(runtime.autoscaling.policies if runtime.autoscaling else ()):
        if policy.scaling_metric in _V2_41_METRICS:
            raise _not_here(
                f"{path}.autoscaling.policies[{i}].scaling_metric {policy.scaling_metric.value!r}",
                "use cpuAverageUtilization or httpRequestsConcurrency",
            )


def _runtime_wire(
    runtime: WorkloadRuntime | None, moved: dict[str, list[dict[str, Any]]], only_group: str | None
) -> dict[str, Any] | None:
    groups: dict[str, dict[str, Any]] = {}
    if runtime is not None:
        top = GroupRuntime(
            replica_count=runtime.replica_count,
            autoscaling=runtime.autoscaling,
            resource_bundles=None
            if runtime.resources is None
            else tuple(b.resource_bundle_id for b in runtime.resources),
        )
        has_top = top != GroupRuntime()
        if has_top and runtime.container_groups is not None:
            raise ValueError(
                "runtime: set replica_count, autoscaling and resources either at the top or per group "
                "(container_groups), not both"
            )
        if has_top:
            if runtime.resources is not None and len(runtime.resources) > 1:
                raise _not_here("runtime.resources", "11.5 takes at most one resource bundle per group")
            _check_metrics(runtime, "runtime")
            name = only_group or DEFAULT_GROUP
            label = {"name": name} if name != DEFAULT_GROUP else {}
            groups[name] = _with_scaling({**label, **unstructure(top)}, top.autoscaling)
        for i, group in enumerate(runtime.container_groups or ()):
            name = group.name or DEFAULT_GROUP
            if name in groups:
                raise ValueError(f"runtime.container_groups[{i}].name: group {name!r} is set twice")
            groups[name] = _group_wire(group, f"runtime.container_groups[{i}]")
    for name, allocations in moved.items():
        group_wire = groups.setdefault(name, {"name": name} if name != DEFAULT_GROUP else {})
        containers = group_wire.setdefault("containers", [])
        named = {c["name"] for c in containers}
        for allocation in allocations:
            if allocation["name"] in named:
                raise ValueError(
                    f"runtime: container {allocation['name']!r} of group {name!r} gets resources both from "
                    "its resource_request and from the runtime; give them once"
                )
            containers.append(allocation)
    return {"containerGroups": list(groups.values())} if groups else None


def create_body(
    *,
    name: str | None,
    description: str | None,
    importance: str | None,
    artifact: InputArtifact | None,
    artifact_id: str | None,
    runtime: WorkloadRuntime | None,
) -> dict[str, Any]:
    """The body of ``POST workloads/``."""
    moved: dict[str, list[dict[str, Any]]] = {}
    artifact_wire = None
    only_group = None
    if artifact is not None:
        artifact_wire, moved = _artifact_wire(artifact, "artifact", movable=True)
        if len(artifact.spec.container_groups) == 1:
            only_group = artifact.spec.container_groups[0].name
        name = name if name is not None else artifact.name
    if name is None:
        raise ValueError("name: API 11.5 requires a name for every workload")
    body = wire_fields(name=name, description=description, importance=importance)
    if artifact_wire is not None:
        body["artifact"] = artifact_wire
    if artifact_id is not None:
        body["artifactId"] = artifact_id
    runtime_wire = _runtime_wire(runtime, moved, only_group)
    if runtime_wire is not None:
        body["runtime"] = runtime_wire
    return body


def artifact_body(artifact: InputArtifact) -> dict[str, Any]:
    """The body of ``POST artifacts/`` or ``PUT artifacts/{id}/``."""
    return _artifact_wire(artifact, "artifact", movable=False)[0]


def settings_body(runtime: WorkloadRuntime) -> dict[str, Any]:
    """The body of ``PATCH workloads/{id}/settings``."""
    return {"runtime": _runtime_wire(runtime, {}, None) or {"containerGroups": []}}


#: The routes both generations have; 11.5 drops the ``console/`` and ``registry/`` prefixes.
SHARED = {route: path for route, path in ROUTES.items() if not route.startswith("deployments.")}


def _v11_5() -> Dialect:
    table = {
        **{route: path.replace("console/", "", 1) for route, path in SHARED.items()},
        **{
            route: path.replace("registry/", "", 1)
            for route, path in SHARED.items()
            if route.startswith("artifacts.")
        },
        "workloads.update": "workloads/{}/",
        "workloads.settings": "workloads/{}/settings",
        "workloads.update_settings": "workloads/{}/settings",
        "workloads.promote": "workloads/{}/promote",
        "workloads.history": "workloads/{}/history",
        "workloads.events": "workloads/{}/events",
        "workloads.stats": "workloads/{}/stats",
        "workloads.stats_series": "workloads/{}/stats/{}",
        "workloads.fleet_stats": "workloads/stats",
        "workloads.protons": "workloads/{}/protons",
        "workloads.proton": "workloads/{}/protons/{}",
        "workloads.proton_status": "workloads/{}/protons/{}/statusDetails",
        "artifacts.clone": "artifacts/{}/clone",
        "workloads.replace": "workloads/{}/replacement/",
        "workloads.replacement": "workloads/{}/replacement/",
        "workloads.cancel_replacement": "workloads/{}/replacement/",
        "artifacts.build": "artifacts/{}/builds/",
        "artifacts.builds": "artifacts/{}/builds/",
        "artifacts.get_build": "artifacts/{}/builds/{}/",
        "artifacts.build_logs": "artifacts/{}/builds/{}/logs",
    }
    return Dialect(
        name="11.5",
        routes=route_parts(table),
        params={"sort": "orderBy"},
        lock_word="locked",
        features=frozenset(
            {
                "workload updates",
                "workload settings",
                "settings replacements",
                "promote",
                "history",
                "events",
                "workload stats",
                "artifact clones",
                "replacements",
                "image builds",
                "start conflicts unless stopped",
                "workload names required",
                "lower-case log levels",
                "workload list filters",
                "protons",
                "fleet stats",
                "artifact type filter",
            }
        ),
        create_body=create_body,
        artifact_body=artifact_body,
        settings_body=settings_body,
    )


V11_5 = _v11_5()

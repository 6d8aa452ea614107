"""The v2.41 generation (``api-v2.41.md``): its route table, and how request models are written for it.

What only API 11.5 can say (a group's name, a credential variable, a probe's ``host``, 11.5's
scaling metrics, ...) is a ``ValueError`` naming the field, before anything is sent.
"""

from __future__ import annotations

from typing import Any

from .._models.converter import unstructure, wire_fields
from .._models.enums import ScalingMetricType
from .._models.inputs import CredentialEnvironmentVariable, InputArtifact, WorkloadRuntime
from ..errors import UnsupportedFeatureError
from .dialect import FEATURE_HINTS, Dialect
from .routes import route_parts

__all__ = ["ROUTES", "V2_41", "refuse_11_5_artifact_parts", "refuse_11_5_runtime_parts"]

#: Every path of the v2.41 contract. ``{}`` marks where an id goes (see :func:`.routes.route_path`).
ROUTES: dict[str, str] = {
    "workloads.create": "console/workloads/",
    "workloads.list": "console/workloads/",
    "workloads.get": "console/workloads/{}/",
    "workloads.start": "console/workloads/{}/start",
    "workloads.stop": "console/workloads/{}/stop",
    "workloads.delete": "console/workloads/{}/",
    "artifacts.create": "registry/artifacts/",
    "artifacts.list": "registry/artifacts/",
    "artifacts.get": "registry/artifacts/{}/",
    "artifacts.replace": "registry/artifacts/{}/",
    "artifacts.update": "registry/artifacts/{}/",
    "artifacts.delete": "registry/artifacts/{}/",
    "deployments.create": "console/deployments/",
    "deployments.list": "console/deployments/",
    "deployments.get": "console/deployments/{}/",
    "deployments.update": "console/deployments/{}/",
    "deployments.delete": "console/deployments/{}/",
    "deployments.stats": "console/deployments/{}/stats/",
    "workloads.invoke": "endpoints/workloads/{}/",
    "deployments.invoke": "endpoints/deployments/{}/",
    "workloads.logs": "otel/workload/{}/logs/",
    "bundles.list": "mlops/compute/bundles/",
}


def _not_here(path: str) -> ValueError:
    return ValueError(f"{path}: not part of API v2.41 (only 11.5 has it); use Client(api_version='11.5')")


def refuse_11_5_artifact_parts(artifact: InputArtifact, path: str = "artifact") -> None:
    """Raise ``ValueError`` naming the first part of ``artifact`` only API 11.5 can say."""
    for g, group in enumerate(artifact.spec.container_groups):
        gpath = f"{path}.spec.container_groups[{g}]"
        if group.name is not None:
            raise _not_here(f"{gpath}.name")
        for i, c in enumerate(group.containers):
            cpath = f"{gpath}.containers[{i}]"
            for e, var in enumerate(c.environment_vars or ()):
                if isinstance(var, CredentialEnvironmentVariable):
                    raise _not_here(f"{cpath}.environment_vars[{e}] (a credential variable)")
            for probe_name in ("readiness_probe", "liveness_probe", "startup_probe"):
                probe = getattr(c, probe_name)
                for field in ("host", "http_headers"):
                    if probe is not None and getattr(probe, field) is not None:
                        raise _not_here(f"{cpath}.{probe_name}.{field}")
            if c.resource_request is not None and c.resource_request.gpu_memory is not None:
                raise _not_here(f"{cpath}.resource_request.gpu_memory")
            if c.image_build_config is not None:
                raise _not_here(f"{cpath}.image_build_config (an image built from source)")


_V11_5_METRICS = frozenset(
    {ScalingMetricType.GPU_CACHE_UTILIZATION, ScalingMetricType.GPU_REQUEST_QUEUE_DEPTH}
)


def refuse_11_5_runtime_parts(runtime: WorkloadRuntime, path: str = "runtime") -> None:
    """Raise ``ValueError`` naming the first part of ``runtime`` only API 11.5 can say."""
    if runtime.container_groups is not None:
        raise _not_here(f"{path}.container_groups")
    for i, policy in enumerate(runtime.autoscaling.policies if runtime.autoscaling else ()):
        if policy.scaling_metric in _V11_5_METRICS:
            raise _not_here(
                f"{path}.autoscaling.policies[{i}].scaling_metric {policy.scaling_metric.value!r}"
            )


def _v2_41_artifact(artifact: InputArtifact) -> dict[str, Any]:
    refuse_11_5_artifact_parts(artifact)
    body: dict[str, Any] = unstructure(artifact)
    if artifact.status is not None:
        body["status"] = V2_41.artifact_status(artifact.status)
    return body


def _runtime_body(runtime: WorkloadRuntime) -> dict[str, Any]:
    """A runtime as v2.41 takes it: autoscaling bounds on each policy (``minCount``/``maxCount``,
    required there), from :class:`~.._models.inputs.Autoscaling`'s bounds when it has them."""
    body: dict[str, Any] = unstructure(runtime)
    scaling = runtime.autoscaling
    if scaling is None:
        return body
    policies = []
    for i, p in enumerate(scaling.policies):
        low = scaling.min_replica_count if scaling.min_replica_count is not None else p.min_count
        high = scaling.max_replica_count if scaling.max_replica_count is not None else p.max_count
        if low is None or high is None:
            raise ValueError(
                f"runtime.autoscaling.policies[{i}]: API v2.41 needs the replica bounds on each policy: "
                "set min_replica_count and max_replica_count (or min_count and max_count)"
            )
        policies.append(
            wire_fields(
                scaling_metric=p.scaling_metric,
                target=p.target,
                min_count=low,
                max_count=high,
                priority=p.priority,
            )
        )
    body["autoscaling"] = {"enabled": scaling.enabled, "policies": policies}
    return body


def _v2_41_create(
    *,
    name: str | None,
    description: str | None,
    importance: str | None,
    artifact: InputArtifact | None,
    artifact_id: str | None,
    runtime: WorkloadRuntime | None,
) -> dict[str, Any]:
    for field, value in (("description", description), ("importance", importance)):
        if value is not None:
            raise _not_here(field)
    if runtime is not None:
        refuse_11_5_runtime_parts(runtime)
    body = wire_fields(name=name, artifact_id=artifact_id)
    if runtime is not None:
        body["runtime"] = _runtime_body(runtime)
    if artifact is not None:
        body = {**({"name": name} if name is not None else {}), "artifact": _v2_41_artifact(artifact), **body}
    return body


def _v2_41_settings(runtime: WorkloadRuntime) -> dict[str, Any]:
    raise UnsupportedFeatureError("settings replacements", "v2.41", FEATURE_HINTS["settings replacements"])


V2_41 = Dialect(
    name="v2.41",
    routes=route_parts(ROUTES),
    params={},
    lock_word="registered",
    features=frozenset({"deployments", "lock on create"}),
    create_body=_v2_41_create,
    artifact_body=_v2_41_artifact,
    settings_body=_v2_41_settings,
)

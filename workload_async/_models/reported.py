"""What the server reports back of a request: a workload's runtime and an artifact's spec.

These mirror the request models of :mod:`.inputs`, but every field is optional: a server fills
some of them itself, newer servers move or drop others (an image built from source has no
``imageUri``; a credential reference has no ``value``; a newer runtime keeps its settings per
container group), and a read must not fail for a field only a request needs. Requests stay
strict: build them with the models of :mod:`.inputs`, which are validated before sending.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from .enums import BuildStatus, ScalingMetricType
from .inputs import Capabilities, ResourceAllocation

__all__ = [
    "ContainerBuild",
    "ReportedArtifactSpec",
    "ReportedAutoscaling",
    "ReportedCodeRef",
    "ReportedContainer",
    "ReportedContainerGroup",
    "ReportedContainerResources",
    "ReportedDataRobotCodeRef",
    "ReportedDockerfile",
    "ReportedEnvironmentVariable",
    "ReportedGroupRuntime",
    "ReportedImageBuildConfig",
    "ReportedProbe",
    "ReportedResourceBundle",
    "ReportedResourceRequest",
    "ReportedRuntime",
    "ReportedScalingPolicy",
    "ReportedSeccompProfile",
    "ReportedSecurityContext",
    "ResolvedBundle",
]


@attrs.frozen
class ReportedEnvironmentVariable:
    """An environment variable as reported; ``value`` is None for a credential reference, which
    (on API 11.5) names ``dr_credential_id`` and ``key`` instead, with ``source`` ``dr-credential``."""

    name: str | None = None
    value: str | None = None
    source: str | None = None
    dr_credential_id: str | None = None
    key: str | None = None


@attrs.frozen
class ReportedResourceRequest:
    """A container's resource request as reported: CPU cores, memory bytes, GPUs."""

    cpu: float | None = None
    memory: int | None = None
    gpu: int | None = None
    gpu_type: str | None = None


@attrs.frozen
class ReportedProbe:
    """A health probe as reported."""

    path: str | None = None
    port: int | None = None
    scheme: str | None = None
    initial_delay_seconds: int | None = None
    period_seconds: int | None = None
    timeout_seconds: int | None = None
    failure_threshold: int | None = None
    host: str | None = None
    http_headers: dict[str, str] | None = None


@attrs.frozen
class ReportedSeccompProfile:
    """A container's seccomp profile as reported."""

    type: str | None = None
    localhost_profile: str | None = None


@attrs.frozen
class ReportedSecurityContext:
    """A container's security context as reported (see :class:`~workload_async.SecurityContext`)."""

    allow_privilege_escalation: bool | None = None
    read_only_root_filesystem: bool | None = None
    capabilities: Capabilities | None = None
    seccomp_profile: ReportedSeccompProfile | None = None


@attrs.frozen
class ReportedDockerfile:
    """Where a built image's Dockerfile comes from, as reported (see :class:`~workload_async.Dockerfile`)."""

    source: str | None = None
    path: str | None = None
    execution_environment_id: str | None = None
    execution_environment_version_id: str | None = None
    entrypoint: tuple[str, ...] | None = None


@attrs.frozen
class ReportedDataRobotCodeRef:
    """A catalog item and version holding a built image's code, as reported."""

    catalog_id: str | None = None
    catalog_version_id: str | None = None


@attrs.frozen
class ReportedCodeRef:
    """Where a built image's code is, as reported (see :class:`~workload_async.CodeRef`)."""

    datarobot: ReportedDataRobotCodeRef | None = None
    provider: str | None = None
    type: str | None = None


@attrs.frozen
class ReportedImageBuildConfig:
    """How a container's image is built from source, as reported (API 11.5)."""

    dockerfile: ReportedDockerfile | None = None
    code_ref: ReportedCodeRef | None = None


@attrs.frozen
class ContainerBuild:
    """The latest image build of a container built from source (API 11.5): its id (as
    ``client.artifacts.get_build`` takes it), its status and when it started."""

    artifact_image_build_id: str | None = None
    status: BuildStatus = BuildStatus.UNKNOWN
    created_at: datetime | None = None


@attrs.frozen
class ReportedContainer:
    """A container as reported; ``image_uri`` is None while the image is built from source (API
    11.5: until a build of ``image_build_config`` completes; ``build`` is the latest build)."""

    image_uri: str | None = None
    port: int | None = None
    primary: bool = False
    name: str | None = None
    description: str | None = None
    entrypoint: tuple[str, ...] | None = None
    environment_vars: tuple[ReportedEnvironmentVariable, ...] | None = None
    resource_request: ReportedResourceRequest | None = None
    readiness_probe: ReportedProbe | None = None
    liveness_probe: ReportedProbe | None = None
    startup_probe: ReportedProbe | None = None
    security_context: ReportedSecurityContext | None = None
    image_build_config: ReportedImageBuildConfig | None = None
    build: ContainerBuild | None = None


@attrs.frozen
class ReportedContainerGroup:
    """A container group as reported (``name`` on API 11.5)."""

    containers: tuple[ReportedContainer, ...] = ()
    name: str | None = None


@attrs.frozen
class ReportedArtifactSpec:
    """An artifact's spec as reported: its container groups."""

    container_groups: tuple[ReportedContainerGroup, ...] = ()


@attrs.frozen
class ReportedScalingPolicy:
    """An autoscaling rule as reported; ``min_count``/``max_count`` only from servers that keep
    the bounds per policy (today's keep them on :class:`ReportedAutoscaling`)."""

    scaling_metric: ScalingMetricType | None = None
    target: float | None = None
    min_count: int | None = None
    max_count: int | None = None
    priority: int | None = None


@attrs.frozen
class ReportedAutoscaling:
    """Autoscaling settings as reported; ``enabled`` is None when the server does not say.
    ``min_replica_count``/``max_replica_count`` are the replica bounds as today's servers
    answer them (None from a server that keeps them on the policies)."""

    enabled: bool | None = None
    policies: tuple[ReportedScalingPolicy, ...] = ()
    min_replica_count: int | None = None
    max_replica_count: int | None = None


@attrs.frozen
class ReportedResourceBundle:
    """A resource bundle entry of a runtime, as reported."""

    resource_bundle_id: str | None = None
    type: str | None = None


@attrs.frozen
class ResolvedBundle:
    """The resource bundle a group runtime runs on, as the server picked it (API 11.5)."""

    id: str | None = None
    cpu_count: float | None = None
    memory_bytes: int | None = None
    gpu_count: float | None = None
    gpu_maker: str | None = None
    gpu_type_label: str | None = None


@attrs.frozen
class ReportedContainerResources:
    """One container's resources in a group runtime, as reported (API 11.5)."""

    name: str | None = None
    resource_allocation: ResourceAllocation | None = None


@attrs.frozen
class ReportedGroupRuntime:
    """How one container group runs, as reported (API 11.5): what was asked, defaults filled, and
    the bundle the server resolved."""

    name: str | None = None
    replica_count: int | None = None
    autoscaling: ReportedAutoscaling | None = None
    resource_bundles: tuple[str, ...] | None = None
    containers: tuple[ReportedContainerResources, ...] | None = None
    bundle_selection_policy: str | None = None
    resolved_bundle: ResolvedBundle | None = None


@attrs.frozen
class ReportedRuntime:
    """A workload's runtime as the server reports it, its defaults filled in. On API 11.5 the
    settings live per group, in ``container_groups``."""

    replica_count: int | None = None
    autoscaling: ReportedAutoscaling | None = None
    resources: tuple[ReportedResourceBundle, ...] | None = None
    container_groups: tuple[ReportedGroupRuntime, ...] | None = None

"""Client-side checks of obviously wrong requests (artifacts, runtimes, workloads), run before a
request is sent; the checks of a call's plain arguments are in :mod:`.arguments`.

Each check raises ``ValueError`` naming the field by its Python path, e.g.
``artifact.spec.container_groups[0].containers[0].port: 80 is outside 1024-65535``. Only rules the
contract states are checked here; the server stays the judge of everything else.
"""

from __future__ import annotations

import math

from .activity import ReplacementConfig
from .arguments import check_id, fail
from .enums import ArtifactStatus, Importance, ScalingMetricType
from .field_types import check_field_types
from .inputs import (
    DOCKERFILE_SOURCES,
    SECCOMP_TYPES,
    Autoscaling,
    Container,
    CreateWorkload,
    ImageBuildConfig,
    InputArtifact,
    ProbeConfig,
    ResourceAllocation,
    ResourceRequest,
    SecurityContext,
    WorkloadRuntime,
)

__all__ = [
    "check_allocation",
    "check_create_workload",
    "check_input_artifact",
    "check_replacement_config",
    "check_runtime",
]

MIN_PORT, MAX_PORT = 1024, 65535


def _check_resources(r: ResourceRequest, path: str) -> None:
    if isinstance(r.cpu, bool) or not isinstance(r.cpu, int | float) or not 0 < r.cpu < math.inf:
        raise fail(f"{path}.cpu", f"must be a finite number > 0, got {r.cpu!r}")
    if isinstance(r.memory, bool) or not isinstance(r.memory, int) or r.memory <= 0:
        raise fail(f"{path}.memory", f"must be a whole number of bytes > 0 (see gib()), got {r.memory!r}")
    if r.gpu is not None and (not isinstance(r.gpu, int) or r.gpu < 0):
        raise fail(f"{path}.gpu", f"must be an integer >= 0, got {r.gpu!r}")


def _check_probe(p: ProbeConfig, path: str) -> None:
    if not p.path:
        raise fail(f"{path}.path", "must not be empty")
    if p.scheme is not None and p.scheme not in ("HTTP", "HTTPS"):
        raise fail(f"{path}.scheme", f"must be 'HTTP' or 'HTTPS', got {p.scheme!r}")
    for name in ("period_seconds", "timeout_seconds", "failure_threshold"):
        value = getattr(p, name)
        if value is not None and value < 1:
            raise fail(f"{path}.{name}", f"must be >= 1, got {value!r}")


def _check_security(s: SecurityContext, path: str) -> None:
    for name in ("allow_privilege_escalation", "read_only_root_filesystem"):
        value = getattr(s, name)
        if value is not None and not isinstance(value, bool):
            raise fail(f"{path}.{name}", f"must be True or False, got {value!r}")
    if s.capabilities is not None:
        for name in ("add", "drop"):
            for i, cap in enumerate(getattr(s.capabilities, name) or ()):
                if not isinstance(cap, str) or not cap:
                    raise fail(f"{path}.capabilities.{name}[{i}]", f"must be a capability name, got {cap!r}")
    profile = s.seccomp_profile
    if profile is not None:
        if profile.type not in SECCOMP_TYPES:
            choices = ", ".join(repr(t) for t in SECCOMP_TYPES)
            raise fail(f"{path}.seccomp_profile.type", f"must be one of {choices}, got {profile.type!r}")
        if profile.localhost_profile is not None and profile.type != "Localhost":
            raise fail(f"{path}.seccomp_profile.localhost_profile", "goes only with type 'Localhost'")


def _check_build_config(b: ImageBuildConfig, path: str) -> None:
    if not isinstance(b, ImageBuildConfig):
        raise TypeError(f"{path} must be an ImageBuildConfig, got {type(b).__name__}")
    d = b.dockerfile
    if d.source not in DOCKERFILE_SOURCES:
        choices = ", ".join(repr(s) for s in DOCKERFILE_SOURCES)
        raise fail(f"{path}.dockerfile.source", f"must be one of {choices}, got {d.source!r}")
    generated = ("execution_environment_id", "execution_environment_version_id", "entrypoint")
    for name in generated:
        value = getattr(d, name)
        if d.source == "generated" and not value:
            raise fail(f"{path}.dockerfile.{name}", "is needed for a generated Dockerfile")
        if d.source == "provided" and value is not None:
            raise fail(f"{path}.dockerfile.{name}", "goes only with source 'generated'")
    if d.source == "generated" and d.path is not None:
        raise fail(f"{path}.dockerfile.path", "goes only with source 'provided'")
    if b.code_ref is not None:
        ref = b.code_ref.datarobot
        for name in ("catalog_id", "catalog_version_id"):
            check_id(getattr(ref, name), f"{path}.code_ref.datarobot.{name}")


def _check_container(c: Container, path: str) -> None:
    if c.image_build_config is not None:
        _check_build_config(c.image_build_config, f"{path}.image_build_config")
        if not c.primary:
            raise fail(f"{path}.image_build_config", "only the primary container of a group can be built")
    elif not c.image_uri:
        raise fail(
            f"{path}.image_uri", "must not be empty (or build the image from source: image_build_config)"
        )
    if c.port is not None and not MIN_PORT <= c.port <= MAX_PORT:
        raise fail(f"{path}.port", f"{c.port} is outside {MIN_PORT}-{MAX_PORT}")
    if c.environment_vars:
        seen: set[str] = set()
        for i, var in enumerate(c.environment_vars):
            if var.name in seen:
                raise fail(f"{path}.environment_vars[{i}].name", f"{var.name!r} is set twice")
            seen.add(var.name)
    if c.resource_request is not None:
        _check_resources(c.resource_request, f"{path}.resource_request")
    for probe_name in ("readiness_probe", "liveness_probe", "startup_probe"):
        probe = getattr(c, probe_name)
        if probe is not None:
            _check_probe(probe, f"{path}.{probe_name}")
    if c.security_context is not None:
        _check_security(c.security_context, f"{path}.security_context")


def check_input_artifact(a: InputArtifact, path: str = "artifact") -> None:
    """Raise ``ValueError`` for an artifact the server is bound to reject."""
    if not isinstance(a, InputArtifact):
        raise TypeError(f"{path} must be an InputArtifact, got {type(a).__name__}")
    check_field_types(a, path)
    if not a.name or len(a.name) > 5000:
        raise fail(f"{path}.name", "must be 1-5000 characters")
    if a.status is not None and not ArtifactStatus(a.status).is_known:
        raise fail(f"{path}.status", f"must be draft, registered or locked, got {a.status.value!r}")
    groups = a.spec.container_groups
    if not groups:
        raise fail(f"{path}.spec.container_groups", "needs at least one container group")
    for g, group in enumerate(groups):
        gpath = f"{path}.spec.container_groups[{g}]"
        if not group.containers:
            raise fail(f"{gpath}.containers", "needs at least one container")
        primaries = sum(1 for c in group.containers if c.primary)
        if primaries != 1:
            raise fail(f"{gpath}.containers", f"needs exactly one primary container, found {primaries}")
        for i, container in enumerate(group.containers):
            _check_container(container, f"{gpath}.containers[{i}]")


def check_allocation(a: ResourceAllocation, path: str) -> None:
    """Raise ``ValueError`` for a number of an 11.5 resource allocation that JSON cannot carry or
    the server must refuse (NaN, an infinity, a zero or less)."""
    for name, zero_ok in (("cpu", False), ("memory", False), ("gpu", True), ("gpu_memory", True)):
        value = getattr(a, name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue  # None, or a size such as "512MB" for the server to read
        if not (value >= 0 if zero_ok else value > 0) or value == math.inf:
            bound = ">= 0" if zero_ok else "> 0"
            raise fail(f"{path}.{name}", f"must be a finite number {bound}, got {value!r}")


def check_runtime(r: WorkloadRuntime, path: str = "runtime") -> None:
    """Raise ``ValueError`` for a runtime the server is bound to reject."""
    if not isinstance(r, WorkloadRuntime):
        raise TypeError(f"{path} must be a WorkloadRuntime, got {type(r).__name__}")
    check_field_types(r, path)
    if r.replica_count is not None and r.replica_count < 1:
        raise fail(f"{path}.replica_count", f"must be >= 1, got {r.replica_count}")
    scaling = r.autoscaling
    if scaling is None:
        return
    if scaling.enabled and r.replica_count is not None:
        raise fail(f"{path}.replica_count", "cannot be set together with enabled autoscaling")
    _check_scaling(scaling, f"{path}.autoscaling")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_scaling(scaling: Autoscaling, path: str) -> None:
    for name in ("min_replica_count", "max_replica_count"):
        value = getattr(scaling, name)
        if value is not None and (not _whole(value) or value < 0):
            raise fail(f"{path}.{name}", f"must be a whole number >= 0, got {value!r}")
    scales_to_zero = ScalingMetricType.HTTP_REQUESTS_CONCURRENCY
    for i, policy in enumerate(scaling.policies):
        ppath = f"{path}.policies[{i}]"
        if not 0 <= policy.target < math.inf:
            raise fail(f"{ppath}.target", f"must be a finite number >= 0, got {policy.target}")
        floor = 0 if policy.scaling_metric == scales_to_zero else 1
        if policy.min_count is not None and policy.min_count < floor:
            raise fail(f"{ppath}.min_count", f"must be >= {floor} for {policy.scaling_metric}")
        if policy.max_count is not None and policy.max_count < max(1, policy.min_count or 0):
            raise fail(f"{ppath}.max_count", "must be >= 1 and >= min_count")
    low, high = scaling.replica_bounds
    if scaling.enabled and (low is None or high is None):
        raise fail(
            f"{path}.min_replica_count",
            "an enabled autoscaling needs its bounds: min_replica_count and max_replica_count "
            "(or min_count and max_count on its policies)",
        )
    if high is not None and high < 1:
        raise fail(f"{path}.max_replica_count", f"must be >= 1, got {high}")
    if low is not None and high is not None and low > high:
        raise fail(f"{path}.min_replica_count", f"must be <= max_replica_count ({high}), got {low}")
    if low == 0 and any(p.scaling_metric != scales_to_zero for p in scaling.policies):
        raise fail(f"{path}.min_replica_count", f"0 needs every policy to follow {scales_to_zero}")


def check_create_workload(r: CreateWorkload, path: str | None = None) -> Importance | None:
    """Raise ``ValueError`` for a workload to create that the server is bound to reject (``TypeError``
    when it is not a :class:`CreateWorkload`); return its importance as an :class:`Importance`.

    Fields are named under ``path`` (``requests[3].artifact_id``), or bare without one."""

    def at(field: str) -> str:
        return field if path is None else f"{path}.{field}"

    if not isinstance(r, CreateWorkload):
        raise TypeError(f"{path or 'request'} must be a CreateWorkload, got {type(r).__name__}")
    check_field_types(r, path or "request")
    if (r.artifact is None) == (r.artifact_id is None):
        raise fail(path or "request", "give exactly one of artifact and artifact_id")
    if r.name is not None and not isinstance(r.name, str):
        raise TypeError(f"{at('name')} must be a string, got {type(r.name).__name__}")
    if r.artifact is not None:
        check_input_artifact(r.artifact, at("artifact"))
    if r.artifact_id is not None:
        check_id(r.artifact_id, at("artifact_id"))
    if r.runtime is not None:
        check_runtime(r.runtime, at("runtime"))
    return None if r.importance is None else Importance(r.importance)


def check_replacement_config(c: ReplacementConfig, path: str = "config") -> ReplacementConfig:
    """Raise for a rollout config the server must refuse; return it with whole minutes as ints."""
    if not isinstance(c, ReplacementConfig):
        raise TypeError(f"{path} must be a ReplacementConfig, got {type(c).__name__}")
    minutes: dict[str, int] = {}
    for name in ("warmup_duration_minutes", "keep_old_version_minutes"):
        value = getattr(c, name)
        if value is None:
            continue
        whole = isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()
        if not whole or value < 0:
            raise fail(f"{path}.{name}", f"must be a whole number of minutes >= 0, got {value!r}")
        minutes[name] = int(value)
    return ReplacementConfig(**minutes)

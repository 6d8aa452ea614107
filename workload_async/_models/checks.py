"""Client-side checks of obviously wrong input, run before a request is sent.

Each check raises ``ValueError`` naming the field by its Python path, e.g.
``artifact.spec.container_groups[0].containers[0].port: 80 is outside 1024-65535``. Only rules the
contract states are checked here; the server stays the judge of everything else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from .activity import ReplacementConfig
from .enums import ArtifactStatus, Importance, ScalingMetricType, _OpenStrEnum
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
    "check_choice",
    "check_choices",
    "check_concurrency",
    "check_count",
    "check_create_workload",
    "check_deadline",
    "check_flag",
    "check_id",
    "check_ids",
    "check_input_artifact",
    "check_instance",
    "check_moment",
    "check_progress",
    "check_replacement_config",
    "check_runtime",
    "check_seconds",
    "check_strings",
    "check_text",
    "check_timeout",
    "shown",
]

T = TypeVar("T")

MIN_PORT, MAX_PORT = 1024, 65535


def _fail(path: str, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}")


def shown(value: object) -> str:
    """``value`` as a message shows it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}... ({len(text)} characters)"


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: The longest id accepted (DataRobot's are 24 or 36 characters).
MAX_ID_LENGTH = 256


def check_id(value: object, what: str) -> str:
    """An id: a non-empty string of at most :data:`MAX_ID_LENGTH` characters, without spaces or
    control characters (it becomes one segment of a URL's path)."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string id, got {type(value).__name__} {shown(value)}")
    if not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {shown(value)}")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{what} is {len(value)} characters long: an id has at most {MAX_ID_LENGTH}")
    if _CONTROL.search(value) or _BREAK.search(value) or " " in value:
        raise ValueError(f"{what} must not hold spaces or control characters, got {shown(value)}")
    return value


def check_ids(values: object, what: str = "workload_ids") -> list[str]:
    """Ids as a list without repeats, in order; a lone string is refused, never split into letters."""
    if isinstance(values, str | bytes):
        one = shown(values)
        raise TypeError(f"{what} must be a collection of ids, got the single string {one}: pass [{one}]")
    if isinstance(values, Mapping) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a collection of ids (a list), got {type(values).__name__}")
    return list(dict.fromkeys(check_id(value, f"{what}[{i}]") for i, value in enumerate(values)))


def check_strings(values: object, what: str, *, example: str = "x") -> list[str]:
    """A collection of non-empty strings; a lone string is refused, never split into letters."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{what} must be a list of strings, e.g. {what}=[{shown(values)}]; got a string")
    if isinstance(values, Mapping) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a list of strings, got {type(values).__name__}")
    out = list(values)
    for i, item in enumerate(out):
        if not isinstance(item, str):
            raise TypeError(f"{what}[{i}] must be a string, got {type(item).__name__}")
        if not item or any(not c.isprintable() for c in item):
            raise ValueError(f"{what}[{i}] must be a non-empty string without control characters")
    return out


def check_text(
    value: object,
    what: str,
    *,
    optional: bool = False,
    empty: bool = False,
    limit: int = 100_000,
    one_line: bool = False,
) -> str | None:
    """A string (None too when ``optional``): non-empty unless ``empty``, at most ``limit``
    characters, without control characters (tab and line breaks are allowed unless
    ``one_line``: a query parameter, a header, a name)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {type(value).__name__} {shown(value)}")
    if not empty and not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    if len(value) > limit:
        raise ValueError(f"{what} is {len(value)} characters long: at most {limit}")
    if _CONTROL.search(value) or (one_line and _BREAK.search(value)):
        raise ValueError(f"{what} must not hold control characters" + (" or line breaks" if one_line else ""))
    return value


#: C0 and C1 control characters, tab and line breaks aside; and those.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")


def check_seconds(value: object, what: str, *, zero: bool = False) -> float:
    """A finite number of seconds > 0 (>= 0 with ``zero``); ``TypeError``/``ValueError`` naming it."""
    if not _number(value):
        raise TypeError(f"{what} must be a number of seconds, got {type(value).__name__} {shown(value)}")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or not (number >= 0 if zero else number > 0):
        bound = ">= 0" if zero else "> 0"
        none = " (None means no limit)" if number == math.inf else ""
        raise ValueError(f"{what} must be a finite number of seconds {bound}, got {shown(value)}{none}")
    return number


def check_count(value: object, what: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number (not a bool) in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, got {type(value).__name__} {shown(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ValueError(f"{what} must be {bound}, got {value}")
    return value


def check_flag(value: object, what: str) -> bool:
    """True or False, nothing that merely looks like one."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be True or False, got {type(value).__name__} {shown(value)}")
    return value


def check_moment(value: object, what: str) -> datetime:
    """An aware datetime. A naive one is refused: it may be local time or UTC, and guessing would
    be silently wrong by hours."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__} {shown(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} must be an aware datetime (with a time zone), e.g. datetime.now(UTC) or "
            f"datetime(2026, 1, 1, tzinfo=UTC); got a naive one, which could be local time or UTC"
        )
    return value


def check_timeout(value: object, what: str = "timeout") -> float | None:
    """A call's ``timeout``: None (the client's), or a finite number of seconds > 0."""
    return None if value is None else check_seconds(value, what)


def check_deadline(value: object, what: str = "deadline") -> float | None:
    """An absolute deadline on the client's clock (:meth:`Client.deadline`): None or a finite number."""
    if value is None:
        return None
    if not _number(value):
        raise TypeError(
            f"{what} must be a time from client.deadline(seconds), got {type(value).__name__} {shown(value)}"
        )
    if not math.isfinite(float(value)):  # type: ignore[arg-type]
        raise ValueError(f"{what} must be a finite time from client.deadline(seconds), got {shown(value)}")
    return float(value)  # type: ignore[arg-type]


E = TypeVar("E", bound=StrEnum)


def check_choice(value: object, cls: type[E], what: str) -> E:
    """One of the values ``cls`` declares (in any case), as its member. The enums read what servers
    send tolerantly (an unknown value survives); what the SDK sends must be a known one."""
    choices = ", ".join(repr(m.value) for m in cls.__members__.values())
    if not isinstance(value, str):
        raise TypeError(f"{what} must be one of {choices}, got {type(value).__name__} {shown(value)}")
    member = cls(value)
    if type(member).__members__.get(member.name) is not member:
        raise ValueError(f"{what} must be one of {choices}, got {shown(value)}")
    return member


def check_progress(value: object) -> None:
    """``progress``: None or a callable (done, total, result)."""
    if value is not None and not callable(value):
        raise TypeError(f"progress must be a callable (done, total, result), got {type(value).__name__}")


def check_instance(value: object, cls: type[T], what: str, *, optional: bool = True) -> T | None:
    """``value`` when it is a ``cls`` (or None, when ``optional``); ``TypeError`` naming it otherwise."""
    if value is None and optional:
        return None
    if not isinstance(value, cls):
        raise TypeError(f"{what} must be a {cls.__name__}, got {type(value).__name__}")
    return value


def check_concurrency(concurrency: object) -> int:
    """A bulk call's ``concurrency``: an int >= 1 (``TypeError``/``ValueError`` naming it)."""
    if not isinstance(concurrency, int) or isinstance(concurrency, bool):
        raise TypeError(f"concurrency must be an int, got {type(concurrency).__name__}")
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    return concurrency


def check_choices(values: object, kind: type[_OpenStrEnum], what: str) -> list[str]:
    """One value or several of an open enum (``kind``), as the wire values, without repeats; each
    must be one the SDK knows (in any case): ``ValueError`` naming ``what`` otherwise."""
    items = [values] if isinstance(values, str) else values
    if not isinstance(items, Iterable) or isinstance(items, bytes):
        raise TypeError(f"{what} must be a string or a collection of strings, got {type(values).__name__}")
    out: list[str] = []
    for value in items:
        member = kind(value) if isinstance(value, str) else None
        if member is None or not member.is_known:
            choices = ", ".join(m.value for m in kind)
            raise ValueError(f"{what} must be one or more of {choices}; got {value!r}")
        if member.value not in out:
            out.append(member.value)
    if not out:
        raise ValueError(f"{what} must name at least one value when given")
    return out


def _check_resources(r: ResourceRequest, path: str) -> None:
    if isinstance(r.cpu, bool) or not isinstance(r.cpu, int | float) or not 0 < r.cpu < math.inf:
        raise _fail(f"{path}.cpu", f"must be a finite number > 0, got {r.cpu!r}")
    if isinstance(r.memory, bool) or not isinstance(r.memory, int) or r.memory <= 0:
        raise _fail(f"{path}.memory", f"must be a whole number of bytes > 0 (see gib()), got {r.memory!r}")
    if r.gpu is not None and (not isinstance(r.gpu, int) or r.gpu < 0):
        raise _fail(f"{path}.gpu", f"must be an integer >= 0, got {r.gpu!r}")


def _check_probe(p: ProbeConfig, path: str) -> None:
    if not p.path:
        raise _fail(f"{path}.path", "must not be empty")
    if p.scheme is not None and p.scheme not in ("HTTP", "HTTPS"):
        raise _fail(f"{path}.scheme", f"must be 'HTTP' or 'HTTPS', got {p.scheme!r}")
    for name in ("period_seconds", "timeout_seconds", "failure_threshold"):
        value = getattr(p, name)
        if value is not None and value < 1:
            raise _fail(f"{path}.{name}", f"must be >= 1, got {value!r}")


def _check_security(s: SecurityContext, path: str) -> None:
    for name in ("allow_privilege_escalation", "read_only_root_filesystem"):
        value = getattr(s, name)
        if value is not None and not isinstance(value, bool):
            raise _fail(f"{path}.{name}", f"must be True or False, got {value!r}")
    if s.capabilities is not None:
        for name in ("add", "drop"):
            for i, cap in enumerate(getattr(s.capabilities, name) or ()):
                if not isinstance(cap, str) or not cap:
                    raise _fail(f"{path}.capabilities.{name}[{i}]", f"must be a capability name, got {cap!r}")
    profile = s.seccomp_profile
    if profile is not None:
        if profile.type not in SECCOMP_TYPES:
            choices = ", ".join(repr(t) for t in SECCOMP_TYPES)
            raise _fail(f"{path}.seccomp_profile.type", f"must be one of {choices}, got {profile.type!r}")
        if profile.localhost_profile is not None and profile.type != "Localhost":
            raise _fail(f"{path}.seccomp_profile.localhost_profile", "goes only with type 'Localhost'")


def _check_build_config(b: ImageBuildConfig, path: str) -> None:
    if not isinstance(b, ImageBuildConfig):
        raise TypeError(f"{path} must be an ImageBuildConfig, got {type(b).__name__}")
    d = b.dockerfile
    if d.source not in DOCKERFILE_SOURCES:
        choices = ", ".join(repr(s) for s in DOCKERFILE_SOURCES)
        raise _fail(f"{path}.dockerfile.source", f"must be one of {choices}, got {d.source!r}")
    generated = ("execution_environment_id", "execution_environment_version_id", "entrypoint")
    for name in generated:
        value = getattr(d, name)
        if d.source == "generated" and not value:
            raise _fail(f"{path}.dockerfile.{name}", "is needed for a generated Dockerfile")
        if d.source == "provided" and value is not None:
            raise _fail(f"{path}.dockerfile.{name}", "goes only with source 'generated'")
    if d.source == "generated" and d.path is not None:
        raise _fail(f"{path}.dockerfile.path", "goes only with source 'provided'")
    if b.code_ref is not None:
        ref = b.code_ref.datarobot
        for name in ("catalog_id", "catalog_version_id"):
            check_id(getattr(ref, name), f"{path}.code_ref.datarobot.{name}")


def _check_container(c: Container, path: str) -> None:
    if c.image_build_config is not None:
        _check_build_config(c.image_build_config, f"{path}.image_build_config")
        if not c.primary:
            raise _fail(f"{path}.image_build_config", "only the primary container of a group can be built")
    elif not c.image_uri:
        raise _fail(
            f"{path}.image_uri", "must not be empty (or build the image from source: image_build_config)"
        )
    if c.port is not None and not MIN_PORT <= c.port <= MAX_PORT:
        raise _fail(f"{path}.port", f"{c.port} is outside {MIN_PORT}-{MAX_PORT}")
    if c.environment_vars:
        seen: set[str] = set()
        for i, var in enumerate(c.environment_vars):
            if var.name in seen:
                raise _fail(f"{path}.environment_vars[{i}].name", f"{var.name!r} is set twice")
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
        raise _fail(f"{path}.name", "must be 1-5000 characters")
    if a.status is not None and not ArtifactStatus(a.status).is_known:
        raise _fail(f"{path}.status", f"must be draft, registered or locked, got {a.status.value!r}")
    groups = a.spec.container_groups
    if not groups:
        raise _fail(f"{path}.spec.container_groups", "needs at least one container group")
    for g, group in enumerate(groups):
        gpath = f"{path}.spec.container_groups[{g}]"
        if not group.containers:
            raise _fail(f"{gpath}.containers", "needs at least one container")
        primaries = sum(1 for c in group.containers if c.primary)
        if primaries != 1:
            raise _fail(f"{gpath}.containers", f"needs exactly one primary container, found {primaries}")
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
            raise _fail(f"{path}.{name}", f"must be a finite number {bound}, got {value!r}")


def check_runtime(r: WorkloadRuntime, path: str = "runtime") -> None:
    """Raise ``ValueError`` for a runtime the server is bound to reject."""
    if not isinstance(r, WorkloadRuntime):
        raise TypeError(f"{path} must be a WorkloadRuntime, got {type(r).__name__}")
    check_field_types(r, path)
    if r.replica_count is not None and r.replica_count < 1:
        raise _fail(f"{path}.replica_count", f"must be >= 1, got {r.replica_count}")
    scaling = r.autoscaling
    if scaling is None:
        return
    if scaling.enabled and r.replica_count is not None:
        raise _fail(f"{path}.replica_count", "cannot be set together with enabled autoscaling")
    _check_scaling(scaling, f"{path}.autoscaling")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_scaling(scaling: Autoscaling, path: str) -> None:
    for name in ("min_replica_count", "max_replica_count"):
        value = getattr(scaling, name)
        if value is not None and (not _whole(value) or value < 0):
            raise _fail(f"{path}.{name}", f"must be a whole number >= 0, got {value!r}")
    scales_to_zero = ScalingMetricType.HTTP_REQUESTS_CONCURRENCY
    for i, policy in enumerate(scaling.policies):
        ppath = f"{path}.policies[{i}]"
        if not 0 <= policy.target < math.inf:
            raise _fail(f"{ppath}.target", f"must be a finite number >= 0, got {policy.target}")
        floor = 0 if policy.scaling_metric == scales_to_zero else 1
        if policy.min_count is not None and policy.min_count < floor:
            raise _fail(f"{ppath}.min_count", f"must be >= {floor} for {policy.scaling_metric}")
        if policy.max_count is not None and policy.max_count < max(1, policy.min_count or 0):
            raise _fail(f"{ppath}.max_count", "must be >= 1 and >= min_count")
    low, high = scaling.replica_bounds
    if scaling.enabled and (low is None or high is None):
        raise _fail(
            f"{path}.min_replica_count",
            "an enabled autoscaling needs its bounds: min_replica_count and max_replica_count "
            "(or min_count and max_count on its policies)",
        )
    if high is not None and high < 1:
        raise _fail(f"{path}.max_replica_count", f"must be >= 1, got {high}")
    if low is not None and high is not None and low > high:
        raise _fail(f"{path}.min_replica_count", f"must be <= max_replica_count ({high}), got {low}")
    if low == 0 and any(p.scaling_metric != scales_to_zero for p in scaling.policies):
        raise _fail(f"{path}.min_replica_count", f"0 needs every policy to follow {scales_to_zero}")


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
        raise _fail(path or "request", "give exactly one of artifact and artifact_id")
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
            raise _fail(f"{path}.{name}", f"must be a whole number of minutes >= 0, got {value!r}")
        minutes[name] = int(value)
    return ReplacementConfig(**minutes)

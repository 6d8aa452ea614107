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

from .enums import ScalingMetricType
from .field_types import check_field_types
from .inputs import (
    SECCOMP_TYPES,
    Container,
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
    "check_count",
    "check_deadline",
    "check_flag",
    "check_id",
    "check_ids",
    "check_input_artifact",
    "check_instance",
    "check_moment",
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


def check_instance(value: object, cls: type[T], what: str, *, optional: bool = True) -> T | None:
    """``value`` when it is a ``cls`` (or None, when ``optional``); ``TypeError`` naming it otherwise."""
    if value is None and optional:
        return None
    if not isinstance(value, cls):
        raise TypeError(f"{what} must be a {cls.__name__}, got {type(value).__name__}")
    return value


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


def _check_container(c: Container, path: str) -> None:
    if not c.image_uri:
        raise _fail(f"{path}.image_uri", "must not be empty")
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
    for i, policy in enumerate(scaling.policies):
        ppath = f"{path}.autoscaling.policies[{i}]"
        if not 0 <= policy.target < math.inf:
            raise _fail(f"{ppath}.target", f"must be a finite number >= 0, got {policy.target}")
        floor = 0 if policy.scaling_metric == ScalingMetricType.HTTP_REQUESTS_CONCURRENCY else 1
        if policy.min_count < floor:
            raise _fail(f"{ppath}.min_count", f"must be >= {floor} for {policy.scaling_metric}")
        if policy.max_count < max(1, policy.min_count):
            raise _fail(f"{ppath}.max_count", "must be >= 1 and >= min_count")

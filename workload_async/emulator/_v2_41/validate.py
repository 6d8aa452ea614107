"""Request-body validation with the real 422 shape: ``{"detail": [{"loc", "msg", "type"}]}``.

A small schema language (dicts of :class:`F`) checks types, bounds, required and unknown keys;
the cross-field rules of the contract follow in plain code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

__all__ = [
    "CREATE_DEPLOYMENT",
    "CREATE_WORKLOAD",
    "INPUT_ARTIFACT",
    "PATCH_ARTIFACT",
    "PATCH_DEPLOYMENT",
    "validate",
]

Loc = tuple[str | int, ...]
Problem = dict[str, Any]


@attrs.frozen
class F:
    """One field: ``kind`` is str, int, num, bool, obj, list, enum, strmap (string to string) or
    size (an integer of bytes or a string such as ``"512MB"``)."""

    kind: str
    required: bool = False
    schema: dict[str, F] | None = None  # obj
    item: F | None = None  # list
    choices: tuple[str, ...] = ()  # enum
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    min_len: int | None = None
    max_len: int | None = None
    #: ``null`` reads as absent (11.5 bodies, where the description allows it); v2.41 refuses nulls
    nullable: bool = False


def _problem(loc: Loc, msg: str, kind: str) -> Problem:
    return {"loc": list(loc), "msg": msg, "type": kind}


def _check(value: Any, f: F, loc: Loc, out: list[Problem]) -> None:
    if value is None:
        out.append(_problem(loc, "Input should not be null", "none_forbidden"))
        return
    kind = f.kind
    if kind in ("str", "enum"):
        if not isinstance(value, str):
            out.append(_problem(loc, "Input should be a valid string", "string_type"))
            return
        if kind == "enum" and value not in f.choices:
            options = ", ".join(repr(c) for c in f.choices)
            out.append(_problem(loc, f"Input should be {options}", "enum"))
            return
        length = len(value)
    elif kind == "bool":
        if not isinstance(value, bool):
            out.append(_problem(loc, "Input should be a valid boolean", "bool_type"))
        return
    elif kind in ("int", "num"):
        ok = isinstance(value, int) if kind == "int" else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            word = "an integer" if kind == "int" else "a number"
            out.append(_problem(loc, f"Input should be {word}", f"{kind}_type"))
            return
        if f.gt is not None and not value > f.gt:
            out.append(_problem(loc, f"Input should be greater than {f.gt:g}", "greater_than"))
        if f.ge is not None and not value >= f.ge:
            out.append(
                _problem(loc, f"Input should be greater than or equal to {f.ge:g}", "greater_than_equal")
            )
        if f.le is not None and not value <= f.le:
            out.append(_problem(loc, f"Input should be less than or equal to {f.le:g}", "less_than_equal"))
        return
    elif kind == "strmap":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            out.append(_problem(loc, "Input should be an object of strings", "dict_type"))
        return
    elif kind == "size":
        ok = isinstance(value, str) and value.strip() != ""
        ok = ok or (isinstance(value, int) and not isinstance(value, bool) and value > 0)
        if not ok:
            out.append(
                _problem(loc, "Input should be a number of bytes or a size such as '512MB'", "value_error")
            )
        return
    elif kind == "list":
        if not isinstance(value, list):
            out.append(_problem(loc, "Input should be a valid list", "list_type"))
            return
        assert f.item is not None
        for i, item in enumerate(value):
            _check(item, f.item, (*loc, i), out)
        length = len(value)
    else:  # obj
        if not isinstance(value, dict):
            out.append(_problem(loc, "Input should be a valid dictionary or object", "dict_type"))
            return
        assert f.schema is not None
        _check_object(value, f.schema, loc, out)
        return
    if f.min_len is not None and length < f.min_len:
        out.append(_problem(loc, f"Should have at least {f.min_len} item(s)", "too_short"))
    if f.max_len is not None and length > f.max_len:
        out.append(_problem(loc, f"Should have at most {f.max_len} item(s)", "too_long"))


def _check_object(value: dict[str, Any], schema: dict[str, F], loc: Loc, out: list[Problem]) -> None:
    for key in value:
        if key not in schema:
            out.append(_problem((*loc, key), "Extra inputs are not permitted", "extra_forbidden"))
    for key, f in schema.items():
        if key in value:
            _check(value[key], f, (*loc, key), out)
        elif f.required:
            out.append(_problem((*loc, key), "Field required", "missing"))


PROBE = {
    "path": F("str", required=True),
    "port": F("int", ge=1, le=65535),
    "scheme": F("enum", choices=("HTTP", "HTTPS")),
    "initialDelaySeconds": F("int", ge=0),
    "periodSeconds": F("int", ge=1),
    "timeoutSeconds": F("int", ge=1),
    "failureThreshold": F("int", ge=1),
}
SECURITY_CONTEXT = {
    "allowPrivilegeEscalation": F("bool"),
    "readOnlyRootFilesystem": F("bool"),
    "capabilities": F(
        "obj",
        schema={"add": F("list", item=F("str", min_len=1)), "drop": F("list", item=F("str", min_len=1))},
    ),
    "seccompProfile": F(
        "obj",
        schema={
            "type": F("enum", required=True, choices=("RuntimeDefault", "Unconfined", "Localhost")),
            "localhostProfile": F("str"),
        },
    ),
}
CONTAINER = {
    "name": F("str"),
    "description": F("str"),
    "imageUri": F("str", required=True, min_len=1),
    "primary": F("bool"),
    "port": F("int", ge=1024, le=65535),
    "entrypoint": F("list", item=F("str")),
    "environmentVars": F(
        "list",
        item=F("obj", schema={"name": F("str", required=True, min_len=1), "value": F("str", required=True)}),
    ),
    "resourceRequest": F(
        "obj",
        schema={
            "cpu": F("num", required=True, gt=0),
            "memory": F("int", required=True, gt=0),
            "gpu": F("int", ge=0),
            "gpuType": F("str"),
        },
    ),
    "readinessProbe": F("obj", schema=PROBE),
    "livenessProbe": F("obj", schema=PROBE),
    "startupProbe": F("obj", schema=PROBE),
    "securityContext": F("obj", schema=SECURITY_CONTEXT),
}
INPUT_ARTIFACT = {
    "name": F("str", required=True, min_len=1, max_len=5000),
    "description": F("str"),
    "type": F("str"),
    "status": F("enum", choices=("draft", "registered")),
    "spec": F(
        "obj",
        required=True,
        schema={
            "containerGroups": F(
                "list",
                required=True,
                min_len=1,
                item=F(
                    "obj",
                    schema={
                        "containers": F("list", required=True, min_len=1, item=F("obj", schema=CONTAINER))
                    },
                ),
            )
        },
    ),
}
POLICY = {
    "scalingMetric": F(
        "enum",
        required=True,
        choices=(
            "cpuAverageUtilization",
            "httpRequestsPerHour",
            "httpRequestsInFlight",
            "httpRequestsConcurrency",
        ),
    ),
    "target": F("num", required=True, ge=0),
    "minCount": F("int", required=True, ge=0),
    "maxCount": F("int", required=True, ge=1),
    "priority": F("int"),
}
RUNTIME = {
    "replicaCount": F("int", ge=1),
    "autoscaling": F(
        "obj",
        schema={"enabled": F("bool", required=True), "policies": F("list", item=F("obj", schema=POLICY))},
    ),
    "resources": F(
        "list",
        item=F(
            "obj",
            schema={
                "type": F("enum", required=True, choices=("resource_bundle",)),
                "resourceBundleId": F("str", required=True),
            },
        ),
    ),
}
CREATE_WORKLOAD = {
    "name": F("str"),
    "artifact": F("obj", schema=INPUT_ARTIFACT),
    "artifactId": F("str"),
    "runtime": F("obj", schema=RUNTIME),
}
PATCH_ARTIFACT = {
    "name": F("str", min_len=1, max_len=5000),
    "description": F("str"),
    "status": F("enum", choices=("registered",)),
}
IMPORTANCE = ("critical", "high", "moderate", "low")
CREATE_DEPLOYMENT = {
    "name": F("str", required=True, min_len=1),
    "workloadId": F("str", required=True),
    "description": F("str"),
    "importance": F("enum", choices=IMPORTANCE),
}
PATCH_DEPLOYMENT = {
    "name": F("str", min_len=1),
    "description": F("str"),
    "importance": F("enum", choices=IMPORTANCE),
}


def _artifact_rules(artifact: dict[str, Any], loc: Loc, out: list[Problem]) -> None:
    for g, group in enumerate(artifact["spec"]["containerGroups"]):
        containers = group["containers"]
        primaries = [i for i, c in enumerate(containers) if c.get("primary")]
        gloc = (*loc, "spec", "containerGroups", g, "containers")
        if len(primaries) != 1:
            out.append(
                _problem(
                    gloc, f"Exactly one container must be primary, found {len(primaries)}", "value_error"
                )
            )
        for i, c in enumerate(containers):
            seccomp = c.get("securityContext", {}).get("seccompProfile", {})
            if "localhostProfile" in seccomp and seccomp["type"] != "Localhost":
                out.append(
                    _problem(
                        (*gloc, i, "securityContext", "seccompProfile", "localhostProfile"),
                        "localhostProfile is allowed only with type Localhost",
                        "value_error",
                    )
                )
            names = [e["name"] for e in c.get("environmentVars", [])]
            if len(names) != len(set(names)):
                out.append(
                    _problem(
                        (*gloc, i, "environmentVars"),
                        "Environment variable names must be unique",
                        "value_error",
                    )
                )


def _runtime_rules(runtime: dict[str, Any], loc: Loc, out: list[Problem]) -> None:
    scaling = runtime.get("autoscaling")
    if scaling and scaling.get("enabled") and "replicaCount" in runtime:
        out.append(
            _problem(
                (*loc, "replicaCount"),
                "replicaCount cannot be set when autoscaling is enabled",
                "value_error",
            )
        )
    for i, policy in enumerate((scaling or {}).get("policies", [])):
        ploc = (*loc, "autoscaling", "policies", i)
        if policy["maxCount"] < policy["minCount"]:
            out.append(_problem((*ploc, "maxCount"), "maxCount must be >= minCount", "value_error"))
        if policy["minCount"] == 0 and policy["scalingMetric"] != "httpRequestsConcurrency":
            out.append(
                _problem(
                    (*ploc, "minCount"),
                    "minCount 0 needs scalingMetric httpRequestsConcurrency",
                    "value_error",
                )
            )


Rules = Callable[[Any, Loc, list[Problem]], None]


def validate_with(
    body: Any, schema: dict[str, F], kind: str, artifact_rules: Rules, runtime_rules: Rules | None
) -> list[Problem]:
    """Every problem of ``body`` against ``schema`` (empty when it is valid); ``kind`` adds a
    generation's cross-field rules of ``"workload"`` or ``"artifact"`` bodies."""
    out: list[Problem] = []
    _check(body, F("obj", schema=schema), ("body",), out)
    if out:
        return out
    if kind == "workload":
        if ("artifact" in body) == ("artifactId" in body):
            out.append(_problem(("body",), "Provide exactly one of artifact or artifactId", "value_error"))
        if "artifact" in body:
            artifact_rules(body["artifact"], ("body", "artifact"), out)
        if "runtime" in body and runtime_rules is not None:
            runtime_rules(body["runtime"], ("body", "runtime"), out)
    elif kind == "artifact":
        artifact_rules(body, ("body",), out)
    return out


def validate(body: Any, schema: dict[str, F], *, kind: str = "") -> list[Problem]:
    """Every problem of ``body`` against a v2.41 ``schema`` (see :func:`validate_with`)."""
    return validate_with(body, schema, kind, _artifact_rules, _runtime_rules)

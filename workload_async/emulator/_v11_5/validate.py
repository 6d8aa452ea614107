"""Request-body validation of the 11.5 generation (``api-11.5.md`` §3), with the same 422 shape.

The schemas reuse the v2.41 ones where the generations agree and differ where 11.5 does: no
``resourceRequest`` on a container, credential environment variables, probe ``host`` and
``httpHeaders``, a runtime made of group runtimes, ``name`` required on a create. They take what
the live service takes beyond the description (``api-live.md`` §4, §6): autoscaling bounds at the
top of ``autoscaling`` (the legacy per-policy counts too), ``runtime: {}``, enclaves, ``agent``
artifacts, ``api-key`` environment variables, a probe's ``successThreshold``; and ``null`` wherever
the description allows it, read as absent.
"""

from __future__ import annotations

from typing import Any

import attrs

from .._v2_41.validate import (
    CONTAINER,
    IMPORTANCE,
    PROBE,
    SECURITY_CONTEXT,
    F,
    Loc,
    Problem,
    _problem,
    validate_with,
)
from .autoscaling import scaling_problems

__all__ = [
    "CLONE_ARTIFACT",
    "CREATE_WORKLOAD",
    "INPUT_ARTIFACT",
    "PATCH_ARTIFACT",
    "PATCH_SETTINGS",
    "PATCH_WORKLOAD",
    "REPLACE",
    "SCALING_METRICS",
    "validate",
]

SCALING_METRICS = (
    "cpuAverageUtilization",
    "httpRequestsConcurrency",
    "gpuCacheUtilization",
    "gpuRequestQueueDepth",
)
ARTIFACT_TYPES = ("service", "nim", "agent")


def _null_ok(f: F) -> F:
    return attrs.evolve(f, nullable=True)


# ``null`` is absent wherever the description says ``anyOf: [..., null]`` (nullable=True).
_PROBE = {
    **PROBE,
    "host": F("str", nullable=True),
    "httpHeaders": F("strmap"),
    "successThreshold": F("int", ge=1),
}
_SECURITY_CONTEXT = {
    "allowPrivilegeEscalation": F("bool", nullable=True),
    "readOnlyRootFilesystem": F("bool", nullable=True),
    "capabilities": _null_ok(SECURITY_CONTEXT["capabilities"]),
    "seccompProfile": F(
        "obj",
        nullable=True,
        schema={
            "type": F("enum", required=True, choices=("RuntimeDefault", "Unconfined", "Localhost")),
            "localhostProfile": F("str", nullable=True),
        },
    ),
}
_ENV_VAR = {
    "source": F("enum", choices=("string", "dr-credential", "api-key")),
    "name": F("str", min_len=1),
    "value": F("str"),
    "drCredentialId": F("str", min_len=1),
    "key": F("str", min_len=1),
}
_DOCKERFILE = {
    "source": F("enum", required=True, choices=("provided", "generated")),
    "path": F("str", min_len=1),
    "executionEnvironmentId": F("str", min_len=1),
    "executionEnvironmentVersionId": F("str", min_len=1),
    "entrypoint": F("list", item=F("str")),
}
_CODE_REF = {
    "provider": F("str"),
    "type": F("str"),
    "datarobot": F(
        "obj",
        required=True,
        schema={
            "catalogId": F("str", required=True, min_len=1),
            "catalogVersionId": F("str", required=True, min_len=1),
        },
    ),
}
IMAGE_BUILD_CONFIG = {
    "dockerfile": F("obj", required=True, schema=_DOCKERFILE),
    "codeRef": F("obj", schema=_CODE_REF),
}
#: What a response shows of a container's latest build: a client may send a spec it read back.
_BUILD_SEEN = {"artifactImageBuildId": F("str"), "status": F("str"), "createdAt": F("str")}
_CONTAINER = {
    **{key: f for key, f in CONTAINER.items() if key != "resourceRequest"},
    "name": F("str", nullable=True),
    # required unless the image is built from source (see _image_rules); null until it is built
    "imageUri": F("str", min_len=1, nullable=True),
    "imageBuildConfig": F("obj", schema=IMAGE_BUILD_CONFIG),
    "build": F("obj", schema=_BUILD_SEEN, nullable=True),
    "primary": F("bool", nullable=True),
    "port": F("int", ge=1024, le=65535, nullable=True),
    "entrypoint": F("list", item=F("str"), nullable=True),
    "environmentVars": F("list", item=F("obj", schema=_ENV_VAR)),
    "readinessProbe": F("obj", schema=_PROBE, nullable=True),
    "livenessProbe": F("obj", schema=_PROBE, nullable=True),
    "startupProbe": F("obj", schema=_PROBE, nullable=True),
    "securityContext": F("obj", schema=_SECURITY_CONTEXT, nullable=True),
}
_SPEC = {
    "type": F("enum", choices=ARTIFACT_TYPES),
    "containerGroups": F(
        "list",
        required=True,
        min_len=1,
        item=F(
            "obj",
            schema={
                "name": F("str", min_len=1),
                "containers": F("list", required=True, min_len=1, item=F("obj", schema=_CONTAINER)),
            },
        ),
    ),
    # agent artifacts (api-live.md §6) and nim storage
    "templateId": F("str", nullable=True),
    "a2aEnabled": F("bool", nullable=True),
    "storage": F("obj", nullable=True, schema={"mode": F("str"), "pvcSize": F("str", nullable=True)}),
}
INPUT_ARTIFACT = {
    "name": F("str", required=True, min_len=1, max_len=5000),
    "description": F("str"),
    "type": F("enum", choices=ARTIFACT_TYPES),
    "status": F("enum", choices=("draft", "locked")),
    "artifactRepositoryId": F("str", nullable=True),
    "spec": F("obj", required=True, schema=_SPEC),
}
_POLICY = {
    "scalingMetric": F("enum", required=True, choices=SCALING_METRICS),
    "target": F("num", required=True, ge=0),
    # the legacy bounds, hoisted (see .autoscaling)
    "minCount": F("int", ge=0),
    "maxCount": F("int", ge=0),
    "priority": F("int", nullable=True),
}
_AUTOSCALING = {
    "enabled": F("bool"),
    "minReplicaCount": F("int", ge=0),
    "maxReplicaCount": F("int", ge=0),
    "policies": F("list", required=True, item=F("obj", schema=_POLICY)),
}
_ALLOCATION = {
    "cpu": F("num", gt=0, nullable=True),
    "memory": F("size", nullable=True),
    "gpu": F("num", ge=0, nullable=True),
    "gpuMemory": F("size", nullable=True),
}
_RESOLVED_BUNDLE = {  # read-only: a runtime read and sent back carries it; it is ignored
    "id": F("str"),
    "cpuCount": F("num"),
    "memoryBytes": F("int"),
    "gpuCount": F("num"),
    "gpuMaker": F("str", nullable=True),
    "gpuTypeLabel": F("str", nullable=True),
}
_GROUP_RUNTIME = {
    "name": F("str", min_len=1),
    "replicaCount": F("int", ge=1, nullable=True),
    "autoscaling": F("obj", schema=_AUTOSCALING, nullable=True),
    "resourceBundles": F("list", item=F("str", min_len=1), max_len=1),
    "bundleSelectionPolicy": F("enum", choices=("availability",)),
    "resolvedBundle": F("obj", schema=_RESOLVED_BUNDLE, nullable=True),
    "containers": F(
        "list",
        item=F(
            "obj",
            schema={
                "name": F("str", required=True, min_len=1),
                "resourceAllocation": F("obj", schema=_ALLOCATION, nullable=True),
            },
        ),
    ),
}
RUNTIME = {
    "containerGroups": F("list", item=F("obj", schema=_GROUP_RUNTIME)),
    # enclaves (api-live.md §6)
    "enclaveSelectionPolicy": F("enum", choices=("availability", "manual")),
    "enclaves": F("list", item=F("str", min_len=1), max_len=1),
}
CREATE_WORKLOAD = {
    "name": F("str", required=True, min_len=1, max_len=5000),
    "description": F("str", nullable=True),
    "importance": F("enum", choices=IMPORTANCE),
    "artifact": F("obj", schema=INPUT_ARTIFACT, nullable=True),
    "artifactId": F("str", nullable=True),
    "runtime": F("obj", schema=RUNTIME),
}
PATCH_WORKLOAD = {
    "name": F("str", min_len=1, max_len=5000, nullable=True),
    "description": F("str", nullable=True),
    "importance": F("enum", choices=IMPORTANCE, nullable=True),
}
PATCH_SETTINGS = {"runtime": F("obj", required=True, schema=RUNTIME)}
PATCH_ARTIFACT = {
    "name": F("str", min_len=1, max_len=5000, nullable=True),
    "description": F("str", nullable=True),
    "spec": F("obj", schema=_SPEC, nullable=True),
    "status": F("enum", choices=("locked",), nullable=True),
}
CLONE_ARTIFACT = {"name": F("str", required=True, min_len=1, max_len=5000)}
REPLACE = {
    "artifactId": F("str", required=True, min_len=1),
    "strategy": F("enum", required=True, choices=("rolling",)),
    "config": F(
        "obj",
        schema={"warmupDurationMinutes": F("int", ge=0), "keepOldVersionMinutes": F("int", ge=0)},
    ),
    "runtime": F("obj", schema=RUNTIME),
}


def _drop_nulls(value: Any, f: F) -> None:
    """Remove, in place, every ``null`` the schema allows (it reads as absent), so the rules and
    the store see only what was said."""
    if f.kind == "obj" and isinstance(value, dict) and f.schema is not None:
        for key in [k for k, v in value.items() if v is None and k in f.schema and f.schema[k].nullable]:
            del value[key]
        for key, item in value.items():
            if key in f.schema:
                _drop_nulls(item, f.schema[key])
    elif f.kind == "list" and isinstance(value, list) and f.item is not None:
        for item in value:
            _drop_nulls(item, f.item)


def group_names(spec: dict[str, Any]) -> list[str]:
    """The names of an artifact's container groups (``default`` when unnamed)."""
    return [g.get("name", "default") for g in spec["containerGroups"]]


def _artifact_rules(artifact: dict[str, Any], loc: Loc, out: list[Problem]) -> None:
    groups = artifact["spec"]["containerGroups"]
    names = group_names(artifact["spec"])
    if len(set(names)) != len(names):
        out.append(_problem((*loc, "spec", "containerGroups"), "Group names must be unique", "value_error"))
    for g, group in enumerate(groups):
        containers = group["containers"]
        gloc = (*loc, "spec", "containerGroups", g, "containers")
        primaries = [i for i, c in enumerate(containers) if c.get("primary")]
        if len(primaries) != 1:
            msg = f"Exactly one container must be primary, found {len(primaries)}"
            out.append(_problem(gloc, msg, "value_error"))
        for i, c in enumerate(containers):
            _image_rules(c, artifact.get("type", "service"), i in primaries, (*gloc, i), out)
            env = c.get("environmentVars", [])
            names = [name for name in map(_env_name, env) if name is not None]
            if len(set(names)) != len(names):
                msg = "Environment variable names must be unique"
                out.append(_problem((*gloc, i, "environmentVars"), msg, "value_error"))
            for e, var in enumerate(env):
                _env_rules(var, (*gloc, i, "environmentVars", e), out)


def _image_rules(c: dict[str, Any], artifact_type: str, primary: bool, loc: Loc, out: list[Problem]) -> None:
    """A container names its image or builds it from source (the primary container only)."""
    build = c.get("imageBuildConfig")
    if build is None:
        if c.get("imageUri") is None:
            out.append(_problem((*loc, "imageUri"), "Field required", "missing"))
        return
    if not primary:
        msg = "Only the primary container of a group can be built from source"
        out.append(_problem((*loc, "imageBuildConfig"), msg, "value_error"))
    if "codeRef" in build and artifact_type == "nim":
        msg = "A nim artifact takes no code reference"
        out.append(_problem((*loc, "imageBuildConfig", "codeRef"), msg, "value_error"))
    dockerfile = build["dockerfile"]
    if dockerfile["source"] == "generated":
        for key in ("executionEnvironmentId", "executionEnvironmentVersionId", "entrypoint"):
            if not dockerfile.get(key):
                msg = "Field required for a generated Dockerfile"
                out.append(_problem((*loc, "imageBuildConfig", "dockerfile", key), msg, "missing"))


def _env_name(var: dict[str, Any]) -> str | None:
    if var.get("source") == "api-key":
        return str(var.get("name", "DATAROBOT_API_TOKEN"))
    name = var.get("name")
    return name if isinstance(name, str) else None


def _env_rules(var: dict[str, Any], loc: Loc, out: list[Problem]) -> None:
    """What each ``source`` needs: a string its ``name`` and ``value``, a credential its ``name``,
    ``drCredentialId`` and ``key``; an ``api-key`` variable carries the caller's API key (its name,
    when left out, is ``DATAROBOT_API_TOKEN``) and nothing else."""
    source = var.get("source", "string")
    needs = {"string": ("name", "value"), "dr-credential": ("name", "drCredentialId", "key"), "api-key": ()}
    allowed = {"string": ("value",), "dr-credential": ("drCredentialId", "key"), "api-key": ()}
    for key in needs[source]:
        if key not in var:
            out.append(_problem((*loc, key), "Field required", "missing"))
    for key in ("value", "drCredentialId", "key"):
        if key in var and key not in allowed[source]:
            out.append(_problem((*loc, key), "Extra inputs are not permitted", "extra_forbidden"))


def runtime_problems(
    runtime: dict[str, Any], spec: dict[str, Any], artifact_type: str, loc: Loc, bundles: set[str]
) -> list[Problem]:
    """The 11.5 runtime rules that need the artifact: known groups, containers and bundles, and
    each group's replicas (see :mod:`.autoscaling`)."""
    out: list[Problem] = []
    groups = {g.get("name", "default"): g for g in spec["containerGroups"]}
    seen: set[str] = set()
    for g, group in enumerate(runtime.get("containerGroups") or []):
        gloc = (*loc, "containerGroups", g)
        name = group.get("name", "default")
        if name in seen:
            out.append(_problem((*gloc, "name"), f"Group {name!r} is set twice", "value_error"))
        seen.add(name)
        if name not in groups:
            msg = f"No container group {name!r} in the artifact (groups: {', '.join(groups)})"
            out.append(_problem((*gloc, "name"), msg, "value_error"))
            continue
        scaling_problems(group, artifact_type, gloc, out)
        for b, bundle in enumerate(group.get("resourceBundles", [])):
            if bundle not in bundles:
                msg = f"Unknown resource bundle {bundle!r}"
                out.append(_problem((*gloc, "resourceBundles", b), msg, "value_error"))
        known = {c.get("name") for c in groups[name]["containers"]}
        for c, container in enumerate(group.get("containers", [])):
            if container["name"] not in known:
                msg = f"No container {container['name']!r} in group {name!r}"
                out.append(_problem((*gloc, "containers", c, "name"), msg, "value_error"))
    return out


def validate(body: Any, schema: dict[str, F], *, kind: str = "") -> list[Problem]:
    """Every problem of ``body`` against an 11.5 ``schema``; ``kind`` ``"workload"`` or ``"artifact"``
    adds the cross-field rules (the runtime's rules that need the artifact come later). A ``null``
    the schema allows is removed from ``body`` first: it means the field is absent."""
    _drop_nulls(body, F("obj", schema=schema))
    return validate_with(body, schema, kind, _artifact_rules, None)

"""Request-body validation of the 11.5 generation (``api-11.5.md`` §3), with the same 422 shape.

The schemas reuse the v2.41 ones where the generations agree and differ where 11.5 does: no
``resourceRequest`` on a container, credential environment variables, probe ``host`` and
``httpHeaders``, a runtime made of group runtimes, ``name`` required on a create.
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
_NIM_METRICS = frozenset({"gpuCacheUtilization", "gpuRequestQueueDepth"})

_PROBE = {**PROBE, "host": F("str"), "httpHeaders": F("strmap")}
_ENV_VAR = {
    "source": F("enum", choices=("string", "dr-credential")),
    "name": F("str", required=True, min_len=1),
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
    "imageUri": F("str", min_len=1),  # required unless the image is built from source
    "imageBuildConfig": F("obj", schema=IMAGE_BUILD_CONFIG),
    "build": F("obj", schema=_BUILD_SEEN),
    "environmentVars": F("list", item=F("obj", schema=_ENV_VAR)),
    "readinessProbe": F("obj", schema=_PROBE),
    "livenessProbe": F("obj", schema=_PROBE),
    "startupProbe": F("obj", schema=_PROBE),
    "securityContext": F("obj", schema=SECURITY_CONTEXT),
}
INPUT_ARTIFACT = {
    "name": F("str", required=True, min_len=1, max_len=5000),
    "description": F("str"),
    "type": F("enum", choices=("service", "nim")),
    "status": F("enum", choices=("draft", "locked")),
    "spec": F(
        "obj",
        required=True,
        schema={
            "type": F("enum", choices=("service",)),
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
        },
    ),
}
_POLICY = {
    "scalingMetric": F("enum", required=True, choices=SCALING_METRICS),
    "target": F("num", required=True, ge=0),
    "minCount": F("int", required=True, ge=0),
    "maxCount": F("int", required=True, ge=0),
    "priority": F("int"),
}
_ALLOCATION = {"cpu": F("num", gt=0), "memory": F("size"), "gpu": F("num", ge=0), "gpuMemory": F("size")}
_GROUP_RUNTIME = {
    "name": F("str", min_len=1),
    "replicaCount": F("int", ge=1),
    "autoscaling": F(
        "obj",
        schema={"enabled": F("bool"), "policies": F("list", required=True, item=F("obj", schema=_POLICY))},
    ),
    "resourceBundles": F("list", item=F("str", min_len=1), max_len=1),
    "containers": F(
        "list",
        item=F(
            "obj",
            schema={
                "name": F("str", required=True, min_len=1),
                "resourceAllocation": F("obj", schema=_ALLOCATION),
            },
        ),
    ),
}
RUNTIME = {"containerGroups": F("list", required=True, item=F("obj", schema=_GROUP_RUNTIME))}
CREATE_WORKLOAD = {
    "name": F("str", required=True, min_len=1, max_len=5000),
    "description": F("str"),
    "importance": F("enum", choices=IMPORTANCE),
    "artifact": F("obj", schema=INPUT_ARTIFACT),
    "artifactId": F("str"),
    "runtime": F("obj", schema=RUNTIME),
}
PATCH_WORKLOAD = {
    "name": F("str", min_len=1, max_len=5000),
    "description": F("str"),
    "importance": F("enum", choices=IMPORTANCE),
}
PATCH_SETTINGS = {"runtime": F("obj", required=True, schema=RUNTIME)}
PATCH_ARTIFACT = {
    "name": F("str", min_len=1, max_len=5000),
    "description": F("str"),
    "spec": attrs.evolve(INPUT_ARTIFACT["spec"], required=False),
    "status": F("enum", choices=("locked",)),
}
CLONE_ARTIFACT = {"name": F("str", required=True, min_len=1, max_len=5000)}
REPLACE = {
    "artifactId": F("str", required=True, min_len=1),
    "strategy": F("enum", choices=("rolling",)),
    "config": F(
        "obj",
        schema={"warmupDurationMinutes": F("int", ge=0), "keepOldVersionMinutes": F("int", ge=0)},
    ),
    "runtime": F("obj", schema=RUNTIME),
}


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
            if len({e["name"] for e in env}) != len(env):
                msg = "Environment variable names must be unique"
                out.append(_problem((*gloc, i, "environmentVars"), msg, "value_error"))
            for e, var in enumerate(env):
                _env_rules(var, (*gloc, i, "environmentVars", e), out)


def _image_rules(c: dict[str, Any], artifact_type: str, primary: bool, loc: Loc, out: list[Problem]) -> None:
    """A container names its image or builds it from source (the primary container only)."""
    build = c.get("imageBuildConfig")
    if build is None:
        if "imageUri" not in c:
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


def _env_rules(var: dict[str, Any], loc: Loc, out: list[Problem]) -> None:
    if var.get("source") == "dr-credential":
        for key in ("drCredentialId", "key"):
            if key not in var:
                out.append(_problem((*loc, key), "Field required", "missing"))
        if "value" in var:
            out.append(_problem((*loc, "value"), "Extra inputs are not permitted", "extra_forbidden"))
    else:
        if "value" not in var:
            out.append(_problem((*loc, "value"), "Field required", "missing"))
        for key in ("drCredentialId", "key"):
            if key in var:
                out.append(_problem((*loc, key), "Extra inputs are not permitted", "extra_forbidden"))


def runtime_problems(
    runtime: dict[str, Any], spec: dict[str, Any], artifact_type: str, loc: Loc, bundles: set[str]
) -> list[Problem]:
    """The 11.5 runtime rules that need the artifact: known groups, containers and bundles."""
    out: list[Problem] = []
    groups = {g.get("name", "default"): g for g in spec["containerGroups"]}
    seen: set[str] = set()
    for g, group in enumerate(runtime["containerGroups"]):
        gloc = (*loc, "containerGroups", g)
        name = group.get("name", "default")
        if name in seen:
            out.append(_problem((*gloc, "name"), f"Group {name!r} is set twice", "value_error"))
        seen.add(name)
        if name not in groups:
            msg = f"No container group {name!r} in the artifact (groups: {', '.join(groups)})"
            out.append(_problem((*gloc, "name"), msg, "value_error"))
            continue
        scaling = group.get("autoscaling")
        if scaling is not None and scaling.get("enabled", True) and "replicaCount" in group:
            msg = "replicaCount cannot be set when autoscaling is enabled"
            out.append(_problem((*gloc, "replicaCount"), msg, "value_error"))
        for i, policy in enumerate((scaling or {}).get("policies", [])):
            ploc = (*gloc, "autoscaling", "policies", i)
            if policy["maxCount"] < max(1, policy["minCount"]):
                out.append(
                    _problem((*ploc, "maxCount"), "maxCount must be >= 1 and >= minCount", "value_error")
                )
            if policy["minCount"] == 0 and policy["scalingMetric"] != "httpRequestsConcurrency":
                msg = "minCount 0 needs scalingMetric httpRequestsConcurrency"
                out.append(_problem((*ploc, "minCount"), msg, "value_error"))
            if policy["scalingMetric"] in _NIM_METRICS and artifact_type != "nim":
                msg = f"{policy['scalingMetric']} needs a nim artifact"
                out.append(_problem((*ploc, "scalingMetric"), msg, "value_error"))
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
    adds the cross-field rules (the runtime's rules that need the artifact come later)."""
    return validate_with(body, schema, kind, _artifact_rules, None)

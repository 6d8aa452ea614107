"""Autoscaling as the live service takes it since 2026-07 (``api-live.md`` §4).

A group's ``autoscaling`` holds its replica bounds, ``minReplicaCount`` and ``maxReplicaCount``,
and slim policies (``scalingMetric``, ``target``). The legacy per-policy ``minCount``/``maxCount``
are still accepted and hoisted: the least ``minCount`` and the greatest ``maxCount`` become the
bounds, unless the bounds are given at the top, which wins. Answers always use the new shape.
"""

from __future__ import annotations

from typing import Any

from .._store import StoreError
from .._v2_41.validate import Loc, Problem, _problem

__all__ = ["MAX_REPLICAS", "bounds", "check_replica_cap", "scaling_problems", "slim"]

#: The organisation's cap on a group's replicas (emulator's choice: the live service's cap is
#: per organisation; asking for more is 403).
MAX_REPLICAS = 100
_NIM_METRICS = frozenset({"gpuCacheUtilization", "gpuRequestQueueDepth"})
_SCALES_TO_ZERO = "httpRequestsConcurrency"


def bounds(scaling: dict[str, Any]) -> tuple[int | None, int | None]:
    """The replica bounds of an ``autoscaling`` object: the top-level ones, else those hoisted from
    the legacy per-policy counts (None when neither says)."""
    policies = scaling.get("policies") or []
    low = scaling.get("minReplicaCount")
    high = scaling.get("maxReplicaCount")
    if low is None:
        counts = [p["minCount"] for p in policies if p.get("minCount") is not None]
        low = min(counts) if counts else None
    if high is None:
        counts = [p["maxCount"] for p in policies if p.get("maxCount") is not None]
        high = max(counts) if counts else None
    return low, high


def slim(scaling: dict[str, Any]) -> dict[str, Any]:
    """An ``autoscaling`` object as answers show it: bounds at the top, policies of metric and
    target only (the bounds are left out when nothing gave them)."""
    low, high = bounds(scaling)
    out: dict[str, Any] = {"enabled": scaling.get("enabled", True)}
    if low is not None:
        out["minReplicaCount"] = low
    if high is not None:
        out["maxReplicaCount"] = high
    out["policies"] = [
        {"scalingMetric": p["scalingMetric"], "target": p["target"]} for p in scaling.get("policies") or []
    ]
    return out


def scaling_problems(group: dict[str, Any], artifact_type: str, loc: Loc, out: list[Problem]) -> None:
    """The rules of one group's replicas: ``replicaCount`` or enabled autoscaling, not both;
    bounds present, ``max >= 1``, ``min <= max``; 0 only for a metric that scales to zero; the
    GPU metrics only for ``nim`` artifacts."""
    scaling = group.get("autoscaling")
    if scaling is None:
        return
    sloc = (*loc, "autoscaling")
    enabled = scaling.get("enabled", True)
    if enabled and group.get("replicaCount") is not None:
        msg = "replicaCount cannot be set when autoscaling is enabled"
        out.append(_problem((*loc, "replicaCount"), msg, "value_error"))
    policies = scaling.get("policies") or []
    for i, policy in enumerate(policies):
        ploc = (*sloc, "policies", i)
        low, high = policy.get("minCount"), policy.get("maxCount")
        if low is not None and high is not None and high < low:
            out.append(_problem((*ploc, "maxCount"), "maxCount must be >= minCount", "value_error"))
        if policy["scalingMetric"] in _NIM_METRICS and artifact_type != "nim":
            msg = f"{policy['scalingMetric']} needs a nim artifact"
            out.append(_problem((*ploc, "scalingMetric"), msg, "value_error"))
    if not enabled:
        return
    low, high = bounds(scaling)
    for name, value in (("minReplicaCount", low), ("maxReplicaCount", high)):
        if value is None:
            out.append(_problem((*sloc, name), "Field required", "missing"))
    if low is None or high is None:
        return
    if high < 1:
        out.append(_problem((*sloc, "maxReplicaCount"), "maxReplicaCount must be >= 1", "value_error"))
    elif low > high:
        msg = "minReplicaCount must be <= maxReplicaCount"
        out.append(_problem((*sloc, "minReplicaCount"), msg, "value_error"))
    if low == 0 and any(p["scalingMetric"] != _SCALES_TO_ZERO for p in policies):
        msg = f"minReplicaCount 0 needs every policy's scalingMetric to be {_SCALES_TO_ZERO}"
        out.append(_problem((*sloc, "minReplicaCount"), msg, "value_error"))


def check_replica_cap(runtime: dict[str, Any]) -> None:
    """403 when a group asks for more replicas than the organisation may run."""
    for group in runtime.get("containerGroups") or []:
        scaling = group.get("autoscaling")
        if scaling is not None and scaling.get("enabled", True):
            asked = bounds(scaling)[1]
        else:
            asked = group.get("replicaCount")
        if asked is not None and asked > MAX_REPLICAS:
            raise StoreError(
                403, f"Requested replicas ({asked}) exceeds the maximum allowed ({MAX_REPLICAS})."
            )

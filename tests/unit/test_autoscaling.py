"""Autoscaling in either generation's words: the bounds beside the policies (11.5 as the live
service takes it, ``api-live.md`` §4) or on each policy (v2.41), checked before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from workload_async import (
    Autoscaling,
    Container,
    InputArtifact,
    ReportedAutoscaling,
    ReportedScalingPolicy,
    ScalingMetricType,
    ScalingPolicy,
    Workload,
    WorkloadRuntime,
    from_json,
)
from workload_async._dialects.v2_41 import V2_41
from workload_async._dialects.v11_5 import V11_5
from workload_async._models.checks import check_runtime

CPU = ScalingMetricType.CPU_AVERAGE_UTILIZATION
CONCURRENCY = ScalingMetricType.HTTP_REQUESTS_CONCURRENCY
ARTIFACT = InputArtifact.single("a", Container(image_uri="registry.example.com/a:1", port=8080))


def runtime(**scaling: Any) -> WorkloadRuntime:
    return WorkloadRuntime(autoscaling=Autoscaling(enabled=scaling.pop("enabled", True), **scaling))


def body_11_5(rt: WorkloadRuntime) -> Any:
    body = V11_5.create_body(
        name="w", description=None, importance=None, artifact=ARTIFACT, artifact_id=None, runtime=rt
    )
    return body["runtime"]["containerGroups"][0]["autoscaling"]


def body_v2_41(rt: WorkloadRuntime) -> Any:
    body = V2_41.create_body(
        name="w", description=None, importance=None, artifact=ARTIFACT, artifact_id=None, runtime=rt
    )
    return body["runtime"]["autoscaling"]


def test_11_5_writes_the_bounds_beside_slim_policies() -> None:
    rt = runtime(min_replica_count=1, max_replica_count=5, policies=[ScalingPolicy(CPU, 70)])
    assert body_11_5(rt) == {
        "enabled": True,
        "minReplicaCount": 1,
        "maxReplicaCount": 5,
        "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 70}],
    }


def test_11_5_hoists_the_legacy_counts_and_the_top_wins() -> None:
    legacy = [ScalingPolicy(CPU, 70, 2, 5), ScalingPolicy(CONCURRENCY, 8, 1, 3, priority=2)]
    assert body_11_5(runtime(policies=legacy)) == {
        "enabled": True,
        "minReplicaCount": 1,
        "maxReplicaCount": 5,
        "policies": [
            {"scalingMetric": "cpuAverageUtilization", "target": 70},
            {"scalingMetric": "httpRequestsConcurrency", "target": 8, "priority": 2},
        ],
    }
    assert body_11_5(runtime(max_replica_count=9, policies=legacy))["maxReplicaCount"] == 9


def test_v2_41_puts_the_bounds_on_each_policy() -> None:
    rt = runtime(min_replica_count=1, max_replica_count=4, policies=[ScalingPolicy(CPU, 70, 2, 9)])
    assert body_v2_41(rt) == {
        "enabled": True,
        "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 70, "minCount": 1, "maxCount": 4}],
    }
    legacy = runtime(policies=[ScalingPolicy(CPU, 70, 2, 9)])
    assert body_v2_41(legacy)["policies"][0] == {
        "scalingMetric": "cpuAverageUtilization",
        "target": 70,
        "minCount": 2,
        "maxCount": 9,
    }


def test_v2_41_refuses_a_disabled_autoscaling_without_any_bounds() -> None:
    with pytest.raises(ValueError, match=r"policies\[0\]: API v2.41 needs the replica bounds"):
        body_v2_41(runtime(enabled=False, policies=[ScalingPolicy(CPU, 70)]))


@pytest.mark.parametrize(
    ("scaling", "message"),
    [
        (
            {"policies": [ScalingPolicy(CPU, 70)]},
            r"autoscaling\.min_replica_count: an enabled autoscaling needs",
        ),
        (
            {"min_replica_count": 3, "max_replica_count": 2},
            r"min_replica_count: must be <= max_replica_count",
        ),
        ({"min_replica_count": 0, "max_replica_count": 0}, r"max_replica_count: must be >= 1"),
        (
            {"min_replica_count": -1, "max_replica_count": 2},
            r"min_replica_count: must be a whole number >= 0",
        ),
        ({"min_replica_count": True, "max_replica_count": 2}, r"min_replica_count: must be a whole number"),
        (
            {"min_replica_count": 0, "max_replica_count": 2, "policies": [ScalingPolicy(CPU, 70)]},
            r"min_replica_count: 0 needs every policy to follow httpRequestsConcurrency",
        ),
    ],
    ids=["no bounds", "min above max", "max below 1", "negative", "a boolean", "cpu from zero"],
)
def test_bounds_the_server_would_refuse_are_refused_before_sending(
    scaling: dict[str, Any], message: str
) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        check_runtime(runtime(**scaling))


def test_scaling_to_zero_on_concurrency_is_fine() -> None:
    check_runtime(runtime(min_replica_count=0, max_replica_count=3, policies=[ScalingPolicy(CONCURRENCY, 5)]))


def test_the_bounds_are_read_from_either_shape() -> None:
    new = {
        "enabled": True,
        "minReplicaCount": 1,
        "maxReplicaCount": 4,
        "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 70}],
    }
    read = from_json(ReportedAutoscaling, new)
    assert (read.min_replica_count, read.max_replica_count, read.policies[0].min_count) == (1, 4, None)
    old = {
        "enabled": True,
        "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 70, "minCount": 2, "maxCount": 3}],
    }
    read = from_json(ReportedAutoscaling, old)
    assert (read.min_replica_count, read.policies[0].min_count, read.policies[0].max_count) == (None, 2, 3)
    assert from_json(Autoscaling, new).replica_bounds == (1, 4)
    assert from_json(Autoscaling, old).replica_bounds == (2, 3)
    workload = from_json(Workload, {"id": "w", "runtime": {"containerGroups": [{"autoscaling": new}]}})
    assert workload.runtime is not None and workload.runtime.container_groups is not None
    assert workload.runtime.container_groups[0].autoscaling == ReportedAutoscaling(
        enabled=True,
        policies=(ReportedScalingPolicy(scaling_metric=CPU, target=70.0),),
        min_replica_count=1,
        max_replica_count=4,
    )

"""``to_json``/``from_json``: the public way to write a model as the API's JSON and read it back."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from workload_async import (
    Artifact,
    Container,
    CreateWorkload,
    DeploymentStats,
    Importance,
    InputArtifact,
    Workload,
    WorkloadRuntime,
    WorkloadStatus,
    from_json,
    to_json,
)


def test_a_model_goes_to_camel_case_json_and_comes_back_equal() -> None:
    artifact = InputArtifact.single("echo", Container(image_uri="img:1", port=8080))
    data = to_json(artifact)
    assert data["spec"]["containerGroups"][0]["containers"][0]["imageUri"] == "img:1"
    assert from_json(InputArtifact, json.dumps(data)) == artifact
    assert from_json(InputArtifact, data) == artifact


def test_a_workload_to_create_reads_from_one_line_of_the_apis_json() -> None:
    line = '{"name": "web-1", "artifactId": "a1", "runtime": {"replicaCount": 2}, "importance": "high"}'
    request = from_json(CreateWorkload, line)
    assert request == CreateWorkload(
        name="web-1", artifact_id="a1", runtime=WorkloadRuntime(replica_count=2), importance=Importance.HIGH
    )
    assert to_json(request) == json.loads(line)


def test_timestamps_and_enums_are_written_as_the_api_writes_them() -> None:
    workload = from_json(Workload, {"id": "w1", "status": "running", "createdAt": "2026-01-02T03:04:05Z"})
    assert workload.status is WorkloadStatus.RUNNING
    assert workload.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert to_json(workload)["createdAt"] == "2026-01-02T03:04:05Z"


def test_a_field_that_does_not_fit_is_named() -> None:
    with pytest.raises(ValueError, match=r"port"):
        from_json(Container, {"imageUri": "img", "port": "not a number"})


def test_text_that_is_not_json_says_so() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        from_json(InputArtifact, "{name: echo")


def test_keep_defaults_keeps_zeros_and_false_and_leaves_out_only_none() -> None:
    stats = from_json(
        DeploymentStats,
        {"deploymentId": "d1", "metrics": {"totalRequests": 0, "serverErrors": 0, "totalErrorRate": 0.0}},
    )
    assert "metrics" not in to_json(stats)  # all zeros: the default, left out as the SDK sends it
    kept = to_json(stats, keep_defaults=True)
    assert kept["metrics"]["totalRequests"] == 0
    assert kept["metrics"]["totalErrorRate"] == 0.0
    assert "responseTime" not in kept["metrics"]  # None: the server said nothing
    assert kept["period"] == {}  # a default that is not None is kept, its None fields are not
    workload = from_json(Workload, {"id": "w1", "statusDetails": {"conditions": [], "logTail": []}})
    kept = to_json(workload, keep_defaults=True)
    assert kept["status"] == "unknown"
    assert kept["statusDetails"] == {"conditions": [], "logTail": []}
    assert from_json(Workload, kept) == workload
    artifact = from_json(
        Artifact,
        {"id": "a1", "spec": {"containerGroups": [{"containers": [{"imageUri": "i", "primary": False}]}]}},
    )
    container = to_json(artifact, keep_defaults=True)["spec"]["containerGroups"][0]["containers"][0]
    assert container["primary"] is False
    assert "primary" not in to_json(artifact)["spec"]["containerGroups"][0]["containers"][0]


def test_a_problem_is_named_by_the_jsons_own_keys() -> None:
    data = {"name": "a", "spec": {"containerGroups": [{"containers": [{"imageUri": 5, "port": 8080}]}]}}
    with pytest.raises(ValueError) as caught:
        from_json(InputArtifact, data)
    assert str(caught.value) == (
        "data does not fit InputArtifact: expected a string, got a number (5)"
        " @ InputArtifact.spec.containerGroups[0].containers[0].imageUri"
    )


def test_a_snake_case_key_is_pointed_out_when_reading_fails() -> None:
    data = {"name": "a", "spec": {"container_groups": [{"containers": [{"imageUri": "i", "primary": True}]}]}}
    with pytest.raises(ValueError) as caught:
        from_json(InputArtifact, data)
    said = str(caught.value)
    assert said.startswith(
        "data does not fit InputArtifact: required field missing @ InputArtifact.spec.containerGroups"
    )
    assert said.endswith(
        "keys are camelCase, as the API writes them: 'container_groups' would be 'containerGroups'"
    )

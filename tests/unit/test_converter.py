"""One converter: camelCase wire form both ways, tolerant reading, strict writing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workload_async import (
    Artifact,
    ArtifactStatus,
    Autoscaling,
    Container,
    Deployment,
    DeploymentStats,
    EnvironmentVariable,
    Importance,
    InputArtifact,
    Operation,
    Page,
    ProbeConfig,
    ResourceRequest,
    ScalingMetricType,
    ScalingPolicy,
    Workload,
    WorkloadRuntime,
    WorkloadStatus,
    gib,
    mib,
)
from workload_async._models.converter import DecodeProblem, structure, to_camel, unstructure

GOLDEN = Path(__file__).parent.parent / "golden"


def golden(name: str) -> Any:
    return json.loads((GOLDEN / name).read_text())


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


@pytest.mark.parametrize(
    ("file", "model"),
    [
        ("workload.json", Workload),
        ("artifact.json", Artifact),
        ("deployment.json", Deployment),
        ("deployment_stats.json", DeploymentStats),
        ("workload_page.json", Page[Workload]),
        ("operation.json", Operation),
        ("input_artifact.json", InputArtifact),
    ],
)
def test_golden_sample_round_trips_to_the_same_wire_form(file: str, model: Any) -> None:
    wire = golden(file)
    assert json.loads(json.dumps(unstructure(structure(wire, model)))) == without_nulls(wire)


def test_workload_sample_reads_into_snake_case_fields() -> None:
    wl = structure(golden("workload.json"), Workload)
    assert wl.status is WorkloadStatus.ERRORED
    assert wl.status_details is not None
    assert wl.status_details.log_tail == ("Starting server", "RuntimeError: boom")
    assert wl.status_details.conditions[0].last_transition_time == datetime(2026, 6, 10, 8, 0, 5, tzinfo=UTC)
    assert wl.artifact is not None and wl.artifact.version == 3
    assert wl.runtime is not None and wl.runtime.autoscaling is not None
    policy = wl.runtime.autoscaling.policies[0]
    assert policy.scaling_metric is ScalingMetricType.HTTP_REQUESTS_CONCURRENCY and policy.min_count == 0
    assert wl.creator is not None and wl.creator.email == "ada@example.com"
    assert wl.created_at is not None and wl.created_at.tzinfo is not None


def test_page_reads_counts_and_links() -> None:
    page = structure(golden("workload_page.json"), Page[Workload])
    assert (page.count, page.total_count) == (2, 5)
    assert page.next is not None and page.next.endswith("offset=2&limit=2")
    assert [w.status for w in page.data] == [WorkloadStatus.RUNNING, WorkloadStatus.INITIALIZING]


def test_unknown_fields_are_ignored() -> None:
    wl = structure({"id": "w1", "status": "running", "brandNewField": {"x": 1}}, Workload)
    assert wl == Workload(id="w1", status=WorkloadStatus.RUNNING)


def test_unknown_status_is_kept_and_counts_as_still_changing() -> None:
    page = structure(
        {
            "count": 2,
            "totalCount": 2,
            "data": [{"id": "a", "status": "hibernating"}, {"id": "b", "status": "running"}],
        },
        Page[Workload],
    )
    odd = page.data[0].status
    assert odd == "hibernating" and odd.value == "hibernating"
    assert not odd.is_known and not odd.is_settled and not odd.is_failure
    assert page.data[1].status.is_settled


def test_terminated_is_a_failure() -> None:
    assert WorkloadStatus("terminated").is_failure and WorkloadStatus("terminated").is_settled


def test_unknown_enum_values_survive_in_every_enum() -> None:
    dep = structure({"id": "d", "importance": "existential"}, Deployment)
    assert dep.importance == "existential" and isinstance(dep.importance, Importance)
    art = structure({"id": "a", "status": "archived"}, Artifact)
    assert art.status == "archived" and isinstance(art.status, ArtifactStatus)


def test_id_falls_back_to_workload_id() -> None:
    assert structure({"workloadId": "w9", "status": "submitted"}, Workload).id == "w9"
    assert structure({"id": "w1", "workloadId": "w9"}, Workload).id == "w1"


def test_naive_timestamps_are_taken_as_utc() -> None:
    wl = structure({"id": "w", "createdAt": "2026-06-10T08:00:00"}, Workload)
    assert wl.created_at == datetime(2026, 6, 10, 8, tzinfo=UTC)


def test_unset_optionals_are_not_sent() -> None:
    assert unstructure(WorkloadRuntime(replica_count=2)) == {"replicaCount": 2}
    assert unstructure(Container(image_uri="img")) == {"imageUri": "img"}
    assert unstructure(ProbeConfig(path="/h")) == {"path": "/h"}


def test_writing_uses_camel_case_everywhere() -> None:
    artifact = InputArtifact.single(
        "x",
        Container(
            image_uri="img",
            port=8080,
            environment_vars=[EnvironmentVariable("A", "1")],
            resource_request=ResourceRequest(cpu=1, memory=gib(2), gpu_type="NVIDIA-A10G"),
            startup_probe=ProbeConfig(path="/s", initial_delay_seconds=1),
        ),
    )
    container = unstructure(artifact)["spec"]["containerGroups"][0]["containers"][0]
    assert container == {
        "imageUri": "img",
        "port": 8080,
        "primary": True,
        "environmentVars": [{"name": "A", "value": "1"}],
        "resourceRequest": {"cpu": 1, "memory": 2147483648, "gpuType": "NVIDIA-A10G"},
        "startupProbe": {"path": "/s", "initialDelaySeconds": 1},
    }


def test_enums_are_written_as_their_values() -> None:
    runtime = WorkloadRuntime(
        autoscaling=Autoscaling(
            enabled=True,
            policies=[
                ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, target=70, min_count=1, max_count=3)
            ],
        )
    )
    assert unstructure(runtime) == {
        "autoscaling": {
            "enabled": True,
            "policies": [
                {"scalingMetric": "cpuAverageUtilization", "target": 70, "minCount": 1, "maxCount": 3}
            ],
        }
    }


def test_operation_accepted_flag_never_goes_on_the_wire() -> None:
    assert unstructure(Operation(workload_id="w", accepted=False)) == {"workloadId": "w"}


def test_decode_problems_name_each_bad_field() -> None:
    with pytest.raises(DecodeProblem) as caught:
        structure({"id": "w", "createdAt": "yesterday", "runtime": {"replicaCount": "many"}}, Workload)
    text = " | ".join(caught.value.problems)
    assert "Workload.created_at" in text
    assert "Workload.runtime.replica_count" in text


def test_a_non_object_is_a_decode_problem() -> None:
    with pytest.raises(DecodeProblem, match="expected a JSON object, got a list"):
        structure([1, 2], Page[Workload])


def test_missing_id_is_a_decode_problem() -> None:
    with pytest.raises(DecodeProblem, match=r"Workload\.id"):
        structure({"status": "running"}, Workload)


def test_to_camel() -> None:
    assert to_camel("status_details") == "statusDetails"
    assert to_camel("id") == "id"
    assert to_camel("initial_delay_seconds") == "initialDelaySeconds"


def test_memory_helpers() -> None:
    assert gib(1) == 1073741824
    assert gib(0.5) == 536870912
    assert mib(512) == 536870912


def test_the_11_5_statuses_are_known_and_still_changing() -> None:
    for value in ("provisioning", "launching", "warming", "draining", "suspended", "interrupted"):
        status = WorkloadStatus(value)
        assert status.is_known and not status.is_settled and not status.is_failure

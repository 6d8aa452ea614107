"""The bytes an 11.5 client sends, against request bodies written by hand from ``api-11.5.md`` §3
(as ``api-live.md`` amends it: autoscaling bounds beside the policies).

Each golden file holds the exact body (compact JSON, no trailing newline); the test drives the
public API with aioresponses at the socket and compares what left byte for byte.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aioresponses import aioresponses as AioResponses
from yarl import URL

from workload_async import (
    Autoscaling,
    BuildStatus,
    Client,
    CodeRef,
    Container,
    ContainerResources,
    DataRobotCodeRef,
    Dockerfile,
    FakeClock,
    GroupRuntime,
    ImageBuildConfig,
    Importance,
    InputArtifact,
    ReplacementConfig,
    ResourceAllocation,
    ResourceBundle,
    ResourceRequest,
    ScalingMetricType,
    ScalingPolicy,
    WorkloadRuntime,
    gib,
)

API = "http://api.test/api/v2"
GOLDEN = Path(__file__).parent.parent / "golden" / "v11_5"
REPLACEMENT = {"id": "r1", "workloadId": "w1", "status": "submitted"}


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(API, "t", clock=clock, api_version="11.5") as c:
        yield c


def body_sent(mock: AioResponses, method: str, url: str) -> Any:
    (call,) = mock.requests[(method, URL(url))]
    return call.kwargs["data"]


def golden(name: str) -> bytes:
    return (GOLDEN / name).read_bytes()


async def test_a_create_with_an_inline_artifact_autoscaling_a_bundle_and_container_resources(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(f"{API}/workloads/", status=201, payload={"id": "w1", "status": "submitted"})
    container = Container(
        image_uri="registry.example.com/scorer:2",
        port=8080,
        name="app",
        resource_request=ResourceRequest(cpu=1.5, memory=gib(2)),
    )
    await mock_client.workloads.create(
        name="scorer",
        description="fraud scorer",
        importance=Importance.HIGH,
        artifact=InputArtifact.single("scorer", container),
        runtime=WorkloadRuntime(
            autoscaling=Autoscaling(
                True,
                [ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, 70, 1, 4)],  # hoisted
            ),
            resources=[ResourceBundle("cpu.medium")],
        ),
    )
    assert body_sent(mock_http, "POST", f"{API}/workloads/") == golden("create_workload.json")


async def test_a_settings_change(mock_client: Client, mock_http: AioResponses) -> None:
    empty: dict[str, object] = {"count": 0, "totalCount": 0, "next": None, "previous": None, "data": []}
    mock_http.get(f"{API}/workloads/w1/history?limit=1", payload=empty)  # what it had before
    mock_http.patch(f"{API}/workloads/w1/settings", status=202, payload=REPLACEMENT)
    runtime = WorkloadRuntime(
        container_groups=[
            GroupRuntime(
                replica_count=3,
                containers=[ContainerResources("app", ResourceAllocation(cpu=2, memory="4GB"))],
            )
        ]
    )
    replacement = await mock_client.workloads.update_settings("w1", runtime)
    assert replacement.id == "r1"
    assert body_sent(mock_http, "PATCH", f"{API}/workloads/w1/settings") == golden("update_settings.json")


async def test_a_lock(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.patch(f"{API}/artifacts/a1/", payload={"id": "a1", "status": "locked", "version": 1})
    locked = await mock_client.artifacts.register("a1")
    assert locked.is_locked
    assert body_sent(mock_http, "PATCH", f"{API}/artifacts/a1/") == golden("lock_artifact.json")


async def test_a_replacement(mock_client: Client, mock_http: AioResponses) -> None:
    empty: dict[str, object] = {"count": 0, "totalCount": 0, "next": None, "previous": None, "data": []}
    mock_http.get(f"{API}/workloads/w1/history?limit=1", payload=empty)
    mock_http.post(f"{API}/workloads/w1/replacement/", status=202, payload=REPLACEMENT)
    config = ReplacementConfig(warmup_duration_minutes=5.0, keep_old_version_minutes=0)
    await mock_client.workloads.replace("w1", "a2", runtime=WorkloadRuntime(replica_count=2), config=config)
    assert body_sent(mock_http, "POST", f"{API}/workloads/w1/replacement/") == golden("replace.json")


async def test_an_artifact_built_from_source(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.post(f"{API}/artifacts/", status=201, payload={"id": "a1", "status": "draft"})
    build = ImageBuildConfig(
        dockerfile=Dockerfile.generated("e1", "v1", ["python", "app.py"]),
        code_ref=CodeRef(DataRobotCodeRef(catalog_id="c1", catalog_version_id="c2")),
    )
    container = Container(port=8080, image_build_config=build)
    await mock_client.artifacts.create(InputArtifact.single("agent", container))
    assert body_sent(mock_http, "POST", f"{API}/artifacts/") == golden("artifact_built_from_source.json")


async def test_a_build_is_started_with_an_empty_object(mock_client: Client, mock_http: AioResponses) -> None:
    empty: dict[str, object] = {"count": 0, "totalCount": 0, "next": None, "previous": None, "data": []}
    page = {
        **empty,
        "count": 1,
        "totalCount": 1,
        "data": [{"id": "b1", "artifactId": "a1", "status": "PENDING"}],
    }
    mock_http.get(f"{API}/artifacts/a1/builds/?limit=1", payload=empty)
    mock_http.post(f"{API}/artifacts/a1/builds/", status=202, payload={"buildIds": ["b1"]})
    mock_http.get(f"{API}/artifacts/a1/builds/?limit=100", payload=page)
    (build,) = await mock_client.artifacts.build("a1")
    assert (build.id, build.status) == ("b1", BuildStatus.PENDING)
    assert body_sent(mock_http, "POST", f"{API}/artifacts/a1/builds/") == b"{}"


async def test_build_log_lines_are_read_as_json_where_they_are_and_kept_where_they_are_not(
    mock_client: Client, mock_http: AioResponses
) -> None:
    body = (
        '{"asctime": "2026-08-21 10:00:00,001", "levelname": "info", "name": "ibs", "message": "start",'
        ' "build_id": "b1"}\n'
        "#7 ERROR: failed to solve: exit code 2\n"
        "\n"
        '["not", "an", "object"]\n'
        '{"levelname": 5}\n'
    )
    mock_http.get(f"{API}/artifacts/a1/builds/b1/logs", body=body, content_type="text/plain")
    lines = await mock_client.artifacts.build_logs("a1", "b1")
    assert [line.message for line in lines] == [
        "start",
        "#7 ERROR: failed to solve: exit code 2",
        '["not", "an", "object"]',
        '{"levelname": 5}',
    ]
    assert (lines[0].timestamp, lines[0].level, lines[0].logger, lines[0].build_id) == (
        "2026-08-21 10:00:00,001",
        "info",
        "ibs",
        "b1",
    )
    assert str(lines[0]) == "[2026-08-21 10:00:00,001] INFO: start"
    assert str(lines[1]) == "#7 ERROR: failed to solve: exit code 2"  # a plain line is kept whole

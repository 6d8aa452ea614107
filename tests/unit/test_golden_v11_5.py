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
    Client,
    Container,
    ContainerResources,
    FakeClock,
    GroupRuntime,
    Importance,
    InputArtifact,
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

"""What the SDK reads of the live 11.5 service, end to end: list filters, paged history and events,
traffic figures (a workload's, a metric's series, the fleet's) and protons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import unique_name
from workload_async import (
    Client,
    Container,
    FakeClock,
    Importance,
    InputArtifact,
    NotFoundError,
    ProtonRole,
    UnsupportedFeatureError,
    WorkloadRuntime,
    WorkloadStatus,
)
from workload_async.emulator import Emulator


def app(image: str = "registry.example.com/app:1") -> InputArtifact:
    return InputArtifact.single(unique_name("app"), Container(image_uri=image, port=8080, name="app"))


async def running(client: Client, **create: Any) -> str:
    workload = await client.workloads.create(name=unique_name(), artifact=app(), **create)
    await client.workloads.wait(workload.id)
    return workload.id


# -- list filters -------------------------------------------------------------------------------


@pytest.mark.v11_5_only
async def test_workloads_are_filtered_by_status_importance_and_artifact(
    client: Client, clock: FakeClock
) -> None:
    up = await running(client, importance="high")
    starting = (await client.workloads.create(name=unique_name(), artifact=app())).id
    listing = client.workloads.list
    assert [w.id for w in await listing(status="running").collect()] == [up]
    assert [w.id for w in await listing(status=[WorkloadStatus.SUBMITTED, "Running"]).collect()] == [
        starting,
        up,
    ]
    assert [w.id for w in await listing(importance=Importance.HIGH).collect()] == [up]
    artifact_id = (await client.workloads.get(up)).artifact_id
    assert artifact_id is not None
    assert [w.id for w in await listing(artifact_id=artifact_id).collect()] == [up]


async def test_unknown_filter_values_are_refused_before_sending(client: Client, emu: Emulator) -> None:
    emu.reset_counters()
    with pytest.raises(ValueError, match="status must be one or more of unknown, submitted"):
        client.workloads.list(status="asleep")
    with pytest.raises(ValueError, match="importance must be one or more of"):
        client.workloads.list(importance=["high", "urgent"])
    with pytest.raises(TypeError, match="status must be a string or a collection of strings"):
        client.workloads.list(status=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="artifact_id must be a non-empty string"):
        client.workloads.list(artifact_id="")
    with pytest.raises(ValueError, match="type must be a non-empty string"):
        client.artifacts.list(type="")
    assert emu.counts.total() == 0


@pytest.mark.v2_41_only
async def test_a_v2_41_client_says_the_filters_are_not_there(client: Client, emu: Emulator) -> None:
    with pytest.raises(UnsupportedFeatureError, match=r"workload list filters is not part of API v2\.41"):
        client.workloads.list(status="running")
    with pytest.raises(UnsupportedFeatureError, match="artifact type filter"):
        client.artifacts.list(type="service")
    async with Client(emu.url, emu.token, api_version="auto") as auto:  # known only once it asked
        pager = auto.workloads.list(importance="high")
        with pytest.raises(UnsupportedFeatureError):
            await pager.collect()


@pytest.mark.v11_5_only
async def test_artifacts_are_filtered_by_type(client: Client) -> None:
    service = await client.artifacts.create(app())
    assert [a.id for a in await client.artifacts.list(type="service").collect()] == [service.id]
    assert await client.artifacts.list(type="nim").collect() == []


@pytest.mark.v11_5_only
async def test_history_and_events_resume_at_an_offset(client: Client, clock: FakeClock) -> None:
    workload_id = await running(client)
    for count in (2, 3):
        await client.workloads.update_settings(workload_id, WorkloadRuntime(replica_count=count), wait=True)
    history = await client.workloads.history(workload_id).collect()
    assert len(history) == 2
    assert [r.id for r in await client.workloads.history(workload_id, offset=1).collect()] == [history[1].id]
    events = await client.workloads.events(workload_id).collect()
    assert [e.id for e in await client.workloads.events(workload_id, offset=2, page_size=1).collect()] == [
        e.id for e in events[2:]
    ]
    with pytest.raises(ValueError, match="offset must be >= 0"):
        client.workloads.events(workload_id, offset=-1)


# -- traffic figures ----------------------------------------------------------------------------


@pytest.mark.v11_5_only
async def test_a_workloads_figures_with_the_live_queries(client: Client, emu: Emulator) -> None:
    workload = await client.workloads.get(await running(client))
    for _ in range(4):
        await client.workloads.invoke(workload.id, "/")
    stats = await client.workloads.stats(
        workload.id, proton_id=workload.proton_id, response_time_quantile=0.95, slow_requests_threshold=0
    )
    assert (stats.metrics.total_requests, stats.metrics.slow_requests) == (4, 4)
    with pytest.raises(NotFoundError):
        await client.workloads.stats(workload.id, proton_id="f" * 24)


@pytest.mark.v11_5_only
async def test_a_metric_series_and_the_fleets_figures(client: Client, clock: FakeClock) -> None:
    workload_id = await running(client, importance="critical")
    await running(client)
    await client.workloads.invoke(workload_id, "/")
    clock.advance(120)
    await client.workloads.invoke(workload_id, "/")
    series = await client.workloads.stats_series(workload_id, "totalRequests", resolution="PT1M")
    assert series.metric == "totalRequests"
    assert sum(bucket["value"] for bucket in series.buckets) == 2 and len(series.buckets) >= 3
    fleet = await client.workloads.fleet_stats()
    assert (fleet.workloads.total, fleet.workloads.active, fleet.requests.total) == (2, 2, 2)
    critical = await client.workloads.fleet_stats(importance="critical")
    assert critical.workloads.total == 1


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda wl: wl.stats("w", response_time_quantile=1.5), ValueError, "between 0 and 1"),
        (lambda wl: wl.stats("w", response_time_quantile="p95"), TypeError, "must be a number"),
        (
            lambda wl: wl.stats("w", slow_requests_threshold=-1),
            ValueError,
            "slow_requests_threshold must be >= 0",
        ),
        (lambda wl: wl.stats("w", slow_requests_threshold=2.5), TypeError, "whole milliseconds"),
        (lambda wl: wl.stats("w", proton_id=""), ValueError, "proton_id must be a non-empty string"),
        (lambda wl: wl.stats("w", start="yesterday"), TypeError, "start must be a datetime"),
        (lambda wl: wl.stats_series("w", "latency"), ValueError, "metric must be one of totalRequests"),
        (lambda wl: wl.stats_series("w", "responseTime", resolution="P2D"), ValueError, "resolution must be"),
        (lambda wl: wl.fleet_stats(ids="w"), TypeError, "a collection of ids"),
        (lambda wl: wl.fleet_stats(status="asleep"), ValueError, "status must be one or more"),
        (lambda wl: wl.proton_status("w", ""), ValueError, "proton_id must be a non-empty string"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    client: Client, emu: Emulator, call: Any, error: type[Exception], message: str
) -> None:
    emu.reset_counters()
    with pytest.raises(error, match=message):
        await call(client.workloads)
    assert emu.counts.total() == 0


async def test_the_window_must_run_forwards(client: Client, clock: FakeClock) -> None:
    now = clock.now()
    with pytest.raises(ValueError, match="is after end"):
        await client.workloads.stats("w", start=now, end=now - timedelta(minutes=1))


@pytest.mark.v2_41_only
async def test_a_v2_41_client_has_no_protons_or_fleet_figures(client: Client, emu: Emulator) -> None:
    emu.reset_counters()
    with pytest.raises(UnsupportedFeatureError, match=r"protons is not part of API v2\.41"):
        client.workloads.protons("w")
    with pytest.raises(UnsupportedFeatureError, match="protons"):
        await client.workloads.proton_status("w", "p")
    with pytest.raises(UnsupportedFeatureError, match="fleet stats"):
        await client.workloads.fleet_stats()
    with pytest.raises(UnsupportedFeatureError, match="workload stats"):
        await client.workloads.stats_series("w", "totalRequests")
    assert emu.counts.total() == 0


# -- protons --------------------------------------------------------------------------------------


@pytest.mark.v11_5_only
async def test_protons_and_the_snapshot_of_one(client: Client, clock: FakeClock) -> None:
    workload = await client.workloads.create(name=unique_name(), artifact=app())
    assert workload.proton_id is not None
    assert await client.workloads.proton_status(workload.id, workload.proton_id) is None  # not yet updated
    await client.workloads.wait(workload.id)
    (proton,) = await client.workloads.protons(workload.id).collect()
    assert (proton.id, proton.role, proton.status) == (
        workload.proton_id,
        ProtonRole.ACTIVE,
        WorkloadStatus.RUNNING,
    )
    assert (await client.workloads.proton(workload.id, proton.id)).running_since is not None
    snapshot = await client.workloads.proton_status(workload.id, proton.id)
    assert snapshot is not None and snapshot.overall_status.state is WorkloadStatus.RUNNING
    (replica,) = snapshot.replicas
    assert {c.type: c.met for c in replica.conditions} == {
        "PodScheduled": True, "Initialized": True, "ContainersReady": True, "Ready": True,
    }  # fmt: skip
    (container,) = replica.containers
    assert (container.name, container.status, container.ready, container.restart_count) == (
        "app",
        "running",
        True,
        0,
    )
    with pytest.raises(NotFoundError):
        await client.workloads.proton(workload.id, "f" * 24)

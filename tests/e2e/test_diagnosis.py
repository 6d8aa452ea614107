"""Why a wait is stuck, end to end: a wait that times out or fails says why, read from the active
proton with one extra call on API 11.5, and bulk waits of many stay within a few calls."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from tests.conftest import unique_name
from tests.e2e.conftest import Start
from workload_async import (
    BulkState,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    UnsupportedFeatureError,
    WaitTimeoutError,
    WorkloadFailedError,
    WorkloadStatus,
)
from workload_async._waiting.diagnosis import PER_BATCH
from workload_async.emulator import Emulator

IMAGE = "registry.example.com/x:1"


def app(image: str = IMAGE) -> InputArtifact:
    return InputArtifact.single(unique_name("x"), Container(image_uri=image, port=8080, name="app"))


async def stuck(client: Client, emu: Emulator, kind: str = "image_pull_backoff") -> str:
    workload = await client.workloads.create(name=unique_name(), artifact=app())
    emu.play_failure(workload.id, kind)
    return workload.id


@pytest.mark.v11_5_only
async def test_a_wait_on_a_workload_stuck_pulling_its_image_says_so(client: Client, emu: Emulator) -> None:
    workload_id = await stuck(client, emu)
    emu.reset_counters()
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait(workload_id, timeout=120)
    error = caught.value
    assert error.diagnosis == f"container app: image pull back-off ({IMAGE} not found), 0 restarts"
    assert str(error).endswith(f"; diagnosis: {error.diagnosis}")
    assert "last status seen: launching" in str(error)
    assert emu.counts["workloads.proton_status"] == 1 and emu.counts["workloads.events"] == 0


@pytest.mark.v11_5_only
@pytest.mark.parametrize(
    ("kind", "diagnosis"),
    [
        ("crash_loop", "container app: crash loop back-off (exit code 1), 0 restarts"),
        ("oom_kill", "container app: OOM killed (exit code 137, over its memory limit), 0 restarts"),
    ],
)
async def test_a_workload_that_errors_says_why(
    client: Client, emu: Emulator, kind: str, diagnosis: str
) -> None:
    workload_id = await stuck(client, emu, kind)
    with pytest.raises(WorkloadFailedError) as caught:
        await client.workloads.start(workload_id, wait=True, timeout=120)
    assert caught.value.diagnosis == diagnosis


@pytest.mark.v11_5_only
async def test_a_crash_loop_found_later_counts_its_restarts(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    workload_id = await stuck(client, emu, "crash_loop")
    clock.advance(75)  # crashed at 2 s, restarted after 10, 20 and 40 s
    with pytest.raises(WorkloadFailedError) as caught:
        await client.workloads.wait(workload_id)
    assert caught.value.diagnosis is not None and caught.value.diagnosis.endswith(", 3 restarts")


@pytest.mark.v2_41_only
async def test_v2_41_has_no_protons_so_no_diagnosis_and_no_call(client: Client, emu: Emulator) -> None:
    workload_id = await stuck(client, emu)
    emu.reset_counters()
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait(workload_id, timeout=60)
    assert caught.value.diagnosis is None and "diagnosis" not in str(caught.value)
    assert set(emu.counts) == {"workloads.list"}


@pytest.mark.v11_5_only
async def test_protons_that_cannot_be_read_leave_the_error_undiagnosed(client: Client, emu: Emulator) -> None:
    workload_id = await stuck(client, emu)
    emu.add_fault("status", route="workloads.proton_status", status=500)
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait(workload_id, timeout=60)
    assert caught.value.diagnosis is None
    assert emu.counts["workloads.proton_status"] == 1  # tried once, never retried


@pytest.mark.v11_5_only
async def test_a_wait_whose_polls_failed_makes_no_diagnosis_call(client: Client, emu: Emulator) -> None:
    workload_id = await stuck(client, emu)
    emu.add_fault("status", route="workloads.list", status=500)
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait(workload_id, timeout=30)
    assert caught.value.last_error is not None and caught.value.diagnosis is None
    assert emu.counts["workloads.proton_status"] == 0


@pytest.mark.v11_5_only
async def test_thousands_timing_out_together_cost_a_few_diagnosis_calls(
    client: Client, emu: Emulator
) -> None:
    emu.fail_image(IMAGE)
    art = await client.artifacts.create(app())
    await client.artifacts.register(art.id)
    ids = [(await client.workloads.create(name=unique_name(), artifact_id=art.id)).id for _ in range(300)]
    emu.reset_counters()
    outcomes = await client.workloads.wait_many(ids, timeout=120)
    assert all(isinstance(o.error, WaitTimeoutError) for o in outcomes.values())
    diagnosed = [o for o in outcomes.values() if o.error is not None and o.error.diagnosis]  # type: ignore[attr-defined]
    assert len(diagnosed) == PER_BATCH == emu.counts["workloads.proton_status"]
    assert all("image pull back-off" in o.error.diagnosis for o in diagnosed)  # type: ignore[union-attr]


@pytest.mark.v11_5_only
async def test_a_bulk_start_that_waits_diagnoses_its_first_failures(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    ids = [await stuck(client, emu, "oom_kill") for _ in range(3)]
    for workload_id in ids:
        await client.workloads.stop(workload_id)
    clock.advance(1)
    results = await client.workloads.start_many(ids, wait=True, timeout=60)
    assert [r.state for r in results.values()] == [BulkState.FAILED] * 3
    assert all("OOM killed" in (r.error.diagnosis or "") for r in results.values())  # type: ignore[union-attr]


@pytest.mark.v11_5_only
async def test_watch_raises_the_diagnosed_error(client: Client, emu: Emulator) -> None:
    workload_id = await stuck(client, emu, "oom_kill")
    with pytest.raises(WorkloadFailedError) as caught:
        async for _ in client.workloads.watch(workload_id, until=WorkloadStatus.RUNNING):
            pass
    assert caught.value.diagnosis is not None and "OOM killed" in caught.value.diagnosis


async def test_cancelling_a_wait_during_its_diagnosis_leaves_nothing_behind(
    server: Start, clock: FakeClock
) -> None:
    """A diagnosis is part of the wait: cancelling the wait cancels the call it is making."""
    asked: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/statusDetails"):
            asked.append(request.path)
            await hostile.release.wait()  # held until the test ends
        item = {"id": "w1", "status": "launching", "protonId": "p1"}
        return web.json_response(
            {"count": 1, "totalCount": 1, "next": None, "previous": None, "data": [item]}
        )

    hostile = await server(handler)
    async with Client(hostile.url, "t", clock=clock, api_version="11.5") as client:
        wait = asyncio.create_task(client.workloads.wait("w1", timeout=10))
        for _ in range(100_000):  # loop turns, no sleep: each turn also polls the sockets
            if asked:
                break
            await asyncio.sleep(0)
        assert asked == ["/api/v2/workloads/w1/protons/p1/statusDetails"]
        wait.cancel()
        with pytest.raises(asyncio.CancelledError):
            await wait
        assert client.poller.pending == 0


@pytest.mark.v11_5_only
async def test_a_diagnosis_on_demand(client: Client, emu: Emulator, clock: FakeClock) -> None:
    workload = await client.workloads.create(name=unique_name(), artifact=app())
    assert await client.workloads.diagnose(workload.id) is None  # the proton has not reported yet
    await client.workloads.wait(workload.id)
    assert await client.workloads.diagnose(workload.id) == "running: All replicas are running and ready"
    emu.play_failure(workload.id, "crash_loop")
    clock.advance(10)
    assert (
        await client.workloads.diagnose(workload.id)
        == "container app: crash loop back-off (exit code 1), 1 restart"
    )


@pytest.mark.v2_41_only
async def test_no_diagnosis_on_demand_on_v2_41(client: Client) -> None:
    with pytest.raises(UnsupportedFeatureError, match="protons"):
        await client.workloads.diagnose("w")

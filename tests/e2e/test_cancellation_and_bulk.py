"""Cancelling waits leaves nothing behind; bulk start/stop bound their concurrency."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import unique_name
from workload_async import (
    ArtifactStatus,
    AuthenticationError,
    BulkResult,
    BulkState,
    Client,
    ClientClosedError,
    Container,
    FakeClock,
    InputArtifact,
    NotFoundError,
    SessionPool,
    WorkloadStatus,
)
from workload_async.emulator import CRASH_IMAGE, Emulator

S = WorkloadStatus


def artifact(image: str = "registry.example.com/echo:1") -> InputArtifact:
    return InputArtifact.single(unique_name("a"), Container(image_uri=image, port=8080))


async def registered_fleet(client: Client, n: int) -> list[str]:
    art = await client.artifacts.create(
        InputArtifact.single("r", Container(image_uri="img", port=8080), status=ArtifactStatus.REGISTERED)
    )
    return [(await client.workloads.create(name=unique_name(), artifact_id=art.id)).id for _ in range(n)]


def other_tasks() -> set[asyncio.Task[object]]:
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}


@pytest.mark.parametrize("steps", range(0, 40, 3))
async def test_cancelling_a_wait_at_any_point_detaches_only_that_waiter(client: Client, steps: int) -> None:
    first = (await client.workloads.create(artifact=artifact())).id
    second = (await client.workloads.create(artifact=artifact())).id
    neighbour = asyncio.create_task(client.workloads.wait(second))
    victim = asyncio.create_task(client.workloads.wait(first))
    for _ in range(steps):
        await asyncio.sleep(0)
    victim.cancel()
    await asyncio.gather(victim, return_exceptions=True)
    assert victim.cancelled() or victim.done()
    assert (await neighbour).status is S.RUNNING  # the neighbour is unharmed
    assert client.poller.pending == 0
    assert (await client.workloads.wait(first)).status is S.RUNNING  # the client is still usable


async def test_asyncio_timeout_around_a_wait_cleans_up(client: Client) -> None:
    emu_id = (await client.workloads.create(artifact=artifact())).id
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0):
            await client.workloads.wait(emu_id)
    assert client.poller.pending == 0


async def test_a_failing_task_group_cancels_its_waits_cleanly(client: Client) -> None:
    ids = [(await client.workloads.create(artifact=artifact())).id for _ in range(3)]

    async def boom() -> None:
        await asyncio.sleep(0)
        raise RuntimeError("boom")

    with pytest.raises(ExceptionGroup):
        async with asyncio.TaskGroup() as group:
            for workload_id in ids:
                group.create_task(client.workloads.wait(workload_id))
            group.create_task(boom())
    assert client.poller.pending == 0
    assert (await client.workloads.wait(ids[0])).status is S.RUNNING


async def test_leaving_as_completed_early_drops_the_rest(client: Client) -> None:
    ids = [(await client.workloads.create(artifact=artifact())).id for _ in range(5)]
    async for _ in client.workloads.as_completed(ids):
        break
    await asyncio.sleep(0)
    assert client.poller.pending == 0


async def test_closing_the_client_fails_pending_waits_and_leaves_no_task(
    emu: Emulator, clock: FakeClock
) -> None:
    client = Client(emu.url, emu.token, clock=clock, api_version=emu.api_version)
    emu.set_timings(startup_seconds=10_000)
    wl = await client.workloads.create(artifact=artifact())
    waiting = asyncio.create_task(client.workloads.wait(wl.id, timeout=None))
    for _ in range(10):
        await asyncio.sleep(0)
    assert client.poller.running
    await client.close()
    with pytest.raises(ClientClosedError, match="closed while this wait was pending"):
        await waiting
    for _ in range(5):  # the emulator's handler of a request cut short needs a few turns to end
        await asyncio.sleep(0)
    assert other_tasks() == set()
    with pytest.raises(ClientClosedError):
        await client.workloads.wait(wl.id)


class GateClock(FakeClock):
    """A fake clock whose sleeps wait until the test opens the gate (for the emulator's latency)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        await self.opened.wait()
        await super().sleep(seconds)


async def fill_in_flight(emu: Emulator, route: str, expected: int) -> None:
    for _ in range(100_000):  # bounded: give the requests every chance to arrive
        if emu.state.in_flight[route] >= expected:
            break
        await asyncio.sleep(0)
    for _ in range(200):  # and every chance to overshoot, were the limit broken
        await asyncio.sleep(0)


@pytest.mark.parametrize(
    ("concurrency", "max_connections", "max_per_host", "expected"),
    [(8, 100, 0, 8), (32, 4, 0, 4), (64, 100, 6, 6)],
)
async def test_start_many_never_has_more_requests_in_flight_than_allowed(
    concurrency: int, max_connections: int, max_per_host: int, expected: int
) -> None:
    clock = GateClock()
    async with (
        Emulator(clock=clock, startup_seconds=0, stop_seconds=0) as emu,
        SessionPool(max_connections=max_connections, max_per_host=max_per_host) as pool,
        Client(emu.url, emu.token, clock=FakeClock(), pool=pool, api_version=emu.api_version) as client,
    ):
        clock.opened.set()
        ids = await registered_fleet(client, 40)
        await client.workloads.stop_many(ids)
        clock.opened.clear()
        emu.add_fault("latency", route="workloads.start", seconds=1)
        bulk = asyncio.create_task(client.workloads.start_many(ids, concurrency=concurrency))
        await fill_in_flight(emu, "workloads.start", expected)
        assert emu.state.in_flight["workloads.start"] == expected
        clock.opened.set()
        results = await bulk
    assert emu.max_in_flight["workloads.start"] == expected
    assert [r.state for r in results.values()] == [BulkState.ACCEPTED] * 40


async def test_start_many_reports_one_result_per_workload(client: Client, emu: Emulator) -> None:
    ids = await registered_fleet(client, 5)
    crash = (await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))).id
    await client.workloads.stop_many([*ids, crash], wait=True)
    emu.add_fault("status", route="workloads.start", status=409, times=1)  # the first start is refused
    seen: list[tuple[int, int, BulkResult]] = []
    results = await client.workloads.start_many(
        [*ids, crash, "0" * 24, ids[0]],
        concurrency=1,
        wait=True,
        timeout=60,
        progress=lambda done, total, result: seen.append((done, total, result)),
    )
    assert list(results) == [*ids, crash, "0" * 24]  # input order, duplicates once
    assert results[ids[0]].state is BulkState.FAILED and results[ids[0]].error is not None
    assert all(results[i].state is BulkState.REACHED for i in ids[1:])
    assert [getattr(results[i].workload, "status", None) for i in ids[1:]] == [S.RUNNING] * len(ids[1:])
    crashed = results[crash].workload
    assert results[crash].state is BulkState.FAILED and crashed is not None
    assert crashed.status is S.ERRORED
    assert isinstance(results["0" * 24].error, NotFoundError)
    assert [d for d, _, _ in seen] == list(range(1, 8)) and {t for _, t, _ in seen} == {7}


async def test_start_many_without_wait_tells_accepted_from_already(client: Client) -> None:
    ids = await registered_fleet(client, 4)
    await client.workloads.stop_many(ids[:2], wait=True)
    results = await client.workloads.start_many(ids)
    assert [results[i].state for i in ids] == [BulkState.ACCEPTED] * 2 + [BulkState.ALREADY] * 2
    assert all(r.ok and r.operation is not None for r in results.values())


async def test_bulk_waits_time_out_per_workload(client: Client, emu: Emulator) -> None:
    ids = await registered_fleet(client, 3)
    emu.set_timings(stop_seconds=100)
    results = await client.workloads.stop_many(ids, wait=True, timeout=5)
    assert {r.state for r in results.values()} == {BulkState.TIMED_OUT}
    assert all(r.workload is not None and r.workload.status is S.STOPPING for r in results.values())


async def test_bulk_concurrency_must_be_positive(client: Client) -> None:
    with pytest.raises(ValueError, match="concurrency must be >= 1"):
        await client.workloads.start_many(["a"], concurrency=0)


async def test_a_rejected_token_stops_a_bulk_call_early(emu: Emulator, clock: FakeClock) -> None:
    ids = [f"{i:024x}" for i in range(100)]
    async with Client(emu.url, "not-a-token", clock=clock, api_version=emu.api_version) as c:
        results = await c.workloads.start_many(ids, concurrency=4)
    assert {r.state for r in results.values()} == {BulkState.FAILED}
    assert all(isinstance(r.error, AuthenticationError) for r in results.values())
    assert emu.counts["workloads.start"] <= 4  # the in-flight ones, not a hundred


@pytest.mark.parametrize("call", ["start_many", "stop_many", "wait_many"])
async def test_a_single_id_string_is_refused_not_split_into_letters(client: Client, call: str) -> None:
    with pytest.raises(TypeError, match=r"the single string 'abc': pass \['abc'\]"):
        await getattr(client.workloads, call)("abc")

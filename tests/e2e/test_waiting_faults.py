"""The waiting core under faults: a long Retry-After, short waits beside long ones, bulk calls
racing ``close()``. Against the emulator on a fake clock shared with the client."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import unique_name
from workload_async import (
    ArtifactStatus,
    BulkState,
    Client,
    ClientClosedError,
    Container,
    FakeClock,
    InputArtifact,
    RateLimitError,
    RetryPolicy,
    TransportError,
    WaitTimeoutError,
    WorkloadStatus,
)
from workload_async.emulator import Emulator

S = WorkloadStatus


def artifact() -> InputArtifact:
    return InputArtifact.single(
        unique_name("a"), Container(image_uri="registry.example.com/echo:1", port=8080)
    )


async def test_a_day_long_retry_after_holds_the_poller_no_longer_than_max_retry_after(
    emu: Emulator, clock: FakeClock
) -> None:
    async with Client(
        emu.url, emu.token, clock=clock, retries=RetryPolicy(max_retry_after=20), api_version=emu.api_version
    ) as client:
        wl = await client.workloads.create(artifact=artifact())
        emu.add_fault("status", route="workloads.list", status=429, retry_after=86_400, times=1)
        assert (await client.workloads.wait(wl.id, timeout=None)).status is S.RUNNING
        assert clock.monotonic() < 20 + 5  # the capped hold, then the next poll found it running
        # the fault is gone: later waits poll at once, with no hold left over
        await client.workloads.stop(wl.id)
        before = clock.monotonic()
        assert (await client.workloads.wait(wl.id, until=S.STOPPED, timeout=30)).status is S.STOPPED
        assert clock.monotonic() - before < 5


async def test_a_retry_after_hold_never_outlasts_the_nearest_deadline(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    emu.set_timings(startup_seconds=3)
    wl = await client.workloads.create(artifact=artifact())
    emu.add_fault("status", route="workloads.list", status=429, retry_after=50, times=1)
    long_wait = asyncio.create_task(client.workloads.wait(wl.id, timeout=600))
    await asyncio.sleep(0)
    short = await client.workloads.wait_many([wl.id], timeout=8)  # the nearest deadline: 8 s
    assert short[wl.id].ok or isinstance(short[wl.id].error, WaitTimeoutError)
    assert (await long_wait).status is S.RUNNING
    assert clock.monotonic() < 50  # polled again by the short wait's deadline, not the Retry-After


async def test_a_wait_held_by_a_retry_after_says_why_when_it_times_out(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    emu.add_fault("status", route="workloads.list", status=429, retry_after=30)
    first = asyncio.create_task(client.workloads.wait(wl.id, timeout=60))
    for _ in range(100_000):
        if emu.counts["workloads.list"]:
            break
        await asyncio.sleep(0)
    # registered while the poller is held: it never gets a poll of its own before its deadline
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait(wl.id, timeout=5)
    assert caught.value.polls == 0
    assert isinstance(caught.value.last_error, RateLimitError)
    assert "last polling error: [429]" in str(caught.value)
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)


async def test_a_short_wait_does_not_cut_the_poll_that_serves_the_others(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    emu.set_timings(startup_seconds=1)
    wl = await client.workloads.create(artifact=artifact())
    emu.add_fault("latency", route="workloads.list", seconds=0.3)
    patient = asyncio.create_task(client.workloads.wait(wl.id, timeout=15))
    timeouts = 0
    while not patient.done():  # another caller keeps asking with a timeout shorter than a poll
        try:
            await client.workloads.wait(wl.id, timeout=0.25)
        except WaitTimeoutError:
            timeouts += 1
    assert (await patient).status is S.RUNNING
    assert clock.monotonic() < 3
    assert timeouts >= 1


@pytest.mark.parametrize("turns", [0, 3, 7, 15, 30, 60, 120])
async def test_start_many_racing_close_returns_a_result_per_workload(
    emu: Emulator, clock: FakeClock, turns: int
) -> None:
    client = Client(emu.url, emu.token, clock=clock, api_version=emu.api_version)
    art = await client.artifacts.create(
        InputArtifact.single("r", Container(image_uri="img", port=8080), status=ArtifactStatus.REGISTERED)
    )
    ids = [(await client.workloads.create(name=unique_name(), artifact_id=art.id)).id for _ in range(30)]
    await client.workloads.stop_many(ids, wait=True)
    emu.set_timings(startup_seconds=600)
    bulk = asyncio.create_task(client.workloads.start_many(ids, concurrency=8, wait=True))
    for _ in range(turns):
        await asyncio.sleep(0)
    await client.close()
    results = await bulk  # never raises
    assert list(results) == ids
    for result in results.values():
        assert result.state is BulkState.FAILED
        assert isinstance(result.error, ClientClosedError | TransportError)
    started = {w.id for w in emu.state.store.workloads.values() if w.op == "start"}
    told = {i for i, r in results.items() if r.operation is not None}
    assert told <= started
    assert len(started - told) <= 8  # at most the requests in flight at the close went unanswered

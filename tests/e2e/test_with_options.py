"""``client.with_options(...)``: a view with other limits, sharing the pool and the poller."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import unique_name
from workload_async import (
    Client,
    ClientClosedError,
    Container,
    FakeClock,
    InputArtifact,
    PollPolicy,
    ServerError,
    WorkloadStatus,
)
from workload_async.emulator import Emulator

ARTIFACT = InputArtifact.single("a", Container(image_uri="img:1", port=8080))


async def new_workload(client: Client) -> str:
    return (await client.workloads.create(name=unique_name(), artifact=ARTIFACT)).id


async def test_a_view_shares_the_pool_and_its_waits_share_the_clients_poller(
    client: Client, emu: Emulator
) -> None:
    view = client.with_options(timeout=10)
    assert view.pool is client.pool and view.poller is client.poller and view.clock is client.clock
    first, second = await new_workload(client), await new_workload(client)
    await asyncio.gather(client.workloads.wait(first), view.workloads.wait(second))
    # every polling round asked for both workloads at once: one poller served both clients
    assert client.poller.ids_polled == 2 * client.poller.requests
    assert emu.counts["workloads.list"] == client.poller.requests


async def test_a_views_timeout_bounds_its_calls_and_leaves_the_client_alone(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    workload_id = await new_workload(client)
    emu.add_fault("status", route="workloads.get", status=503, retry_after=1.5, times=2)
    with pytest.raises(ServerError):
        await client.with_options(timeout=2).workloads.get(workload_id)
    assert emu.counts["workloads.get"] == 2  # a third attempt would have ended past the 2 s
    assert clock.monotonic() == pytest.approx(1.5, abs=0.5)
    emu.add_fault("status", route="workloads.get", status=503, retry_after=1.5, times=2)
    assert (await client.workloads.get(workload_id)).id == workload_id  # retried past 2 s


async def test_a_views_retries_apply_to_its_calls_only(client: Client, emu: Emulator) -> None:
    workload_id = await new_workload(client)
    emu.add_fault("status", route="workloads.get", status=503, times=1)
    with pytest.raises(ServerError):
        await client.with_options(retries=0).workloads.get(workload_id)
    assert emu.counts["workloads.get"] == 1
    emu.add_fault("status", route="workloads.get", status=503, times=1)
    assert (await client.workloads.get(workload_id)).id == workload_id
    assert emu.counts["workloads.get"] == 3


async def test_a_views_poll_policy_sets_the_cadence_of_its_waits(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    workload_id = await new_workload(client)  # running after 2 s
    slow = client.with_options(poll=PollPolicy(initial=30, cap=30, jitter=0))
    assert (await slow.workloads.wait(workload_id)).status is WorkloadStatus.RUNNING
    assert clock.monotonic() >= 30  # its first look after 30 s, where the client's would be < 1 s


async def test_a_view_closes_with_its_client_but_closing_a_view_closes_nothing(client: Client) -> None:
    view = client.with_options(retries=0)
    async with view:
        pass
    await view.close()
    assert not client.closed
    workload_id = await new_workload(view)  # still usable, through the client's pool
    await client.close()
    assert view.closed
    with pytest.raises(ClientClosedError):
        await view.workloads.get(workload_id)
    with pytest.raises(ClientClosedError):
        client.with_options(timeout=1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 0}, "timeout must be a finite number of seconds > 0"),
        ({"retries": -1}, "retries must be between 0 and 100"),
    ],
)
def test_bad_options_are_refused(options: dict[str, object], message: str) -> None:
    client = Client("https://x.example.com/api/v2", "t")
    with pytest.raises(ValueError, match=message):
        client.with_options(**options)  # type: ignore[arg-type]

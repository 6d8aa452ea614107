"""Waits against the emulator on a fake clock shared with the client."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import unique_name
from workload_async import (
    ArtifactStatus,
    AuthenticationError,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    NotFoundError,
    PollPolicy,
    ReturnWhen,
    ServerError,
    UnexpectedStatusError,
    WaitTimeoutError,
    Workload,
    WorkloadFailedError,
    WorkloadStatus,
)
from workload_async.emulator import CRASH_IMAGE, Emulator

S = WorkloadStatus


def artifact(
    image: str = "registry.example.com/echo:1", status: ArtifactStatus | None = None
) -> InputArtifact:
    return InputArtifact.single(unique_name("a"), Container(image_uri=image, port=8080), status=status)


async def fleet(client: Client, n: int, crash: int = 0) -> list[str]:
    art = await client.artifacts.create(artifact(status=ArtifactStatus.REGISTERED))
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> str:
        async with gate:
            if i < crash:
                return (await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))).id
            return (await client.workloads.create(name=unique_name(), artifact_id=art.id)).id

    return list(await asyncio.gather(*(one(i) for i in range(n))))


async def test_wait_returns_the_running_workload(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=artifact())
    got = await client.workloads.wait(wl.id, until=S.RUNNING, timeout=60)
    assert isinstance(got, Workload) and got.status is S.RUNNING and got.id == wl.id
    assert 2.0 <= clock.monotonic() <= 2.0 + 2.0  # start-up time, plus at most one poll interval


async def test_wait_for_stopped(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    await client.workloads.stop(wl.id)
    assert (await client.workloads.wait(wl.id, until=S.STOPPED)).status is S.STOPPED


async def test_start_and_stop_with_wait_in_one_step(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    stopped = await client.workloads.stop(wl.id, wait=True)
    assert isinstance(stopped, Workload) and stopped.status is S.STOPPED
    running = await client.workloads.start(wl.id, wait=True, timeout=30)
    assert isinstance(running, Workload) and running.status is S.RUNNING


async def test_crash_raises_workload_failed_with_the_log_tail(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:latest"))
    with pytest.raises(WorkloadFailedError) as caught:
        await client.workloads.wait(wl.id)
    error = caught.value
    assert error.workload is not None and error.workload.status is S.ERRORED
    assert error.log_tail[-1].startswith("RuntimeError: model file")
    assert (
        error.status_details is not None and error.status_details.conditions[0].reason == "CrashLoopBackOff"
    )
    assert f"workload {wl.id} is errored: CrashLoopBackOff" in str(error)


async def test_timeout_carries_the_last_status_seen(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=artifact())
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait(wl.id, timeout=1.0)
    error = caught.value
    assert error.last_seen is not None and not error.last_seen.status.is_settled
    assert error.elapsed == pytest.approx(1.0) and error.polls >= 1
    assert clock.monotonic() == pytest.approx(1.0)
    assert "did not reach 'running' within 1.0s" in str(error)


async def test_a_shared_deadline_bounds_the_wait(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    deadline = client.deadline(0.5)
    with pytest.raises(WaitTimeoutError):
        await client.workloads.wait(wl.id, timeout=None, deadline=deadline)


async def test_http_attempts_never_run_past_the_deadline(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    emu.add_fault("status", route="workloads.list", status=503)
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait(wl.id, timeout=3)
    assert isinstance(caught.value.last_error, ServerError)
    assert clock.monotonic() <= 3.0 + 1e-9
    assert "last polling error: [503]" in str(caught.value)


async def test_a_bare_wait_on_a_stopped_workload_fails_at_the_first_poll(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.stop(wl.id, wait=True)
    polls = client.poller.requests
    with pytest.raises(
        UnexpectedStatusError, match=r"settled in 'stopped' while waiting for 'running'; start it first$"
    ):
        await client.workloads.wait(wl.id, poll=PollPolicy(stale_grace=5))
    assert client.poller.requests == polls + 1  # no grace: this client asked for no start


async def test_a_bare_wait_for_stopped_on_a_running_workload_fails_at_the_first_poll(client: Client) -> None:
    wl = await client.workloads.wait((await client.workloads.create(artifact=artifact())).id)
    polls = client.poller.requests
    with pytest.raises(
        UnexpectedStatusError, match=r"settled in 'running' while waiting for 'stopped'; stop it first$"
    ):
        await client.workloads.wait(wl.id, until=S.STOPPED)
    assert client.poller.requests == polls + 1


async def test_a_wait_right_after_this_client_asked_for_the_change_reaches_it(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.stop(wl.id, wait=True)
    await client.workloads.start(wl.id)
    assert (await client.workloads.wait(wl.id)).status is S.RUNNING
    await client.workloads.stop(wl.id)
    view = client.with_options(timeout=10)  # a view shares what the client asked for
    assert (await view.workloads.wait(wl.id, until=S.STOPPED)).status is S.STOPPED


async def test_a_deleted_workload_fails_its_wait_with_not_found(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    task = asyncio.create_task(client.workloads.wait(wl.id))
    await asyncio.sleep(0)
    await client.workloads.delete(wl.id)
    with pytest.raises(NotFoundError, match=f"workload {wl.id} not found"):
        await task


async def test_1000_waits_cost_ten_list_calls_a_round(client: Client, emu: Emulator) -> None:
    ids = await fleet(client, 1000)
    emu.reset_counters()
    outcomes = await client.workloads.wait_many(ids, timeout=120)
    assert len(outcomes) == 1000 and all(o.ok for o in outcomes.values())
    poller = client.poller
    assert emu.counts["workloads.get"] == 0
    assert emu.counts["workloads.list"] == poller.requests
    # calls are full: at most one partly filled call a round
    assert poller.requests <= poller.ids_polled / 100 + poller.rounds
    # one GET per workload per poll (the naive loop at the same cadence) would cost 20x more
    assert poller.requests * 20 <= poller.ids_polled


async def test_one_crash_among_200_leaves_the_other_199_alone(client: Client) -> None:
    ids = await fleet(client, 200, crash=1)
    outcomes = await client.workloads.wait_many(ids)
    failed = [o for o in outcomes.values() if not o.ok]
    assert len(failed) == 1 and failed[0].workload_id == ids[0]
    assert isinstance(failed[0].error, WorkloadFailedError)
    assert failed[0].workload is not None and failed[0].workload.status is S.ERRORED
    assert sum(o.ok for o in outcomes.values()) == 199
    assert all(o.workload is not None and o.workload.status is S.RUNNING for o in outcomes.values() if o.ok)


async def test_wait_many_can_return_at_the_first_failure(client: Client) -> None:
    ids = await fleet(client, 30, crash=1)
    outcomes = await client.workloads.wait_many(ids, return_when=ReturnWhen.FIRST_FAILURE)
    assert not list(outcomes.values())[-1].ok
    assert client.poller.pending == 0  # the other waits were dropped


async def test_wait_many_can_return_at_the_first_completion(client: Client) -> None:
    ids = await fleet(client, 10)
    outcomes = await client.workloads.wait_many(ids, return_when="first_completed")
    assert 1 <= len(outcomes) <= 10 and all(o.ok for o in outcomes.values())
    assert client.poller.pending == 0


async def test_wait_many_takes_asyncios_constants(client: Client) -> None:
    ids = await fleet(client, 30, crash=1)
    outcomes = await client.workloads.wait_many(ids, return_when=asyncio.FIRST_EXCEPTION)
    assert not list(outcomes.values())[-1].ok  # FIRST_EXCEPTION: back at the first failure
    assert client.poller.pending == 0


async def test_as_completed_follows_settle_order(client: Client, emu: Emulator) -> None:
    ids = []
    for startup in (6.0, 2.0, 4.0):
        emu.set_timings(startup_seconds=startup)
        ids.append((await client.workloads.create(artifact=artifact())).id)
    order = [o.workload_id async for o in client.workloads.as_completed(ids, poll=PollPolicy(cap=0.5))]
    assert order == [ids[1], ids[2], ids[0]]


async def test_watch_yields_each_status_once_in_order(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    seen = [
        w.status async for w in client.workloads.watch(wl.id, poll=PollPolicy(initial=0.1, factor=1, cap=0.1))
    ]
    on_the_way = [S.INITIALIZING] if client.api_version == "v2.41" else [S.PROVISIONING, S.LAUNCHING]
    assert seen == [S.SUBMITTED, *on_the_way, S.RUNNING]


async def test_watch_ends_at_errored_without_raising(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))
    seen = [w.status async for w in client.workloads.watch(wl.id)]
    assert seen[-1] is S.ERRORED and len(seen) == len(set(seen))


async def test_explicit_no_timeout_is_allowed(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    assert (await client.workloads.wait(wl.id, timeout=None)).status is S.RUNNING


async def test_default_wait_timeout_is_finite(emu: Emulator, clock: FakeClock) -> None:
    async with Client(emu.url, emu.token, clock=clock, wait_timeout=30, api_version=emu.api_version) as c:
        emu.set_timings(startup_seconds=10_000)
        wl = await c.workloads.create(artifact=artifact())
        with pytest.raises(WaitTimeoutError):
            await c.workloads.wait(wl.id)
    assert clock.monotonic() == pytest.approx(30)


async def test_the_poller_honours_retry_after_from_a_429(client: Client, emu: Emulator) -> None:
    wl = await client.workloads.create(artifact=artifact())
    emu.add_fault("status", route="workloads.list", status=429, retry_after=7, times=1)
    await client.workloads.wait(wl.id)
    log = [(t, status) for t, name, status in emu.request_log if name == "workloads.list"]
    limited = next(i for i, (_, status) in enumerate(log) if status == 429)
    assert log[limited + 1][0] - log[limited][0] >= 7


async def test_the_poller_stops_when_nothing_waits_and_restarts_on_demand(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    for _ in range(5):
        await asyncio.sleep(0)
    assert not client.poller.running
    await client.workloads.stop(wl.id)
    assert (await client.workloads.wait(wl.id, until=S.STOPPED)).status is S.STOPPED


@pytest.mark.parametrize("until", ["errored", "submitted", "bogus"])
async def test_until_must_be_running_or_stopped(client: Client, until: str, emu: Emulator) -> None:
    with pytest.raises(ValueError, match=f"until must be 'running' or 'stopped', got '{until}'"):
        await client.workloads.wait("0" * 24, until=until)  # type: ignore[arg-type]
    assert sum(emu.counts.values()) == 0


async def test_a_rejected_token_fails_the_waits_at_once(emu: Emulator, clock: FakeClock) -> None:
    async with Client(emu.url, "not-a-token", clock=clock, api_version=emu.api_version) as c:
        with pytest.raises(AuthenticationError):
            await c.workloads.wait("0" * 24, timeout=600)
    assert clock.monotonic() < 1  # the first poll told; no waiting out the deadline


async def test_a_wrong_endpoint_fails_the_waits_at_once(emu: Emulator, clock: FakeClock) -> None:
    async with Client(emu.url + "/v0", emu.token, clock=clock, api_version=emu.api_version) as c:
        outcomes = await c.workloads.wait_many(["a" * 24, "b" * 24], timeout=600)
    assert {type(o.error) for o in outcomes.values()} == {NotFoundError}
    assert clock.monotonic() < 1


async def test_server_errors_are_waited_out_until_the_deadline(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    emu.add_fault("status", route="workloads.list", status=500, times=6)
    assert (await client.workloads.wait(wl.id, timeout=60)).status is S.RUNNING
    assert emu.state.faults.rules[0].hits == 6

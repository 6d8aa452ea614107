"""WorkloadStatusTrigger against the emulator over loopback, as the triggerer runs it: in one event loop."""

from __future__ import annotations

import asyncio
import importlib
import math
from typing import Any

import pytest
from airflow.triggers.base import TriggerEvent

from workload_async import (
    ArtifactStatus,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    WorkloadStatus,
)
from workload_async.contrib.airflow import SharedClients, WorkloadHook, WorkloadStatusTrigger
from workload_async.emulator import CRASH_IMAGE, Emulator

from .conftest import ASYNC_LOOKUP, Lookups

pytestmark = pytest.mark.usefixtures("on_fake_clock")


def artifact(
    image: str = "registry.example.com/echo:1", status: ArtifactStatus | None = None
) -> InputArtifact:
    return InputArtifact.single("a", Container(image_uri=image, port=8080), status=status)


async def fleet(client: Client, n: int) -> list[str]:
    art = await client.artifacts.create(artifact(status=ArtifactStatus.REGISTERED))
    gate = asyncio.Semaphore(16)

    async def one() -> str:
        async with gate:
            return (await client.workloads.create(artifact_id=art.id)).id

    return list(await asyncio.gather(*(one() for _ in range(n))))


async def fire(trigger: WorkloadStatusTrigger) -> list[TriggerEvent]:
    return [event async for event in trigger.run()]


async def settle(condition: Any, *, turns: int = 200) -> None:
    """Let the loop turn until ``condition()`` holds (no real time passes; fails if it never does)."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


def test_serialize_round_trips() -> None:
    trigger = WorkloadStatusTrigger(
        ["w1", "w2", "w1"], "conn", until="stopped", deadline=1_800_000_000, poll={"cap": 2.0}
    )
    classpath, kwargs = trigger.serialize()
    module, name = classpath.rsplit(".", 1)
    again = getattr(importlib.import_module(module), name)(**kwargs)
    assert again.serialize() == (classpath, kwargs)
    assert kwargs["workload_ids"] == ["w1", "w2"]
    assert kwargs["deadline"] == 1_800_000_000.0 and kwargs["poll"]["cap"] == 2.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workload_ids": []}, "at least one workload"),
        ({"workload_ids": ["ok", ""]}, "non-empty strings"),
        ({"workload_ids": ["w"], "until": "errored"}, "until must be 'running' or 'stopped'"),
        ({"workload_ids": ["w"], "deadline": "tomorrow"}, "deadline must be epoch seconds"),
        ({"workload_ids": ["w"], "poll": {"cap": -1}}, "cap must be > 0"),
    ],
)
def test_bad_arguments_are_refused_with_the_field_named(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkloadStatusTrigger(**kwargs)


async def test_500_triggers_share_one_client_and_poll_in_batches(
    client: Client, emu: Emulator, clock: FakeClock, connection: str
) -> None:
    ids = await fleet(client, 500)
    emu.reset_counters()
    deadline = clock.now().timestamp() + 600
    triggers = [WorkloadStatusTrigger([wid], connection, deadline=deadline) for wid in ids]
    registry = SharedClients.of_running_loop()
    tasks = [asyncio.create_task(fire(t)) for t in triggers]
    await settle(lambda: registry.client(connection) is not None, turns=10_000)
    shared = registry.client(connection)
    assert shared is not None and registry.leases() == {connection: 500}

    events = await asyncio.gather(*tasks)

    assert all(len(e) == 1 and e[0].payload["ok"] for e in events)
    assert {wid for e in events for wid in e[0].payload["outcomes"]} == set(ids)
    assert all(o["status"] == "running" for e in events for o in e[0].payload["outcomes"].values())
    # every status call came from the one shared client, at most ⌈500/100⌉ a polling round
    assert emu.counts["workloads.get"] == 0
    assert emu.counts["workloads.list"] == shared.poller.requests
    assert shared.poller.requests <= shared.poller.rounds * math.ceil(500 / 100)
    assert shared.poller.requests < 500 // 10
    assert shared.closed and registry.leases() == {}


async def test_errored_timed_out_and_vanished_workloads_get_their_own_outcomes(
    client: Client, emu: Emulator, clock: FakeClock, connection: str
) -> None:
    ok = (await client.workloads.create(artifact=artifact())).id
    crashed = (await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))).id
    gone = (await client.workloads.create(artifact=artifact())).id
    await client.workloads.delete(gone)
    emu.set_timings(startup_seconds=10_000)
    slow = (await client.workloads.create(artifact=artifact())).id
    trigger = WorkloadStatusTrigger(
        [ok, crashed, gone, slow], connection, deadline=clock.now().timestamp() + 60
    )

    [event] = await fire(trigger)

    outcomes = event.payload["outcomes"]
    assert list(outcomes) == [ok, crashed, gone, slow]
    assert event.payload["ok"] is False and event.payload["until"] == "running"
    assert outcomes[ok] == {
        "status": "running",
        "ok": True,
        "result": "reached",
        "error": None,
        "diagnosis": None,
    }
    assert outcomes[crashed]["status"] == "errored" and outcomes[crashed]["result"] == "failed"
    assert outcomes[crashed]["ok"] is False and crashed in outcomes[crashed]["error"]
    assert outcomes[gone] == {
        "status": None,
        "ok": False,
        "result": "missing",
        "error": outcomes[gone]["error"],
        "diagnosis": None,  # v2.41: no protons to read
    }
    assert f"workload {gone} not found" in outcomes[gone]["error"]
    assert outcomes[slow]["result"] == "timed_out" and outcomes[slow]["ok"] is False
    assert outcomes[slow]["status"] in ("submitted", "initializing") and "60" in outcomes[slow]["error"]
    assert clock.monotonic() == pytest.approx(60, abs=1)
    assert emu.token not in str(event.payload)


async def test_a_deadline_already_past_times_out_without_restarting_the_clock(
    client: Client, clock: FakeClock, emu: Emulator, connection: str
) -> None:
    emu.set_timings(startup_seconds=10_000)
    wl = await client.workloads.create(artifact=artifact())
    clock.advance(100)
    trigger = WorkloadStatusTrigger([wl.id], connection, deadline=clock.now().timestamp() - 50)
    [event] = await fire(trigger)
    assert event.payload["outcomes"][wl.id]["result"] == "timed_out"
    assert clock.monotonic() == pytest.approx(100)


async def test_waits_for_stopped(client: Client, clock: FakeClock, connection: str) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    await client.workloads.stop(wl.id)
    [event] = await fire(
        WorkloadStatusTrigger(wl.id, connection, until="stopped", deadline=clock.now().timestamp() + 60)
    )
    assert event.payload["outcomes"][wl.id]["status"] == "stopped" and event.payload["ok"]


async def test_cancelling_some_triggers_releases_their_waits_and_the_last_closes_the_client(
    client: Client, emu: Emulator, clock: FakeClock, connection: str
) -> None:
    ids = await fleet(client, 10)
    deadline = clock.now().timestamp() + 600
    registry = SharedClients.of_running_loop()
    async with registry.lease(connection, WorkloadHook(connection).aget_client) as shared:
        tasks = [
            asyncio.create_task(fire(WorkloadStatusTrigger([w], connection, deadline=deadline))) for w in ids
        ]
        await settle(lambda: shared.poller.pending == 10)
        assert registry.leases() == {connection: 11}
        for task in tasks[:4]:
            task.cancel()
        await settle(lambda: shared.poller.pending == 6)
        assert all(t.cancelled() for t in tasks[:4]) and registry.leases() == {connection: 7}
    assert not shared.closed and registry.leases() == {connection: 6}  # the test's lease went back

    events = await asyncio.gather(*tasks[4:])

    assert all(e[0].payload["ok"] for e in events)
    assert shared.closed and registry.leases() == {} and registry.client(connection) is None


async def test_a_new_trigger_after_the_last_one_opens_a_new_client(
    client: Client, clock: FakeClock, connection: str
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    registry = SharedClients.of_running_loop()
    seen: list[Client] = []

    async def open_client() -> Client:
        seen.append(await WorkloadHook(connection).aget_client())
        return seen[-1]

    for _ in range(2):
        async with registry.lease(connection, open_client) as shared:
            assert (await shared.workloads.wait(wl.id)).status is WorkloadStatus.RUNNING
    assert len(seen) == 2 and seen[0] is not seen[1] and all(c.closed for c in seen)


async def test_a_connection_that_cannot_be_opened_fails_every_waiting_lease_then_recovers(
    connection: str,
) -> None:
    registry = SharedClients.of_running_loop()
    gate = asyncio.Event()

    async def broken() -> Client:
        await gate.wait()
        raise ValueError("connection 'x' has no API token: set its password")

    async def take() -> None:
        async with registry.lease("x", broken):
            pass

    first, second = asyncio.create_task(take()), asyncio.create_task(take())
    await settle(lambda: registry.leases() == {"x": 2})
    gate.set()
    for task in (first, second):
        with pytest.raises(ValueError, match="no API token"):
            await task
    assert registry.leases() == {}


async def test_the_trigger_never_looks_the_connection_up_synchronously_in_the_loop(
    client: Client, clock: FakeClock, connection: str, lookups: Lookups
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    [event] = await fire(WorkloadStatusTrigger(wl.id, connection, deadline=clock.now().timestamp() + 60))
    assert event.payload["ok"]
    if ASYNC_LOOKUP:
        assert lookups.async_calls == [connection] and lookups.sync_outside_loop == []
    else:  # Airflow 3.0 has no async lookup: the hook runs the sync one in a thread
        assert lookups.sync_outside_loop == [connection]
    assert lookups.sync_in_loop == []


async def test_an_unknown_connection_fails_the_trigger_with_its_name(clock: FakeClock) -> None:
    with pytest.raises(Exception, match="no_such_connection"):
        await fire(WorkloadStatusTrigger("w", "no_such_connection", deadline=clock.now().timestamp() + 5))
    assert SharedClients.of_running_loop().leases() == {}

"""The start/stop operators and the sensor: they defer with the expected trigger, and
``execute_complete`` fails or passes per ``fail_on``. A task's ``execute`` runs in a worker thread
(outside the test's event loop, as in an Airflow worker) against the emulator over loopback."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from airflow.exceptions import AirflowException

try:
    from airflow.sdk.exceptions import TaskDeferred
except ImportError:  # Airflow < 3.2: still in airflow.exceptions
    from airflow.exceptions import TaskDeferred  # type: ignore[no-redef,unused-ignore]

from workload_async import Client, Container, FakeClock, InputArtifact
from workload_async.contrib.airflow import (
    StartWorkloadsOperator,
    StopWorkloadsOperator,
    WorkloadStatusSensor,
    WorkloadStatusTrigger,
)
from workload_async.emulator import CRASH_IMAGE, Emulator

from .conftest import Lookups

pytestmark = pytest.mark.usefixtures("on_fake_clock")


def artifact(image: str = "registry.example.com/echo:1") -> InputArtifact:
    return InputArtifact.single("a", Container(image_uri=image, port=8080))


async def stopped_fleet(client: Client, n: int) -> list[str]:
    ids = [(await client.workloads.create(artifact=artifact())).id for _ in range(n)]
    await client.workloads.wait_many(ids)
    results = await client.workloads.stop_many(ids, wait=True)
    assert all(r.ok for r in results.values())
    return ids


async def deferral(task: Any, context: dict[str, Any]) -> TaskDeferred:
    with pytest.raises(TaskDeferred) as caught:
        await asyncio.to_thread(task.execute, context)
    return caught.value


async def resume(task: Any, deferred: TaskDeferred, context: dict[str, Any]) -> Any:
    """Run the deferred trigger as the triggerer would, then hand its event back to the task."""
    [event] = [e async for e in deferred.trigger.run()]
    method = getattr(task, deferred.method_name)
    return method(context, event.payload, **(deferred.kwargs or {}))


async def test_start_operator_starts_in_bulk_then_defers_to_the_trigger_with_an_absolute_deadline(
    client: Client, emu: Emulator, clock: FakeClock, connection: str, context: dict[str, Any]
) -> None:
    ids = await stopped_fleet(client, 3)
    emu.reset_counters()
    task = StartWorkloadsOperator(task_id="start", workload_ids=ids, conn_id=connection, timeout=900)
    started_at = clock.now().timestamp()

    deferred = await deferral(task, context)

    assert emu.counts["workloads.start"] == 3
    assert deferred.method_name == "execute_complete"
    assert isinstance(deferred.trigger, WorkloadStatusTrigger)
    assert (
        deferred.trigger.serialize()
        == WorkloadStatusTrigger(ids, connection, until="running", deadline=started_at + 900).serialize()
    )
    assert await resume(task, deferred, context) == context["ti"].xcom["outcomes"]
    assert all(o["result"] == "reached" for o in context["ti"].xcom["outcomes"].values())


async def test_stop_operator_waits_for_stopped(
    client: Client, connection: str, context: dict[str, Any]
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    task = StopWorkloadsOperator(task_id="stop", workload_ids=wl.id, conn_id=connection)
    deferred = await deferral(task, context)
    assert deferred.trigger.until == "stopped"
    outcomes = await resume(task, deferred, context)
    assert outcomes[wl.id]["status"] == "stopped" and outcomes[wl.id]["ok"]


async def test_a_refused_start_is_not_waited_for_and_fails_the_task(
    client: Client, connection: str, context: dict[str, Any]
) -> None:
    [good] = await stopped_fleet(client, 1)
    missing = "5f0000000000000000000000"
    task = StartWorkloadsOperator(task_id="start", workload_ids=[good, missing], conn_id=connection)
    deferred = await deferral(task, context)
    assert deferred.trigger.workload_ids == [good]
    with pytest.raises(
        AirflowException, match=f"1 of 2 workloads did not make it \\(1 missing\\); {missing}"
    ):
        await resume(task, deferred, context)
    outcomes = context["ti"].xcom["outcomes"]
    assert list(outcomes) == [good, missing]
    assert outcomes[good]["ok"] and outcomes[missing]["result"] == "missing"


async def test_when_every_request_is_refused_the_task_ends_without_deferring(
    connection: str, context: dict[str, Any]
) -> None:
    task = StartWorkloadsOperator(
        task_id="start", workload_ids=["5f0000000000000000000000"], conn_id=connection, fail_on="never"
    )
    outcomes = await asyncio.to_thread(task.execute, context)
    assert outcomes["5f0000000000000000000000"]["result"] == "missing"


FAILED = {"status": "errored", "ok": False, "result": "failed", "error": "workload w2 errored"}
LATE = {"status": "initializing", "ok": False, "result": "timed_out", "error": "timed out after 60s"}
REACHED = {"status": "running", "ok": True, "result": "reached", "error": None}


@pytest.mark.parametrize(
    ("fail_on", "outcomes", "fails"),
    [
        ("any", {"w1": REACHED, "w2": FAILED}, True),
        ("any", {"w1": REACHED, "w3": LATE}, True),
        ("any", {"w1": REACHED}, False),
        ("never", {"w2": FAILED, "w3": LATE}, False),
        ("timed_out", {"w1": REACHED, "w2": FAILED}, False),
        ("timed_out", {"w3": LATE}, True),
        (["failed", "missing"], {"w3": LATE}, False),
        (["failed", "missing"], {"w2": FAILED}, True),
    ],
)
def test_execute_complete_fails_or_passes_per_fail_on(
    fail_on: Any, outcomes: dict[str, Any], fails: bool, context: dict[str, Any]
) -> None:
    task = StartWorkloadsOperator(task_id="t", workload_ids=list(outcomes), fail_on=fail_on)
    event = {"until": "running", "ok": not fails, "outcomes": outcomes}
    if fails:
        with pytest.raises(AirflowException, match="did not make it"):
            task.execute_complete(context, event)
    else:
        assert task.execute_complete(context, event) == outcomes
    assert context["ti"].xcom["outcomes"] == outcomes  # pushed either way


@pytest.mark.parametrize("fail_on", ["sometimes", ["failed", "reached"]])
def test_an_unknown_fail_on_is_refused(fail_on: Any) -> None:
    with pytest.raises(ValueError, match="fail_on must be 'any', 'never' or some of"):
        StartWorkloadsOperator(task_id="t", workload_ids=["w"], fail_on=fail_on)


async def test_the_sensor_defers_by_default_with_its_timeout_as_the_deadline(
    client: Client, clock: FakeClock, connection: str, context: dict[str, Any], lookups: Lookups
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    sensor = WorkloadStatusSensor(task_id="wait", workload_ids=[wl.id], conn_id=connection, timeout=300)
    deferred = await deferral(sensor, context)
    assert (
        deferred.trigger.serialize()
        == WorkloadStatusTrigger([wl.id], connection, deadline=clock.now().timestamp() + 300).serialize()
    )
    outcomes = await resume(sensor, deferred, context)
    assert outcomes[wl.id]["status"] == "running"
    assert lookups.sync_in_loop == []


async def test_the_sensor_in_poke_mode_reads_statuses_until_all_are_reached(
    client: Client, clock: FakeClock, connection: str, context: dict[str, Any]
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    sensor = WorkloadStatusSensor(task_id="wait", workload_ids=wl.id, conn_id=connection, deferrable=False)
    assert await asyncio.to_thread(sensor.poke, context) is False
    clock.advance(3)
    assert await asyncio.to_thread(sensor.poke, context) is True
    assert context["ti"].xcom["outcomes"][wl.id]["result"] == "reached"


async def test_the_sensor_in_poke_mode_fails_on_an_errored_workload(
    client: Client, clock: FakeClock, connection: str, context: dict[str, Any]
) -> None:
    wl = await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))
    sensor = WorkloadStatusSensor(task_id="wait", workload_ids=[wl.id], conn_id=connection, deferrable=False)
    clock.advance(60)
    with pytest.raises(AirflowException, match=f"{wl.id} is errored"):
        await asyncio.to_thread(sensor.poke, context)

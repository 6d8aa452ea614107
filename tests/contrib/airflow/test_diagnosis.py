"""Why a deferred wait is stuck, in Airflow: the trigger's outcome carries the diagnosis read from
the workload's proton (API 11.5), and the task's log shows it."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from airflow.exceptions import AirflowException

from workload_async import Client, Container, FakeClock, InputArtifact
from workload_async.contrib.airflow import StartWorkloadsOperator, WorkloadHook, WorkloadStatusTrigger
from workload_async.emulator import Emulator

from .conftest import CONN_ID
from .test_operators import deferral, resume

pytestmark = [
    pytest.mark.usefixtures("on_fake_clock"),
    pytest.mark.parametrize("api_version", ["11.5"], indirect=True),
]
IMAGE = "registry.example.com/x:1"
WHY = f"container app: image pull back-off ({IMAGE} not found), 0 restarts"


@pytest.fixture
def connection_11_5(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``datarobot_workload`` connection that speaks API 11.5 (its ``api_version`` extra)."""
    value = {
        "conn_type": "datarobot_workload",
        "host": emu.url,
        "password": emu.token,
        "extra": json.dumps({"api_version": "11.5"}),
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(value))
    return CONN_ID


async def stopped(client: Client, emu: Emulator) -> str:
    container = Container(image_uri=IMAGE, port=8080, name="app")
    workload = await client.workloads.create(name="stuck", artifact=InputArtifact.single("stuck", container))
    await client.workloads.wait(workload.id)
    await client.workloads.stop(workload.id, wait=True)
    emu.fail_image(IMAGE)  # the tag was deleted from the registry meanwhile
    return workload.id


async def test_the_triggers_outcome_says_why_a_start_is_stuck(
    api_version: str, client: Client, emu: Emulator, clock: FakeClock, connection_11_5: str
) -> None:
    workload_id = await stopped(client, emu)
    await client.workloads.start(workload_id)
    trigger = WorkloadStatusTrigger([workload_id], connection_11_5, deadline=clock.now().timestamp() + 300)
    [event] = [e async for e in trigger.run()]
    outcome = event.payload["outcomes"][workload_id]
    assert (outcome["result"], outcome["status"], outcome["diagnosis"]) == ("timed_out", "launching", WHY)
    assert outcome["error"].endswith(f"; diagnosis: {WHY}")


async def test_the_task_log_shows_the_diagnosis_and_the_task_fails_with_it(
    api_version: str,
    client: Client,
    emu: Emulator,
    connection_11_5: str,
    context: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    workload_id = await stopped(client, emu)
    task = StartWorkloadsOperator(
        task_id="start", workload_ids=[workload_id], conn_id=connection_11_5, timeout=300
    )
    deferred = await deferral(task, context)
    with (
        caplog.at_level(logging.INFO, logger="workload_async.contrib.airflow"),
        pytest.raises(AirflowException, match="1 timed_out") as failed,
    ):
        await resume(task, deferred, context)
    assert f"workload {workload_id}: {WHY}" in caplog.messages
    assert WHY in str(failed.value)
    assert context["ti"].xcom["outcomes"][workload_id]["diagnosis"] == WHY


async def test_a_connection_with_a_bad_api_version_is_refused(
    api_version: str, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = {
        "conn_type": "datarobot_workload",
        "host": emu.url,
        "password": emu.token,
        "extra": '{"api_version": 11.5}',
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(value))
    with pytest.raises(ValueError, match=r"extra 'api_version' must be 'v2\.41', '11\.5' or 'auto'"):
        await asyncio.to_thread(WorkloadHook(CONN_ID).get_client)

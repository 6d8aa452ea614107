"""docs/examples/airflow_dag.py parses into the DAG the docs describe, and its tasks work."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from workload_async import Client, Container, InputArtifact
from workload_async.contrib.airflow import StartWorkloadsOperator, StopWorkloadsOperator
from workload_async.emulator import Emulator

EXAMPLE = Path(__file__).parents[3] / "docs" / "examples" / "airflow_dag.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_airflow_dag", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dag_starts_checks_then_stops_the_fleet() -> None:
    dag = load().dag
    tasks = dag.task_dict
    assert set(tasks) == {"start", "check_health", "stop"}
    assert isinstance(tasks["start"], StartWorkloadsOperator)
    assert isinstance(tasks["stop"], StopWorkloadsOperator)
    assert tasks["start"].downstream_task_ids == {"check_health"}
    assert tasks["check_health"].downstream_task_ids == {"stop"}
    assert tasks["stop"].trigger_rule == "all_done"
    assert dag.render_template_as_native_obj


async def test_its_health_check_calls_every_running_workload(
    client: Client, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = load()
    value = {"conn_type": "datarobot_workload", "host": emu.url, "password": emu.token}
    monkeypatch.setenv(f"AIRFLOW_CONN_{example.CONN_ID.upper()}", json.dumps(value))
    artifact = InputArtifact.single("a", Container(image_uri="i", port=8080))
    ids = [(await client.workloads.create(artifact=artifact)).id for _ in range(2)]
    await client.workloads.wait_many(ids)
    outcomes: dict[str, Any] = {
        ids[0]: {"status": "running", "ok": True, "result": "reached", "error": None},
        ids[1]: {"status": "running", "ok": True, "result": "reached", "error": None},
        "5f0000000000000000000000": {"status": None, "ok": False, "result": "missing", "error": "gone"},
    }
    check = example.dag.task_dict["check_health"].python_callable
    assert await asyncio.to_thread(check, outcomes) == {ids[0]: 200, ids[1]: 200}

"""An Airflow 3 DAG: start a fleet, call each workload once it runs, then stop the fleet.

Both waits are deferred: no worker slot is held while the workloads start or stop, and every
deferred wait of the triggerer that uses the same connection shares one client and one poller.

Put this file in your DAGs folder and define the connection, for example::

    export AIRFLOW_CONN_DATAROBOT_WORKLOAD_DEFAULT='{"conn_type": "datarobot_workload",
        "host": "https://app.datarobot.com/api/v2", "password": "<your API token>"}'

then trigger it with the ids to run: ``airflow dags trigger workload_fleet --conf
'{"workload_ids": ["<id>", "<id>"]}'``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from airflow.sdk import DAG, Param, task

from workload_async.contrib.airflow import StartWorkloadsOperator, StopWorkloadsOperator, WorkloadHook

CONN_ID = "datarobot_workload_default"


async def _health(workload_ids: list[str]) -> dict[str, int]:
    async with WorkloadHook(CONN_ID).get_client() as client:
        answers = await asyncio.gather(*(client.workloads.invoke(wid, "/health") for wid in workload_ids))
    return {wid: answer.status for wid, answer in zip(workload_ids, answers, strict=True)}


@task
def check_health(outcomes: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Call every workload that reached ``running`` once; return the HTTP status of each answer."""
    running = [wid for wid, outcome in outcomes.items() if outcome["ok"]]
    return asyncio.run(_health(running))


with DAG(
    dag_id="workload_fleet",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"workload_ids": Param([], type="array", items={"type": "string"})},
    render_template_as_native_obj=True,  # the templated ids stay a list
    tags=["datarobot"],
) as dag:
    start = StartWorkloadsOperator(
        task_id="start",
        conn_id=CONN_ID,
        workload_ids="{{ params.workload_ids }}",
        timeout=1800,  # one absolute deadline for the start requests and the deferred wait
        fail_on=["failed", "missing", "error"],  # a slow start is reported, not fatal
    )
    health = check_health(start.output)  # type: ignore[arg-type]  # the XComArg is the outcomes at run time
    stop = StopWorkloadsOperator(
        task_id="stop",
        conn_id=CONN_ID,
        workload_ids="{{ params.workload_ids }}",
        timeout=600,
        trigger_rule="all_done",  # stop the fleet even when the health check failed
    )
    start >> health >> stop

"""Deferred waits in one Airflow triggerer: a client shared per connection against one per trigger.

Runs only where the ``airflow`` extra is installed. The 1,000 waits run in one event loop, as a
triggerer runs its triggers, against an emulator in a child process whose workloads stay
``initializing`` (so every wait keeps polling). After a warm-up in which every wait has polled, the
emulator counts the status calls of a window of polling rounds at a fixed one-second cadence; the
figure is status calls per polling round.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from workload_async import Client, PollPolicy

from ._fleet import make_fleet
from ._server import EmulatorProcess

CONN_ID = "benchmark_workloads"
INTERVAL = 1.0
POLL = PollPolicy(initial=INTERVAL, factor=1, cap=INTERVAL, jitter=0)  # the same for both contenders
WARM_UP = 8 * INTERVAL  # a thousand clients take seconds to open their connections and settle
WINDOW = 5 * INTERVAL

Waiter = Callable[[EmulatorProcess, str], Coroutine[Any, Any, None]]


@contextlib.contextmanager
def _airflow_env(emu: EmulatorProcess) -> Iterator[None]:
    """A throwaway AIRFLOW_HOME and the emulator as an ``AIRFLOW_CONN_*`` connection."""
    conn = {"conn_type": "datarobot_workload", "host": emu.url, "password": emu.token}
    saved = {k: os.environ.get(k) for k in ("AIRFLOW_HOME", f"AIRFLOW_CONN_{CONN_ID.upper()}")}
    with tempfile.TemporaryDirectory(prefix="workload-async-bench-airflow-") as home:
        os.environ["AIRFLOW_HOME"] = home
        os.environ[f"AIRFLOW_CONN_{CONN_ID.upper()}"] = json.dumps(conn)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


async def _trigger(emu: EmulatorProcess, workload_id: str) -> None:
    """A WorkloadStatusTrigger, leasing the connection's shared client."""
    from workload_async.contrib.airflow import WorkloadStatusTrigger

    trigger = WorkloadStatusTrigger([workload_id], CONN_ID, deadline=time.time() + 3600, poll=POLL)
    async for _ in trigger.run():
        raise AssertionError("the workload was never meant to start")


async def _own_client(emu: EmulatorProcess, workload_id: str) -> None:
    """What provider triggers do today: a client of its own polling its one workload (the
    connection is not looked up per trigger here: the figure is the polling alone)."""
    async with Client(emu.url, emu.token) as client:
        await client.workloads.wait_many([workload_id], timeout=3600, poll=POLL)


async def _calls_per_round(emu: EmulatorProcess, ids: list[str], wait: Waiter) -> float:
    tasks = [asyncio.create_task(wait(emu, wid)) for wid in ids]
    try:
        await asyncio.sleep(WARM_UP)
        await emu.reset_counters()
        await asyncio.sleep(WINDOW)
        calls = (await emu.counts()).get("workloads.list", 0)
    finally:
        for task in tasks:
            task.cancel()  # cancelled triggers return their leases; the shared client closes
        await asyncio.gather(*tasks, return_exceptions=True)
    return calls * INTERVAL / WINDOW


async def run_deferred_waits(n: int = 1000) -> dict[str, float]:
    """Status calls a round for ``n`` deferred waits: one shared client vs one client per trigger."""
    if importlib.util.find_spec("airflow") is None:
        return {}
    # Airflow's logging set-up would print every wait at INFO: keep the report readable
    logging.getLogger("workload_async").setLevel(logging.WARNING)
    async with (
        EmulatorProcess(startup_seconds=86_400, stop_seconds=0) as emu,
        Client(emu.url, emu.token) as setup,
    ):
        ids = await make_fleet(setup, n)
        with _airflow_env(emu):
            from workload_async.contrib.airflow import SharedClients  # imports Airflow: untimed

            shared = await _calls_per_round(emu, ids, _trigger)
            assert SharedClients.of_running_loop().leases() == {}
            own = await _calls_per_round(emu, ids, _own_client)
    return {
        f"deferred_status_calls_per_round_shared_{n}": shared,
        f"deferred_status_calls_per_round_per_trigger_{n}": own,
        f"per_trigger_over_shared_calls_{n}": own / max(shared, 1e-9),
    }

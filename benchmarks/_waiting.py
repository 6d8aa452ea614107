"""Waiting at scale: the SDK's batched poller against one polling loop per workload."""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc

import aiohttp

from workload_async import BulkResult, Client, PollPolicy, WorkloadStatus

from ._fleet import make_fleet
from ._server import EmulatorProcess

INTERVAL = 0.5  # the same fixed poll interval for both contenders
STARTUP = 2.0


async def _sdk_round(emu: EmulatorProcess, client: Client, ids: list[str]) -> tuple[float, float, int]:
    """(wall seconds, worst start-to-seen-running seconds, status requests) for the SDK."""
    await emu.reset_counters()
    accepted: dict[str, float] = {}
    started = time.perf_counter()

    def note(_done: int, _total: int, result: BulkResult) -> None:
        accepted.setdefault(result.workload_id, time.perf_counter())

    await client.workloads.start_many(ids, concurrency=64, progress=note)
    worst = 0.0
    async for outcome in client.workloads.as_completed(ids, timeout=600):
        assert outcome.ok, outcome
        worst = max(worst, time.perf_counter() - accepted[outcome.workload_id])
    wall = time.perf_counter() - started
    return wall, worst, (await emu.counts()).get("workloads.list", 0)


async def _naive_round(
    emu: EmulatorProcess, session: aiohttp.ClientSession, ids: list[str]
) -> tuple[float, float, int]:
    """The same for the loop DataRobot's docs describe: start, then GET and sleep until running."""
    headers = {"Authorization": f"Bearer {emu.token}"}
    gate = asyncio.Semaphore(64)
    await emu.reset_counters()
    started = time.perf_counter()
    waited: list[float] = []

    async def start_and_poll(workload_id: str) -> None:
        url = f"{emu.url}/console/workloads/{workload_id}/start"
        async with gate, session.post(url, headers=headers) as r:
            await r.read()
        accepted = time.perf_counter()
        while True:
            async with session.get(f"{emu.url}/console/workloads/{workload_id}/", headers=headers) as r:
                if (await r.json())["status"] == "running":
                    waited.append(time.perf_counter() - accepted)
                    return
            await asyncio.sleep(INTERVAL)

    await asyncio.gather(*(start_and_poll(i) for i in ids))
    wall = time.perf_counter() - started
    return wall, max(waited), (await emu.counts()).get("workloads.get", 0)


async def run_waiting(sizes: list[int]) -> dict[str, float]:
    results: dict[str, float] = {}
    fixed = PollPolicy(initial=INTERVAL, factor=1, cap=INTERVAL, jitter=0)
    for n in sizes:
        async with (
            EmulatorProcess(startup_seconds=STARTUP, stop_seconds=0) as emu,
            Client(emu.url, emu.token, poll=fixed) as client,
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session,
        ):
            ids = await make_fleet(client, n)
            await client.workloads.stop_many(ids, wait=True)
            sdk_wall, sdk_worst, sdk_requests = await _sdk_round(emu, client, ids)
            await client.workloads.stop_many(ids, wait=True)
            naive_wall, naive_worst, naive_requests = await _naive_round(emu, session, ids)
        results[f"poll_requests_per_workload_{n}"] = sdk_requests / n
        results[f"naive_requests_per_workload_{n}"] = naive_requests / n
        results[f"naive_over_sdk_requests_{n}"] = naive_requests / max(1, sdk_requests)
        results[f"wait_wall_seconds_{n}"] = sdk_wall
        results[f"naive_wall_seconds_{n}"] = naive_wall
        # the longest any workload went between its start being accepted and the wait seeing it
        # running, beyond the start-up time itself: at most one poll interval when all is well
        results[f"wait_overshoot_seconds_{n}"] = sdk_worst - STARTUP
        results[f"naive_overshoot_seconds_{n}"] = naive_worst - STARTUP
    return results


async def run_list_memory(n: int = 10_000) -> dict[str, float]:
    """Peak Python memory while listing ``n`` workloads."""
    async with EmulatorProcess(startup_seconds=86_400) as emu, Client(emu.url, emu.token) as client:
        await make_fleet(client, n, concurrency=100)
        gc.collect()
        tracemalloc.start()
        base_list = tracemalloc.get_traced_memory()[0]
        seen = 0
        async for w in client.workloads.list():
            seen += w.status is WorkloadStatus.INITIALIZING or 1
        _, peak_list = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert seen == n
    return {"list_memory_mb_10000": (peak_list - base_list) / 2**20}

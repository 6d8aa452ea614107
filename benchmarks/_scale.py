"""Waiting at scale: CPU per workload per polling round, memory per pending wait, registration.

Every figure is the client process's own: CPU from ``time.process_time`` (the emulator runs in a
child process), memory from ``tracemalloc`` in a pass of its own (tracing slows everything, so it
never shares a pass with a CPU figure).

The round's baseline (the *floor*) is what any client must spend to learn the same statuses: raw
aiohttp GETs of the same calls (100 ids each, 8 at once, as the poller sends them), each body
parsed with ``json.loads`` and each item's id and status read. SDK rounds and floor rounds take
turns, so both see the same machine.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import time
import tracemalloc
from collections.abc import Callable

import aiohttp
from yarl import URL

from workload_async import Client, PollPolicy

from ._fleet import make_fleet
from ._server import EmulatorProcess
from ._turns import ratio_figures

INTERVAL = 2.0  # a fixed poll interval: every pending wait is polled once per round
REGISTER = 20_000


async def _until(done: Callable[[], bool]) -> None:
    """Return once ``done()`` holds (the poller offers counters, not events); never inside a
    CPU measurement."""
    while not done():  # noqa: ASYNC110
        await asyncio.sleep(0.05)


async def _rounds_cpu(client: Client, ids: list[str], rounds: int) -> float:
    """CPU seconds per workload per round over ``rounds`` rounds, after one to warm up.

    The CPU is read at the middle of a poll interval (at 100,000 waits, where rounds run back to
    back, anywhere) and the process sleeps in between: a checking loop would wake the process
    many times a round, and on a virtual machine each wake-up costs a few hundred microseconds.
    """
    poller = client.poller
    task = asyncio.create_task(client.workloads.wait_many(ids, timeout=None))
    n = len(ids)
    start = poller.ids_polled
    await _until(lambda: poller.ids_polled >= start + n)  # the first round: registration settles
    await asyncio.sleep(INTERVAL / 2)
    gc.collect()
    cpu, polled = time.process_time(), poller.ids_polled
    await asyncio.sleep(rounds * INTERVAL)
    cpu_per_workload = (time.process_time() - cpu) / (poller.ids_polled - polled)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return cpu_per_workload


async def _floor_round_cpu(session: aiohttp.ClientSession, url: URL, token: str, ids: list[str]) -> float:
    """CPU seconds per workload of one round of raw status calls for ``ids`` (see the module)."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    gate = asyncio.Semaphore(8)
    seen = 0

    async def call(chunk: list[str]) -> None:
        nonlocal seen
        async with (
            gate,
            session.get(
                url.with_query([("limit", "100"), *(("ids", i) for i in chunk)]), headers=headers
            ) as response,
        ):
            body = await response.read()
        for item in json.loads(body)["data"]:
            seen += bool(item["id"]) and bool(item["status"])

    gc.collect()
    cpu = time.process_time()
    await asyncio.gather(*(call(ids[i : i + 100]) for i in range(0, len(ids), 100)))
    seconds = time.process_time() - cpu
    assert seen == len(ids), seen
    return seconds / len(ids)


async def _round_and_floor(
    client: Client, session: aiohttp.ClientSession, url: URL, token: str, ids: list[str], pairs: int
) -> tuple[float, float, list[float]]:
    """(SDK µs, floor µs, each turn's SDK over floor) per workload per round: medians over ``pairs``
    turns."""
    sdk, floor, ratios = [], [], []
    for i in range(pairs):
        if i % 2:
            sdk.append(await _rounds_cpu(client, ids, 2))
            floor.append(await _floor_round_cpu(session, url, token, ids))
        else:
            floor.append(await _floor_round_cpu(session, url, token, ids))
            sdk.append(await _rounds_cpu(client, ids, 2))
        ratios.append(sdk[-1] / floor[-1])
    return statistics.median(sdk) * 1e6, statistics.median(floor) * 1e6, ratios


async def _memory_mb(client: Client, ids: list[str]) -> float:
    """Peak traced memory of ``len(ids)`` pending waits over two full polling rounds."""
    poller = client.poller
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    task = asyncio.create_task(client.workloads.wait_many(ids, timeout=None))
    start = poller.ids_polled
    await _until(lambda: poller.ids_polled >= start + 2 * len(ids))
    pending = poller.pending
    _, peak = tracemalloc.get_traced_memory()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    tracemalloc.stop()
    assert pending == len(ids), pending
    return (peak - base) / 2**20


async def _register_cpu(client: Client, ids: list[str]) -> float:
    """CPU seconds to register one wait per loop turn, each ending before every earlier one.

    Each new wait's deadline is the nearest yet, the worst order for the poller's wake-ups; the
    poll interval is long, so the figure is registration alone.
    """
    slow = PollPolicy(initial=3600, factor=1, cap=3600, jitter=0)
    gc.collect()
    cpu = time.process_time()
    tasks = []
    for i, workload_id in enumerate(ids):
        timeout = 3000.0 - i * 0.01
        tasks.append(asyncio.create_task(client.workloads.wait(workload_id, timeout=timeout, poll=slow)))
        await asyncio.sleep(0)
    await _until(lambda: client.poller.pending == len(ids))
    seconds = time.process_time() - cpu
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return seconds


async def run_wait_scale(sizes: list[int]) -> dict[str, float]:
    results: dict[str, float] = {}
    fixed = PollPolicy(initial=INTERVAL, factor=1, cap=INTERVAL, jitter=0)
    async with (
        EmulatorProcess(startup_seconds=86_400) as emu,
        Client(emu.url, emu.token, poll=fixed, timeout=120) as client,
        aiohttp.ClientSession() as session,
    ):
        fleet = await make_fleet(client, max([*sizes, REGISTER]), concurrency=100)
        results[f"wait_register_seconds_{REGISTER}"] = await _register_cpu(client, fleet[:REGISTER])
        url = URL(f"{emu.url}/console/workloads/")
        for n in sizes:
            ids = fleet[:n]
            sdk, floor, ratios = await _round_and_floor(
                client, session, url, emu.token, ids, 5 if n <= 10_000 else 3
            )
            results[f"wait_round_cpu_us_per_workload_{n}"] = sdk
            results[f"wait_round_floor_us_per_workload_{n}"] = floor
            results.update(ratio_figures(f"wait_round_over_floor_{n}", ratios))
            results[f"wait_memory_mb_{n}"] = await _memory_mb(client, ids)
            results[f"wait_memory_kb_per_wait_{n}"] = results[f"wait_memory_mb_{n}"] * 1024 / n
    return results

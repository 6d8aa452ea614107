"""Waiting at scale: CPU per workload per polling round, memory per pending wait, registration.

Every figure is the client process's own: CPU from ``time.process_time`` (the emulator runs in a
child process), memory from ``tracemalloc`` in a pass of its own (tracing slows everything, so it
never shares a pass with a CPU figure).
"""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from collections.abc import Callable

from workload_async import Client, PollPolicy

from ._fleet import make_fleet
from ._server import EmulatorProcess

INTERVAL = 2.0  # a fixed poll interval: every pending wait is polled once per round
REGISTER = 20_000


async def _until(done: Callable[[], bool]) -> None:
    """Return once ``done()`` holds (the poller offers counters, not events)."""
    while not done():  # noqa: ASYNC110
        await asyncio.sleep(0.02)


async def _rounds_cpu(client: Client, ids: list[str], rounds: int) -> float:
    """CPU seconds per workload per round over ``rounds`` full rounds, after one to warm up."""
    poller = client.poller
    task = asyncio.create_task(client.workloads.wait_many(ids, timeout=None))
    n = len(ids)
    start = poller.ids_polled
    await _until(lambda: poller.ids_polled >= start + n)  # the first round: registration settles
    gc.collect()
    cpu, polled = time.process_time(), poller.ids_polled
    await _until(lambda: poller.ids_polled >= polled + rounds * n)
    cpu_per_workload = (time.process_time() - cpu) / (poller.ids_polled - polled)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return cpu_per_workload


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
    ):
        fleet = await make_fleet(client, max([*sizes, REGISTER]), concurrency=100)
        results[f"wait_register_seconds_{REGISTER}"] = await _register_cpu(client, fleet[:REGISTER])
        for n in sizes:
            ids = fleet[:n]
            rounds = 3 if n <= 10_000 else 2
            results[f"wait_round_cpu_us_per_workload_{n}"] = await _rounds_cpu(client, ids, rounds) * 1e6
            results[f"wait_memory_mb_{n}"] = await _memory_mb(client, ids)
            results[f"wait_memory_kb_per_wait_{n}"] = results[f"wait_memory_mb_{n}"] * 1024 / n
    return results

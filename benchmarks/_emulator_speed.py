"""The emulator holding 10,000 workloads: latency of a list page and of a status change."""

from __future__ import annotations

import statistics
import time

import aiohttp

from workload_async import Client

from ._fleet import make_fleet
from ._server import EmulatorProcess


async def run_emulator_speed(n: int = 10_000, samples: int = 200) -> dict[str, float]:
    async with (
        EmulatorProcess(startup_seconds=1.0, stop_seconds=1.0) as emu,
        Client(emu.url, emu.token) as client,
        aiohttp.ClientSession() as session,
    ):
        ids = await make_fleet(client, n, concurrency=100)
        headers = {"Authorization": f"Bearer {emu.token}"}

        async def timed(method: str, url: str) -> float:
            started = time.perf_counter()
            async with session.request(method, url, headers=headers) as r:
                await r.read()
                assert r.status < 300, r.status
            return (time.perf_counter() - started) * 1000

        await timed("GET", f"{emu.url}/console/workloads/?limit=100")  # warm the connection
        pages = [
            await timed("GET", f"{emu.url}/console/workloads/?limit=100&offset={i * 10}")
            for i in range(samples)
        ]
        changes = []
        for i in range(samples):
            changes.append(await timed("POST", f"{emu.url}/console/workloads/{ids[i]}/stop"))
        filtered = [
            await timed("GET", f"{emu.url}/console/workloads/?ids={ids[i]}&limit=100") for i in range(samples)
        ]
    return {
        "emulator_list_page_ms_p50_10000": statistics.median(pages),
        "emulator_list_page_ms_p95_10000": statistics.quantiles(pages, n=20)[-1],
        "emulator_status_change_ms_p50_10000": statistics.median(changes),
        "emulator_status_change_ms_p95_10000": statistics.quantiles(changes, n=20)[-1],
        "emulator_ids_filter_ms_p50_10000": statistics.median(filtered),
    }

"""Call overhead, list decoding and bulk start: the SDK against raw aiohttp, taking turns."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

import aiohttp

from workload_async import Client

from ._fleet import make_fleet
from ._server import EmulatorProcess
from ._turns import ratio_figures


async def throughput(call: Callable[[int], Awaitable[object]], total: int, concurrency: int) -> float:
    """Calls per second of ``total`` calls with ``concurrency`` workers."""
    counter = iter(range(total))

    async def worker() -> None:
        for i in counter:
            await call(i)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def best_ratio(
    sdk: Callable[[int], Awaitable[object]],
    raw: Callable[[int], Awaitable[object]],
    total: int,
    concurrency: int,
    rounds: int,
) -> tuple[float, float, list[float]]:
    """(sdk calls/s, raw calls/s, each round's ratio): the rates are medians over ``rounds``
    back-to-back pairs of runs.

    Each round runs both contenders one after the other (alternating which goes first) and
    yields one ratio; the median ratio shrugs off a round that a noisy neighbour disturbed.
    """
    await throughput(sdk, min(total, 100), concurrency)  # warm both paths and their connections
    await throughput(raw, min(total, 100), concurrency)
    sdk_rates, raw_rates, ratios = [], [], []
    for i in range(rounds):
        if i % 2:
            sdk_rate, raw_rate = (
                await throughput(sdk, total, concurrency),
                await throughput(raw, total, concurrency),
            )
        else:
            raw_rate, sdk_rate = (
                await throughput(raw, total, concurrency),
                await throughput(sdk, total, concurrency),
            )
        sdk_rates.append(sdk_rate)
        raw_rates.append(raw_rate)
        ratios.append(sdk_rate / raw_rate)
    return statistics.median(sdk_rates), statistics.median(raw_rates), ratios


async def run_calls(quick: bool) -> dict[str, float]:
    results: dict[str, float] = {}
    rounds = 5 if quick else 9
    async with (
        EmulatorProcess(startup_seconds=3600, stop_seconds=0) as emu,
        Client(emu.url, emu.token) as client,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session,
    ):
        headers = {"Authorization": f"Bearer {emu.token}", "Accept": "application/json"}
        ids = await make_fleet(client, 1000)
        one = ids[0]

        async def sdk_get(_: int) -> object:
            return await client.workloads.get(one)

        async def raw_get(_: int) -> object:
            async with session.get(f"{emu.url}/console/workloads/{one}/", headers=headers) as r:
                return await r.json()

        for concurrency, total in ((1, 300 if quick else 1000), (64, 1500 if quick else 4000)):
            sdk_rate, raw_rate, ratios = await best_ratio(sdk_get, raw_get, total, concurrency, rounds)
            results[f"get_sdk_per_s_c{concurrency}"] = sdk_rate
            results[f"get_raw_per_s_c{concurrency}"] = raw_rate
            results.update(ratio_figures(f"get_ratio_c{concurrency}", ratios))

        async def sdk_list(_: int) -> object:
            return await client.workloads.list(page_size=100).first_page()

        async def raw_list(_: int) -> object:
            async with session.get(f"{emu.url}/console/workloads/?limit=100", headers=headers) as r:
                return json.loads(await r.read())

        sdk_rate, raw_rate, ratios = await best_ratio(sdk_list, raw_list, 60 if quick else 200, 4, rounds)
        results.update(list_sdk_pages_per_s=sdk_rate, list_raw_pages_per_s=raw_rate)
        results.update(ratio_figures("list_ratio", ratios))

        fleet = [*ids, *await make_fleet(client, 4000)]
        for n in (1000, 5000):
            # an even number of rounds at 5,000, so each contender goes first as often: the
            # emulator's log of starts and stops grows, and later runs can be slower
            sdk_rate, raw_rate, ratios = await _bulk_ratio(
                client, session, emu, fleet[:n], rounds if n == 1000 else (4 if quick else 6)
            )
            suffix = "" if n == 1000 else f"_{n}"
            results[f"bulk_sdk_per_s{suffix}"] = sdk_rate
            results[f"bulk_raw_per_s{suffix}"] = raw_rate
            results.update(ratio_figures(f"bulk_start_ratio{suffix}", ratios))
    return results


async def _bulk_ratio(
    client: Client, session: aiohttp.ClientSession, emu: EmulatorProcess, ids: list[str], rounds: int
) -> tuple[float, float, list[float]]:
    """(SDK starts/s, raw starts/s, each round's ratio): rates are medians over ``rounds`` of
    starting every workload of ``ids`` at concurrency 64, after stopping them all."""
    headers = {"Authorization": f"Bearer {emu.token}", "Accept": "application/json"}

    async def stop_all() -> None:
        await client.workloads.stop_many(ids, concurrency=64)

    async def sdk_bulk() -> float:
        started = time.perf_counter()
        results_ = await client.workloads.start_many(ids, concurrency=64)
        assert all(r.ok for r in results_.values())
        return len(ids) / (time.perf_counter() - started)

    async def raw_bulk() -> float:
        gate = asyncio.Semaphore(64)

        async def start(workload_id: str) -> None:
            async with (
                gate,
                session.post(f"{emu.url}/console/workloads/{workload_id}/start", headers=headers) as r,
            ):
                assert r.status in (200, 202)
                await r.read()

        started = time.perf_counter()
        await asyncio.gather(*(start(i) for i in ids))
        return len(ids) / (time.perf_counter() - started)

    sdk_rates, raw_rates, ratios = [], [], []
    for i in range(rounds):  # alternate which goes first, as best_ratio does
        await stop_all()
        if i % 2:
            sdk_rates.append(await sdk_bulk())
            await stop_all()
            raw_rates.append(await raw_bulk())
        else:
            raw_rates.append(await raw_bulk())
            await stop_all()
            sdk_rates.append(await sdk_bulk())
        ratios.append(sdk_rates[-1] / raw_rates[-1])
        if os.environ.get("BENCH_VERBOSE"):
            print(f"  round {i}: sdk {sdk_rates[-1]:.0f}/s raw {raw_rates[-1]:.0f}/s", file=sys.stderr)
    return statistics.median(sdk_rates), statistics.median(raw_rates), ratios

"""Creating and tearing down fleets: ``create_many`` and ``delete_many`` against raw aiohttp POSTs
and DELETEs under a semaphore at the same concurrency, taking turns.

Each round creates ``n`` workloads both ways (alternating which goes first), then deletes each set
the way it was made (alternating again), so every round starts from the same emulator.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import aiohttp

from workload_async import ArtifactStatus, Client, Container, CreateWorkload, InputArtifact

from ._server import EmulatorProcess
from ._turns import ratio_figures

__all__ = ["run_bulk_create_delete"]

CONCURRENCY = 64


async def run_bulk_create_delete(quick: bool, n: int = 1000) -> dict[str, float]:
    rounds = 5 if quick else 9
    async with (
        EmulatorProcess(startup_seconds=3600, stop_seconds=0) as emu,
        Client(emu.url, emu.token) as client,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session,
    ):
        spec = InputArtifact.single(
            "bench", Container(image_uri="bench:1", port=8080), status=ArtifactStatus.REGISTERED
        )
        artifact_id = (await client.artifacts.create(spec)).id  # registered: any number may use it
        headers = {"Authorization": f"Bearer {emu.token}", "Accept": "application/json"}
        collection = f"{emu.url}/console/workloads/"

        async def sdk_create(names: list[str]) -> tuple[float, list[str]]:
            requests = [CreateWorkload(name=name, artifact_id=artifact_id) for name in names]
            started = time.perf_counter()
            results = await client.workloads.create_many(requests, concurrency=CONCURRENCY)
            seconds = time.perf_counter() - started
            assert all(r.ok for r in results), [r.error for r in results if not r.ok][:3]
            return len(names) / seconds, [str(r.workload_id) for r in results]

        async def raw_create(names: list[str]) -> tuple[float, list[str]]:
            gate = asyncio.Semaphore(CONCURRENCY)

            async def create(name: str) -> str:
                body = {"name": name, "artifactId": artifact_id}
                async with gate, session.post(collection, json=body, headers=headers) as r:
                    assert r.status == 201, r.status
                    return str(json.loads(await r.read())["id"])

            started = time.perf_counter()
            ids = await asyncio.gather(*(create(name) for name in names))
            return len(names) / (time.perf_counter() - started), list(ids)

        async def sdk_delete(ids: list[str]) -> float:
            started = time.perf_counter()
            results = await client.workloads.delete_many(ids, concurrency=CONCURRENCY)
            seconds = time.perf_counter() - started
            assert all(r.ok for r in results.values())
            return len(ids) / seconds

        async def raw_delete(ids: list[str]) -> float:
            gate = asyncio.Semaphore(CONCURRENCY)

            async def delete(workload_id: str) -> None:
                async with gate, session.delete(f"{collection}{workload_id}/", headers=headers) as r:
                    assert r.status in (200, 204), r.status
                    await r.read()

            started = time.perf_counter()
            await asyncio.gather(*(delete(i) for i in ids))
            return len(ids) / (time.perf_counter() - started)

        # warm both paths and their connections
        await sdk_delete((await sdk_create([f"warm-sdk-{i}" for i in range(100)]))[1])
        await raw_delete((await raw_create([f"warm-raw-{i}" for i in range(100)]))[1])
        rates: dict[str, list[float]] = {
            "sdk_create": [],
            "raw_create": [],
            "sdk_delete": [],
            "raw_delete": [],
        }
        for i in range(rounds):
            made: dict[str, list[str]] = {}
            for way, create in (("raw", raw_create), ("sdk", sdk_create))[:: 1 if i % 2 else -1]:
                rate, made[way] = await create([f"{way}-{i}-{k:04d}" for k in range(n)])
                rates[f"{way}_create"].append(rate)
            for way, delete in (("sdk", sdk_delete), ("raw", raw_delete))[:: 1 if i % 2 else -1]:
                rates[f"{way}_delete"].append(await delete(made[way]))
    figures = {f"bulk_{key}_per_s": statistics.median(values) for key, values in rates.items()}
    for verb in ("create", "delete"):
        sdk, raw = rates[f"sdk_{verb}"], rates[f"raw_{verb}"]
        figures.update(ratio_figures(f"bulk_{verb}_ratio", [s / r for s, r in zip(sdk, raw, strict=True)]))
    return figures

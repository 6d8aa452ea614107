"""Making fleets of workloads on the emulator for the benchmarks."""

from __future__ import annotations

import asyncio

from workload_async import ArtifactStatus, Client, Container, InputArtifact


async def make_fleet(client: Client, n: int, concurrency: int = 64) -> list[str]:
    """``n`` workloads backed by one registered artifact (so no draft TTL applies)."""
    artifact = await client.artifacts.create(
        InputArtifact.single(
            "bench", Container(image_uri="bench:1", port=8080), status=ArtifactStatus.REGISTERED
        )
    )
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> str:
        async with gate:
            return (await client.workloads.create(name=f"bench-{i:05d}", artifact_id=artifact.id)).id

    return list(await asyncio.gather(*(one(i) for i in range(n))))

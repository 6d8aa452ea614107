"""Restart every workload whose name matches, at most 32 requests at a time, with a progress line.

``python docs/examples/restart_fleet.py SEARCH`` against DataRobot (DATAROBOT_ENDPOINT and
DATAROBOT_API_TOKEN set); without them it seeds an in-process emulator with a small fleet first.
"""

from __future__ import annotations

import asyncio
import os
import sys

from workload_async import BulkResult, BulkState, Client, Container, InputArtifact


async def restart(client: Client, search: str, timeout: float = 1800) -> dict[str, BulkState]:
    """Stop, then start, every workload whose name contains ``search``; wait for each step."""
    ids = [w.id async for w in client.workloads.list(search=search)]

    def progress(done: int, total: int, result: BulkResult) -> None:
        print(f"\r{done}/{total} {result.workload_id} {result.state.value:<9}", end="", file=sys.stderr)

    await client.workloads.stop_many(ids, wait=True, timeout=timeout, progress=progress)
    print(file=sys.stderr)
    results = await client.workloads.start_many(ids, wait=True, timeout=timeout, progress=progress)
    print(file=sys.stderr)
    return {workload_id: result.state for workload_id, result in results.items()}


async def seed(client: Client, count: int = 10) -> None:
    for i in range(count):
        artifact = InputArtifact.single(
            f"api-{i}", Container(image_uri="registry.example.com/api:1", port=8080)
        )
        await client.workloads.create(name=f"api-{i}", artifact=artifact)


async def main(search: str) -> None:
    if os.environ.get("DATAROBOT_ENDPOINT"):
        async with Client() as client:
            states = await restart(client, search)
    else:
        from workload_async.emulator import Emulator

        async with (
            Emulator(startup_seconds=1.0, stop_seconds=0.5) as emu,
            Client(emu.url, emu.token) as client,
        ):
            await seed(client)
            states = await restart(client, search)
    print({state.value: list(states.values()).count(state) for state in set(states.values())})


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "api"))

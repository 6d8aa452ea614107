"""Status calls per polling round for pending rollouts and builds (API 11.5).

These are counts, not timings: the emulator runs in-process on a fake clock shared with the
client, every replacement held at ``staged`` and every build at ``IN_PROGRESS`` by the emulator's
controls, so every wait stays pending while the poller runs rounds back to back (a fake clock's
sleeps jump ahead). Each round polls every wait once (a fixed poll interval), and the figure is
the status calls of the rounds divided by their number:

- ``replacement_status_calls_per_round_N``: N pending replacement waits ride the workload status
  round, 100 workloads a call: at most ⌈N/100⌉;
- ``build_status_calls_per_round_N``: N pending build waits of one artifact cost one call a
  round; ``..._over_10_artifacts``: N builds over ten artifacts, one call per artifact.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from workload_async import (
    Client,
    CodeRef,
    Container,
    DataRobotCodeRef,
    Dockerfile,
    FakeClock,
    ImageBuildConfig,
    InputArtifact,
    PollPolicy,
    WorkloadRuntime,
)
from workload_async.emulator import Emulator

from ._fleet import make_fleet

ROUNDS = 5
FIXED = PollPolicy(initial=2.0, factor=1, cap=2.0, jitter=0)
SOURCE = ImageBuildConfig(Dockerfile.provided(), CodeRef(DataRobotCodeRef("c" * 24, "d" * 24)))


async def _until(done: Callable[[], bool]) -> None:
    while not done():  # noqa: ASYNC110 - the poller offers counters, not events
        await asyncio.sleep(0.01)


async def _calls_per_round(client: Client, waits: list[asyncio.Task[object]], pending: int) -> float:
    """Status calls per round of ``ROUNDS`` rounds, once ``pending`` waits are registered."""
    poller = client.poller
    await _until(lambda: poller.pending >= pending)
    rounds = poller.rounds + 1  # the round in flight, if any, may have started before the last wait
    await _until(lambda: poller.rounds >= rounds)
    start_rounds, start_requests = poller.rounds, poller.requests
    await _until(lambda: poller.rounds >= start_rounds + ROUNDS)
    per_round = (poller.requests - start_requests) / (poller.rounds - start_rounds)
    for wait in waits:
        wait.cancel()
    await asyncio.gather(*waits, return_exceptions=True)
    return per_round


async def _replacements(client: Client, emu: Emulator, n: int) -> float:
    ids = await make_fleet(client, n, concurrency=100)
    await client.workloads.wait_many(ids, timeout=None)
    for workload_id in ids:
        emu.hold_replacements(workload_id, "staged")
    gate = asyncio.Semaphore(100)

    async def start(workload_id: str) -> str:
        async with gate:
            return (await client.workloads.update_settings(workload_id, WorkloadRuntime(replica_count=2))).id

    started = await asyncio.gather(*(start(i) for i in ids))
    waits: list[asyncio.Task[object]] = [
        asyncio.create_task(client.workloads.wait_for_replacement(w, r, timeout=None, poll=FIXED))
        for w, r in zip(ids, started, strict=True)
    ]
    return await _calls_per_round(client, waits, n)


async def _builds(client: Client, emu: Emulator, n: int, artifacts: int) -> float:
    made = [
        await client.artifacts.create(
            InputArtifact.single(f"src-{a}", Container(port=8080, image_build_config=SOURCE))
        )
        for a in range(artifacts)
    ]
    waits: list[asyncio.Task[object]] = []
    for art in made:
        emu.hold_builds(art.id, "IN_PROGRESS")
        for _ in range(n // artifacts):
            (build,) = await client.artifacts.build(art.id)
            wait: Awaitable[object] = client.artifacts.wait_for_builds(
                art.id, [build.id], timeout=None, poll=FIXED
            )
            waits.append(asyncio.ensure_future(wait))
    return await _calls_per_round(client, waits, n)


async def run_shipping_counts(replacements: int = 1000, builds: int = 100) -> dict[str, float]:
    results: dict[str, float] = {}
    clock = FakeClock()
    async with (
        Emulator(clock=clock, api_version="11.5", startup_seconds=1.0) as emu,
        Client(emu.url, emu.token, clock=clock, api_version="11.5", wait_timeout=None) as client,
    ):
        results[f"replacement_status_calls_per_round_{replacements}"] = await _replacements(
            client, emu, replacements
        )
        results[f"build_status_calls_per_round_{builds}"] = await _builds(client, emu, builds, 1)
        results[f"build_status_calls_per_round_{builds}_over_10_artifacts"] = await _builds(
            client, emu, builds, 10
        )
    return results

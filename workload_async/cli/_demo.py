"""``workload-async demo``: a fleet taken through its whole lifecycle on the embedded emulator."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from typing import TextIO

from .. import Client, Container, InputArtifact, ResourceRequest, WorkloadRuntime, WorkloadStatus, gib
from ..emulator import CRASH_IMAGE, Emulator
from ._output import Progress

__all__ = ["run_demo", "run_demo_command"]


async def run_demo_command(args: argparse.Namespace) -> int:
    """Run ``workload-async demo``: :func:`run_demo` on stdout (what it cannot do was refused as
    the command line was parsed)."""
    return await run_demo(
        sys.stdout,
        fleet=args.fleet,
        startup_seconds=args.startup_seconds,
        api_version=args.api_version or "v2.41",
    )


async def run_demo(
    out: TextIO,
    *,
    fleet: int = 200,
    crashing: int = 3,
    startup_seconds: float = 1.5,
    stop_seconds: float = 0.5,
    api_version: str = "v2.41",
) -> int:
    """Start an emulator in-process and orchestrate ``fleet`` workloads through create, wait,
    deploy, invoke, bulk stop and delete; print what happened and how many requests it took.

    On ``api_version="11.5"`` a settings replacement and a promote take the place of the
    deployment (that generation has none)."""

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    began = time.perf_counter()
    async with (
        Emulator(
            startup_seconds=startup_seconds,
            stop_seconds=stop_seconds,
            jitter=0.3,
            seed=7,
            api_version=api_version,
        ) as emu,
        Client(emu.url, emu.token, api_version=api_version) as client,
    ):
        say(
            f"emulator serving the Workload API {api_version} at {emu.url} "
            f"(startup {startup_seconds}s, stop {stop_seconds}s)"
        )
        # 11.5 keeps resources in the workload's runtime, not in the artifact
        request = ResourceRequest(cpu=0.5, memory=gib(1)) if api_version == "v2.41" else None
        echo = InputArtifact.single(
            "echo", Container(image_uri="registry.example.com/echo:1.0", port=8080, resource_request=request)
        )
        artifact = await client.artifacts.register((await client.artifacts.create(echo)).id)
        say(f"1. registered artifact {artifact.name!r} v{artifact.version} ({artifact.id})")

        t0 = time.perf_counter()
        gate = asyncio.Semaphore(32)

        async def create(i: int) -> str:
            async with gate:
                if i < crashing:
                    broken = InputArtifact.single(
                        f"broken-{i}", Container(image_uri=f"{CRASH_IMAGE}:latest", port=8080)
                    )
                    return (await client.workloads.create(name=f"broken-{i}", artifact=broken)).id
                return (await client.workloads.create(name=f"worker-{i:04d}", artifact_id=artifact.id)).id

        ids = list(await asyncio.gather(*(create(i) for i in range(fleet))))
        say(
            f"2. created {fleet} workloads ({crashing} with a crashing image) "
            f"in {time.perf_counter() - t0:.2f}s"
        )

        t0 = time.perf_counter()
        polls_before, asked_before = client.poller.requests, client.poller.ids_polled
        progress = Progress("   waiting for running", fleet)
        outcomes = {}
        async for outcome in client.workloads.as_completed(ids, until=WorkloadStatus.RUNNING, timeout=120):
            outcomes[outcome.workload_id] = outcome
            progress.update(len(outcomes), outcome.ok)
        elapsed = time.perf_counter() - t0
        running = [o for o in outcomes.values() if o.ok]
        failed = [o for o in outcomes.values() if not o.ok]
        polls = client.poller.requests - polls_before
        naive = client.poller.ids_polled - asked_before
        say(
            f"3. {len(running)} running, {len(failed)} errored, in {elapsed:.2f}s "
            f"(start-up is {startup_seconds}s ± 30%)"
        )
        say(
            f"   status polls: {polls} batched list calls for {fleet} workloads ({polls / fleet:.2f} per "
            f"workload); one GET per workload at the same cadence would have taken {naive}"
        )
        if failed:
            error = failed[0].error
            say(f"   one failure, with its details: {error}")

        target = running[0].workload_id
        if api_version == "v2.41":
            await _deploy(client, target, say)
        else:
            await _replace_and_promote(client, target, say)

        t0 = time.perf_counter()
        progress = Progress("   stopping", fleet)
        results = await client.workloads.stop_many(
            ids, concurrency=64, wait=True, timeout=120, progress=lambda d, _t, r: progress.update(d, r.ok)
        )
        stopped = sum(1 for r in results.values() if r.ok)
        say(
            f"5. stop_many: {stopped}/{fleet} stopped in {time.perf_counter() - t0:.2f}s "
            "(64 requests at a time)"
        )

        t0 = time.perf_counter()
        await asyncio.gather(*(client.workloads.delete(i) for i in ids))
        remaining = (await client.workloads.list().first_page()).total_count
        say(f"6. deleted {fleet} workloads in {time.perf_counter() - t0:.2f}s; {remaining} left")

        total = sum(emu.counts.values())
        say(f"done in {time.perf_counter() - began:.2f}s with {total} API requests in all")
    return 0


async def _deploy(client: Client, target: str, say: Callable[[str], None]) -> None:
    """v2.41: deploy one workload, call it 50 times at once, read its stats, remove the deployment."""
    deployment = await client.deployments.create(name="echo-prod", workload_id=target, importance="high")
    t0 = time.perf_counter()
    responses = await asyncio.gather(
        *(
            client.deployments.invoke(deployment.id, "predict", method="POST", json={"row": i})
            for i in range(50)
        )
    )
    ok = sum(1 for r in responses if r.ok)
    stats = await client.deployments.stats(deployment.id)
    say(
        f"4. deployed {target} as {deployment.name!r}; 50 concurrent invocations, {ok} ok, in "
        f"{time.perf_counter() - t0:.2f}s; stats: {stats.metrics.total_requests} requests, "
        f"median {stats.metrics.response_time} ms"
    )
    await client.deployments.delete(deployment.id)


async def _replace_and_promote(client: Client, target: str, say: Callable[[str], None]) -> None:
    """11.5: call one workload 50 times at once and move it onto 3 replicas with a rolling
    replacement; run a canary from a draft artifact and promote it (the draft locked in place)."""
    t0 = time.perf_counter()
    responses = await asyncio.gather(
        *(client.workloads.invoke(target, "predict", method="POST", json={"row": i}) for i in range(50))
    )
    ok = sum(1 for r in responses if r.ok)
    stats = await client.workloads.stats(target)
    three = WorkloadRuntime(replica_count=3)
    updated = await client.workloads.update_settings(target, three, wait=True, timeout=120)
    groups = updated.runtime.container_groups if updated.runtime is not None else None
    replicas = groups[0].replica_count if groups else None
    say(
        f"4. {target}: 50 concurrent invocations, {ok} ok ({stats.metrics.total_requests} in its stats); "
        f"settings replaced while it kept running ({replicas} replicas) in {time.perf_counter() - t0:.2f}s"
    )
    t0 = time.perf_counter()
    draft = InputArtifact.single("echo-next", Container(image_uri="registry.example.com/echo:1.1", port=8080))
    canary = await client.workloads.create(name="echo-canary", artifact=draft)
    await client.workloads.wait(canary.id, timeout=120)
    promoted = await client.workloads.promote(canary.id)
    version = promoted.artifact.version if promoted.artifact is not None else None
    await client.workloads.delete(canary.id)
    say(f"   canary promoted: its draft artifact locked as v{version}, in {time.perf_counter() - t0:.2f}s")

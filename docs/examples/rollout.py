"""Roll out a fleet: one registered artifact, N workloads, one deadline for the whole step.

Run it against DataRobot (DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN set) or, without them, against
an emulator started in-process: ``python docs/examples/rollout.py``.
"""

from __future__ import annotations

import asyncio
import os

from workload_async import (
    ArtifactStatus,
    Client,
    Container,
    InputArtifact,
    WorkloadRuntime,
)


async def rollout(client: Client, replicas: int = 20, step_seconds: float = 900) -> dict[str, str]:
    """Start ``replicas`` workloads and wait for all of them within one deadline.

    Returns each workload's id mapped to ``"running"``, or to the reason it is not.
    """
    artifact = await client.artifacts.create(
        InputArtifact.single(
            "scorer",
            Container(image_uri="registry.example.com/scorer:2.1", port=8080),
            status=ArtifactStatus.REGISTERED,  # one registered artifact may back many workloads
        )
    )
    deadline = client.deadline(step_seconds)  # creating and waiting share it
    ids = [
        (
            await client.workloads.create(
                name=f"scorer-{i}", artifact_id=artifact.id, runtime=WorkloadRuntime(replica_count=1)
            )
        ).id
        for i in range(replicas)
    ]
    report: dict[str, str] = {}
    async for outcome in client.workloads.as_completed(ids, deadline=deadline):
        report[outcome.workload_id] = "running" if outcome.ok else str(outcome.error)
    return report


async def main() -> None:
    if os.environ.get("DATAROBOT_ENDPOINT"):
        async with Client() as client:
            report = await rollout(client)
    else:
        from workload_async.emulator import Emulator

        async with Emulator(startup_seconds=1.0) as emu, Client(emu.url, emu.token) as client:
            report = await rollout(client)
    running = sum(1 for state in report.values() if state == "running")
    print(f"{running}/{len(report)} running")
    for workload_id, state in report.items():
        if state != "running":
            print(f"  {workload_id}: {state}")


if __name__ == "__main__":
    asyncio.run(main())

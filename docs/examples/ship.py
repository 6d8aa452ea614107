"""Ship a new version: build it from source, roll it onto a running workload, check it, roll back.

Run it against DataRobot (DATAROBOT_ENDPOINT, DATAROBOT_API_TOKEN and
DATAROBOT_WORKLOAD_API_VERSION=11.5 set, and WORKLOAD_ID naming a running workload) or, without
them, against an emulator started in-process: ``python docs/examples/ship.py``.
"""

from __future__ import annotations

import asyncio
import os

import attrs

from workload_async import (
    BuildFailedError,
    Client,
    CodeRef,
    Container,
    DataRobotCodeRef,
    Dockerfile,
    ImageBuildConfig,
    InputArtifact,
    ReplacementFailedError,
    WaitTimeoutError,
)


@attrs.frozen
class Shipped:
    """How a shipment ended: ``outcome`` is ``shipped``, ``rolled back``, ``kept the old
    version`` or ``not built``; ``artifact_id`` is the new version's artifact."""

    artifact_id: str
    outcome: str
    detail: str = ""


async def ship(
    client: Client,
    workload_id: str,
    source: ImageBuildConfig,
    *,
    name: str,
    check_path: str = "health",
    seconds: float = 1800,
) -> Shipped:
    """Build ``source`` into a new version of the workload's application and roll it out.

    The build, the rollout and a rollback share one deadline, ``seconds`` from now. A rollout that
    fails leaves the old version serving (the service's own rollback); one that completes but
    fails its check (``check_path`` answering an error) is rolled back onto the old version.
    """
    deadline = client.deadline(seconds)

    def left() -> float:
        return max(1.0, deadline - client.clock.monotonic())

    current = await client.workloads.get(workload_id)
    previous = current.artifact_id
    assert previous is not None
    # 1. a new draft artifact whose image is built from source
    draft = await client.artifacts.create(
        InputArtifact.single(name, Container(port=8080, image_build_config=source))
    )
    try:
        await client.artifacts.build(draft.id, wait=True, timeout=left())  # COMPLETED, not BUILT
    except BuildFailedError as failed:
        return Shipped(draft.id, "not built", failed.log_tail[-1] if failed.log_tail else str(failed))
    if current.artifact is not None and current.artifact.is_locked:
        await client.artifacts.register(draft.id)  # a locked version replaces a locked one
    # 2. a rolling replacement: the old version serves until the switch
    try:
        await client.workloads.replace(workload_id, draft.id, wait=True, timeout=left())
    except ReplacementFailedError as failed:
        return Shipped(draft.id, "kept the old version", str(failed.replacement.message))
    except WaitTimeoutError:
        await client.workloads.cancel_replacement(workload_id)
        return Shipped(draft.id, "kept the old version", "the rollout took too long: canceled")
    # 3. check the new version; roll back onto the old one if it misbehaves
    response = await client.workloads.invoke(workload_id, check_path)
    if response.ok:
        return Shipped(draft.id, "shipped")
    await client.workloads.replace(workload_id, previous, wait=True, timeout=left())
    return Shipped(draft.id, "rolled back", f"{check_path} answered {response.status}")


async def main() -> None:
    source = ImageBuildConfig(
        dockerfile=Dockerfile.provided(),
        code_ref=CodeRef(DataRobotCodeRef(catalog_id=os.environ.get("CATALOG_ID", "c" * 24),
                                          catalog_version_id=os.environ.get("CATALOG_VERSION_ID", "d" * 24))),
    )  # fmt: skip
    if os.environ.get("DATAROBOT_ENDPOINT"):
        async with Client() as client:
            shipped = await ship(client, os.environ["WORKLOAD_ID"], source, name="app-next")
    else:
        from workload_async.emulator import Emulator

        async with (
            Emulator(startup_seconds=1.0, build_seconds=2.0, api_version="11.5") as emu,
            Client(emu.url, emu.token, api_version="11.5") as client,
        ):
            first = InputArtifact.single("app", Container(image_uri="registry.example.com/app:1", port=8080))
            workload = await client.workloads.create(name="app", artifact=first)
            await client.workloads.wait(workload.id)
            shipped = await ship(client, workload.id, source, name="app-next", check_path="hello")
    print(f"{shipped.outcome}: artifact {shipped.artifact_id} {shipped.detail}".rstrip())


if __name__ == "__main__":
    asyncio.run(main())

"""Image builds end to end: start, wait (BUILT is not done), fail with the log's tail, share the
client's poller, deadlines, cancellation and close() with every other wait."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tests.conftest import advance_a_round
from workload_async import (
    Artifact,
    ArtifactSpec,
    BuildFailedError,
    BuildStatus,
    Client,
    ClientClosedError,
    CodeRef,
    Container,
    ContainerGroup,
    DataRobotCodeRef,
    Dockerfile,
    FakeClock,
    ImageBuildConfig,
    InputArtifact,
    NotFoundError,
    PollPolicy,
    UnsupportedFeatureError,
    WaitTimeoutError,
    WorkloadStatus,
)
from workload_async.emulator import Emulator

CODE = CodeRef(DataRobotCodeRef(catalog_id="c" * 24, catalog_version_id="d" * 24))


def from_source(name: str = "app", dockerfile: Dockerfile | None = None, groups: int = 1) -> InputArtifact:
    config = ImageBuildConfig(dockerfile=dockerfile or Dockerfile.provided(), code_ref=CODE)
    container = Container(port=8080, primary=True, image_build_config=config)
    spec = ArtifactSpec(
        container_groups=[
            ContainerGroup([container], name=f"g{i}" if groups > 1 else None) for i in range(groups)
        ]
    )
    return InputArtifact(name=name, spec=spec)


def image_of(artifact: Artifact) -> str | None:
    assert artifact.spec is not None
    return artifact.spec.container_groups[0].containers[0].image_uri


@pytest.mark.v11_5_only
async def test_build_with_wait_returns_once_every_build_completed(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(from_source(groups=2))
    assert image_of(art) is None
    builds = await client.artifacts.build(art.id, wait=True, timeout=60)
    assert len(builds) == 2 and {b.status for b in builds} == {BuildStatus.COMPLETED}
    assert {b.artifact_id for b in builds} == {art.id}
    built = await client.artifacts.get(art.id)
    assert image_of(built) is not None
    assert built.spec is not None
    container = built.spec.container_groups[0].containers[0]
    assert container.build is not None and container.build.status is BuildStatus.COMPLETED
    assert container.image_build_config is not None and container.image_build_config.code_ref is not None
    workload = await client.workloads.create(name="from-source", artifact_id=art.id)
    assert (await client.workloads.wait(workload.id)).status is WorkloadStatus.RUNNING


@pytest.mark.v11_5_only
async def test_built_is_not_done(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(from_source())
    emu.hold_builds(art.id, "BUILT")
    with pytest.raises(WaitTimeoutError, match=r"last status seen: .* BUILT") as caught:
        await client.artifacts.build(art.id, wait=True, timeout=30)
    assert caught.value.workload_id == "" and f"of artifact {art.id} did not reach 'COMPLETED'" in str(
        caught.value
    )


@pytest.mark.v11_5_only
async def test_a_failed_build_raises_with_the_tail_of_its_log(client: Client) -> None:
    art = await client.artifacts.create(
        from_source(dockerfile=Dockerfile.provided("emulator/fail.Dockerfile"))
    )
    with pytest.raises(BuildFailedError, match="ended FAILED") as caught:
        await client.artifacts.build(art.id, wait=True, timeout=60)
    failed = caught.value
    assert failed.build.status is BuildStatus.FAILED and failed.build.artifact_id == art.id
    assert failed.log_tail and "failed to solve" in failed.log_tail[-1]
    assert "last log line: [" in str(failed)


@pytest.mark.v11_5_only
async def test_a_cancelled_build_fails_the_wait_at_once(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    art = await client.artifacts.create(from_source())
    builds = await client.artifacts.build(art.id)
    waiting = asyncio.create_task(
        client.artifacts.wait_for_builds(art.id, [b.id for b in builds], timeout=60)
    )
    await asyncio.sleep(0)
    emu.fail_builds(art.id, "cancelled by an operator", status="CANCELLED")
    with pytest.raises(BuildFailedError, match="ended CANCELLED") as caught:
        await waiting
    assert caught.value.log_tail[-1].endswith("cancelled by an operator")


@pytest.mark.v11_5_only
async def test_waiting_for_many_builds_of_one_artifact_costs_one_call_a_round(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    art = await client.artifacts.create(from_source(groups=3))
    emu.hold_builds(art.id, "IN_PROGRESS")
    started = [b for _ in range(4) for b in await client.artifacts.build(art.id)]  # 12 builds
    fixed = PollPolicy(initial=1, factor=1, cap=1, jitter=0)
    waits = [
        asyncio.create_task(client.artifacts.wait_for_builds(art.id, [b.id], poll=fixed, timeout=None))
        for b in started
    ] + [asyncio.create_task(client.artifacts.wait_for_builds(art.id, [b.id for b in started], poll=fixed))]
    await asyncio.sleep(0)
    emu.reset_counters()
    rounds = client.poller.rounds
    for _ in range(10):
        await advance_a_round(clock, client, 1)
    rounds = client.poller.rounds - rounds
    # 13 waits for 12 builds of one artifact: one call a round (give or take the round whose call
    # was on its way when the counting started or ended)
    assert rounds >= 9 and rounds - 1 <= emu.counts["artifacts.builds"] <= rounds + 1
    emu.release_builds(art.id)
    clock.advance(10)
    results = await asyncio.gather(*waits)
    assert all(b.status is BuildStatus.COMPLETED for done in results for b in done)
    assert [b.id for b in results[-1]] == [b.id for b in started]


@pytest.mark.v11_5_only
async def test_build_waits_and_workload_waits_share_one_poller_and_its_close(
    emu: Emulator, clock: FakeClock
) -> None:
    client = Client(emu.url, emu.token, clock=clock, api_version="11.5")
    art = await client.artifacts.create(from_source())
    emu.hold_builds(art.id, "PENDING")
    builds = await client.artifacts.build(art.id)
    wl = await client.workloads.create(
        name="w", artifact=InputArtifact.single("w", Container(image_uri="i:1"))
    )
    emu.set_timings(startup_seconds=3600)
    build_wait = asyncio.create_task(client.artifacts.wait_for_builds(art.id, [builds[0].id], timeout=None))
    workload_wait = asyncio.create_task(client.workloads.wait(wl.id, timeout=None))
    await asyncio.sleep(0)
    assert client.poller.pending == 2
    await client.close()
    for wait in (build_wait, workload_wait):
        with pytest.raises(ClientClosedError):
            await wait
    assert not client.poller.running


@pytest.mark.v11_5_only
async def test_a_cancelled_build_wait_leaves_the_poller(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(from_source())
    emu.hold_builds(art.id, "PENDING")
    builds = await client.artifacts.build(art.id)
    wait = asyncio.create_task(client.artifacts.wait_for_builds(art.id, [builds[0].id], timeout=None))
    await asyncio.sleep(0)
    assert client.poller.pending == 1
    wait.cancel()
    await asyncio.gather(wait, return_exceptions=True)
    assert client.poller.pending == 0


@pytest.mark.v11_5_only
async def test_listing_reading_and_logs_of_builds(client: Client, clock: FakeClock) -> None:
    art = await client.artifacts.create(from_source())
    first = (await client.artifacts.build(art.id))[0]
    clock.advance(10)
    second = (await client.artifacts.build(art.id, timeout=5))[0]
    assert [b.id for b in await client.artifacts.builds(art.id).collect()] == [second.id, first.id]
    got = await client.artifacts.get_build(art.id, first.id)
    assert got.status is BuildStatus.COMPLETED and got.created_at is not None
    lines = await client.artifacts.build_logs(art.id, first.id)
    assert lines[0].level == "INFO" and lines[0].build_id == first.id and lines[0].timestamp
    assert str(lines[-1]).startswith("[") and "pushed registry.emulator.local/" in lines[-1].message
    with pytest.raises(NotFoundError):
        await client.artifacts.get_build(art.id, "0" * 24)


@pytest.mark.v11_5_only
async def test_a_build_id_the_artifact_does_not_list_fails_its_wait(client: Client) -> None:
    art = await client.artifacts.create(from_source())
    with pytest.raises(NotFoundError, match=f"build {'0' * 24} is not a build of artifact {art.id}"):
        await client.artifacts.wait_for_builds(art.id, ["0" * 24], timeout=60)


async def test_a_v2_41_client_refuses_builds_before_sending(emu: Emulator, clock: FakeClock) -> None:
    async with Emulator(clock=clock) as old, Client(old.url, old.token, clock=clock) as client:
        for call in (
            client.artifacts.build("a" * 24),
            client.artifacts.get_build("a" * 24, "b" * 24),
            client.artifacts.build_logs("a" * 24, "b" * 24),
            client.artifacts.wait_for_builds("a" * 24, ["b" * 24]),
        ):
            with pytest.raises(UnsupportedFeatureError, match=r"image builds is not part of API v2\.41"):
                await call
        with pytest.raises(UnsupportedFeatureError):
            client.artifacts.builds("a" * 24)
        with pytest.raises(ValueError, match=r"image_build_config \(an image built from source\): not part"):
            await client.artifacts.create(from_source())
        assert sum(old.counts.values()) == 0


@pytest.mark.v11_5_only
@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda c: c.artifacts.build(""), "artifact_id must be a non-empty string"),
        (lambda c: c.artifacts.build("a" * 24, timeout=0), "timeout must be a finite number of seconds > 0"),
        (lambda c: c.artifacts.wait_for_builds("a" * 24, []), "build_ids must name at least one build"),
        (lambda c: c.artifacts.wait_for_builds("a" * 24, "b" * 24), "build_ids must be a collection"),
        (lambda c: c.artifacts.wait_for_builds("a" * 24, [""]), r"build_ids\[0\] must be a non-empty string"),
        (lambda c: c.artifacts.get_build("a" * 24, None), "build_id must be a string id"),
        (lambda c: c.artifacts.build_logs("a" * 24, "b" * 24, timeout=-1), "timeout must be a finite number"),
        (
            lambda c: c.artifacts.create(from_source(dockerfile=Dockerfile(source="generated"))),
            r"dockerfile.execution_environment_id: is needed",
        ),
        (
            lambda c: c.artifacts.create(from_source(dockerfile=Dockerfile(source="upload"))),
            r"dockerfile.source: must be one of",
        ),
    ],
)
async def test_build_calls_check_their_arguments_before_sending(
    client: Client, emu: Emulator, call: Callable[[Client], Awaitable[object]], said: str
) -> None:
    emu.reset_counters()
    with pytest.raises((TypeError, ValueError), match=said):
        await call(client)
    assert sum(emu.counts.values()) == 0

"""Each call that starts or changes something, its answer lost once: made once, reported as made.

``drop_after`` makes the emulator act, then drop the connection without answering; ``drop_before``
drops it without acting. Either way the SDK must not repeat the call blindly: it reads the
server's state and returns what the call made, or raises ``OutcomeUnknownError`` saying where to
look.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.e2e.conftest import Start
from workload_async import (
    ArtifactStatus,
    BuildStatus,
    Client,
    CodeRef,
    ConflictError,
    Container,
    DataRobotCodeRef,
    Dockerfile,
    FakeClock,
    ImageBuildConfig,
    InputArtifact,
    OutcomeUnknownError,
    PermissionDeniedError,
    UnprocessableEntityError,
    Workload,
    WorkloadAPIError,
    WorkloadRuntime,
)
from workload_async.emulator import Emulator


def app(name: str, status: ArtifactStatus | None = None) -> InputArtifact:
    return InputArtifact.single(
        name, Container(image_uri="registry.example.com/app:1", port=8080), status=status
    )


async def running(client: Client, name: str = "svc") -> Workload:
    return await client.workloads.wait(
        (await client.workloads.create(name=name, artifact=app(f"{name}-v1"))).id
    )


@pytest.mark.v11_5_only
async def test_a_replace_whose_answer_was_lost_returns_the_replacement_it_started(
    client: Client, emu: Emulator
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("v2"))
    emu.add_fault("drop_after", route="workloads.replace", times=1)
    started = await client.workloads.replace(wl.id, v2.id)
    (made,) = emu.store.replacements[wl.id]
    assert (started.id, started.candidate_artifact_id) == (made.id, v2.id)
    assert emu.counts["workloads.replace"] == 1


@pytest.mark.v11_5_only
async def test_a_settings_change_whose_answer_was_lost_is_made_once(client: Client, emu: Emulator) -> None:
    wl = await running(client)
    emu.add_fault("drop_after", route="workloads.update_settings", times=1)
    done = await client.workloads.update_settings(wl.id, WorkloadRuntime(replica_count=2), wait=True)
    assert len(emu.store.replacements[wl.id]) == 1
    assert done.runtime is not None and done.runtime.container_groups is not None
    assert done.runtime.container_groups[0].replica_count == 2


@pytest.mark.v11_5_only
async def test_a_replace_that_never_reached_the_server_says_where_to_look(
    client: Client, emu: Emulator
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("v2"))
    emu.add_fault("drop_before", route="workloads.replace", times=1)
    with pytest.raises(OutcomeUnknownError, match="the history shows no replacement started since") as caught:
        await client.workloads.replace(wl.id, v2.id)
    assert f"client.workloads.history('{wl.id}')" in str(caught.value)
    assert caught.value.resource == "replacements" and wl.id not in emu.store.replacements


@pytest.mark.v11_5_only
async def test_a_build_whose_answer_was_lost_returns_the_builds_it_started(
    client: Client, emu: Emulator
) -> None:
    config = ImageBuildConfig(Dockerfile.provided(), CodeRef(DataRobotCodeRef("c" * 24, "d" * 24)))
    art = await client.artifacts.create(
        InputArtifact.single("src", Container(port=8080, image_build_config=config))
    )
    emu.add_fault("drop_after", route="artifacts.build", times=1)
    builds = await client.artifacts.build(art.id, wait=True)
    (made,) = emu.store.builds[art.id]
    assert [b.id for b in builds] == [made.id] and emu.counts["artifacts.build"] == 1


@pytest.mark.v11_5_only
async def test_a_clone_whose_answer_was_lost_is_found_by_its_name(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(app("v1"))
    emu.add_fault("drop_after", route="artifacts.clone", times=1)
    clone = await client.artifacts.clone(art.id, name="v1-next")
    assert [a.id for a in emu.store.artifacts.values() if a.name == "v1-next"] == [clone.id]


@pytest.mark.v11_5_only
async def test_a_promote_whose_answer_was_lost_is_read_back_not_refused(
    client: Client, emu: Emulator
) -> None:
    wl = await running(client)
    emu.add_fault("drop_after", route="workloads.promote", times=1)
    promoted = await client.workloads.promote(wl.id)
    assert promoted.artifact is not None and promoted.artifact.is_locked
    assert emu.counts["workloads.promote"] == 1
    with pytest.raises(UnprocessableEntityError):  # promoting it again is the caller's mistake
        await client.workloads.promote(wl.id)


async def test_a_lock_whose_answer_was_lost_is_read_back_not_refused(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(app("v1"))
    emu.add_fault("drop_after", route="artifacts.update", times=1)
    locked = await client.artifacts.register(art.id)
    assert locked.is_locked and emu.counts["artifacts.update"] == 1
    refused = ConflictError if client.api_version == "v2.41" else PermissionDeniedError  # live 11.5: 403
    with pytest.raises(refused):  # locking it again is the caller's mistake
        await client.artifacts.register(art.id)


async def test_a_lock_a_gateway_failed_is_read_back_then_made(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(app("v1"))
    emu.add_fault("status", route="artifacts.update", status=502, times=1)  # a gateway's: it may have acted
    locked = await client.artifacts.register(art.id)
    assert locked.is_locked and emu.counts["artifacts.update"] == 2


@pytest.mark.v11_5_only
async def test_an_inline_locked_artifact_whose_answer_was_lost_is_made_once(
    client: Client, emu: Emulator
) -> None:
    emu.add_fault("drop_after", route="artifacts.create", times=1)
    wl = await client.workloads.create(name="svc", artifact=app("svc-v1", status=ArtifactStatus.LOCKED))
    made = [a for a in emu.store.artifacts.values() if a.name == "svc-v1"]
    assert [a.id for a in made] == [wl.artifact_id] and made[0].status == "locked"


@pytest.mark.v11_5_only
async def test_a_create_that_made_an_artifact_and_then_failed_names_it(client: Client, emu: Emulator) -> None:
    emu.add_fault("status", route="workloads.create", status=500, times=1)
    with pytest.raises(WorkloadAPIError) as caught:  # the server's 500
        await client.workloads.create(name="svc", artifact=app("svc-v1", status=ArtifactStatus.LOCKED))
    (made,) = [a for a in emu.store.artifacts.values() if a.name == "svc-v1"]
    assert caught.value.left_behind == (made.id,)
    assert f"left behind: artifact {made.id}, made for this workload, locked" in str(caught.value)
    reused = await client.workloads.create(name="svc", artifact_id=made.id)
    assert reused.artifact_id == made.id


@pytest.mark.v11_5_only
async def test_a_create_whose_lock_failed_names_the_draft(client: Client, emu: Emulator) -> None:
    emu.add_fault("status", route="artifacts.update", status=403, times=1)
    with pytest.raises(WorkloadAPIError) as caught:  # the server's 403
        await client.workloads.create(name="svc", artifact=app("svc-v1", status=ArtifactStatus.LOCKED))
    (made,) = [a for a in emu.store.artifacts.values() if a.name == "svc-v1"]
    assert caught.value.left_behind == (made.id,)
    assert "a draft (its lock failed)" in str(caught.value)


async def test_builds_started_whose_list_cannot_be_read_back_are_returned_all_the_same(
    server: Start, clock: FakeClock
) -> None:
    """The start was answered: the builds exist, and an error now would report as failed a change
    that was made. The list read back (for their statuses) failing leaves their ids."""
    posted: list[str] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.method == "POST":
            posted.append(request.path)
            return web.json_response({"buildIds": ["b" * 24]}, status=202)
        if posted:  # the list read back after the start: a gateway down
            return web.json_response({"detail": "Bad Gateway"}, status=502)
        return web.json_response({"count": 0, "totalCount": 0, "next": None, "previous": None, "data": []})

    hostile = await server(handler)
    async with Client(hostile.url, "t", clock=clock, api_version="11.5") as client:
        builds = await client.artifacts.build("a" * 24)
    assert [(b.id, b.artifact_id, b.status) for b in builds] == [("b" * 24, "a" * 24, BuildStatus.UNKNOWN)]
    assert posted == ["/api/v2/artifacts/aaaaaaaaaaaaaaaaaaaaaaaa/builds/"]

"""Every resource method of the SDK against the in-process emulator over loopback HTTP."""

from __future__ import annotations

import pytest

from tests.conftest import unique_name, workloads_path
from workload_async import (
    Artifact,
    ArtifactStatus,
    AuthenticationError,
    Client,
    ConflictError,
    Container,
    FakeClock,
    Importance,
    InputArtifact,
    NotFoundError,
    PermissionDeniedError,
    ReportedRuntime,
    ResourceBundle,
    ResourceRequest,
    UnprocessableEntityError,
    Workload,
    WorkloadRuntime,
    WorkloadStatus,
    gib,
)
from workload_async.emulator import Emulator


def echo(
    name: str = "echo", image: str = "registry.example.com/echo:1", resources: bool = False, **kw: object
) -> InputArtifact:
    request = ResourceRequest(cpu=0.5, memory=gib(1)) if resources else None
    container = Container(image_uri=image, port=8080, resource_request=request)
    return InputArtifact.single(name, container, **kw)  # type: ignore[arg-type]


async def test_full_artifact_lifecycle(client: Client) -> None:
    draft = await client.artifacts.create(echo("v0", description="first"))
    assert isinstance(draft, Artifact)
    assert (draft.status, draft.version, draft.description) == (ArtifactStatus.DRAFT, None, "first")
    replaced = await client.artifacts.replace(draft.id, echo("v1", image="registry.example.com/echo:2"))
    assert replaced.name == "v1"
    assert replaced.spec is not None
    assert replaced.spec.container_groups[0].containers[0].image_uri == "registry.example.com/echo:2"
    renamed = await client.artifacts.update(draft.id, name="v2", description="second")
    assert (renamed.name, renamed.description) == ("v2", "second")
    assert (await client.artifacts.get(draft.id)).name == "v2"
    registered = await client.artifacts.register(draft.id)
    assert registered.is_locked and registered.version == 1
    assert registered.status == ("registered" if client.api_version == "v2.41" else "locked")
    # a change of a locked artifact: 409 on v2.41, 403 on 11.5 (as the live service answers)
    locked_error = ConflictError if client.api_version == "v2.41" else PermissionDeniedError
    with pytest.raises(locked_error, match="immutable"):
        await client.artifacts.replace(draft.id, echo("v3"))
    with pytest.raises(locked_error):
        await client.artifacts.update(draft.id, name="v3")
    with pytest.raises(locked_error):
        await client.artifacts.register(draft.id)
    with pytest.raises(ConflictError):  # a delete is 409 on both
        await client.artifacts.delete(draft.id)
    listed = await client.artifacts.list(status="registered").collect()
    assert [a.id for a in listed] == [draft.id]


async def test_a_draft_artifact_can_be_deleted(client: Client) -> None:
    draft = await client.artifacts.create(echo())
    await client.artifacts.delete(draft.id)
    with pytest.raises(NotFoundError):
        await client.artifacts.get(draft.id)


async def test_workload_from_an_inline_artifact(client: Client) -> None:
    wl = await client.workloads.create(
        name="inline", artifact=echo(resources=True), runtime=WorkloadRuntime(replica_count=2)
    )
    assert isinstance(wl, Workload)
    assert wl.status is WorkloadStatus.SUBMITTED
    assert wl.runtime is not None
    if client.api_version == "v2.41":
        assert wl.runtime == ReportedRuntime(replica_count=2)
    else:  # the same settings, where 11.5 keeps them: in the group's runtime
        (group,) = wl.runtime.container_groups or ()
        assert group.replica_count == 2
        (container,) = group.containers or ()
        assert container.resource_allocation is not None
        assert (container.resource_allocation.cpu, container.resource_allocation.memory) == (0.5, gib(1))
    assert wl.endpoint is not None and wl.endpoint.endswith(f"/endpoints/workloads/{wl.id}/")
    assert (await client.workloads.get(wl.id)).artifact_id == wl.artifact_id


@pytest.mark.v2_41_only  # 11.5 has no single-use rule for drafts
async def test_workload_from_an_artifact_id_and_the_single_use_draft_rule(client: Client) -> None:
    draft = await client.artifacts.create(echo())
    first = await client.workloads.create(name="one", artifact_id=draft.id)
    assert first.artifact_id == draft.id
    with pytest.raises(ConflictError, match="draft"):
        await client.workloads.create(name="two", artifact_id=draft.id)
    registered = await client.artifacts.register(draft.id)
    second = await client.workloads.create(name="two", artifact_id=registered.id)
    assert second.artifact_id == draft.id


async def test_start_stop_delete(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=echo())
    assert not (await client.workloads.start(wl.id)).accepted  # already on its way up
    clock.advance(2)
    stop = await client.workloads.stop(wl.id)
    assert stop.accepted and stop.workload_id == wl.id
    with pytest.raises(ConflictError, match=r"stopping|must be stopped"):
        await client.workloads.start(wl.id)
    clock.advance(1)
    assert (await client.workloads.start(wl.id)).accepted
    await client.workloads.delete(wl.id)
    with pytest.raises(
        NotFoundError, match=rf"\[404\] GET {workloads_path(client)}{wl.id}/: Workload {wl.id} not found"
    ):
        await client.workloads.get(wl.id)


async def test_listing_250_workloads_across_pages_loses_and_repeats_nothing(
    client: Client, clock: FakeClock
) -> None:
    art = await client.artifacts.create(echo(status=ArtifactStatus.REGISTERED))
    made = []
    for i in range(250):
        clock.advance(0.01)
        made.append((await client.workloads.create(name=f"job-{i:03d}", artifact_id=art.id)).id)
    listed = [w.id async for w in client.workloads.list()]
    assert listed == made[::-1]  # newest first, every one exactly once
    by_name = await client.workloads.list(sort="name", page_size=7).collect()
    assert [w.name for w in by_name] == sorted(f"job-{i:03d}" for i in range(250))
    page = await client.workloads.list(search="JOB-1", page_size=10).first_page()
    assert (page.count, page.total_count) == (10, 100)
    assert page.next is not None
    assert len(await client.workloads.list(search="job-1").collect()) == 100
    assert len(await client.workloads.list().collect(limit=42)) == 42


async def test_more_than_100_ids_are_split_into_calls(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(echo(status=ArtifactStatus.REGISTERED))
    ids = [(await client.workloads.create(name=unique_name(), artifact_id=art.id)).id for _ in range(150)]
    emu.reset_counters()
    found = await client.workloads.list(ids=[*ids, ids[0]]).collect()
    assert sorted(w.id for w in found) == sorted(ids)
    assert emu.counts["workloads.list"] == 2


async def test_listing_passes_any_sort_key_to_the_server(client: Client, emu: Emulator) -> None:
    with pytest.raises(UnprocessableEntityError, match=r"sort|orderBy"):  # the wire's name on 11.5
        await client.workloads.list(sort="color").first_page()
    assert emu.counts["workloads.list"] == 1


async def test_listing_rejects_a_bad_page_size_or_offset_before_sending(
    client: Client, emu: Emulator
) -> None:
    with pytest.raises(ValueError, match="page_size must be between 1 and 100"):
        client.workloads.list(page_size=500)
    with pytest.raises(ValueError, match="offset must be >= 0, got -1"):
        client.workloads.list(offset=-1)
    with pytest.raises(TypeError, match=r"offset must be a whole number, got float 1\.5"):
        client.artifacts.list(offset=1.5)  # type: ignore[arg-type]
    assert sum(emu.counts.values()) == 0


async def test_listing_resumes_at_an_offset(client: Client) -> None:
    art = await client.artifacts.create(echo(status=ArtifactStatus.REGISTERED))
    for i in range(5):
        await client.workloads.create(name=f"job-{i}", artifact_id=art.id)
    rest = await client.workloads.list(sort="name", offset=3, page_size=1).collect()
    assert [w.name for w in rest] == ["job-3", "job-4"]
    arts = await client.artifacts.list(offset=1).collect()
    assert arts == []
    if client.api_version == "v2.41":
        assert await client.deployments.list(offset=0).collect() == []


@pytest.mark.v2_41_only
async def test_deployments_crud_and_stats_after_n_invocations(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=echo(status=ArtifactStatus.REGISTERED))
    dep = await client.deployments.create(name="prod", workload_id=wl.id, description="d", importance="high")
    assert (dep.importance, dep.workload_id) == (Importance.HIGH, wl.id)
    clock.advance(2)
    for i in range(12):
        response = await client.deployments.invoke(dep.id, "predict", method="POST", json={"row": i})
        assert response.ok and response.json()["json"] == {"row": i}
    stats = await client.deployments.stats(dep.id)
    assert stats.deployment_id == dep.id
    assert stats.metrics.total_requests == 12
    assert stats.metrics.server_errors == 0
    updated = await client.deployments.update(dep.id, importance=Importance.CRITICAL, name="prod-2")
    assert (updated.importance, updated.name) == (Importance.CRITICAL, "prod-2")
    assert [d.id for d in await client.deployments.list(search="PROD").collect()] == [dep.id]
    assert (await client.deployments.get(dep.id)).status is WorkloadStatus.RUNNING
    await client.deployments.delete(dep.id)
    with pytest.raises(NotFoundError):
        await client.deployments.get(dep.id)
    assert (await client.workloads.get(wl.id)).status is WorkloadStatus.RUNNING


@pytest.mark.v2_41_only
async def test_deploying_a_draft_backed_workload_is_422(client: Client) -> None:
    wl = await client.workloads.create(artifact=echo())
    with pytest.raises(UnprocessableEntityError) as caught:
        await client.deployments.create(name="d", workload_id=wl.id)
    assert caught.value.errors[0].field == "workloadId"


async def test_invoke_with_json_bytes_query_and_headers(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=echo())
    clock.advance(2)
    r = await client.workloads.invoke(
        wl.id, "v1/predict", method="POST", json={"a": 1}, params={"q": "x"}, headers={"X-Trace": "t1"}
    )
    body = r.json()
    assert r.status == 200
    assert (body["method"], body["path"], body["query"], body["json"]) == (
        "POST",
        "/v1/predict",
        {"q": ["x"]},
        {"a": 1},
    )
    assert body["headers"]["X-Trace"] == "t1"
    assert not any(k.lower() == "authorization" for k in body["headers"])
    raw = await client.workloads.invoke(wl.id, "upload", method="PUT", data=b"\x00\x01binary")
    assert raw.json()["body"] == "\x00\x01binary"
    assert raw.read().startswith(b"{") and raw.text().startswith("{")


async def test_invoke_does_not_raise_for_the_apps_status_unless_asked(
    client: Client, clock: FakeClock
) -> None:
    wl = await client.workloads.create(artifact=echo())
    r = await client.workloads.invoke(wl.id, "anything")
    assert r.status == 503 and not r.ok  # not running yet
    clock.advance(2)
    teapot = await client.workloads.invoke(wl.id, "status/418")
    assert teapot.status == 418
    with pytest.raises(Exception, match=r"\[418\]"):
        await client.workloads.invoke(wl.id, "status/418", raise_for_status=True)


async def test_authentication_error_from_a_bad_token(emu: Emulator, clock: FakeClock) -> None:
    async with Client(emu.url, "wrong-token", clock=clock, api_version=emu.api_version) as c:
        path = workloads_path(c)
        with pytest.raises(AuthenticationError, match=rf"^\[401\] GET {path}: Invalid API key$"):
            await c.workloads.list().collect()


async def test_permission_denied_for_a_read_only_token(emu: Emulator, clock: FakeClock) -> None:
    async with Client(emu.url, emu.add_user(read_only=True), clock=clock, api_version=emu.api_version) as c:
        assert await c.workloads.list().collect() == []
        with pytest.raises(PermissionDeniedError, match="read-only"):
            await c.artifacts.create(echo())


async def test_not_found_for_another_users_workload(client: Client, emu: Emulator, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=echo())
    async with Client(emu.url, emu.add_user(), clock=clock, api_version=emu.api_version) as other:
        with pytest.raises(NotFoundError):
            await other.workloads.get(wl.id)


@pytest.mark.v2_41_only
async def test_unprocessable_entity_carries_field_details(client: Client) -> None:
    runtime = WorkloadRuntime(resources=[ResourceBundle(resource_bundle_id="no-such-bundle")])
    with pytest.raises(UnprocessableEntityError) as caught:
        await client.workloads.create(artifact=echo(), runtime=runtime)  # only the server knows its bundles
    (error,) = caught.value.errors
    assert error.field == "runtime.resources.0.resourceBundleId" and error.type == "value_error"
    assert "Unknown resource bundle 'no-such-bundle'" in str(caught.value)


async def test_an_unknown_importance_is_refused_before_sending(client: Client, emu: Emulator) -> None:
    with pytest.raises(ValueError, match="importance must be one of 'critical', 'high', 'moderate', 'low'"):
        await client.workloads.create(artifact=echo(), importance="galactic")
    assert sum(emu.counts.values()) == 0


async def test_hostile_ids_reach_the_intended_route(client: Client, emu: Emulator) -> None:
    for hostile in ("../registry/artifacts", "a/b", "..", "x?y=1"):
        with pytest.raises(NotFoundError):
            await client.workloads.get(hostile)
    assert emu.counts["workloads.get"] == 4
    assert emu.counts["artifacts.list"] == 0


async def test_invalid_input_is_refused_before_anything_is_sent(client: Client, emu: Emulator) -> None:
    with pytest.raises(ValueError, match=r"port: 80 is outside 1024-65535"):
        await client.workloads.create(artifact=InputArtifact.single("x", Container(image_uri="i", port=80)))
    with pytest.raises(ValueError, match="exactly one of artifact= or artifact_id="):
        await client.workloads.create(name="x")
    with pytest.raises(ValueError, match="workload_id must be a non-empty string"):
        await client.workloads.get("")
    with pytest.raises(ValueError, match="update needs"):
        await client.artifacts.update("a")
    assert sum(emu.counts.values()) == 0

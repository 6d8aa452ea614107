"""What differs between the API generations, end to end: detection, the 11.5 additions, and what
each generation refuses before sending."""

from __future__ import annotations

import pytest

from workload_async import (
    ArtifactStatus,
    Autoscaling,
    BulkState,
    Client,
    ConflictError,
    Container,
    ContainerResources,
    CredentialEnvironmentVariable,
    FakeClock,
    GroupRuntime,
    Importance,
    InputArtifact,
    NotFoundError,
    ReplacementFailedError,
    ReplacementStatus,
    ReportedContainerResources,
    ResourceAllocation,
    ResourceBundle,
    ResourceRequest,
    ScalingMetricType,
    ScalingPolicy,
    UnprocessableEntityError,
    UnsupportedFeatureError,
    WaitTimeoutError,
    WorkloadRuntime,
    WorkloadStatus,
    gib,
)
from workload_async.emulator import Emulator


def echo(name: str = "echo", status: ArtifactStatus | None = None, **container: object) -> InputArtifact:
    container_model = Container(image_uri="registry.example.com/echo:1", port=8080, **container)  # type: ignore[arg-type]
    return InputArtifact.single(name, container_model, status=status)


async def test_auto_asks_the_server_once_and_remembers(emu: Emulator, clock: FakeClock) -> None:
    async with Client(emu.url, emu.token, clock=clock, api_version="auto") as client:
        assert client.api_version == "auto"
        await client.workloads.create(name="a", artifact=echo())
        assert client.api_version == emu.api_version
        await client.workloads.list().collect()
    assert emu.counts["workloads.list"] == 1 + (emu.api_version == "11.5")  # the probe, where it exists


async def test_auto_detection_is_shared_by_concurrent_first_calls(emu: Emulator, clock: FakeClock) -> None:
    async with Client(emu.url, emu.token, clock=clock, api_version="auto") as client:
        art = await client.artifacts.create(echo(status=ArtifactStatus.REGISTERED))
        emu.reset_counters()
    async with Client(emu.url, emu.token, clock=clock, api_version="auto") as client:
        results = await client.workloads.start_many(["f" * 24] * 1 + [art.id], concurrency=2)
        assert await client.detect_api_version() == emu.api_version
    assert len(results) == 2
    assert emu.counts["workloads.list"] == (emu.api_version == "11.5")  # one probe or none (404 on v2.41)


@pytest.mark.v11_5_only
async def test_deployments_do_not_exist_on_11_5(client: Client) -> None:
    with pytest.raises(UnsupportedFeatureError, match=r"deployments is not part of API 11\.5"):
        client.deployments  # noqa: B018


@pytest.mark.v2_41_only
async def test_11_5_additions_raise_on_v2_41_before_sending(client: Client, emu: Emulator) -> None:
    with pytest.raises(UnsupportedFeatureError, match=r"settings replacements is not part of API v2\.41"):
        await client.workloads.update_settings("w" * 24, WorkloadRuntime(replica_count=2))
    with pytest.raises(
        UnsupportedFeatureError, match=r"workload settings is not part .*\.get\(id\)\.runtime"
    ):
        await client.workloads.settings("w" * 24)
    with pytest.raises(UnsupportedFeatureError, match="promote"):
        await client.workloads.promote("w" * 24)
    with pytest.raises(UnsupportedFeatureError, match="history"):
        client.workloads.history("w" * 24)
    with pytest.raises(UnsupportedFeatureError, match="artifact clones"):
        await client.artifacts.clone("a" * 24, name="copy")
    assert sum(emu.counts.values()) == 0


@pytest.mark.v2_41_only
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"importance": Importance.HIGH}, "importance"),
        ({"description": "d"}, "description"),
        (
            {"runtime": WorkloadRuntime(container_groups=[GroupRuntime(replica_count=2)])},
            "runtime.container_groups",
        ),
        (
            {"artifact": echo(environment_vars=[CredentialEnvironmentVariable("K", "c" * 24, "token")])},
            r"artifact.spec.container_groups\[0\].containers\[0\].environment_vars\[0\]",
        ),
    ],
)
async def test_what_only_11_5_can_say_is_refused_on_v2_41(
    client: Client, emu: Emulator, kwargs: dict[str, object], field: str
) -> None:
    kwargs.setdefault("artifact", echo())
    with pytest.raises(ValueError, match=rf"^{field}.*: not part of API v2\.41"):
        await client.workloads.create(name="x", **kwargs)  # type: ignore[arg-type]
    assert sum(emu.counts.values()) == 0


@pytest.mark.v11_5_only
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (
            {
                "artifact": echo(
                    resource_request=ResourceRequest(cpu=1, memory=gib(1), gpu_type="NVIDIA-A10G")
                )
            },
            r"resource_request\.gpu_type",
        ),
        (
            {
                "runtime": WorkloadRuntime(
                    autoscaling=Autoscaling(
                        True, [ScalingPolicy(ScalingMetricType.HTTP_REQUESTS_PER_HOUR, 1, 1, 2)]
                    )
                )
            },
            r"runtime\.autoscaling\.policies\[0\]\.scaling_metric 'httpRequestsPerHour'",
        ),
        (
            {"runtime": WorkloadRuntime(resources=[ResourceBundle("a"), ResourceBundle("b")])},
            r"runtime\.resources",
        ),
    ],
)
async def test_what_11_5_cannot_say_is_refused_before_sending(
    client: Client, emu: Emulator, kwargs: dict[str, object], field: str
) -> None:
    kwargs.setdefault("artifact", echo())
    with pytest.raises(ValueError, match=rf"{field}: not part of API 11\.5"):
        await client.workloads.create(name="x", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"resource_request: not part of API 11\.5; 11\.5 sets resources per workload"
    ):
        await client.artifacts.create(echo(resource_request=ResourceRequest(cpu=1, memory=gib(1))))
    assert sum(emu.counts.values()) == 0


async def test_starting_a_running_workload_is_already_and_stopping_one_is_a_conflict(
    client: Client, clock: FakeClock
) -> None:
    wl = await client.workloads.create(name="s", artifact=echo())
    results = await client.workloads.start_many([wl.id])
    assert results[wl.id].state is BulkState.ALREADY
    clock.advance(2)
    assert not (await client.workloads.start(wl.id)).accepted
    await client.workloads.stop(wl.id)
    with pytest.raises(ConflictError):
        await client.workloads.start(wl.id)
    (result,) = (await client.workloads.start_many([wl.id])).values()
    assert result.state is BulkState.FAILED and isinstance(result.error, ConflictError)


async def test_register_locks_in_either_generation(client: Client) -> None:
    art = await client.artifacts.create(echo())
    assert not art.is_locked
    locked = await client.artifacts.register(art.id)
    assert locked.is_locked and locked.version == 1
    assert [a.id for a in await client.artifacts.list(status=ArtifactStatus.LOCKED).collect()] == [art.id]
    created_locked = await client.artifacts.create(echo("b", status=ArtifactStatus.REGISTERED))
    assert created_locked.is_locked
    wl = await client.workloads.create(name="w", artifact=echo("c", status=ArtifactStatus.REGISTERED))
    assert wl.artifact is not None and wl.artifact.is_locked


@pytest.mark.v11_5_only
async def test_lists_ask_for_full_pages(client: Client, emu: Emulator) -> None:
    art = await client.artifacts.create(echo(status=ArtifactStatus.REGISTERED))
    for i in range(15):
        await client.workloads.create(name=f"w{i:02d}", artifact_id=art.id)
    page = await client.workloads.list(sort="name").first_page()
    assert page.count == 15  # the server's default is 10: the SDK sent limit
    assert [w.name for w in page.data][:2] == ["w00", "w01"]


@pytest.mark.v11_5_only
async def test_one_model_maps_onto_the_group_runtime(client: Client) -> None:
    runtime = WorkloadRuntime(
        autoscaling=Autoscaling(True, [ScalingPolicy(ScalingMetricType.HTTP_REQUESTS_CONCURRENCY, 5, 0, 3)]),
        resources=[ResourceBundle("cpu.medium")],
    )
    wl = await client.workloads.create(
        name="m",
        description="scorer",
        importance=Importance.HIGH,
        artifact=echo(resource_request=ResourceRequest(cpu=1.5, memory=gib(2))),
        runtime=runtime,
    )
    assert (wl.description, wl.importance) == ("scorer", Importance.HIGH)
    assert wl.runtime is not None
    (group,) = wl.runtime.container_groups or ()
    assert group.autoscaling is not None and group.autoscaling.enabled
    # the policy's legacy counts went as the bounds of the autoscaling, and come back so
    assert (group.autoscaling.min_replica_count, group.autoscaling.max_replica_count) == (0, 3)
    (policy,) = group.autoscaling.policies
    assert (policy.scaling_metric, policy.target, policy.min_count, policy.max_count) == (
        ScalingMetricType.HTTP_REQUESTS_CONCURRENCY, 5, None, None,
    )  # fmt: skip
    assert group.resource_bundles == ("cpu.medium",)
    assert group.resolved_bundle is not None and group.resolved_bundle.id == "cpu.medium"
    assert group.containers == (
        ReportedContainerResources("container-0", ResourceAllocation(cpu=1.5, memory=gib(2))),
    )


@pytest.mark.v11_5_only
async def test_update_settings_waits_for_the_replacement(client: Client) -> None:
    wl = await client.workloads.wait((await client.workloads.create(name="r", artifact=echo())).id)
    new = WorkloadRuntime(replica_count=3)
    replacement = await client.workloads.update_settings(wl.id, new)
    assert replacement.status is ReplacementStatus.SUBMITTED and replacement.workload_id == wl.id
    with pytest.raises(ConflictError):
        await client.workloads.update_settings(wl.id, new)
    done = await client.workloads.wait_for_replacement(wl.id, replacement.id, timeout=30)
    assert done.status is WorkloadStatus.RUNNING
    assert done.replacement is None or done.replacement.status is ReplacementStatus.COMPLETED
    settings = await client.workloads.settings(wl.id)
    assert settings is not None and settings.container_groups is not None
    assert settings.container_groups[0].replica_count == 3
    again = await client.workloads.update_settings(
        wl.id, WorkloadRuntime(container_groups=[GroupRuntime(replica_count=2)]), wait=True, timeout=30
    )
    assert again.runtime is not None and again.runtime.container_groups is not None
    assert again.runtime.container_groups[0].replica_count == 2
    history = await client.workloads.history(wl.id).collect()
    assert [r.status for r in history] == [ReplacementStatus.COMPLETED] * 2


@pytest.mark.v11_5_only
async def test_an_errored_replacement_raises_with_its_message(client: Client, emu: Emulator) -> None:
    wl = await client.workloads.wait((await client.workloads.create(name="r", artifact=echo())).id)
    replacement = await client.workloads.update_settings(wl.id, WorkloadRuntime(replica_count=2))
    emu.fail_replacement(wl.id, "image pull failed")
    with pytest.raises(ReplacementFailedError, match="image pull failed") as caught:
        await client.workloads.wait_for_replacement(wl.id, replacement.id, timeout=30)
    assert caught.value.replacement.id == replacement.id
    settings = await client.workloads.settings(wl.id)
    assert settings is not None and settings.container_groups is not None
    assert settings.container_groups[0].replica_count == 1


@pytest.mark.v11_5_only
async def test_settings_naming_an_unknown_group_is_the_servers_422(client: Client) -> None:
    wl = await client.workloads.create(name="r", artifact=echo())
    with pytest.raises(UnprocessableEntityError, match="No container group 'other'"):
        await client.workloads.update_settings(
            wl.id, WorkloadRuntime(container_groups=[GroupRuntime(name="other")])
        )


@pytest.mark.v11_5_only
async def test_promote_update_events_stats_and_clone(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.wait((await client.workloads.create(name="p", artifact=echo())).id)
    promoted = await client.workloads.promote(wl.id)
    assert promoted.artifact is not None and promoted.artifact.is_locked and promoted.artifact.version == 1
    renamed = await client.workloads.update(wl.id, name="q", importance="critical")
    assert (renamed.name, renamed.importance) == ("q", Importance.CRITICAL)
    for _ in range(3):
        await client.workloads.invoke(wl.id, "hello")
    stats = await client.workloads.stats(wl.id)
    assert stats.metrics.total_requests == 3 and stats.metrics.server_error_rate == 0.0
    events = await client.workloads.events(wl.id).collect()
    assert [e.event_type for e in events] == ["update", "promote", "create"]
    assert events[0].workload_id == wl.id and events[0].timestamp is not None
    assert promoted.artifact_id is not None
    clone = await client.artifacts.clone(promoted.artifact_id, name="copy")
    assert (clone.name, clone.is_locked, clone.version) == ("copy", False, None)


@pytest.mark.parametrize(("served", "spoken"), [("11.5", "v2.41"), ("v2.41", "11.5")])
async def test_a_client_of_the_other_generation_is_told_so(served: str, spoken: str) -> None:
    async with Emulator(api_version=served) as emu, Client(emu.url, emu.token, api_version=spoken) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.workloads.list().first_page()
        assert f"it may serve another generation of the Workload API than {spoken}" in str(caught.value)
        assert "api_version='auto'" in str(caught.value) and caught.value.status == 404


async def test_an_unknown_id_on_the_right_generation_gets_no_such_hint() -> None:
    async with Emulator() as emu, Client(emu.url, emu.token) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.workloads.get("a" * 24)
        assert "generation" not in str(caught.value)


@pytest.mark.v11_5_only
@pytest.mark.parametrize(
    ("allocation", "said"),
    [
        (
            ResourceAllocation(cpu=float("nan")),
            r"containers\[0\]\.resource_allocation\.cpu: must be a finite number, got nan",
        ),
        (
            ResourceAllocation(gpu=float("inf")),
            r"resource_allocation\.gpu: must be a finite number, got inf",
        ),
        (ResourceAllocation(memory=0), r"resource_allocation\.memory: must be a finite number > 0, got 0"),
    ],
)
async def test_an_allocation_json_cannot_carry_or_the_server_must_refuse_is_named(
    client: Client, emu: Emulator, allocation: ResourceAllocation, said: str
) -> None:
    runtime = WorkloadRuntime(
        container_groups=[GroupRuntime(containers=[ContainerResources("c", allocation)])]
    )
    with pytest.raises(ValueError, match=said):
        await client.workloads.create(name="n", artifact=echo(), runtime=runtime)
    assert emu.counts.get("workloads.create", 0) == 0 and emu.counts.get("artifacts.create", 0) == 0


async def test_a_request_body_holding_nan_is_refused_before_sending(client: Client, emu: Emulator) -> None:
    # the backstop under the checks: whatever body the SDK builds, JSON has no NaN
    with pytest.raises(
        ValueError, match=r"^POST workloads\.create: the request body holds NaN or an infinity$"
    ):
        await client.workloads._t.call("POST", "workloads.create", json_body={"name": "n", "x": float("nan")})
    assert emu.counts.get("workloads.create", 0) == 0


@pytest.mark.v11_5_only
async def test_a_replacement_wait_that_times_out_names_the_replacement(client: Client, emu: Emulator) -> None:
    wl = await client.workloads.wait((await client.workloads.create(name="r", artifact=echo())).id)
    emu.set_timings(startup_seconds=600)  # the replacement takes far longer than the wait
    replacement = await client.workloads.update_settings(wl.id, WorkloadRuntime(replica_count=2))
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait_for_replacement(wl.id, replacement.id, timeout=1)
    said = str(caught.value)
    assert f"did not reach the end of its replacement {replacement.id} within 1.0s" in said
    assert "'" not in said.split(" within ")[0]  # words, not a status in quotes

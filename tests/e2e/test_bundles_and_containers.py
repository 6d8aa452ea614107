"""Compute bundles, deployments of given workloads, and the container's security context and
optional port, through the SDK against the emulator."""

from __future__ import annotations

import attrs
import pytest

from workload_async import (
    ArtifactStatus,
    Capabilities,
    Client,
    ComputeBundle,
    Container,
    InputArtifact,
    ResourceBundle,
    SeccompProfile,
    SecurityContext,
    ServerError,
    UnprocessableEntityError,
    WorkloadRuntime,
    gib,
)
from workload_async.emulator import Emulator


def artifact(
    name: str = "echo",
    *,
    port: int | None = 8080,
    security_context: SecurityContext | None = None,
    status: ArtifactStatus | None = None,
) -> InputArtifact:
    container = Container(
        image_uri="registry.example.com/echo:1", port=port, security_context=security_context
    )
    return InputArtifact.single(name, container, status=status)


async def test_bundles_are_listed_and_filtered_by_use_case(client: Client) -> None:
    bundles = await client.bundles.list().collect()
    assert all(isinstance(b, ComputeBundle) for b in bundles)
    small = next(b for b in bundles if b.id == "cpu.small")
    assert (small.cpu_count, small.memory_bytes, small.gpu_count) == (1.0, gib(2), 0)
    assert "workload" in small.use_cases
    gpus = [b for b in bundles if b.gpu_count]
    assert gpus and all(b.gpu_type and b.gpu_memory_bytes for b in gpus)
    apps = await client.bundles.list(use_cases=["customApplication"]).collect()
    assert {b.id for b in apps} == {b.id for b in bundles if "customApplication" in b.use_cases}
    assert not any(b.gpu_count for b in apps)


async def test_a_listed_bundle_runs_and_an_unknown_one_is_refused(client: Client) -> None:
    (bundle, *_) = await client.bundles.list(use_cases=["workload"]).collect()
    runtime = WorkloadRuntime(resources=[ResourceBundle(bundle.id)])
    wl = await client.workloads.create(artifact=artifact(), runtime=runtime)
    running = await client.workloads.wait(wl.id)
    assert running.runtime is not None
    if client.api_version == "v2.41":
        assert running.runtime.resources is not None
        assert [r.resource_bundle_id for r in running.runtime.resources] == [bundle.id]
        where: tuple[str | int, ...] = ("runtime", "resources", 0, "resourceBundleId")
    else:  # the same bundle, named in the group runtime and resolved by the server
        (group,) = running.runtime.container_groups or ()
        assert group.resource_bundles == (bundle.id,)
        assert group.resolved_bundle is not None and group.resolved_bundle.id == bundle.id
        where = ("runtime", "containerGroups", 0, "resourceBundles", 0)
    unknown = WorkloadRuntime(resources=[ResourceBundle("cpu.enormous")])
    with pytest.raises(UnprocessableEntityError, match=r"cpu\.enormous") as refused:
        await client.workloads.create(artifact=artifact("other"), runtime=unknown)
    assert refused.value.errors[0].loc == ("body", *where)


def test_use_cases_must_be_a_list(client: Client) -> None:
    with pytest.raises(
        TypeError, match=r"use_cases must be a list of strings, e\.g\. use_cases=\['workload'\]"
    ):
        client.bundles.list(use_cases="workload")


@pytest.mark.v2_41_only
async def test_deployments_of_given_workloads(client: Client, emu: Emulator) -> None:
    deployments = {}
    for name in ("alpha", "beta", "gamma"):
        wl = await client.workloads.create(artifact=artifact(name, status=ArtifactStatus.REGISTERED))
        deployments[name] = (wl, await client.deployments.create(name=name, workload_id=wl.id))
    (wa, da), (wb, db) = deployments["alpha"], deployments["beta"]
    emu.reset_counters()
    found = await client.deployments.list(workload_ids=[wa.id, wb.id]).collect()
    assert {d.id for d in found} == {da.id, db.id}
    assert all(d.workload is None for d in found)
    (with_workload,) = await client.deployments.list(workload_ids=[wb.id], with_workload=True).collect()
    assert with_workload.id == db.id
    assert with_workload.workload is not None and with_workload.workload.id == wb.id
    assert with_workload.workload.name == "beta"
    assert await client.deployments.list(workload_ids=[]).collect() == []
    assert emu.counts["deployments.list"] == 2  # no workloads asked about, no call made


@pytest.mark.v2_41_only
async def test_deployments_of_more_than_100_workloads_take_one_call_per_100(
    client: Client, emu: Emulator
) -> None:
    wl = await client.workloads.create(artifact=artifact(status=ArtifactStatus.REGISTERED))
    dep = await client.deployments.create(name="d", workload_id=wl.id)
    ids = [f"{i:024x}" for i in range(250)] + [wl.id]
    assert [d.id for d in await client.deployments.list(workload_ids=ids).collect()] == [dep.id]
    assert emu.counts["deployments.list"] == 3


async def test_a_security_context_round_trips(client: Client) -> None:
    context = SecurityContext(
        allow_privilege_escalation=False,
        read_only_root_filesystem=True,
        capabilities=Capabilities(add=["NET_BIND_SERVICE"], drop=["ALL"]),
        seccomp_profile=SeccompProfile(type="Localhost", localhost_profile="profiles/strict.json"),
    )
    created = await client.artifacts.create(artifact(security_context=context))
    assert created.spec is not None
    echoed = created.spec.container_groups[0].containers[0].security_context
    assert echoed is not None and attrs.asdict(echoed) == attrs.asdict(context)
    fetched = await client.artifacts.get(created.id)
    assert fetched.spec == created.spec


async def test_a_bad_security_context_is_refused_before_sending(client: Client, emu: Emulator) -> None:
    bad = SecurityContext(seccomp_profile=SeccompProfile(type="Unconfined", localhost_profile="p.json"))
    with pytest.raises(
        ValueError, match=r"seccomp_profile\.localhost_profile: goes only with type 'Localhost'"
    ):
        await client.artifacts.create(artifact(security_context=bad))
    assert emu.counts["artifacts.create"] == 0


async def test_a_workload_without_a_port_runs_and_refuses_invocation(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact(port=None))
    running = await client.workloads.wait(wl.id)
    assert running.status == "running"
    response = await client.workloads.invoke(wl.id, "predict")
    assert response.status == 503 and "exposes no port" in response.json()["detail"]
    with pytest.raises(ServerError, match="exposes no port"):
        await client.workloads.invoke(wl.id, "predict", raise_for_status=True)

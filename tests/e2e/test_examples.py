"""The examples in docs/examples run, against the emulator on a fake clock."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from workload_async import (
    BulkState,
    Client,
    CodeRef,
    Container,
    DataRobotCodeRef,
    Dockerfile,
    FakeClock,
    ImageBuildConfig,
    InputArtifact,
    Workload,
)
from workload_async.emulator import Emulator

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_rollout_reports_every_workload_running(client: Client) -> None:
    report = await load("rollout").rollout(client, replicas=12)
    assert list(report.values()) == ["running"] * 12


async def test_rollout_reports_a_missed_deadline_per_workload(emu: Emulator, client: Client) -> None:
    emu.set_timings(startup_seconds=3600)
    report = await load("rollout").rollout(client, replicas=3, step_seconds=60)
    assert all("did not reach 'running'" in state for state in report.values())


async def test_restart_fleet_brings_every_match_back(client: Client, clock: FakeClock) -> None:
    example = load("restart_fleet")
    await example.seed(client, count=6)
    states = await example.restart(client, "api-")
    assert list(states.values()) == [BulkState.REACHED] * 6


SOURCE = ImageBuildConfig(Dockerfile.provided(), CodeRef(DataRobotCodeRef("c" * 24, "d" * 24)))


async def a_running_workload(client: Client) -> Workload:
    first = InputArtifact.single("app", Container(image_uri="registry.example.com/app:1", port=8080))
    return await client.workloads.wait((await client.workloads.create(name="app", artifact=first)).id)


@pytest.mark.v11_5_only
async def test_ship_builds_rolls_out_and_checks_a_new_version(client: Client) -> None:
    workload = await a_running_workload(client)
    shipped = await load("ship").ship(client, workload.id, SOURCE, name="app-next", check_path="hello")
    assert shipped.outcome == "shipped"
    assert (await client.workloads.get(workload.id)).artifact_id == shipped.artifact_id


@pytest.mark.v11_5_only
async def test_ship_rolls_back_a_version_that_fails_its_check(client: Client) -> None:
    workload = await a_running_workload(client)
    shipped = await load("ship").ship(client, workload.id, SOURCE, name="app-next", check_path="status/500")
    assert (shipped.outcome, shipped.detail) == ("rolled back", "status/500 answered 500")
    assert (await client.workloads.get(workload.id)).artifact_id == workload.artifact_id
    history = await client.workloads.history(workload.id).collect()
    assert [r.candidate_artifact_id for r in history] == [workload.artifact_id, shipped.artifact_id]


@pytest.mark.v11_5_only
async def test_ship_keeps_the_old_version_when_the_rollout_fails(client: Client, emu: Emulator) -> None:
    workload = await a_running_workload(client)
    emu.hold_replacements(workload.id, "promoting")
    shipping = asyncio.create_task(load("ship").ship(client, workload.id, SOURCE, name="app-next"))
    while not emu.store.replacements.get(workload.id):
        await client.clock.sleep(0.5)
    emu.fail_replacement(workload.id, "the candidate failed its readiness probe")
    shipped = await shipping
    assert (shipped.outcome, shipped.detail) == (
        "kept the old version",
        "the candidate failed its readiness probe",
    )
    assert (await client.workloads.get(workload.id)).artifact_id == workload.artifact_id


@pytest.mark.v11_5_only
async def test_ship_stops_at_a_failed_build(client: Client) -> None:
    workload = await a_running_workload(client)
    failing = attrs.evolve(SOURCE, dockerfile=Dockerfile.provided("emulator/fail.Dockerfile"))
    shipped = await load("ship").ship(client, workload.id, failing, name="app-next")
    assert shipped.outcome == "not built" and "failed to solve" in shipped.detail
    assert (await client.workloads.get(workload.id)).artifact_id == workload.artifact_id

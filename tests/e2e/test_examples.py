"""The examples in docs/examples run, against the emulator on a fake clock."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from workload_async import BulkState, Client, FakeClock
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

"""Why a rollout is stuck, end to end: a wait for the end of a replacement that times out or
fails says why, read from the replacement's candidate proton (the one coming up) with one extra
call on API 11.5, under the same rules as a workload's wait."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import unique_name
from workload_async import (
    Client,
    Container,
    FakeClock,
    InputArtifact,
    ReplacementFailedError,
    WaitTimeoutError,
    Workload,
    WorkloadRuntime,
)
from workload_async._waiting.diagnosis import BUDGET
from workload_async.emulator import Emulator

pytestmark = pytest.mark.v11_5_only

MISSING = "registry.example.com/app:2"  # a tag that was never pushed
PULL = f"candidate: container app: image pull back-off ({MISSING} not found), 0 restarts"


def app(image: str = "registry.example.com/app:1") -> InputArtifact:
    return InputArtifact.single(unique_name("app"), Container(image_uri=image, port=8080, name="app"))


async def running(client: Client) -> Workload:
    return await client.workloads.wait((await client.workloads.create(name=unique_name(), artifact=app())).id)


async def test_a_rollout_whose_new_image_cannot_be_pulled_times_out_saying_so(
    client: Client, emu: Emulator
) -> None:
    emu.fail_image(MISSING)
    wl = await running(client)
    v2 = await client.artifacts.create(app(MISSING))
    emu.reset_counters()
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.replace(wl.id, v2.id, wait=True, timeout=120)
    error = caught.value
    assert error.diagnosis == PULL
    assert str(error).endswith(f"; diagnosis: {PULL}")
    assert "did not reach the end of its replacement" in str(error)
    assert emu.counts["workloads.proton_status"] == 1 and emu.counts["workloads.events"] == 0
    assert (await client.workloads.get(wl.id)).artifact_id == wl.artifact_id  # the old one serves


async def test_a_settings_change_whose_candidate_crashes_fails_saying_so(
    client: Client, emu: Emulator
) -> None:
    wl = await running(client)
    emu.play_failure(wl.id, "crash_loop", candidate=True)
    with pytest.raises(ReplacementFailedError) as caught:
        await client.workloads.update_settings(
            wl.id, WorkloadRuntime(replica_count=2), wait=True, timeout=120
        )
    error = caught.value
    assert error.replacement.message == (
        "the candidate never became healthy: container app: CrashLoopBackOff: exit code 1"
    )
    assert error.diagnosis == "candidate: container app: crash loop back-off (exit code 1), 0 restarts"


async def test_waiting_for_a_replacement_that_failed_already_says_why(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running(client)
    emu.play_failure(wl.id, "oom_kill", candidate=True)
    started = await client.workloads.replace(wl.id, (await client.artifacts.create(app())).id)
    clock.advance(60)
    with pytest.raises(ReplacementFailedError) as caught:
        await client.workloads.wait_for_replacement(wl.id, started.id)
    assert caught.value.diagnosis is not None
    assert caught.value.diagnosis.startswith("candidate: container app: OOM killed (exit code 137")


async def test_a_rollout_waiting_its_turn_says_behind_which_with_no_call(
    client: Client, emu: Emulator
) -> None:
    wl = await running(client)
    emu.hold_replacements(wl.id, "staged")
    first = await client.workloads.replace(wl.id, (await client.artifacts.create(app())).id)
    second = await client.workloads.replace(wl.id, (await client.artifacts.create(app())).id)
    emu.reset_counters()
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait_for_replacement(wl.id, second.id, timeout=30)
    assert caught.value.diagnosis == f"waiting its turn behind replacement {first.id} (staged)"
    assert emu.counts["workloads.proton_status"] == 0 and emu.counts["workloads.events"] == 0


async def test_a_canceled_replacement_is_not_diagnosed(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running(client)
    emu.hold_replacements(wl.id, "staged")
    started = await client.workloads.replace(wl.id, (await client.artifacts.create(app())).id)
    wait = asyncio.create_task(client.workloads.wait_for_replacement(wl.id, started.id, timeout=60))
    await client.workloads.cancel_replacement(wl.id)
    clock.advance(5)
    emu.reset_counters()
    with pytest.raises(ReplacementFailedError) as caught:
        await wait
    assert caught.value.diagnosis is None and emu.counts["workloads.proton_status"] == 0


async def test_a_candidate_that_cannot_be_read_leaves_the_error_undiagnosed(
    client: Client, emu: Emulator
) -> None:
    emu.fail_image(MISSING)
    wl = await running(client)
    v2 = await client.artifacts.create(app(MISSING))
    emu.add_fault("status", route="workloads.proton_status", status=500)
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.replace(wl.id, v2.id, wait=True, timeout=60)
    assert caught.value.diagnosis is None and "diagnosis" not in str(caught.value)
    assert emu.counts["workloads.proton_status"] == 1  # tried once, never retried


async def test_a_rollout_whose_polls_failed_makes_no_diagnosis_call(client: Client, emu: Emulator) -> None:
    emu.fail_image(MISSING)
    wl = await running(client)
    v2 = await client.artifacts.create(app(MISSING))
    started = await client.workloads.replace(wl.id, v2.id)
    emu.add_fault("status", route="workloads.list", status=500)
    with pytest.raises(WaitTimeoutError) as caught:
        await client.workloads.wait_for_replacement(wl.id, started.id, timeout=30)
    assert caught.value.last_error is not None and caught.value.diagnosis is None
    assert emu.counts["workloads.proton_status"] == 0


async def test_many_rollouts_stuck_together_share_the_clients_diagnosis_budget(
    client: Client, emu: Emulator
) -> None:
    emu.fail_image(MISSING)
    v2 = await client.artifacts.create(app(MISSING))
    await client.artifacts.register(v2.id)
    fleet = []
    for _ in range(int(BUDGET) + 10):
        art = await client.artifacts.create(app())
        await client.artifacts.register(art.id)
        fleet.append((await client.workloads.create(name=unique_name(), artifact_id=art.id)).id)
    await client.workloads.wait_many(fleet)
    emu.reset_counters()
    stuck = [client.workloads.replace(wl, v2.id, wait=True, timeout=120) for wl in fleet]
    errors = await asyncio.gather(*stuck, return_exceptions=True)
    assert all(isinstance(e, WaitTimeoutError) for e in errors)
    diagnosed = [e for e in errors if isinstance(e, WaitTimeoutError) and e.diagnosis == PULL]
    # the workloads' waits and the rollouts' draw on one budget: ten go undiagnosed, not read
    assert len(diagnosed) == emu.counts["workloads.proton_status"] == BUDGET < len(fleet)


async def test_a_diagnosis_on_demand_mid_rollout_reads_the_candidate(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    emu.fail_image(MISSING)
    wl = await running(client)
    assert await client.workloads.diagnose(wl.id) == "running: All replicas are running and ready"
    await client.workloads.replace(wl.id, (await client.artifacts.create(app(MISSING))).id)
    clock.advance(30)
    assert await client.workloads.diagnose(wl.id) == PULL
    await client.workloads.cancel_replacement(wl.id)
    clock.advance(5)
    assert await client.workloads.diagnose(wl.id) == "running: All replicas are running and ready"

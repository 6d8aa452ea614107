"""Replacements end to end, against an emulator that plays the live timeline: right after the
request the workload shows no replacement for a moment, a completed one is cleared about a second
after it switched, a failed one stays. Every wait must end only once the rollout did."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import advance_a_round, until
from workload_async import (
    Client,
    Container,
    FakeClock,
    InputArtifact,
    NotFoundError,
    PollPolicy,
    ReplacementConfig,
    ReplacementFailedError,
    ReplacementStatus,
    UnsupportedFeatureError,
    WaitTimeoutError,
    Workload,
    WorkloadRuntime,
    WorkloadStatus,
)
from workload_async.emulator import CRASH_IMAGE, Emulator


def app(name: str, image: str = "registry.example.com/app:1") -> InputArtifact:
    return InputArtifact.single(name, Container(image_uri=image, port=8080))


async def running(client: Client, name: str = "svc") -> Workload:
    created = await client.workloads.create(name=name, artifact=app(f"{name}-v1"))
    return await client.workloads.wait(created.id)


def switched_at(emu: Emulator, workload_id: str) -> float:
    """When the workload's last replacement switched (the emulator's own record)."""
    from workload_async.emulator._v11_5.replacements import phase_of  # the emulator's truth

    last = emu.store.replacements[workload_id][-1]
    phase = phase_of(emu.store, last)
    assert phase.status == "completed", phase
    return phase.since


@pytest.mark.v11_5_only
async def test_replace_with_wait_returns_only_once_the_rollout_switched(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2", "registry.example.com/app:2"))
    done = await client.workloads.replace(wl.id, v2.id, wait=True, timeout=60)
    assert done.artifact_id == v2.id and done.status is WorkloadStatus.RUNNING
    assert clock.monotonic() >= switched_at(emu, wl.id)  # never in the gap before it showed
    # the history was read twice: what it held before the request, and the end once seen
    assert emu.counts["workloads.history"] == 2
    (record,) = await client.workloads.history(wl.id).collect()
    assert record.status is ReplacementStatus.COMPLETED and record.candidate_artifact_id == v2.id


@pytest.mark.v11_5_only
async def test_update_settings_with_wait_is_not_fooled_by_the_gap(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running(client)
    done = await client.workloads.update_settings(wl.id, WorkloadRuntime(replica_count=3), wait=True)
    assert done.runtime is not None and done.runtime.container_groups is not None
    assert done.runtime.container_groups[0].replica_count == 3
    assert clock.monotonic() >= switched_at(emu, wl.id)


@pytest.mark.v11_5_only
async def test_a_rollout_that_came_and_went_between_two_polls_is_found_in_history(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2"))
    slow = PollPolicy(initial=30, factor=1, cap=30, jitter=0, stale_grace=10)  # slower than the rollout
    done = await client.workloads.replace(wl.id, v2.id, wait=True, poll=slow)
    assert done.artifact_id == v2.id and done.replacement is None
    assert emu.counts["workloads.history"] <= 3  # the marker, then one look when the wait had to ask


@pytest.mark.v11_5_only
async def test_a_candidate_that_never_becomes_healthy_raises_with_the_servers_message(
    client: Client,
) -> None:
    wl = await running(client)
    broken = await client.artifacts.create(app("svc-broken", CRASH_IMAGE))
    with pytest.raises(ReplacementFailedError, match="never became healthy") as caught:
        await client.workloads.replace(wl.id, broken.id, wait=True, timeout=60)
    assert caught.value.replacement.status is ReplacementStatus.ERRORED
    assert (await client.workloads.get(wl.id)).artifact_id == wl.artifact_id  # the old version serves


@pytest.mark.v11_5_only
@pytest.mark.parametrize("status", ["failed", "errored"])
async def test_a_failed_replacement_fails_its_wait(
    client: Client, emu: Emulator, clock: FakeClock, status: str
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2"))
    started = await client.workloads.replace(wl.id, v2.id)
    waiting = asyncio.create_task(client.workloads.wait_for_replacement(wl.id, started.id, timeout=60))
    await asyncio.sleep(0)
    clock.advance(1)
    emu.fail_replacement(wl.id, "the candidate ran out of memory", status=status)
    with pytest.raises(ReplacementFailedError, match=f"{status}: the candidate ran out of memory"):
        await waiting


@pytest.mark.v11_5_only
async def test_a_canceled_replacement_fails_its_wait_and_a_second_cancel_is_harmless(
    client: Client, emu: Emulator
) -> None:
    wl = await running(client)
    emu.hold_replacements(wl.id, "staged")
    v2 = await client.artifacts.create(app("svc-v2"))
    started = await client.workloads.replace(wl.id, v2.id)
    waiting = asyncio.create_task(client.workloads.wait_for_replacement(wl.id, started.id, timeout=120))
    while (await client.workloads.replacement(wl.id)) is None:  # the gap
        await client.clock.sleep(0.25)
    canceled = await client.workloads.cancel_replacement(wl.id)
    assert canceled is not None and canceled.status is ReplacementStatus.CANCELING
    with pytest.raises(ReplacementFailedError, match="canceled"):
        await waiting
    assert await client.workloads.cancel_replacement(wl.id) is None
    assert (await client.workloads.get(wl.id)).artifact_id == wl.artifact_id


@pytest.mark.v11_5_only
async def test_a_wait_for_the_second_of_two_queued_rollouts_outlasts_the_first(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running(client)
    v2, v3 = await client.artifacts.create(app("svc-v2")), await client.artifacts.create(app("svc-v3"))
    await client.workloads.replace(wl.id, v2.id)
    clock.advance(1)
    second = await client.workloads.replace(wl.id, v3.id)
    done = await client.workloads.wait_for_replacement(wl.id, second.id, timeout=60)
    assert done.artifact_id == v3.id
    assert clock.monotonic() >= switched_at(emu, wl.id)


@pytest.mark.v11_5_only
async def test_waiting_for_an_unknown_replacement_raises_at_once(client: Client, emu: Emulator) -> None:
    wl = await running(client)
    emu.reset_counters()
    with pytest.raises(NotFoundError, match=f"workload {wl.id} has no replacement {'e' * 24}"):
        await client.workloads.wait_for_replacement(wl.id, "e" * 24, timeout=30)
    assert emu.counts.get("workloads.list", 0) == 0


@pytest.mark.v11_5_only
async def test_waiting_for_a_replacement_that_already_ended(client: Client, clock: FakeClock) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2"))
    started = await client.workloads.replace(wl.id, v2.id)
    clock.advance(60)
    done = await client.workloads.wait_for_replacement(wl.id, started.id, timeout=10)
    assert done.artifact_id == v2.id


@pytest.mark.v11_5_only
async def test_the_replacement_shown_now(client: Client, clock: FakeClock) -> None:
    wl = await running(client)
    assert await client.workloads.replacement(wl.id) is None
    with pytest.raises(NotFoundError):
        await client.workloads.replacement("0" * 24)
    with pytest.raises(NotFoundError):
        await client.workloads.cancel_replacement("0" * 24)
    v2 = await client.artifacts.create(app("svc-v2"))
    config = ReplacementConfig(warmup_duration_minutes=2, keep_old_version_minutes=0)
    started = await client.workloads.replace(wl.id, v2.id, config=config, timeout=5)
    assert started.config == ReplacementConfig(warmup_duration_minutes=2, keep_old_version_minutes=0)
    assert await client.workloads.replacement(wl.id) is None  # the gap
    clock.advance(1)
    shown = await client.workloads.replacement(wl.id)
    assert shown is not None and shown.id == started.id and not shown.status.is_settled


@pytest.mark.v11_5_only
async def test_a_replace_with_runtime_rolls_the_new_settings_too(client: Client) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2"))
    done = await client.workloads.replace(wl.id, v2.id, runtime=WorkloadRuntime(replica_count=2), wait=True)
    assert done.runtime is not None and done.runtime.container_groups is not None
    assert done.runtime.container_groups[0].replica_count == 2


@pytest.mark.v11_5_only
async def test_a_replacement_wait_times_out_naming_it(client: Client, emu: Emulator) -> None:
    wl = await running(client)
    emu.hold_replacements(wl.id, "promoting")
    v2 = await client.artifacts.create(app("svc-v2"))
    with pytest.raises(WaitTimeoutError, match="did not reach the end of its replacement") as caught:
        await client.workloads.replace(wl.id, v2.id, wait=True, timeout=20)
    assert caught.value.last_seen is not None and caught.value.last_seen.status is WorkloadStatus.RUNNING


@pytest.mark.v11_5_only
async def test_many_replacement_waits_share_the_poller(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    fleet = [await running(client, f"svc{i:03d}") for i in range(150)]
    for wl in fleet:
        emu.hold_replacements(wl.id, "staged")
    v2 = await client.artifacts.create(app("shared-v2"))
    await client.artifacts.register(v2.id)
    starts = [await client.workloads.update_settings(wl.id, WorkloadRuntime(replica_count=2)) for wl in fleet]
    emu.reset_counters()
    waits = [
        asyncio.create_task(client.workloads.wait_for_replacement(wl.id, r.id, timeout=None))
        for wl, r in zip(fleet, starts, strict=True)
    ]
    await until(  # each looks itself up once first
        lambda: emu.counts["workloads.history"] >= len(fleet), "every wait read its replacement's history"
    )
    poller = client.poller
    requests, rounds, polled = poller.requests, poller.rounds, poller.ids_polled
    for _ in range(20):
        await advance_a_round(clock, client, 5)
    rounds, polled = poller.rounds - rounds, poller.ids_polled - polled
    assert rounds >= 10 and polled >= 10 * len(fleet)
    # the rollouts ride the workload status round: up to 100 of them a call
    assert poller.requests - requests <= rounds + polled / 100
    assert emu.counts.get("workloads.history", 0) == len(fleet)  # no history calls while pending
    for wait in waits:
        wait.cancel()
    await asyncio.gather(*waits, return_exceptions=True)


async def test_a_v2_41_client_refuses_replacements_before_sending(emu: Emulator, clock: FakeClock) -> None:
    async with Emulator(clock=clock) as old, Client(old.url, old.token, clock=clock) as client:
        for call in (
            client.workloads.replace("a" * 24, "b" * 24),
            client.workloads.replacement("a" * 24),
            client.workloads.cancel_replacement("a" * 24),
            client.workloads.wait_for_replacement("a" * 24, "c" * 24),
        ):
            with pytest.raises(UnsupportedFeatureError, match=r"replacements is not part of API v2\.41"):
                await call
        assert sum(old.counts.values()) == 0


@pytest.mark.v11_5_only
@pytest.mark.parametrize(
    ("kwargs", "said"),
    [
        ({"workload_id": ""}, "workload_id must be a non-empty string"),
        ({"artifact_id": 5}, "artifact_id must be a string id"),
        ({"config": ReplacementConfig(warmup_duration_minutes=-1)}, r"config.warmup_duration_minutes"),
        ({"config": ReplacementConfig(keep_old_version_minutes=1.5)}, r"config.keep_old_version_minutes"),
        ({"config": {"warmupDurationMinutes": 1}}, "config must be a ReplacementConfig"),
        ({"runtime": WorkloadRuntime(replica_count=0)}, r"runtime.replica_count"),
        ({"timeout": -1}, "timeout must be a finite number of seconds > 0"),
        ({"timeout": -1, "wait": True}, "timeout must be a finite number of seconds >= 0"),
    ],
)
async def test_replace_checks_its_arguments_before_sending(
    client: Client, emu: Emulator, kwargs: dict[str, object], said: str
) -> None:
    call: dict[str, Any] = {"workload_id": "a" * 24, "artifact_id": "b" * 24, **kwargs}
    emu.reset_counters()
    with pytest.raises((ValueError, TypeError), match=said):
        await client.workloads.replace(**call)
    assert sum(emu.counts.values()) == 0

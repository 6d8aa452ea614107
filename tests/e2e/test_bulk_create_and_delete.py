"""Creating and deleting many workloads (and artifacts) at once: a result per item, never raising
because one failed, bounded concurrency, one request per item, and a create never repeated."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.test_cancellation_and_bulk import GateClock, fill_in_flight
from workload_async import (
    ArtifactStatus,
    AuthenticationError,
    BulkState,
    Client,
    ConflictError,
    Container,
    CreateResult,
    CreateWorkload,
    DeleteResult,
    FakeClock,
    InputArtifact,
    NotFoundError,
    OutcomeUnknownError,
    WaitTimeoutError,
    WorkloadFailedError,
    WorkloadStatus,
)
from workload_async.emulator import CRASH_IMAGE, Emulator


async def registered(client: Client) -> str:
    spec = InputArtifact.single("r", Container(image_uri="img", port=8080), status=ArtifactStatus.REGISTERED)
    return (await client.artifacts.create(spec)).id


def inline(image: str = "registry.example.com/echo:1") -> InputArtifact:
    return InputArtifact.single("a", Container(image_uri=image, port=8080))


def sent(emu: Emulator) -> int:
    return sum(emu.counts.values())


async def test_create_many_sends_one_request_per_workload_and_answers_in_order(
    client: Client, emu: Emulator
) -> None:
    artifact_id = await registered(client)
    requests = [CreateWorkload(name=f"web-{n}", artifact_id=artifact_id) for n in range(5)]
    emu.reset_counters()
    results = await client.workloads.create_many([*requests, requests[0]], concurrency=2)
    assert sent(emu) == emu.counts["workloads.create"] == 6  # one each; the same request twice is two
    assert [r.request for r in results] == [*requests, requests[0]]
    assert [r.state for r in results][:5] == [BulkState.CREATED] * 5 and all(r.ok for r in results[:5])
    if client.api_version == "v2.41":
        assert results[5].state is BulkState.CREATED
        assert [r.workload.name for r in results if r.workload] == [f"web-{n}" for n in (0, 1, 2, 3, 4, 0)]
    else:  # an 11.5 server takes a workload name once: the second create of web-0 is refused
        assert results[5].state is BulkState.FAILED and isinstance(results[5].error, ConflictError)
    made = [r for r in results if r.ok]
    assert len({r.workload_id for r in made}) == len(made)
    assert sorted(emu.store.workloads) == sorted(str(r.workload_id) for r in made)


async def test_create_many_with_wait_reaches_running_and_fails_per_workload(client: Client) -> None:
    good = CreateWorkload(name="good", artifact=inline())
    crash = CreateWorkload(name="crash", artifact=inline(f"{CRASH_IMAGE}:1"))
    also_good = CreateWorkload(name="also-good", artifact=inline())  # 11.5 takes a name once
    seen: list[tuple[int, int, CreateResult]] = []
    results = await client.workloads.create_many(
        [good, crash, also_good], wait=True, timeout=60, progress=lambda d, t, r: seen.append((d, t, r))
    )
    assert [r.state for r in results] == [BulkState.REACHED, BulkState.FAILED, BulkState.REACHED]
    assert [r.workload.status for r in results if r.workload] == [
        WorkloadStatus.RUNNING,
        WorkloadStatus.ERRORED,
        WorkloadStatus.RUNNING,
    ]
    assert isinstance(results[1].error, WorkloadFailedError) and results[1].workload_id is not None
    assert [d for d, _, _ in seen] == [1, 2, 3] and {t for _, t, _ in seen} == {3}
    assert {id(r) for _, _, r in seen} == {id(r) for r in results}


async def test_create_many_waits_time_out_per_workload(client: Client, emu: Emulator) -> None:
    emu.set_timings(startup_seconds=100)
    results = await client.workloads.create_many(
        [CreateWorkload(name=f"slow-{n}", artifact=inline()) for n in range(2)], wait=True, timeout=5
    )
    assert [r.state for r in results] == [BulkState.TIMED_OUT] * 2
    assert all(isinstance(r.error, WaitTimeoutError) and r.workload is not None for r in results)


async def test_a_create_whose_answer_was_lost_is_that_items_unknown_outcome_never_a_second_create(
    client: Client, emu: Emulator
) -> None:
    artifact_id = await registered(client)
    requests = [CreateWorkload(name=f"w-{n}", artifact_id=artifact_id) for n in range(4)]
    emu.add_fault("drop_after", route="workloads.create", times=1)  # the first create acts, unanswered
    emu.reset_counters()
    results = await client.workloads.create_many(requests, concurrency=1)
    assert emu.counts["workloads.create"] == 4  # never sent twice
    assert len(emu.store.workloads) == 4  # the lost one exists: it happened once
    assert [r.state for r in results] == [BulkState.FAILED] + [BulkState.CREATED] * 3
    lost = results[0].error
    assert isinstance(lost, OutcomeUnknownError) and lost.name == "w-0"
    assert results[0].workload_id is None and "list" in str(lost)  # it says how to find out


async def test_create_many_checks_every_request_before_sending_anything(
    client: Client, emu: Emulator
) -> None:
    artifact_id = await registered(client)
    emu.reset_counters()
    good = CreateWorkload(artifact_id=artifact_id)
    with pytest.raises(ValueError, match=r"^requests\[2\]: give exactly one of artifact and artifact_id"):
        await client.workloads.create_many([good, good, CreateWorkload(name="neither")])
    bad_port = InputArtifact.single("a", Container(image_uri="img", port=80))
    with pytest.raises(ValueError, match=r"^requests\[1\]\.artifact\.spec\.container_groups\[0\]"):
        await client.workloads.create_many([good, CreateWorkload(artifact=bad_port)])
    with pytest.raises(TypeError, match=r"requests\[0\] must be a CreateWorkload, got dict"):
        await client.workloads.create_many([{"artifactId": artifact_id}])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"pass \[request\]"):
        await client.workloads.create_many(good)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="concurrency must be >= 1"):
        await client.workloads.create_many([good], concurrency=0)
    assert sent(emu) == 0


async def test_create_many_never_has_more_requests_in_flight_than_asked() -> None:
    clock = GateClock()
    async with (
        Emulator(clock=clock, startup_seconds=0, stop_seconds=0) as emu,
        Client(emu.url, emu.token, clock=FakeClock(), api_version=emu.api_version) as client,
    ):
        clock.opened.set()
        artifact_id = await registered(client)
        clock.opened.clear()
        emu.add_fault("latency", route="workloads.create", seconds=1)
        requests = [CreateWorkload(name=f"w{n}", artifact_id=artifact_id) for n in range(20)]
        bulk = asyncio.create_task(client.workloads.create_many(requests, concurrency=3))
        await fill_in_flight(emu, "workloads.create", 3)
        clock.opened.set()
        results = await bulk
    assert emu.max_in_flight["workloads.create"] == 3
    assert [r.state for r in results] == [BulkState.CREATED] * 20


async def test_a_rejected_token_stops_create_many_early(emu: Emulator, clock: FakeClock) -> None:
    requests = [CreateWorkload(name=f"w{n}", artifact_id="a" * 24) for n in range(50)]
    async with Client(emu.url, "not-a-token", clock=clock, api_version=emu.api_version) as c:
        results = await c.workloads.create_many(requests, concurrency=4)
    assert all(r.state is BulkState.FAILED and isinstance(r.error, AuthenticationError) for r in results)
    assert sent(emu) <= 4  # the ones in flight, not fifty


async def test_delete_many_sends_one_delete_per_id_and_reports_each(client: Client, emu: Emulator) -> None:
    created = await client.workloads.create_many(
        [CreateWorkload(name=f"d-{n}", artifact=inline()) for n in range(4)]
    )
    ids = [str(r.workload_id) for r in created]
    unknown = "0" * 24
    seen: list[DeleteResult] = []
    emu.reset_counters()
    results = await client.workloads.delete_many(
        [*ids, unknown, ids[0]], concurrency=2, progress=lambda d, t, r: seen.append(r)
    )
    assert sent(emu) == emu.counts["workloads.delete"] == 5  # one each; a repeated id once
    assert list(results) == [*ids, unknown]
    assert [results[i].state for i in ids] == [BulkState.DELETED] * 4
    assert results[unknown].state is BulkState.FAILED and isinstance(results[unknown].error, NotFoundError)
    assert not results[unknown].ok and len(seen) == 5
    assert not emu.store.workloads


async def test_delete_many_refuses_a_lone_id_string_before_sending(client: Client, emu: Emulator) -> None:
    with pytest.raises(TypeError, match=r"the single string 'abc': pass \['abc'\]"):
        await client.workloads.delete_many("abc")
    with pytest.raises(ValueError, match="timeout must be a finite number of seconds >= 0"):
        await client.workloads.delete_many(["a" * 24], timeout=-1)
    assert sent(emu) == 0


async def test_artifacts_delete_many_deletes_drafts_and_reports_what_it_could_not(
    client: Client, emu: Emulator
) -> None:
    drafts = [(await client.artifacts.create(inline())).id for _ in range(3)]
    locked = await registered(client)
    emu.reset_counters()
    results = await client.artifacts.delete_many([*drafts, locked], concurrency=2)
    assert sent(emu) == emu.counts["artifacts.delete"] == 4
    assert [results[i].state for i in drafts] == [BulkState.DELETED] * 3
    assert isinstance(results[locked].error, ConflictError)
    assert list(emu.store.artifacts) == [locked]
    with pytest.raises(TypeError, match=r"artifact_ids must be a collection of ids"):
        await client.artifacts.delete_many(locked)

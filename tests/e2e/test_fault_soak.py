"""A fleet's whole life under a hostile network: every kind of fault on every route, ~20% of calls.

200 workloads are created (reconciling creates whose outcome is unknown), stopped, started and
deleted in bulk on a fake clock shared with the emulator. The SDK must make no duplicate, report
every bulk result as the server has it, fail fewer than 1% of the idempotent operations, and
leave no task or session behind.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from workload_async import (
    APIStatusError,
    BulkResult,
    BulkState,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    OutcomeUnknownError,
    TransportError,
    Workload,
    WorkloadStatus,
)
from workload_async.emulator import Emulator

FLEET = 200
FAILURE_FAULTS: list[dict[str, object]] = [
    {"kind": "status", "status": 500},
    {"kind": "status", "status": 502},
    {"kind": "status", "status": 503},
    {"kind": "status", "status": 503, "retry_after": 1},
    {"kind": "status", "status": 429},
    {"kind": "status", "status": 429, "retry_after": 2},
    {"kind": "status", "status": 504},
    {"kind": "drop_before"},
    {"kind": "drop_after"},
]
RATE_EACH = 0.025  # nine rules: 1 - 0.975**9 ≈ 20% of calls fail once


def name_of(i: int) -> str:
    return f"soak-{i:03d}-x"  # no name is a substring of another: search finds exactly one


def on_server(emu: Emulator, name: str) -> int:
    return sum(1 for rec in emu.store.workloads.values() if rec.name == name)


class Ledger:
    """What the test saw: creates whose outcome was unknown, and how listing resolved them."""

    def __init__(self) -> None:
        self.unknown = Counter[str]()
        self.found = 0
        self.absent = 0
        self.other_failures = Counter[str]()


async def create_reconciled(client: Client, emu: Emulator, name: str, ledger: Ledger) -> Workload:
    """The reconcile pattern of the failure-modes guide: an unknown outcome is looked up by name."""
    artifact = InputArtifact.single(name, Container(image_uri="registry.example.com/soak:1", port=8080))
    for _ in range(20):
        try:
            return await client.workloads.create(name=name, artifact=artifact)
        except OutcomeUnknownError:
            ledger.unknown[name] += 1
        except (APIStatusError, TransportError) as exc:  # a definite "not done": create again
            ledger.other_failures[type(exc).__name__] += 1
            continue
        found = await client.workloads.list(search=name).collect()
        assert len(found) == on_server(emu, name) <= 1  # listing tells the server's truth
        if found:
            ledger.found += 1
            return found[0]
        ledger.absent += 1
    raise AssertionError(f"could not create {name} in 20 tries")


def agrees_with_server(result: BulkResult, emu: Emulator, target: WorkloadStatus) -> bool:
    status = emu.status_of(result.workload_id)
    if result.state is BulkState.REACHED:
        return status == target.value and result.workload is not None
    if result.state is BulkState.FAILED and result.error is not None and result.workload is not None:
        return status in ("errored", "terminated") or status == result.workload.status.value
    return result.state in (BulkState.FAILED, BulkState.TIMED_OUT)


@pytest.mark.parametrize("seed", [7])
async def test_a_fleet_survives_a_fault_soak(seed: int) -> None:
    clock = FakeClock()
    ledger = Ledger()
    async with Emulator(clock=clock, startup_seconds=2.0, stop_seconds=1.0, jitter=0.2, seed=seed) as emu:
        for fault in FAILURE_FAULTS:
            emu.add_fault(route="*", rate=RATE_EACH, **fault)  # type: ignore[arg-type]
        emu.add_fault("latency", route="*", rate=0.2, seconds=0.5)
        async with Client(emu.url, emu.token, clock=clock) as client:
            gate = asyncio.Semaphore(32)

            async def create(i: int) -> Workload:
                async with gate:
                    return await create_reconciled(client, emu, name_of(i), ledger)

            fleet = await asyncio.gather(*(create(i) for i in range(FLEET)))
            ids = [w.id for w in fleet]

            names = Counter(rec.name for rec in emu.store.workloads.values())
            assert len(names) == FLEET and set(names.values()) == {1}  # no duplicates
            assert sum(ledger.unknown.values()) > 0  # the soak did exercise unknown outcomes
            assert ledger.found + ledger.absent == sum(ledger.unknown.values())

            failures = 0
            for bulk, target in (
                (client.workloads.stop_many, WorkloadStatus.STOPPED),
                (client.workloads.start_many, WorkloadStatus.RUNNING),
            ):
                results = await bulk(ids, wait=True)
                assert list(results) == ids
                assert all(agrees_with_server(r, emu, target) for r in results.values())
                failures += sum(not r.ok for r in results.values())

            async def delete(workload_id: str) -> bool:
                async with gate:
                    try:
                        await client.workloads.delete(workload_id)
                    except (APIStatusError, TransportError):
                        return False
                    return True

            deleted = await asyncio.gather(*(delete(i) for i in ids))
            failures += deleted.count(False)
            assert failures < 0.01 * 3 * FLEET, failures
            # a delete reported done is gone; one that failed after an attempt whose answer was
            # lost may be gone too
            assert set(emu.store.workloads) <= {i for i, ok in zip(ids, deleted, strict=True) if not ok}
        assert client.pool.closed
    leftovers = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
    assert leftovers == set()

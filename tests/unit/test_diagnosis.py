"""What a diagnosis says of a proton's snapshot or a warning event, and that reading it never
raises, makes one call, and stays within the client's budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aioresponses import aioresponses as AioResponses

from workload_async import (
    Client,
    FakeClock,
    ProtonSnapshot,
    Replacement,
    ReplacementFailedError,
    ReplacementStatus,
    WaitTimeoutError,
    Workload,
    WorkloadStatus,
    from_json,
)
from workload_async._waiting.diagnosis import BUDGET, Diagnoser, behind, describe, describe_event

API = "http://api.test/api/v2"


def snapshot(summary: str, *containers: dict[str, Any], conditions: Any = ()) -> ProtonSnapshot:
    replica = {
        "name": "r-0",
        "status": "pending",
        "conditions": list(conditions),
        "containers": list(containers),
    }
    return from_json(
        ProtonSnapshot, {"overallStatus": {"state": "launching", "summary": summary}, "replicas": [replica]}
    )


def container(name: str = "app", status: str = "waiting", restarts: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "image": "registry.example.com/x:1",
        "status": status,
        "ready": False,
        "restartCount": restarts,
        **extra,
    }


@pytest.mark.parametrize(
    ("shot", "text"),
    [
        (
            snapshot("ImagePullBackOff: registry.example.com/x:1 not found", container()),
            "container app: image pull back-off (registry.example.com/x:1 not found), 0 restarts",
        ),
        (
            snapshot("ErrImagePull: manifest unknown", container()),
            "container app: image pull error (registry.example.com/x:1: manifest unknown), 0 restarts",
        ),
        (
            snapshot(
                "CrashLoopBackOff: exit code 1",
                container(restarts=1),
                container("side", "running", ready=True),
            ),
            "container app: crash loop back-off (exit code 1), 1 restart",
        ),
        (
            snapshot(
                "OOMKilled: exit code 137", container(status="terminated"), container("side", restarts=4)
            ),
            "container app: OOM killed (exit code 137), 0 restarts",  # a terminated one says most
        ),
        (
            snapshot("back-off restarting", container(restarts=7)),
            "container app: restarting (back-off restarting), 7 restarts",
        ),
        (
            snapshot(
                "no capacity in the cluster",
                conditions=[{"type": "PodScheduled", "met": False, "since": "2026-01-01T00:00:00Z"}],
            ),
            "replica r-0: PodScheduled not met (no capacity in the cluster)",
        ),
        (
            snapshot("", conditions=[{"type": "ContainersReady", "value": False}]),  # some servers say value
            "replica r-0: ContainersReady not met",
        ),
        (snapshot("Waiting for capacity"), "launching: Waiting for capacity"),
        (snapshot(""), None),
    ],
    ids=[
        "pull back-off",
        "pull error",
        "crash loop",
        "oom",
        "no reason word",
        "unscheduled",
        "value for met",
        "summary only",
        "nothing",
    ],
)
def test_a_snapshot_in_one_line(shot: ProtonSnapshot, text: str | None) -> None:
    assert describe(shot) == text


def test_a_long_summary_is_clipped() -> None:
    text = describe(snapshot("CrashLoopBackOff: " + "x" * 500, container(restarts=2)))
    assert text is not None and len(text) == 200 and text.endswith("…")


@pytest.mark.parametrize(
    ("event", "text"),
    [
        (
            {
                "eventType": "warning",
                "details": {"reason": "ImagePullBackOff", "message": "x:1 not found", "container": "app"},
            },
            "container app: image pull back-off (x:1 not found)",
        ),
        (
            {"type": "Warning", "reason": "OOMKilled", "message": "exit code 137"},
            "OOM killed (exit code 137)",
        ),
        ({"eventType": "warning", "details": None}, None),
    ],
)
def test_a_warning_event_in_one_line(event: dict[str, Any], text: str | None) -> None:
    assert describe_event(event) == text


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(API, "t", clock=clock, api_version="11.5", retries=0) as c:
        yield c


def timed_out(workload: Workload | None = None, last_error: Exception | None = None) -> WaitTimeoutError:
    return WaitTimeoutError(
        workload_id="w1", workload=workload, elapsed=60, polls=3, target="running", last_error=last_error
    )


async def test_without_a_proton_the_one_call_reads_the_newest_warning_event(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    events = [
        {"id": "e2", "eventType": "start"},
        {
            "id": "e1",
            "eventType": "warning",
            "details": {"reason": "ImagePullBackOff", "message": "x:1 not found"},
        },
    ]
    mock_http.get(f"{API}/workloads/w1/events?limit=10", payload={"data": events})
    error = timed_out()
    await Diagnoser(mock_client._transport, clock).annotate(error, None)
    assert error.diagnosis == "image pull back-off (x:1 not found)"
    assert str(error).endswith("; diagnosis: image pull back-off (x:1 not found)")
    assert len(mock_http.requests) == 1


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 500, "payload": {"detail": "boom"}},
        {"status": 200, "body": "not json"},
        {"status": 200, "payload": {"overallStatus": "launching", "replicas": "many"}},
        {"status": 204},
    ],
    ids=["server error", "not json", "wrong shape", "no update yet"],
)
async def test_an_unreadable_snapshot_leaves_the_error_as_it_was(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock, answer: dict[str, Any]
) -> None:
    mock_http.get(f"{API}/workloads/w1/protons/p1/statusDetails", **answer)
    error = timed_out(Workload(id="w1", status=WorkloadStatus.LAUNCHING))
    before = str(error)
    await Diagnoser(mock_client._transport, clock).annotate(error, "p1")
    assert (error.diagnosis, str(error)) == (None, before)
    assert len(mock_http.requests) == 1  # one call, never retried


async def test_a_wait_whose_polls_failed_is_not_diagnosed(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    error = timed_out(last_error=RuntimeError("connection refused"))
    await Diagnoser(mock_client._transport, clock).annotate(error, "p1")
    assert error.diagnosis is None and not mock_http.requests


async def test_the_budget_bounds_the_calls_and_refills_on_the_clock(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    shot = {"overallStatus": {"state": "launching", "summary": "ImagePullBackOff: gone"}, "replicas": []}
    mock_http.get(f"{API}/workloads/w1/protons/p1/statusDetails", payload=shot, repeat=True)
    diagnoser = Diagnoser(mock_client._transport, clock)
    errors = [timed_out() for _ in range(int(BUDGET) + 5)]
    for error in errors:
        await diagnoser.annotate(error, "p1")
    assert diagnoser.calls == BUDGET
    assert [e.diagnosis is not None for e in errors].count(True) == BUDGET
    clock.advance(10)  # 0.5 a second: five more
    late = [timed_out() for _ in range(6)]
    for error in late:
        await diagnoser.annotate(error, "p1")
    assert diagnoser.calls == BUDGET + 5


async def test_a_v2_41_client_makes_no_call(clock: FakeClock, mock_http: AioResponses) -> None:
    async with Client(API, "t", clock=clock, api_version="v2.41") as v2:
        error = timed_out()
        await Diagnoser(v2._transport, clock).annotate(error, "p1")
    assert error.diagnosis is None and not mock_http.requests


def failed(status: str) -> ReplacementFailedError:
    replacement = Replacement(id="r1", workload_id="w1", status=ReplacementStatus(status), message="x")
    return ReplacementFailedError(replacement=replacement, workload=Workload(id="w1", proton_id="p-active"))


async def test_a_replacement_is_diagnosed_from_its_candidate_and_says_so(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    shot = {"overallStatus": {"state": "errored", "summary": "CrashLoopBackOff: exit code 1"}, "replicas": []}
    mock_http.get(f"{API}/workloads/w1/protons/p-candidate/statusDetails", payload=shot)
    error = failed("errored")
    await Diagnoser(mock_client._transport, clock).annotate(error, "p-candidate", candidate=True)
    assert error.diagnosis == "candidate: errored: crash loop back-off (exit code 1)"
    assert len(mock_http.requests) == 1


async def test_a_candidate_no_record_names_is_looked_for_in_the_events_not_the_active_proton(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    warning = {"id": "e1", "eventType": "warning", "details": {"reason": "OOMKilled", "container": "app"}}
    mock_http.get(f"{API}/workloads/w1/events?limit=10", payload={"data": [warning]})
    error = failed("failed")
    await Diagnoser(mock_client._transport, clock).annotate(error, None, candidate=True)
    assert error.diagnosis == "container app: OOM killed"  # the event names no proton: no "candidate"
    assert [str(url) for _, url in mock_http.requests] == [f"{API}/workloads/w1/events?limit=10"]


async def test_a_canceled_replacement_is_not_diagnosed(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    error = failed("canceled")
    await Diagnoser(mock_client._transport, clock).annotate(error, "p-candidate", candidate=True)
    assert error.diagnosis is None and not mock_http.requests


@pytest.mark.parametrize(
    ("shown", "text"),
    [
        ((ReplacementStatus.STAGED, "r0"), "waiting its turn behind replacement r0 (staged)"),
        ((ReplacementStatus.STAGED, "r1"), None),  # its own
        ((ReplacementStatus.STAGED, None), None),  # a server that sends no id: cannot tell
        (None, None),
    ],
)
def test_a_replacement_behind_another_says_which(
    shown: tuple[ReplacementStatus, str | None] | None, text: str | None
) -> None:
    assert behind("r1", shown) == text

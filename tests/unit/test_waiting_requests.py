"""What the waiting core sends, faked at the socket with aioresponses."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest
from aioresponses import aioresponses as AioResponses

from tests.conftest import GatedClock
from workload_async import (
    Client,
    ClientClosedError,
    FakeClock,
    RetryPolicy,
    UnexpectedStatusError,
    WaitTimeoutError,
    WorkloadFailedError,
)

API = "http://api.test/api/v2"
LIST = re.compile(r"^http://api\.test/api/v2/console/workloads/\?.*$")


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(API, "t0ken", clock=clock, timeout=30) as c:
        yield c


async def test_a_status_poll_takes_the_clients_request_timeout_not_the_shortest_waits(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.get(LIST, payload={"data": [{"id": "w1", "status": "initializing"}]}, repeat=True)
    with pytest.raises(WaitTimeoutError):
        await mock_client.workloads.wait("w1", timeout=0.3)
    calls = [call for (method, _), calls in mock_http.requests.items() if method == "GET" for call in calls]
    assert calls and all(call.kwargs["timeout"].total == 30 for call in calls)


async def test_a_request_waiting_to_retry_stops_once_the_client_is_closed(mock_http: AioResponses) -> None:
    clock = GatedClock()
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, status=503, payload={"detail": "busy"}, repeat=True)
    mock_client = Client(API, "t0ken", clock=clock, retries=RetryPolicy(attempts=5))
    call = asyncio.create_task(mock_client.workloads.get("w1"))
    for _ in range(10_000):  # the first attempt is answered; the retry sleeps at the gate
        if mock_http.requests:
            break
        await asyncio.sleep(0)
    await mock_client.close()
    clock.gate.put_nowait(None)
    with pytest.raises(ClientClosedError, match="closed while this request waited to retry"):
        await call
    assert sum(len(c) for c in mock_http.requests.values()) == 1


async def test_closing_the_client_wakes_every_call_sleeping_before_a_retry(mock_http: AioResponses) -> None:
    clock = _CountingGate()  # its sleeps end only when the gate opens: here, never
    for workload_id in ("w1", "w2", "w3"):
        mock_http.get(
            f"{API}/console/workloads/{workload_id}/",
            status=503,
            headers={"Retry-After": "50"},
            payload={"detail": "busy"},
            repeat=True,
        )
    client = Client(API, "t0ken", clock=clock, retries=RetryPolicy(attempts=5))
    view = client.with_options(timeout=100)
    calls = [
        asyncio.create_task(client.workloads.get("w1")),
        asyncio.create_task(client.workloads.get("w2")),
        asyncio.create_task(view.workloads.get("w3")),
    ]
    for _ in range(10_000):  # each first attempt is answered; each retry sleeps at the gate
        if clock.sleeping == 3:
            break
        await asyncio.sleep(0)
    await client.close()
    for _ in range(10):
        await asyncio.sleep(0)
    assert all(call.done() for call in calls)  # woken by the close, not by the clock
    for call in calls:
        with pytest.raises(ClientClosedError, match="closed while this request waited to retry"):
            await call
    assert sum(len(c) for c in mock_http.requests.values()) == 3


class _CountingGate(GatedClock):
    """A gated clock that counts the sleeps waiting at its gate."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeping = 0

    async def sleep(self, seconds: float) -> None:
        self.sleeping += 1
        await super().sleep(seconds)


def _answers(mock_http: AioResponses, *statuses: str) -> None:
    for status in statuses:
        mock_http.get(LIST, payload={"data": [{"id": "w1", "status": status}]})


async def test_a_stale_status_right_after_a_start_is_given_the_grace(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(f"{API}/console/workloads/w1/start", status=202, payload={"workloadId": "w1"})
    _answers(mock_http, "stopped", "stopped", "initializing", "running")
    await mock_client.workloads.start("w1")
    assert (await mock_client.workloads.wait("w1")).status == "running"


async def test_a_stale_errored_right_after_a_start_is_given_the_grace(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(f"{API}/console/workloads/w1/start", status=202, payload={"workloadId": "w1"})
    _answers(mock_http, "errored", "initializing", "running")
    assert (await mock_client.workloads.start("w1", wait=True)).status == "running"


async def test_once_the_status_moved_an_errored_is_the_answer(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(f"{API}/console/workloads/w1/start", status=202, payload={"workloadId": "w1"})
    _answers(mock_http, "initializing", "errored", "running")
    with pytest.raises(WorkloadFailedError):
        await mock_client.workloads.start("w1", wait=True)
    assert sum(len(calls) for (method, _), calls in mock_http.requests.items() if method == "GET") == 2


async def test_a_bare_wait_takes_the_settled_status_as_the_answer_at_once(
    mock_client: Client, mock_http: AioResponses
) -> None:
    _answers(mock_http, "stopped", "running")
    with pytest.raises(UnexpectedStatusError, match="start it first"):
        await mock_client.workloads.wait("w1")
    assert sum(len(calls) for calls in mock_http.requests.values()) == 1


async def test_the_grace_ends_stale_grace_seconds_after_the_request(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    mock_http.post(f"{API}/console/workloads/w1/start", status=202, payload={"workloadId": "w1"})
    await mock_client.workloads.start("w1")
    clock.advance(11)  # the default stale_grace is 10 s
    _answers(mock_http, "stopped", "running")
    with pytest.raises(UnexpectedStatusError):
        await mock_client.workloads.wait("w1")

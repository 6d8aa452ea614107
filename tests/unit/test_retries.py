"""Which failures are retried, how long the SDK waits, and the client-wide retry budget."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses as AioResponses
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from workload_async import (
    Client,
    FakeClock,
    NotFoundError,
    OutcomeUnknownError,
    RequestTimeoutError,
    RetryPolicy,
    ServerError,
    TransportError,
)
from workload_async.errors import OutcomeUnknownError as FromErrors

API = "http://api.test/api/v2"
TOKEN = "s3cret-token-value"
WL = {"id": "w1", "status": "running"}
GET_URL = f"{API}/console/workloads/w1/"
CREATE_URL = f"{API}/console/workloads/"
ART: dict[str, Any] = {"artifact_id": "a" * 24}


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(API, TOKEN, clock=clock, retries=RetryPolicy(attempts=4, jitter=0)) as c:
        yield c


def sent(mock: AioResponses, method: str, url: str) -> list[Any]:
    return mock.requests.get((method, URL(url)), [])


def header_too_large() -> aiohttp.ClientResponseError:
    headers = CIMultiDictProxy(CIMultiDict({"Authorization": f"Bearer {TOKEN}"}))
    info = aiohttp.RequestInfo(URL(GET_URL), "GET", headers, URL(GET_URL))
    return aiohttp.ClientResponseError(
        info, (), status=400, message="Got more than 8190 bytes when reading: Header value is too long."
    )


@pytest.mark.parametrize("method", ["get", "delete"])
async def test_500_is_retried_for_calls_safe_to_repeat(
    mock_client: Client, mock_http: AioResponses, method: str
) -> None:
    getattr(mock_http, method)(GET_URL, status=500, payload={"detail": "boom"})
    getattr(mock_http, method)(GET_URL, status=200 if method == "get" else 204, payload=WL)
    await getattr(mock_client.workloads, method)("w1")
    assert len(sent(mock_http, method.upper(), GET_URL)) == 2


async def test_500_on_a_start_is_retried(mock_client: Client, mock_http: AioResponses) -> None:
    url = f"{API}/console/workloads/w1/start"
    mock_http.post(url, status=500, payload={"detail": "boom"})
    mock_http.post(url, status=202, payload={"workloadId": "w1", "status": "launching"})
    assert (await mock_client.workloads.start("w1")).accepted
    assert len(sent(mock_http, "POST", url)) == 2


async def test_500_on_a_create_is_not_retried(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.post(CREATE_URL, status=500, payload={"detail": "boom"})
    with pytest.raises(ServerError):
        await mock_client.workloads.create(name="n", **ART)
    assert len(sent(mock_http, "POST", CREATE_URL)) == 1


@pytest.mark.parametrize("header", ["0", "-5"])
async def test_retry_after_zero_or_negative_means_back_off(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock, header: str
) -> None:
    mock_http.get(GET_URL, status=503, payload={"detail": "later"}, headers={"Retry-After": header})
    mock_http.get(GET_URL, payload=WL)
    await mock_client.workloads.get("w1")
    assert clock.monotonic() == RetryPolicy(jitter=0).delay(0)  # the backoff, not zero


async def test_a_retry_after_date_is_read_on_the_clients_clock(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    """The fake clock starts far from the real time: a date read on the real clock would be a
    wait of years (refused as too long) or none at all."""
    later = format_datetime(clock.now() + timedelta(seconds=4), usegmt=True)
    mock_http.get(GET_URL, status=503, payload={"detail": "later"}, headers={"Retry-After": later})
    mock_http.get(GET_URL, payload=WL)
    await mock_client.workloads.get("w1")
    assert clock.monotonic() == pytest.approx(4.0)


async def test_retry_after_zero_still_lets_a_create_come_back(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(CREATE_URL, status=429, payload={"detail": "slow"}, headers={"Retry-After": "0"})
    mock_http.post(CREATE_URL, status=201, payload=WL)
    await mock_client.workloads.create(name="n", **ART)
    assert len(sent(mock_http, "POST", CREATE_URL)) == 2


def test_retry_after_delays_are_jittered_upwards_only() -> None:
    policy = RetryPolicy(jitter=0.2)
    rng = random.Random(7)
    delays = [policy.after(10.0, rng) for _ in range(50)]
    assert all(10.0 <= d <= 12.0 for d in delays)
    assert len(set(delays)) > 1  # callers told the same Retry-After do not come back in lockstep


async def test_a_header_too_large_is_not_retried(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.get(GET_URL, exception=header_too_large())
    mock_http.get(GET_URL, payload=WL)
    with pytest.raises(TransportError, match="the response could not be read: Got more than 8190 bytes"):
        await mock_client.workloads.get("w1")
    assert len(sent(mock_http, "GET", GET_URL)) == 1


async def test_a_response_error_is_chained_without_the_request_headers(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.get(GET_URL, exception=header_too_large())
    with pytest.raises(TransportError) as caught:
        await mock_client.workloads.get("w1")
    cause = caught.value.__cause__
    assert isinstance(cause, aiohttp.ClientResponseError)
    assert "Authorization" not in cause.request_info.headers
    assert TOKEN not in repr(cause.request_info)
    assert caught.value.__context__ is None or caught.value.__suppress_context__


async def test_a_create_dropped_after_sending_raises_outcome_unknown(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(CREATE_URL, exception=aiohttp.ServerDisconnectedError())
    mock_http.post(CREATE_URL, status=201, payload=WL)
    with pytest.raises(OutcomeUnknownError) as caught:
        await mock_client.workloads.create(name="nightly-7", **ART)
    assert len(sent(mock_http, "POST", CREATE_URL)) == 1  # never repeated: it may exist
    error = caught.value
    assert isinstance(error, TransportError) and FromErrors is OutcomeUnknownError
    assert (error.resource, error.name) == ("workloads", "nightly-7")
    assert "may exist" in str(error)
    assert "client.workloads.list(search='nightly-7')" in str(error)
    assert isinstance(error.__cause__, aiohttp.ServerDisconnectedError)


async def test_a_create_that_timed_out_raises_outcome_unknown(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(f"{API}/console/deployments/", exception=TimeoutError())
    with pytest.raises(OutcomeUnknownError, match=r"no response within .*list deployments by name"):
        await mock_client.deployments.create(name="d", workload_id="w1")


async def test_a_create_that_never_connected_is_not_outcome_unknown(clock: FakeClock) -> None:
    async with Client("http://127.0.0.1:9/api/v2", TOKEN, clock=clock, retries=0) as c:
        with pytest.raises(TransportError, match="cannot connect") as caught:
            await c.workloads.create(name="n", **ART)
    assert not isinstance(caught.value, OutcomeUnknownError)


async def test_the_per_call_timeout_bounds_the_retries(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    for _ in range(4):
        mock_http.get(GET_URL, status=503, payload={"detail": "later"}, headers={"Retry-After": "1.5"})
    with pytest.raises(ServerError):
        await mock_client.workloads.get("w1", timeout=2.0)
    assert len(sent(mock_http, "GET", GET_URL)) == 2  # a second retry would end past the 2 s
    assert clock.monotonic() == 1.5


async def test_a_per_call_timeout_must_be_positive(mock_client: Client) -> None:
    with pytest.raises(ValueError, match="timeout must be a finite number of seconds > 0, got 0"):
        await mock_client.workloads.get("w1", timeout=0)


async def test_a_timed_out_attempt_says_so(mock_client: Client, mock_http: AioResponses) -> None:
    for _ in range(4):
        mock_http.get(GET_URL, exception=TimeoutError())
    with pytest.raises(RequestTimeoutError):
        await mock_client.workloads.get("w1")
    assert len(sent(mock_http, "GET", GET_URL)) == 4


async def test_an_outage_does_not_multiply_traffic_once_the_budget_is_spent(
    mock_http: AioResponses, clock: FakeClock
) -> None:
    policy = RetryPolicy(attempts=4, jitter=0, budget=20)  # room for four retries
    mock_http.get(GET_URL, status=503, payload={"detail": "down"}, repeat=True)
    async with Client(API, TOKEN, clock=clock, retries=policy) as c:
        for _ in range(10):
            with pytest.raises(ServerError):
                await c.workloads.get("w1")
    assert len(sent(mock_http, "GET", GET_URL)) == 10 + 4  # not 10 * 4


async def test_successes_refill_the_budget(mock_http: AioResponses, clock: FakeClock) -> None:
    policy = RetryPolicy(attempts=2, jitter=0, budget=5)  # room for one retry
    other = f"{API}/console/workloads/w2/"
    async with Client(API, TOKEN, clock=clock, retries=policy) as c:
        mock_http.get(GET_URL, status=503, payload={"detail": "down"}, repeat=True)
        with pytest.raises(ServerError):
            await c.workloads.get("w1")  # spends the only retry
        with pytest.raises(ServerError):
            await c.workloads.get("w1")  # none left: one attempt
        assert len(sent(mock_http, "GET", GET_URL)) == 3
        mock_http.get(other, payload=WL, repeat=True)
        for _ in range(5):
            await c.workloads.get("w2")  # five successes: one token each
        with pytest.raises(ServerError):
            await c.workloads.get("w1")
        assert len(sent(mock_http, "GET", GET_URL)) == 5  # retried again


async def test_a_successful_retry_gives_its_tokens_back(mock_http: AioResponses, clock: FakeClock) -> None:
    policy = RetryPolicy(attempts=2, jitter=0, budget=5)
    async with Client(API, TOKEN, clock=clock, retries=policy) as c:
        for _ in range(3):
            mock_http.get(GET_URL, status=503, payload={"detail": "blip"})
            mock_http.get(GET_URL, payload=WL)
            await c.workloads.get("w1")  # each call's one retry is paid back by its success
    assert len(sent(mock_http, "GET", GET_URL)) == 6


async def test_a_repeated_delete_answered_404_after_a_lost_answer_is_done(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.delete(GET_URL, exception=aiohttp.ServerDisconnectedError())
    mock_http.delete(GET_URL, status=404, payload={"detail": "Workload w1 not found"})
    await mock_client.workloads.delete("w1")  # the first attempt deleted it: gone, as asked
    assert len(sent(mock_http, "DELETE", GET_URL)) == 2


async def test_a_delete_of_a_missing_workload_still_raises_not_found(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.delete(GET_URL, status=503, payload={"detail": "later"})
    mock_http.delete(GET_URL, status=404, payload={"detail": "Workload w1 not found"})
    with pytest.raises(NotFoundError):
        await mock_client.workloads.delete("w1")  # nothing was lost: the 404 is the server's answer

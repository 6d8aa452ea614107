"""The HTTP funnel, faked at the socket with aioresponses."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses as AioResponses
from yarl import URL

import workload_async
from workload_async import (
    Client,
    FakeClock,
    NotFoundError,
    RateLimitError,
    RequestTimeoutError,
    ResponseDecodeError,
    RetryPolicy,
    ServerError,
    TransportError,
    WorkloadStatus,
)

API = "http://api.test/api/v2"
TOKEN = "s3cret-token-value"
WL = {"id": "w1", "status": "running"}


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(API, TOKEN, clock=clock, retries=RetryPolicy(attempts=4, jitter=0)) as c:
        yield c


def sent(mock: AioResponses, method: str, url: str) -> list[Any]:
    return mock.requests.get((method, URL(url)), [])


def connector_error() -> aiohttp.ClientConnectorError:
    key = aiohttp.client_reqrep.ConnectionKey(
        host="api.test", port=80, is_ssl=False, ssl=True, proxy=None, proxy_auth=None, proxy_headers_hash=None
    )
    return aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))


async def test_requests_carry_auth_accept_and_user_agent(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.get(f"{API}/console/workloads/w1/", payload=WL)
    await mock_client.workloads.get("w1")
    headers = sent(mock_http, "GET", f"{API}/console/workloads/w1/")[0].kwargs["headers"]
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == f"workload-async/{workload_async.__version__}"


async def test_json_bodies_are_sent_compact_with_a_content_type(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.post(f"{API}/console/deployments/", status=201, payload={"id": "d1", "name": "n"})
    await mock_client.deployments.create(name="n", workload_id="w1", importance="high")
    call = sent(mock_http, "POST", f"{API}/console/deployments/")[0]
    assert call.kwargs["headers"]["Content-Type"] == "application/json"
    assert call.kwargs["data"] == b'{"name":"n","workloadId":"w1","importance":"high"}'


async def test_hostile_id_stays_one_segment(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.get(re.compile(r".*"), status=404, payload={"detail": "Workload ../x not found"})
    with pytest.raises(NotFoundError):
        await mock_client.workloads.get("../x")
    ((_, url),) = mock_http.requests.keys()
    assert url.raw_path == "/api/v2/console/workloads/..%2Fx/"


async def test_404_raises_not_found_with_the_server_message(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.get(f"{API}/console/workloads/abc/", status=404, payload={"detail": "Workload abc not found"})
    with pytest.raises(NotFoundError) as caught:
        await mock_client.workloads.get("abc")
    assert str(caught.value) == "[404] GET console/workloads/abc/: Workload abc not found"


async def test_get_is_retried_on_503_then_succeeds(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, status=503, payload={"detail": "busy"})
    mock_http.get(url, payload=WL)
    wl = await mock_client.workloads.get("w1")
    assert wl.status is WorkloadStatus.RUNNING
    assert len(sent(mock_http, "GET", url)) == 2
    assert clock.monotonic() == pytest.approx(0.5)  # the first backoff step, no jitter


async def test_retry_after_from_429_is_honoured(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, status=429, payload={"detail": "slow down"}, headers={"Retry-After": "7"})
    mock_http.get(url, payload=WL)
    await mock_client.workloads.get("w1")
    assert clock.monotonic() == pytest.approx(7.0)


async def test_retries_give_up_after_the_policy_attempts(
    mock_client: Client, mock_http: AioResponses
) -> None:
    url = f"{API}/console/workloads/w1/"
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    mock_http.get(url, status=502, body=page, content_type="text/html", repeat=True)
    with pytest.raises(
        ServerError, match=r"^\[502\] GET console/workloads/w1/: 502 Bad Gateway \(HTML error page\)$"
    ):
        await mock_client.workloads.get("w1")
    assert len(sent(mock_http, "GET", url)) == 4


async def test_retries_stop_at_the_deadline(mock_http: AioResponses, clock: FakeClock) -> None:
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, status=503, payload={"detail": "busy"}, repeat=True)
    async with Client(
        API, TOKEN, clock=clock, retries=RetryPolicy(attempts=10, initial=1, factor=1, jitter=0)
    ) as c:
        with pytest.raises(ServerError):
            await c._transport.call("GET", "workloads.get", "w1", deadline=2.5)
    assert len(sent(mock_http, "GET", url)) == 3  # at 0, 1 and 2 s; the next would pass 2.5
    assert clock.monotonic() <= 2.5


async def test_create_is_not_retried_when_the_server_may_have_acted(
    mock_client: Client, mock_http: AioResponses
) -> None:
    url = f"{API}/console/deployments/"
    mock_http.post(url, status=502, payload={"detail": "gateway"}, repeat=True)
    with pytest.raises(ServerError):
        await mock_client.deployments.create(name="n", workload_id="w1")
    assert len(sent(mock_http, "POST", url)) == 1
    mock_http.clear()
    mock_http.post(url, exception=aiohttp.ServerDisconnectedError(), repeat=True)
    with pytest.raises(TransportError):
        await mock_client.deployments.create(name="n", workload_id="w1")
    assert len(sent(mock_http, "POST", url)) == 2  # one more attempt, not four


async def test_create_is_retried_when_the_server_said_come_back(
    mock_client: Client, mock_http: AioResponses
) -> None:
    url = f"{API}/console/deployments/"
    mock_http.post(url, status=503, payload={"detail": "later"}, headers={"Retry-After": "1"})
    mock_http.post(url, status=201, payload={"id": "d1"})
    assert (await mock_client.deployments.create(name="n", workload_id="w1")).id == "d1"
    assert len(sent(mock_http, "POST", url)) == 2


async def test_create_is_retried_when_it_never_left(mock_client: Client, mock_http: AioResponses) -> None:
    url = f"{API}/console/deployments/"
    mock_http.post(url, exception=connector_error())
    mock_http.post(url, status=201, payload={"id": "d1"})
    assert (await mock_client.deployments.create(name="n", workload_id="w1")).id == "d1"
    assert len(sent(mock_http, "POST", url)) == 2


async def test_get_is_retried_after_a_dropped_connection(
    mock_client: Client, mock_http: AioResponses
) -> None:
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, exception=aiohttp.ServerDisconnectedError())
    mock_http.get(url, payload=WL)
    assert (await mock_client.workloads.get("w1")).id == "w1"


async def test_timeout_becomes_request_timeout_error(mock_http: AioResponses, clock: FakeClock) -> None:
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, exception=TimeoutError())
    async with Client(API, TOKEN, clock=clock, retries=0) as c:
        with pytest.raises(RequestTimeoutError) as caught:
            await c.workloads.get("w1")
    assert isinstance(caught.value, TransportError)
    assert "GET console/workloads/w1/: no response within" in str(caught.value)
    assert isinstance(caught.value.__cause__, asyncio.TimeoutError)


async def test_connection_refused_becomes_transport_error(clock: FakeClock) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once the socket closes
    async with Client(f"http://127.0.0.1:{port}/api/v2", TOKEN, clock=clock, retries=1) as c:
        with pytest.raises(TransportError, match=rf"cannot connect to 127\.0\.0\.1:{port}") as caught:
            await c.workloads.get("w1")
    assert isinstance(caught.value.__cause__, aiohttp.ClientConnectorError)
    assert clock.monotonic() > 0  # it backed off once before giving up


async def test_non_json_success_body_is_a_decode_error(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.get(f"{API}/console/workloads/w1/", body="<html>maintenance</html>", content_type="text/html")
    with pytest.raises(ResponseDecodeError, match="response body is not JSON") as caught:
        await mock_client.workloads.get("w1")
    assert caught.value.excerpt == "<html>maintenance</html>"
    assert isinstance(caught.value.__cause__, ValueError)


async def test_wrong_shape_names_the_field(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.get(f"{API}/console/workloads/w1/", payload={"status": "running", "createdAt": "soon"})
    with pytest.raises(ResponseDecodeError) as caught:
        await mock_client.workloads.get("w1")
    assert any("Workload.id" in p for p in caught.value.problems)
    assert any("Workload.created_at" in p for p in caught.value.problems)
    assert "GET console/workloads/w1/: response is not a valid Workload" in str(caught.value)


async def test_the_token_appears_in_no_error_repr_or_log(
    mock_client: Client, mock_http: AioResponses, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="workload_async")
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, status=503, payload={"detail": "busy"}, repeat=True)
    with pytest.raises(ServerError) as caught:
        await mock_client.workloads.get("w1")
    assert caplog.records, "expected retry logs"
    texts = [
        caplog.text,
        str(caught.value),
        repr(caught.value),
        repr(mock_client),
        repr(mock_client._transport),
        str(caught.value.headers),
        str(caught.value.body),
    ]
    assert all(TOKEN not in text for text in texts)


async def test_start_reads_accepted_and_no_op_and_an_empty_body(
    mock_client: Client, mock_http: AioResponses
) -> None:
    url = f"{API}/console/workloads/w1/start"
    mock_http.post(url, status=202, payload={"status": "accepted", "workloadId": "w1", "trackVia": "x"})
    mock_http.post(url, status=200, body="")
    first, second = await mock_client.workloads.start("w1"), await mock_client.workloads.start("w1")
    assert first.accepted and first.track_via == "x"
    assert not second.accepted and second.workload_id == "w1"


async def test_rate_limit_error_exposes_retry_after(mock_http: AioResponses, clock: FakeClock) -> None:
    mock_http.get(
        f"{API}/console/workloads/w1/", status=429, payload={"detail": "x"}, headers={"Retry-After": "3"}
    )
    async with Client(API, TOKEN, clock=clock, retries=0) as c:
        with pytest.raises(RateLimitError) as caught:
            await c.workloads.get("w1")
    assert caught.value.retry_after == 3.0


async def test_next_links_are_followed_on_the_api_root(mock_client: Client, mock_http: AioResponses) -> None:
    first = f"{API}/console/workloads/?limit=100"
    second = f"{API}/console/workloads/?limit=100&offset=100"
    mock_http.get(first, payload={"count": 1, "totalCount": 2, "next": second, "data": [WL]})
    mock_http.get(second, payload={"count": 1, "totalCount": 2, "next": None, "data": [{"id": "w2"}]})
    assert [w.id async for w in mock_client.workloads.list()] == ["w1", "w2"]


async def test_a_next_link_to_another_host_is_re_based_never_requested_there(
    mock_client: Client, mock_http: AioResponses
) -> None:
    elsewhere = "https://internal.example.com:8443/api/v2/console/workloads/?offset=100&limit=100"
    mock_http.get(
        f"{API}/console/workloads/?limit=100",
        payload={"count": 1, "totalCount": 2, "next": elsewhere, "data": [WL]},
    )
    mock_http.get(
        f"{API}/console/workloads/?offset=100&limit=100",
        payload={"count": 1, "totalCount": 2, "next": None, "data": [{"id": "w2"}]},
    )
    assert [w.id async for w in mock_client.workloads.list()] == ["w1", "w2"]
    assert all(url.host == "api.test" for _, url in mock_http.requests)


async def test_a_next_link_outside_the_api_path_is_refused(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.get(
        f"{API}/console/workloads/?limit=100",
        payload={"count": 1, "totalCount": 2, "next": "http://api.test/admin/?offset=1", "data": [WL]},
    )
    with pytest.raises(ResponseDecodeError, match="cannot be mapped into the API root"):
        await mock_client.workloads.list().collect()


async def test_the_poller_follows_a_server_that_pages_a_short_ids_list(
    mock_client: Client, mock_http: AioResponses
) -> None:
    second = f"{API}/console/workloads/?ids=w1&ids=w2&limit=100&offset=1"
    mock_http.get(
        re.compile(r".*/console/workloads/\?.*ids=w1&ids=w2&limit=100$"),
        payload={"count": 1, "totalCount": 2, "next": second, "data": [WL]},
    )
    mock_http.get(
        second,
        payload={"count": 1, "totalCount": 2, "next": None, "data": [{"id": "w2", "status": "running"}]},
    )
    outcomes = await mock_client.workloads.wait_many(["w1", "w2"])
    assert {i: o.ok for i, o in outcomes.items()} == {"w1": True, "w2": True}
    assert mock_client.poller.requests == 2


async def test_a_long_retry_after_is_raised_not_slept_through(
    mock_client: Client, mock_http: AioResponses, clock: FakeClock
) -> None:
    url = f"{API}/console/workloads/w1/"
    mock_http.get(
        url, status=429, payload={"detail": "come back in an hour"}, headers={"Retry-After": "3600"}
    )
    with pytest.raises(RateLimitError) as caught:
        await mock_client.workloads.get("w1")
    assert caught.value.retry_after == 3600
    assert clock.monotonic() == 0
    assert len(sent(mock_http, "GET", url)) == 1

"""Responses the SDK refuses to trust: bodies over the limit, pages larger than asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aioresponses import aioresponses as AioResponses

from workload_async import Client, FakeClock, ResponseDecodeError

API = "http://api.test/api/v2"
TOKEN = "s3cret-token-value"
LIST_URL = f"{API}/console/workloads/?limit=2"


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(API, TOKEN, clock=clock, max_response_bytes=1000) as c:
        yield c


async def test_a_body_over_the_limit_is_refused(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.get(f"{API}/console/workloads/w1/", body=b'{"id": "w1", "pad": "' + b"x" * 2000 + b'"}')
    with pytest.raises(ResponseDecodeError, match="larger than the limit of 1000 bytes"):
        await mock_client.workloads.get("w1")


async def test_a_body_at_the_limit_is_read(mock_client: Client, mock_http: AioResponses) -> None:
    body = b'{"id": "w1", "status": "running", "pad": "'
    body += b"x" * (1000 - len(body) - 2) + b'"}'
    assert len(body) == 1000
    mock_http.get(f"{API}/console/workloads/w1/", body=body)
    assert (await mock_client.workloads.get("w1")).id == "w1"


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_response_bytes must be >= 1, got 0"):
        Client(API, TOKEN, max_response_bytes=0)


async def test_a_page_with_more_items_than_the_limit_is_a_decode_error(
    mock_client: Client, mock_http: AioResponses
) -> None:
    items = [{"id": f"w{i}", "status": "running"} for i in range(3)]
    mock_http.get(LIST_URL, payload={"count": 3, "totalCount": 3, "next": None, "data": items})
    with pytest.raises(ResponseDecodeError, match="the page holds 3 items but limit=2 was asked for"):
        await mock_client.workloads.list(page_size=2).collect()


async def test_a_page_within_the_limit_is_accepted(mock_client: Client, mock_http: AioResponses) -> None:
    items = [{"id": f"w{i}", "status": "running"} for i in range(2)]
    mock_http.get(LIST_URL, payload={"count": 2, "totalCount": 2, "next": None, "data": items})
    assert [w.id for w in await mock_client.workloads.list(page_size=2).collect()] == ["w0", "w1"]

"""Listing pages: next links re-based behind proxies, items read one by one (aioresponses)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aioresponses import aioresponses as AioResponses

from workload_async import Client, FakeClock, ResponseDecodeError, RetryPolicy, Workload, WorkloadStatus

API = "http://api.test/api/v2"
FIRST = f"{API}/console/workloads/?limit=100"
SECOND = f"{API}/console/workloads/?limit=100&offset=100"


@pytest.fixture
async def mock_client(clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(API, "t0ken", clock=clock, retries=RetryPolicy(attempts=1)) as c:
        yield c


def page(*ids: str, next: str | None = None) -> dict[str, object]:
    return {"count": len(ids), "totalCount": 2, "next": next, "data": [{"id": i} for i in ids]}


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("https://api.test/api/v2/console/workloads/?limit=100&offset=100", id="https scheme"),
        pytest.param(
            "http://10.0.0.7:8080/api/v2/console/workloads/?limit=100&offset=100", id="internal host"
        ),
        pytest.param(
            "https://edge.example.com/dr/api/v2/console/workloads/?limit=100&offset=100", id="proxy prefix"
        ),
        pytest.param("http://api.test/console/workloads/?limit=100&offset=100", id="root stripped"),
        pytest.param(
            "https://edge.example.com/console/workloads/?limit=100&offset=100", id="elsewhere, stripped"
        ),
        pytest.param("/api/v2/console/workloads/?limit=100&offset=100", id="absolute path"),
        pytest.param("?limit=100&offset=100", id="query only"),
    ],
)
async def test_a_next_link_is_followed_on_the_clients_own_api_root(
    mock_client: Client, mock_http: AioResponses, link: str
) -> None:
    mock_http.get(FIRST, payload=page("w1", next=link))
    mock_http.get(SECOND, payload=page("w2"))
    assert [w.id async for w in mock_client.workloads.list()] == ["w1", "w2"]
    assert [str(url) for _, url in mock_http.requests] == [FIRST, SECOND]


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("https://evil.example.com/steal?token=1", id="another path elsewhere"),
        pytest.param("http://api.test/admin/?offset=1", id="outside the root"),
        pytest.param("http://api.test/other/console/workloads/", id="route not at the start"),
        pytest.param("http://api.test/api/v2/../admin/", id="climbs out of the root"),
    ],
)
async def test_a_next_link_that_cannot_be_mapped_is_refused_after_the_first_page(
    mock_client: Client, mock_http: AioResponses, link: str
) -> None:
    mock_http.get(FIRST, payload=page("w1", next=link))
    seen = []
    with pytest.raises(ResponseDecodeError, match="cannot be mapped into the API root"):
        async for w in mock_client.workloads.list():
            seen.append(w.id)
    assert seen == ["w1"]
    assert len(mock_http.requests) == 1


async def test_an_unreadable_item_raises_only_when_the_iteration_reaches_it(
    mock_client: Client, mock_http: AioResponses
) -> None:
    data = [{"id": "w1", "status": "running"}, {"id": "w2", "createdAt": "soon"}, {"id": "w3"}]
    mock_http.get(FIRST, payload={"count": 3, "totalCount": 3, "data": data})
    seen = []
    with pytest.raises(ResponseDecodeError) as caught:
        async for w in mock_client.workloads.list():
            seen.append(w)
    assert seen == [Workload(id="w1", status=WorkloadStatus.RUNNING)]
    assert "item 1 of the page is not a valid Workload" in str(caught.value)
    assert caught.value.problems == ("expected an RFC 3339 timestamp, got 'soon' @ Workload.created_at",)
    assert caught.value.url == "console/workloads/"


async def test_first_page_raises_for_an_unreadable_item_on_it(
    mock_client: Client, mock_http: AioResponses
) -> None:
    mock_http.get(FIRST, payload={"count": 2, "data": [{"id": "w1"}, {"id": None}]})
    with pytest.raises(ResponseDecodeError, match="item 1 of the page"):
        await mock_client.workloads.list().first_page()


async def test_offset_resumes_the_listing(mock_client: Client, mock_http: AioResponses) -> None:
    mock_http.get(f"{API}/console/workloads/?limit=100&offset=40&sort=-name", payload=page("w41"))
    assert [w.id async for w in mock_client.workloads.list(sort="-name", offset=40)] == ["w41"]

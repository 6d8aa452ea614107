"""Client configuration and lifecycle; the session pool."""

from __future__ import annotations

import asyncio
import gc
import inspect
import ssl
from typing import Any

import pytest
from aioresponses import aioresponses as AioResponses

from workload_async import Client, ClientClosedError, SessionPool

API = "http://api.test/api/v2"
WL = {"id": "w1", "status": "running"}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAROBOT_ENDPOINT", raising=False)
    monkeypatch.delenv("DATAROBOT_API_TOKEN", raising=False)


async def test_endpoint_and_token_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", "https://app.example.com/api/v2")
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "env-token")
    client = Client()
    assert client.endpoint == "https://app.example.com/api/v2/"
    assert client._transport._token == "env-token"
    await client.close()


async def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", "https://env.example.com/api/v2")
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "env-token")
    client = Client("https://arg.example.com/api/v2/", "arg-token")
    assert client.endpoint == "https://arg.example.com/api/v2/"
    assert client._transport._token == "arg-token"
    await client.close()


def test_retries_counts_retries_after_the_first_attempt() -> None:
    assert Client(API, "t", retries=0)._transport.retry.attempts == 1
    assert Client(API, "t", retries=3)._transport.retry.attempts == 4
    assert Client(API, "t")._transport.retry.attempts == 4
    with pytest.raises(ValueError, match="retries must be between 0 and 100, got -1"):
        Client(API, "t", retries=-1)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf")])
def test_bad_timeout_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="timeout must be a finite number of seconds > 0"):
        Client(API, "t", timeout=bad)


async def test_closed_client_refuses_calls(mock_http: AioResponses) -> None:
    client = Client(API, "t")
    await client.close()
    with pytest.raises(ClientClosedError, match="this client is closed; make a new Client"):
        await client.workloads.get("w1")


async def test_closed_client_cannot_be_reentered() -> None:
    client = Client(API, "t")
    async with client:
        pass
    with pytest.raises(ClientClosedError):
        async with client:
            pass


async def test_close_is_idempotent() -> None:
    client = Client(API, "t")
    await client.close()
    await client.close()
    assert client.closed


async def test_client_can_be_used_without_a_context_manager(mock_http: AioResponses) -> None:
    mock_http.get(f"{API}/console/workloads/w1/", payload=WL)
    client = Client(API, "t")
    try:
        assert (await client.workloads.get("w1")).id == "w1"
    finally:
        await client.close()
    assert client.pool.closed


async def test_a_shared_pool_outlives_its_clients(mock_http: AioResponses) -> None:
    mock_http.get(f"{API}/console/workloads/w1/", payload=WL, repeat=True)
    mock_http.get("http://other.test/api/v2/console/workloads/w1/", payload=WL, repeat=True)
    async with SessionPool(max_connections=10) as pool:
        async with Client(API, "token-a", pool=pool) as a:
            await a.workloads.get("w1")
        assert not pool.closed
        async with Client("http://other.test/api/v2", "token-b", pool=pool) as b:
            await b.workloads.get("w1")
        assert len(pool._sessions) == 2
    assert pool.closed
    with pytest.raises(ClientClosedError, match="session pool is closed"):
        pool.session_for(b._endpoint)


async def test_tokens_of_clients_sharing_a_pool_do_not_mix(mock_http: AioResponses) -> None:
    url = f"{API}/console/workloads/w1/"
    mock_http.get(url, payload=WL, repeat=True)
    async with (
        SessionPool() as pool,
        Client(API, "token-a", pool=pool) as a,
        Client(API, "token-b", pool=pool) as b,
    ):
        await a.workloads.get("w1")
        await b.workloads.get("w1")
    calls = next(iter(mock_http.requests.values()))
    assert [c.kwargs["headers"]["Authorization"] for c in calls] == ["Bearer token-a", "Bearer token-b"]


async def test_no_unclosed_session_or_connector_is_reported(mock_http: AioResponses) -> None:
    reports: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: reports.append(context))
    try:
        mock_http.get(f"{API}/console/workloads/w1/", payload=WL)
        async with Client(API, "t") as client:
            await client.workloads.get("w1")
        del client
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(previous)
    assert [r["message"] for r in reports] == []


def test_repr_says_the_state_and_hides_the_token() -> None:
    client = Client(API, "very-secret")
    assert repr(client) == f"<Client {API}/ unopened>"
    assert "very-secret" not in repr(client._transport)


async def test_pool_refuses_another_event_loop() -> None:
    pool = SessionPool()
    pool.session_for(Client(API, "t")._endpoint)

    def other_loop() -> None:
        async def use() -> None:
            pool.session_for(Client(API, "t")._endpoint)

        with pytest.raises(RuntimeError, match="another event loop"):
            asyncio.run(use())

    await asyncio.to_thread(other_loop)
    await pool.close()


async def test_pool_passes_its_settings_to_aiohttp() -> None:
    context = ssl.create_default_context()
    async with SessionPool(trust_env=True, ssl=context, max_connections=7) as pool:
        session = pool.session_for(Client(API, "t")._endpoint)
        assert session.trust_env is True
        assert pool._connector is not None and pool._connector.limit == 7


def test_pool_needs_a_connection() -> None:
    with pytest.raises(ValueError, match="max_connections must be >= 1"):
        SessionPool(max_connections=0)


def test_help_shows_a_timeout_defaulting_to_the_clients_as_that() -> None:
    client = Client(API, "t", wait_timeout=120)
    shown = str(inspect.signature(client.workloads.wait))
    assert "timeout: 'float | Default | None' = client.wait_timeout" in shown
    assert "Default.TOKEN" not in shown
    assert client.wait_timeout == 120 and client.with_options(wait_timeout=None).wait_timeout is None

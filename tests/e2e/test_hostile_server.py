"""The SDK against a server that misbehaves on purpose: endless bodies, lying lengths, huge
headers, streams that stall. A tiny aiohttp app on loopback plays that server."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web

from workload_async import (
    Client,
    FakeClock,
    RequestTimeoutError,
    ResponseDecodeError,
    RetryPolicy,
    TransportError,
)

from .conftest import Start

TOKEN = "hostile-test-token-9f1e"


async def test_an_endless_body_is_refused_without_reading_it_whole(server: Start, clock: FakeClock) -> None:
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        try:
            while True:  # chunked, no Content-Length: only the reader can stop it
                await response.write(b" " * 65536)
                sent += 65536
        except (ConnectionError, RuntimeError):
            return response

    hostile = await server(endless)
    async with Client(hostile.url, TOKEN, clock=clock, max_response_bytes=1024**2) as client:
        with pytest.raises(ResponseDecodeError, match="larger than the limit of 1048576 bytes") as caught:
            await client.workloads.get("w1")
    assert "max_response_bytes" in str(caught.value)
    assert hostile.requests == 1  # a refused body is not asked for again


async def test_a_declared_length_above_the_limit_is_refused_before_reading(
    server: Start, clock: FakeClock
) -> None:
    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = 200 * 1024**2
        await response.prepare(request)
        await response.write(b"{")
        await hostile.release.wait()
        return response

    hostile = await server(stall)
    async with Client(hostile.url, TOKEN, clock=clock) as client:
        with pytest.raises(ResponseDecodeError, match="Content-Length is 209715200"):
            await client.workloads.get("w1")


async def test_a_header_too_large_fails_once_without_retrying(server: Start, clock: FakeClock) -> None:
    async def huge_header(request: web.Request) -> web.StreamResponse:
        return web.json_response({"id": "w1"}, headers={"X-Huge": "x" * 20000})

    hostile = await server(huge_header)
    async with Client(hostile.url, TOKEN, clock=clock, retries=RetryPolicy(attempts=4)) as client:
        with pytest.raises(TransportError, match="the response could not be read") as caught:
            await client.workloads.get("w1")
    assert hostile.requests == 1
    assert TOKEN not in repr(caught.value.__cause__)
    assert TOKEN not in repr(getattr(caught.value.__cause__, "request_info", ""))


async def stalled_stream(hostile_release: asyncio.Event, request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(b"data: first\n\n")
    await hostile_release.wait()
    return response


async def test_a_stream_ends_at_its_overall_timeout(server: Start, clock: FakeClock) -> None:
    hostile = await server(lambda request: stalled_stream(hostile.release, request))
    async with (
        Client(hostile.url, TOKEN, clock=clock) as client,
        client.workloads.stream("w1", "events", timeout=0.2) as response,
    ):
        events = []
        with pytest.raises(RequestTimeoutError, match=r"stream timed out \(timeout=0.2s"):
            async for event in response.iter_events():
                events.append(event.data)
    assert events == ["first"]


async def test_a_stream_ends_when_one_read_waits_too_long(server: Start, clock: FakeClock) -> None:
    hostile = await server(lambda request: stalled_stream(hostile.release, request))
    async with (
        Client(hostile.url, TOKEN, clock=clock) as client,
        client.workloads.stream("w1", "events", read_timeout=0.2) as response,
    ):
        with pytest.raises(RequestTimeoutError, match=r"read_timeout=0.2s"):
            await response.read()


async def test_stream_timeouts_must_be_positive(server: Start, clock: FakeClock) -> None:
    hostile = await server(lambda request: stalled_stream(hostile.release, request))
    async with Client(hostile.url, TOKEN, clock=clock) as client:
        with pytest.raises(ValueError, match="read_timeout must be a finite number of seconds > 0"):
            client.workloads.stream("w1", "events", read_timeout=0)  # refused at the call
    assert hostile.requests == 0


async def test_a_stalled_websocket_handshake_ends_at_its_timeout(server: Start, clock: FakeClock) -> None:
    async def stall(request: web.Request) -> web.StreamResponse:
        await hostile.release.wait()
        return web.Response()

    hostile = await server(stall)
    async with Client(hostile.url, TOKEN, clock=clock) as client:  # a request timeout of 30 s
        with pytest.raises(RequestTimeoutError, match=r"no response within 0.2s"):
            async with client.workloads.websocket("w1", "ws", timeout=0.2):
                pass
    async with Client(hostile.url, TOKEN, clock=clock, timeout=0.2) as client:
        with pytest.raises(RequestTimeoutError):
            async with client.workloads.websocket("w1", "ws"):
                pass

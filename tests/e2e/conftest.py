"""A hostile server for end-to-end tests: any handler, on loopback, one per test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Hostile:
    """Serves one handler on every path; counts requests; ``release`` ends stalled handlers."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests = 0
        self.release = asyncio.Event()
        self.url = ""

    async def serve(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        return await self.handler(request)


Start = Callable[[Handler], Awaitable[Hostile]]


@pytest.fixture
async def server() -> AsyncIterator[Start]:
    runners: list[tuple[web.AppRunner, Hostile]] = []

    async def start(handler: Handler) -> Hostile:
        hostile = Hostile(handler)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", hostile.serve)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        hostile.url = f"http://127.0.0.1:{runner.addresses[0][1]}/api/v2"
        runners.append((runner, hostile))
        return hostile

    yield start
    for runner, hostile in runners:
        hostile.release.set()
        await runner.cleanup()

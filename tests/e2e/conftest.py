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


# -- both API generations -------------------------------------------------------------------------
# Every end-to-end test runs against both API generations unless it says otherwise:
# ``@pytest.mark.v2_41_only`` marks a test of something only v2.41 has (deployments, the draft
# single-use rule), ``@pytest.mark.v11_5_only`` one of something only 11.5 has. The ``api_version``
# fixture (tests/conftest.py) sets both the emulator's generation and the client's.

DIALECTS = ("v2.41", "11.5")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "v2_41_only: an end-to-end test of what only API v2.41 has")
    config.addinivalue_line("markers", "v11_5_only: an end-to-end test of what only API 11.5 has")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "api_version" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("v2_41_only"):
        versions: tuple[str, ...] = ("v2.41",)
    elif metafunc.definition.get_closest_marker("v11_5_only"):
        versions = ("11.5",)
    else:
        versions = DIALECTS
    metafunc.parametrize("api_version", versions, indirect=True, ids=[f"api{v}" for v in versions])

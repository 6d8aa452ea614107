"""An 11.5 emulator whose every exchange is recorded: the request (route, query, body) and the
answer (status, body), for the contract tests to check against the schemas."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
import pytest
from aiohttp import web

from workload_async import FakeClock
from workload_async.emulator import Emulator

PREFIX = "/api/v2"


@attrs.frozen
class Exchange:
    """One request to the emulator and its answer."""

    method: str
    path: str
    #: (method, template) of the route it matched, ``/workloads/{id}``; None for no route
    route: tuple[str, str] | None
    query: dict[str, list[str]]
    sent: Any
    status: int
    #: the body: JSON read, a ``text/plain`` body read as JSON lines (a list), None when empty
    answered: Any
    #: the media type the answer said it is (None: no body)
    content_type: str | None = None


def _json(raw: bytes | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def _lines(raw: bytes) -> list[Any]:
    """A ``text/plain`` body as JSON lines: each line's value, or the line itself when it is not
    JSON (which no schema of a line takes)."""
    out: list[Any] = []
    for line in raw.decode(errors="replace").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append(line)
    return out


def _template(request: web.Request) -> str | None:
    route = request.match_info.route
    resource = route.resource if route is not None else None
    if resource is None or not resource.canonical.startswith(PREFIX):
        return None
    return resource.canonical.removeprefix(PREFIX).rstrip("/") or "/"


@attrs.define
class Recorded:
    """The emulator, its API root, what was exchanged, and plain calls with its token."""

    emu: Emulator
    url: str
    session: aiohttp.ClientSession
    exchanges: list[Exchange] = attrs.field(factory=list)

    async def __call__(self, method: str, path: str, *, json: Any = None, **kwargs: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.emu.token}", **kwargs.pop("headers", {})}
        async with self.session.request(
            method, f"{self.url}/{path}", json=json, headers=headers, **kwargs
        ) as r:
            return r.status, _json(await r.read())


@pytest.fixture
async def recorded(clock: FakeClock) -> AsyncIterator[Recorded]:
    emu = Emulator(api_version="11.5", clock=clock, startup_seconds=2.0, stop_seconds=1.0, seed=1)
    app = emu.app()
    exchanges: list[Exchange] = []

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        sent = _json(await request.read())
        template = _template(request)
        query = {key: request.query.getall(key) for key in request.query}
        response: web.StreamResponse
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        body = response.body if isinstance(response, web.Response) else None
        raw = body if isinstance(body, bytes) else None
        content_type = response.content_type if raw is not None else None
        answered = _lines(raw) if raw is not None and content_type == "text/plain" else _json(raw)
        route = (request.method, template) if template is not None else None
        exchanges.append(
            Exchange(
                request.method, request.path, route, query, sent, response.status, answered, content_type
            )
        )
        if isinstance(response, web.HTTPException):
            raise response
        return response

    app.middlewares.insert(0, record)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as session:
        yield Recorded(emu, f"http://127.0.0.1:{port}{PREFIX}", session, exchanges)
    await runner.cleanup()

"""The API token appears nowhere: not in a DEBUG log line, not in the repr or message of any
exception the SDK raises, nor in anything chained to it, nor in the locals of its traceback.

One run with a known token provokes every kind of failure: dropped connections before and after
acting, status faults, a refused WebSocket, a wrong token, an unparseable header, a refused
connection, a timeout, a body over the limit, an undecodable body, a stalled stream.
"""

from __future__ import annotations

import logging
import reprlib
import socket
from collections.abc import Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any

import pytest
from aiohttp import web

from workload_async import (
    Client,
    Container,
    FakeClock,
    InputArtifact,
    RetryPolicy,
    WorkloadAPIError,
)
from workload_async.emulator import Emulator

from .conftest import Start

TOKEN = "tok-5ecret-8c1f0e2d9a7b"
WRONG = "wrong-5ecret-31d4c9"
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 10_000


def chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [error]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)


def frames(tb: TracebackType | None) -> Iterator[dict[str, Any]]:
    while tb is not None:
        yield tb.tb_frame.f_locals
        tb = tb.tb_next


def everything_printable(error: BaseException) -> list[str]:
    """What tools print about an error: its chain's reprs, messages, attributes and frame locals."""
    texts = []
    for link in chain(error):
        texts += [repr(link), str(link), _REPR.repr(vars(link)) if hasattr(link, "__dict__") else ""]
        for attr in ("request_info", "headers", "body", "excerpt"):
            texts.append(_REPR.repr(getattr(link, attr, None)))
        info = getattr(link, "request_info", None)
        if info is not None:  # the values themselves, not their reprs (which may hide them)
            texts += [str(value) for value in info.headers.values()]
        for local in frames(link.__traceback__):
            texts += [_REPR.repr(value) for value in local.values()]
    return texts


async def caught(step: Awaitable[Any]) -> BaseException:
    try:
        await step
    except WorkloadAPIError as exc:
        return exc
    raise AssertionError("expected an error")


def artifact() -> InputArtifact:
    return InputArtifact.single("leak", Container(image_uri="registry.example.com/leak:1", port=8080))


async def with_emulator(errors: list[BaseException]) -> None:
    clock = FakeClock()
    async with (
        Emulator(clock=clock, token=TOKEN) as emu,
        Client(emu.url, TOKEN, clock=clock, retries=RetryPolicy(attempts=2)) as client,
    ):
        wl = await client.workloads.create(name="leak", artifact=artifact())
        for kind in ("drop_before", "drop_after"):
            emu.add_fault(kind, route="workloads.create", times=1)
            errors.append(await caught(client.workloads.create(name=kind, artifact=artifact())))
            emu.add_fault(kind, route="workloads.get", times=4)  # aiohttp may repeat one itself
            errors.append(await caught(client.workloads.get(wl.id)))
        emu.add_fault("status", route="workloads.get", status=500, times=2)
        errors.append(await caught(client.workloads.get(wl.id)))
        errors.append(await caught(client.workloads.get("0" * 24)))
        ws = client.workloads.websocket(wl.id, "ws")  # not running yet: refused
        errors.append(await caught(ws.__aenter__()))
        async with Client(emu.url, WRONG, clock=clock) as wrong:
            errors.append(await caught(wrong.workloads.get(wl.id)))
            results = await wrong.workloads.start_many([wl.id], wait=True)
            errors.extend(r.error for r in results.values() if r.error is not None)


async def with_hostile_server(server: Start, errors: list[BaseException]) -> None:
    async def huge_header(request: web.Request) -> web.StreamResponse:
        return web.json_response({"id": "w1"}, headers={"X-Huge": "x" * 20000})

    async def big(request: web.Request) -> web.StreamResponse:
        return web.json_response({"pad": "x" * 5000})

    async def html(request: web.Request) -> web.StreamResponse:
        return web.Response(text="<html>maintenance</html>", content_type="text/html")

    async def stall(request: web.Request) -> web.StreamResponse:
        await hostile.release.wait()
        return web.Response()

    handlers: dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]] = {
        "huge": huge_header,
        "big": big,
        "html": html,
        "stall": stall,
    }

    async def route(request: web.Request) -> web.StreamResponse:
        if request.method == "POST":
            return await stall(request)  # a create that gets no answer
        for key, handler in handlers.items():
            if key in request.path:
                return await handler(request)
        return web.json_response({"detail": "no"}, status=404)

    hostile = await server(route)
    async with Client(
        hostile.url, TOKEN, clock=FakeClock(), timeout=0.2, retries=0, max_response_bytes=1000
    ) as client:
        for workload_id in ("huge0000", "big00000", "html0000", "stall000"):
            errors.append(await caught(client.workloads.get(workload_id)))
        errors.append(await caught(client.workloads.create(name="stall", artifact_id="stall000")))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with Client(f"http://127.0.0.1:{port}/api/v2", TOKEN, clock=FakeClock(), retries=0) as client:
        errors.append(await caught(client.workloads.get("w1")))


async def test_the_token_is_nowhere_in_logs_or_errors(
    server: Start, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    await with_emulator(errors)
    await with_hostile_server(server, errors)
    kinds = {type(e).__name__ for e in errors}
    assert {
        "OutcomeUnknownError",
        "TransportError",
        "ServerError",
        "NotFoundError",
        "AuthenticationError",
        "RequestTimeoutError",
        "ResponseDecodeError",
    } <= kinds, kinds
    assert any(type(link).__name__ == "WSServerHandshakeError" for e in errors for link in chain(e))
    assert caplog.records  # DEBUG logs were collected
    logged = [caplog.text, *(repr(r.__dict__) for r in caplog.records)]
    for text in logged + [t for e in errors for t in everything_printable(e)]:
        assert TOKEN not in text
        assert WRONG not in text

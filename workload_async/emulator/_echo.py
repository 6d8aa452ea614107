"""The built-in application every emulated workload runs: it echoes requests back.

- ``status/{code}`` answers with that status code.
- ``stream?n=5&gap=0.05`` sends ``n`` server-sent events, ``gap`` seconds apart (emulator clock).
- ``ws`` (a WebSocket) echoes each message back; the text ``headers`` is answered with the
  request's headers as JSON, the text ``close`` closes the socket.
- anything else returns the request as JSON: method, path, query, headers (never
  ``Authorization``, ``Proxy-Authorization``, ``Cookie`` or an API-key header) and body.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = ["echo", "forwarded_headers"]

#: Credentials the gateway keeps from the application, as a real API gateway does.
_CREDENTIALS = frozenset({"authorization", "proxy-authorization", "cookie"})


def forwarded_headers(request: web.Request) -> dict[str, str]:
    """The request's headers as the application sees them: without credentials (the token,
    proxy credentials, cookies, any API-key header)."""
    kept = {}
    for key, value in request.headers.items():
        folded = key.lower().replace("_", "-")
        if folded in _CREDENTIALS or "api-key" in folded or "apikey" in folded:
            continue
        kept[key] = value
    return kept


async def echo(request: web.Request, state: EmulatorState) -> web.StreamResponse:
    """Answer an invoke request the way the built-in echo app does."""
    tail = request.match_info.get("tail", "")
    parts = [p for p in tail.split("/") if p]
    if len(parts) == 2 and parts[0] == "status" and parts[1].isdigit():
        code = int(parts[1])
        if not 200 <= code <= 599:
            return web.json_response({"detail": "status must be 200-599"}, status=400)
        return web.json_response({"status": code}, status=code)
    if parts == ["stream"]:
        return await _stream(request, state)
    if parts == ["ws"] and request.headers.get("Upgrade", "").lower() == "websocket":
        return await _websocket(request)
    body = await request.read()
    parsed: Any = None
    if body and request.content_type == "application/json":
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            parsed = None
    query: dict[str, list[str]] = {}
    for key, value in request.query.items():
        query.setdefault(key, []).append(value)
    return web.json_response(
        {
            "method": request.method,
            "path": "/" + tail,
            "query": query,
            "headers": forwarded_headers(request),
            "body": body.decode("utf-8", errors="replace"),
            "json": parsed,
        }
    )


async def _stream(request: web.Request, state: EmulatorState) -> web.StreamResponse:
    try:
        count = int(request.query.get("n", "5"))
        gap = float(request.query.get("gap", "0.05"))
    except ValueError:
        return web.json_response({"detail": "n must be an integer and gap a number"}, status=400)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    for i in range(count):
        if i:
            await state.store.clock.sleep(gap)
        await response.write(f"id: {i}\nevent: tick\ndata: {json.dumps({'n': i})}\n\n".encode())
        state.stream_events_sent += 1
    await response.write_eof()
    return response


async def _websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    headers = forwarded_headers(request)
    async for message in ws:
        if message.type is WSMsgType.TEXT:
            if message.data == "close":
                await ws.close(code=4000, message=b"asked to close")
            elif message.data == "headers":
                await ws.send_str(json.dumps(headers))
            else:
                await ws.send_str(message.data)
        elif message.type is WSMsgType.BINARY:
            await ws.send_bytes(message.data)
    return ws

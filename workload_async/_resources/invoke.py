"""Calling the application inside a workload or deployment, through the API's gateway."""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

from yarl import URL

from .._http.responses import Response, StreamingResponse, WebSocket
from .._http.transport import Params, Transport
from .._models.checks import check_id

__all__ = ["InvokeMixin"]

_MISSING: Any = object()


def _body(
    json: Any, data: bytes | str | None, headers: Mapping[str, str] | None
) -> tuple[bytes | None, dict[str, str]]:
    out_headers = dict(headers or {})
    if json is not _MISSING and data is not None:
        raise ValueError("pass either json= or data=, not both")
    if json is not _MISSING:
        out_headers.setdefault("Content-Type", "application/json")
        return jsonlib.dumps(json).encode(), out_headers
    if isinstance(data, str):
        return data.encode(), out_headers
    return data, out_headers


def _pairs(params: Params) -> list[tuple[str, Any]]:
    """``params`` as (name, value) pairs; a mapping's list value gives one pair per item, as aiohttp
    sends it."""
    if not isinstance(params, Mapping):
        return list(params or ())
    return [
        (name, item)
        for name, value in params.items()
        for item in (value if isinstance(value, list | tuple) else (value,))
    ]


class InvokeMixin:
    """``invoke`` and ``stream`` for a manager whose resources have an application behind
    ``endpoints/<kind>/<id>/``. The request goes to the client's own API origin, so the token never
    travels anywhere else; the gateway does not pass ``Authorization`` on to the application."""

    _t: Transport
    _invoke_route: str
    _id_name: str

    async def _invoke_url(self, resource_id: str, path: str, params: Params) -> tuple[URL, Params]:
        """The application URL of ``path``, and the query: one written into ``path`` after a
        ``?`` comes first, then ``params``."""
        path, mark, query = path.partition("?")
        if mark:
            params = [*parse_qsl(query, keep_blank_values=True), *_pairs(params)]
        await self._t.get_dialect()
        return self._t.url(self._invoke_route, resource_id, tail=path), params

    async def invoke(
        self,
        resource_id: str,
        path: str = "",
        *,
        method: str = "GET",
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        json: Any = _MISSING,
        data: bytes | str | None = None,
        raise_for_status: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """Call the application at ``path`` and return its complete :class:`~workload_async.Response`.

        ``json=`` sends a JSON body, ``data=`` raw bytes or text; ``params`` and ``headers`` go
        along untouched (a query written into ``path``, as in ``"predict?explain=1"``, goes
        first). The application's own status codes do not raise unless
        ``raise_for_status=True`` (then the error tree applies). Invokes are never retried: only
        the application knows whether repeating a call is safe. Raises
        :class:`~workload_async.errors.TransportError` when the gateway cannot be reached.
        ``timeout`` bounds the call in seconds (the client's request timeout applies as well).
        """
        check_id(resource_id, self._id_name)
        body, all_headers = _body(json, data, headers)
        url, params = await self._invoke_url(resource_id, path, params)
        response = await self._t.send(
            method.upper(),
            url,
            params=params,
            data=body,
            headers=all_headers,
            retry="never",
            raise_for_status=False,
            route=self._invoke_route,
            timeout=timeout,
        )
        if raise_for_status:
            response.raise_for_status()
        return response

    @asynccontextmanager
    async def stream(
        self,
        resource_id: str,
        path: str = "",
        *,
        method: str = "GET",
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        json: Any = _MISSING,
        data: bytes | str | None = None,
        timeout: float | None = None,
        read_timeout: float | None = None,
    ) -> AsyncIterator[StreamingResponse]:
        """Call the application and read its body as it arrives::

            async with client.workloads.stream(workload_id, "events", timeout=600) as response:
                async for event in response.iter_events():
                    ...

        ``timeout`` bounds the whole stream, body included, in seconds (None, the default: no
        limit, for streams meant to run long); ``read_timeout`` bounds each wait for the next
        bytes (the client's request timeout by default). Either raises
        :class:`~workload_async.errors.RequestTimeoutError`. The connection is released when the
        block ends, even part-way through the body.
        """
        check_id(resource_id, self._id_name)
        body, all_headers = _body(json, data, headers)
        url, params = await self._invoke_url(resource_id, path, params)
        async with self._t.stream(
            method.upper(),
            url,
            params=params,
            data=body,
            headers=all_headers,
            timeout=timeout,
            read_timeout=read_timeout,
            route=self._invoke_route,
        ) as response:
            yield response

    @asynccontextmanager
    async def websocket(
        self,
        resource_id: str,
        path: str = "",
        *,
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        heartbeat: float | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[WebSocket]:
        """Open a WebSocket to the application at ``path``::

            async with client.workloads.websocket(workload_id, "ws") as ws:
                await ws.send_json({"hello": 1})
                reply = await ws.receive_json()

        A refused handshake raises from the error tree (e.g. ``ServerError`` when the workload is not
        running); the socket is closed when the block ends. ``heartbeat`` sends pings that often;
        ``timeout`` bounds the handshake in seconds (the client's request timeout by default).
        """
        check_id(resource_id, self._id_name)
        url, params = await self._invoke_url(resource_id, path, params)
        async with self._t.websocket(
            url, params=params, headers=headers, heartbeat=heartbeat, timeout=timeout
        ) as ws:
            yield ws

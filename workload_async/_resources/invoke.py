"""Calling the application inside a workload or deployment, through the API's gateway."""

from __future__ import annotations

import json as jsonlib
import math
import re
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

from yarl import URL

from .._dialects.routes import check_app_path
from .._http.responses import Response, StreamingResponse, WebSocket
from .._http.transport import Params, Transport
from .._models.arguments import check_flag, check_id, check_text, check_timeout, shown

__all__ = ["InvokeMixin"]

_MISSING: Any = object()
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP method or header name (RFC 9110)
#: What ``data=`` may be: bytes, text, or chunks of bytes read as they are sent.
Body = bytes | bytearray | memoryview | str | AsyncIterable[bytes]


def _body(
    json: Any, data: Body | None, headers: Mapping[str, str] | None
) -> tuple[bytes | AsyncIterable[bytes] | None, dict[str, str]]:
    out_headers = _headers(headers)
    if json is not _MISSING and data is not None:
        raise ValueError("pass either json= or data=, not both")
    if json is not _MISSING:
        out_headers.setdefault("Content-Type", "application/json")
        return _json_bytes(json), out_headers
    if data is None or isinstance(data, bytes):
        return data, out_headers
    if isinstance(data, str):
        return data.encode(), out_headers
    if isinstance(data, bytearray | memoryview):
        return bytes(data), out_headers
    if isinstance(data, AsyncIterable):
        return data, out_headers
    raise TypeError(f"data must be bytes, str or an async iterable of bytes, got {type(data).__name__}")


def _json_bytes(value: Any) -> bytes:
    """``value`` as JSON; ``TypeError``/``ValueError`` naming ``json`` for what JSON cannot say."""
    problem = ""
    try:
        return jsonlib.dumps(value, allow_nan=False).encode()
    except TypeError as exc:
        kind = str(exc).removeprefix("Object of type ").split(" ", 1)[0]
        raise TypeError(f"json must hold only what JSON can say, not {kind}") from None
    except ValueError as exc:  # NaN or an infinity, or a circular reference
        problem = "NaN or an infinity" if "JSON compliant" in str(exc) else "a circular reference"
    except RecursionError:
        problem = "lists or mappings nested too deeply"
    raise ValueError(f"json must be a JSON value, but it holds {problem}")


def _headers(headers: object) -> dict[str, str]:
    """``headers`` as a dict; ``TypeError``/``ValueError`` naming the header that cannot be sent."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping of names to values, got {type(headers).__name__}")
    out: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.fullmatch(name):
            raise ValueError(f"headers: {shown(name)} is not a header name")
        if not isinstance(value, str):
            raise TypeError(f"headers[{name!r}] must be a string, got {type(value).__name__}")
        check_text(value, f"headers[{name!r}]", empty=True, limit=16_384, one_line=True)
        out[name] = value
    return out


def _check_params(params: object) -> Params:
    """``params``: None, a mapping of names to values (or lists of values), or (name, value) pairs."""
    if params is None:
        return None
    if isinstance(params, str | bytes):
        raise TypeError("params must be a mapping or a list of (name, value) pairs, not a string")
    pairs = _pairs(params) if isinstance(params, Mapping) else None
    if pairs is None:
        if not isinstance(params, list | tuple):
            kind = type(params).__name__
            raise TypeError(f"params must be a mapping or a list of (name, value) pairs, got {kind}")
        pairs = []
        for pair in params:
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise TypeError(f"params must hold (name, value) pairs, got {shown(pair)}")
            pairs.append((pair[0], pair[1]))
    for name, value in pairs:
        if not isinstance(name, str) or not name:
            raise TypeError(f"params: a name must be a non-empty string, got {shown(name)}")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TypeError(f"params[{name!r}] must be a string or a number, got {type(value).__name__}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"params[{name!r}] must be a finite number, got {value!r}")
    return params  # type: ignore[return-value]


def _check_call(
    resource_id: object, what: str, path: object, method: object, timeout: object
) -> tuple[str, str]:
    check_id(resource_id, f"resource_id (the {what.removesuffix('_id')}'s id)")
    tail = check_text(path, "path", empty=True, limit=8000, one_line=True) or ""
    check_app_path(tail.partition("?")[0], "path")
    verb = check_text(method, "method", limit=20, one_line=True) or ""
    if not _TOKEN.fullmatch(verb):
        raise ValueError(f"method must be an HTTP method such as GET or POST, got {shown(method)}")
    check_timeout(timeout)
    return tail, verb.upper()


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
        data: Body | None = None,
        raise_for_status: bool = False,
        timeout: float | None = None,
    ) -> Response:
        """Call the application at ``path`` and return its complete :class:`~workload_async.Response`.

        ``json=`` sends a JSON body, ``data=`` raw bytes or text (or an async iterable of bytes,
        sent as it is read); ``params`` and ``headers`` go along untouched (a query written into
        ``path``, as in ``"predict?explain=1"``, goes first). The application's own status codes
        do not raise unless ``raise_for_status=True`` (then the error tree applies). Invokes are
        never retried: only the application knows whether repeating a call is safe.
        ``timeout`` bounds the call in seconds (the client's request timeout applies as well).

        Raises ``TypeError``/``ValueError`` naming the argument, before anything is sent, for an
        argument that cannot be sent (a ``path`` with ``..`` segments, encoded or not; a header
        holding a line break; ``json`` holding NaN); :class:`~workload_async.errors.TransportError`
        when the gateway cannot be reached.
        """
        path, verb = _check_call(resource_id, self._id_name, path, method, timeout)
        check_flag(raise_for_status, "raise_for_status")
        params = _check_params(params)
        body, all_headers = _body(json, data, headers)
        url, params = await self._invoke_url(resource_id, path, params)
        response = await self._t.send(
            verb,
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

    def stream(
        self,
        resource_id: str,
        path: str = "",
        *,
        method: str = "GET",
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        json: Any = _MISSING,
        data: Body | None = None,
        timeout: float | None = None,
        read_timeout: float | None = None,
    ) -> AbstractAsyncContextManager[StreamingResponse]:
        """Call the application and read its body as it arrives::

            async with client.workloads.stream(workload_id, "events", timeout=600) as response:
                async for event in response.iter_events():
                    ...

        ``timeout`` bounds the whole stream, body included, in seconds (None, the default: no
        limit, for streams meant to run long); ``read_timeout`` bounds each wait for the next
        bytes (the client's request timeout by default). Either raises
        :class:`~workload_async.errors.RequestTimeoutError`. The connection is released when the
        block ends, even part-way through the body. The arguments are checked at the call, as
        :meth:`invoke` checks them.
        """
        path, verb = _check_call(resource_id, self._id_name, path, method, timeout)
        check_timeout(read_timeout, "read_timeout")
        params = _check_params(params)
        body, all_headers = _body(json, data, headers)
        return self._stream(resource_id, path, verb, params, body, all_headers, timeout, read_timeout)

    @asynccontextmanager
    async def _stream(
        self,
        resource_id: str,
        path: str,
        method: str,
        params: Params,
        body: bytes | AsyncIterable[bytes] | None,
        headers: dict[str, str],
        timeout: float | None,
        read_timeout: float | None,
    ) -> AsyncIterator[StreamingResponse]:
        url, params = await self._invoke_url(resource_id, path, params)
        async with self._t.stream(
            method,
            url,
            params=params,
            data=body,
            headers=headers,
            timeout=timeout,
            read_timeout=read_timeout,
            route=self._invoke_route,
        ) as response:
            yield response

    def websocket(
        self,
        resource_id: str,
        path: str = "",
        *,
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        heartbeat: float | None = None,
        timeout: float | None = None,
    ) -> AbstractAsyncContextManager[WebSocket]:
        """Open a WebSocket to the application at ``path``::

            async with client.workloads.websocket(workload_id, "ws") as ws:
                await ws.send_json({"hello": 1})
                reply = await ws.receive_json()

        A refused handshake raises from the error tree (e.g. ``ServerError`` when the workload is not
        running); the socket is closed when the block ends. ``heartbeat`` sends pings that often;
        ``timeout`` bounds the handshake in seconds (the client's request timeout by default).
        The arguments are checked at the call, as :meth:`invoke` checks them.
        """
        path, _ = _check_call(resource_id, self._id_name, path, "GET", timeout)
        check_timeout(heartbeat, "heartbeat")
        params = _check_params(params)
        return self._websocket(resource_id, path, params, _headers(headers), heartbeat, timeout)

    @asynccontextmanager
    async def _websocket(
        self,
        resource_id: str,
        path: str,
        params: Params,
        headers: dict[str, str],
        heartbeat: float | None,
        timeout: float | None,
    ) -> AsyncIterator[WebSocket]:
        url, params = await self._invoke_url(resource_id, path, params)
        async with self._t.websocket(
            url, params=params, headers=headers, heartbeat=heartbeat, timeout=timeout
        ) as ws:
            yield ws

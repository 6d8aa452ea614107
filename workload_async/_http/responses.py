"""Responses as the SDK hands them out: complete (:class:`Response`) or streamed
(:class:`StreamingResponse`). Part of the HTTP layer: the streamed one wraps aiohttp's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

import aiohttp
import attrs

from .._models.converter import DecodeProblem, structure
from ..errors import APIStatusError, RequestTimeoutError, ResponseDecodeError, TransportError
from .failures import scrubbed
from .json_read import loads, loads_stdlib
from .lines import LineDecoder
from .sse import ServerSentEvent, SSEParser
from .status_errors import error_from_response, excerpt

__all__ = ["Response", "StreamingResponse", "WebSocket", "status_error"]

T = TypeVar("T")


@attrs.frozen
class Response:
    """A complete HTTP response: status, headers and the body, read once.

    ``read()``, ``text()`` and ``json()`` give the body; :meth:`raise_for_status` raises the
    matching :class:`~workload_async.errors.APIStatusError` for a non-2xx status. An application's
    own error status does not raise by itself::

        response = await client.workloads.invoke(workload_id, "predict", method="POST", json={"x": 1})
        if response.ok:
            prediction = response.json()
    """

    status: int
    headers: Mapping[str, str]
    body: bytes = attrs.field(repr=False)
    method: str
    url: str

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    def read(self) -> bytes:
        """The body as bytes."""
        return self.body

    def text(self, encoding: str = "utf-8") -> str:
        """The body decoded as text (undecodable bytes are replaced)."""
        return self.body.decode(encoding, errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises :class:`ResponseDecodeError` when it is not JSON.

        Parsed by the standard library, exactly (an integer of any size stays an integer), since
        the body may be any application's.
        """
        return self._decode(loads_stdlib)

    def _api_json(self) -> Any:
        """The body of an API answer parsed as JSON, by orjson when it is installed (the
        ``speedups`` extra).

        The same value as :meth:`json` for every answer of the API; it differs only for an
        integer beyond 64 bits, which orjson reads as the nearest float. Raises
        :class:`ResponseDecodeError` when the body is not JSON.
        """
        return self._decode(loads)

    def _decode(self, loads: Callable[[bytes], Any]) -> Any:
        try:
            return loads(self.body)
        except ValueError as exc:
            raise ResponseDecodeError(
                "response body is not JSON", method=self.method, url=self.url, excerpt=excerpt(self.body)
            ) from exc
        except RecursionError as exc:
            raise ResponseDecodeError(
                "response body is nested too deeply to read", method=self.method, url=self.url
            ) from exc

    def parse(self, cls: type[T]) -> T:
        """The body as a ``cls`` model; :class:`ResponseDecodeError` names each field that did not fit."""
        data = self._api_json()
        try:
            return structure(data, cls)
        except DecodeProblem as exc:
            raise ResponseDecodeError(
                f"response is not a valid {getattr(cls, '__name__', cls)}",
                method=self.method,
                url=self.url,
                excerpt=excerpt(self.body),
                problems=exc.problems,
            ) from exc

    def raise_for_status(self) -> Response:
        """Raise the error-tree exception for a non-2xx status; return ``self`` otherwise."""
        if not self.ok:
            raise status_error(self)
        return self


@attrs.define(eq=False)
class StreamingResponse:
    """A response whose body is read as it arrives (``async with client.workloads.stream(...)``).

    Read the body once, by one of :meth:`iter_chunks`, :meth:`iter_lines`, :meth:`iter_events` or
    :meth:`read`; each raises :class:`~workload_async.errors.RequestTimeoutError` when the stream's
    ``timeout`` or ``read_timeout`` passes and :class:`~workload_async.errors.TransportError` when
    the connection breaks::

        async with client.workloads.stream(workload_id, "events", read_timeout=30) as response:
            async for line in response.iter_lines():
                print(line)
    """

    status: int
    headers: Mapping[str, str]
    method: str
    url: str
    _raw: aiohttp.ClientResponse = attrs.field(repr=False)
    #: (overall, per read) timeouts in seconds, for the message when one of them expires.
    _timeouts: tuple[float | None, float | None] = attrs.field(default=(None, None), repr=False)

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """Yield the body in chunks, each as soon as it arrives.

        Raises :class:`~workload_async.errors.RequestTimeoutError` when the stream's overall
        ``timeout`` passes or no bytes come within its ``read_timeout``.
        """
        error: TransportError
        try:
            async for chunk in self._raw.content.iter_any():
                yield chunk
            return
        except TimeoutError:
            overall, per_read = self._timeouts
            limits = f"timeout={overall}s, read_timeout={per_read}s"
            error = RequestTimeoutError(f"stream timed out ({limits})", method=self.method, url=self.url)
        except aiohttp.ClientError as exc:
            error = TransportError(f"stream broke: {exc}", method=self.method, url=self.url)
            error.__cause__ = scrubbed(exc)
        raise error

    async def iter_lines(self) -> AsyncIterator[str]:
        """Yield the body line by line, decoded as UTF-8, without the line ends (CR, LF or CRLF).

        One decoder reads the whole stream, so a character or a CRLF split between two network
        chunks comes out whole; a last line with no line end is yielded too. Raises as
        :meth:`iter_chunks`.
        """
        lines = LineDecoder()
        async for chunk in self.iter_chunks():
            for line in lines.feed(chunk):
                yield line
        for line in lines.close():
            yield line

    async def iter_events(self) -> AsyncIterator[ServerSentEvent]:
        """Yield server-sent events as each one completes, parsed as the WHATWG standard says
        (see :class:`~workload_async.ServerSentEvent`); an event the stream ends in the middle of
        is dropped. Raises as :meth:`iter_chunks`."""
        parser = SSEParser()
        async for chunk in self.iter_chunks():
            for event in parser.feed(chunk):
                yield event

    async def read(self) -> bytes:
        """Read the rest of the body at once."""
        return b"".join([chunk async for chunk in self.iter_chunks()])

    async def raise_for_status(self) -> StreamingResponse:
        """Raise the error-tree exception for a non-2xx status (reading the body for its message)."""
        if not self.ok:
            body = await self.read()
            raise error_from_response(
                method=self.method, url=self.url, status=self.status, headers=self.headers, body=body
            )
        return self


def status_error(response: Response, now: Callable[[], datetime] | None = None) -> APIStatusError:
    """The error of a non-2xx ``response``; ``now`` is the client's clock (for a date in
    ``Retry-After`` when the response has no ``Date`` of its own)."""
    return error_from_response(
        method=response.method,
        url=response.url,
        status=response.status,
        headers=response.headers,
        body=response.body,
        now=now,
    )


@attrs.define(eq=False)
class WebSocket:
    """A WebSocket to a workload's or deployment's application (``async with ....websocket(...)``).

    Send with :meth:`send_text`, :meth:`send_bytes` or :meth:`send_json`; receive with
    :meth:`receive` (text or bytes), :meth:`receive_json`, or ``async for message in ws``, which
    ends when the application closes. Connection failures raise
    :class:`~workload_async.errors.TransportError`; receiving after the close raises it too::

        async with client.workloads.websocket(workload_id, "ws") as ws:
            await ws.send_json({"subscribe": "prices"})
            async for message in ws:
                print(message)
    """

    url: str
    _ws: aiohttp.ClientWebSocketResponse = attrs.field(repr=False)

    @property
    def closed(self) -> bool:
        """True once either side closed the socket."""
        return self._ws.closed

    @property
    def close_code(self) -> int | None:
        """The close code, once closed."""
        return self._ws.close_code

    async def send_text(self, data: str) -> None:
        """Send a text message."""
        await self._guard(self._ws.send_str(data))

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        await self._guard(self._ws.send_bytes(data))

    async def send_json(self, data: Any) -> None:
        """Send ``data`` as a JSON text message."""
        await self.send_text(json.dumps(data))

    async def receive(self) -> str | bytes:
        """The next text or binary message; pings and pongs are answered and skipped."""
        message = await self._guard(self._ws.receive())
        if message.type is aiohttp.WSMsgType.TEXT:
            return str(message.data)
        if message.type is aiohttp.WSMsgType.BINARY:
            return bytes(message.data)
        if message.type is aiohttp.WSMsgType.ERROR:
            raise TransportError(f"websocket failed: {message.data}", method="GET", url=self.url)
        raise TransportError(f"websocket closed (code {self._ws.close_code})", method="GET", url=self.url)

    async def receive_json(self) -> Any:
        """The next message, parsed as JSON."""
        message = await self.receive()
        try:
            return json.loads(message)
        except ValueError as exc:
            raise ResponseDecodeError(
                "websocket message is not JSON",
                method="GET",
                url=self.url,
                excerpt=excerpt(message if isinstance(message, bytes) else message.encode()),
            ) from exc

    async def __aiter__(self) -> AsyncIterator[str | bytes]:
        while not self._ws.closed:
            try:
                yield await self.receive()
            except TransportError:
                if self._ws.closed:
                    return
                raise

    async def close(self, code: int = 1000) -> None:
        """Close the socket (a no-op when already closed)."""
        await self._ws.close(code=code)

    async def _guard(self, step: Awaitable[T]) -> T:
        try:
            return await step
        except (aiohttp.ClientError, ConnectionError) as exc:
            error = TransportError(f"websocket failed: {exc}", method="GET", url=self.url)
            error.__cause__ = scrubbed(exc)
        raise error  # outside the except block: the raw error is not its __context__

"""The one HTTP funnel: every request of the SDK goes through :class:`Transport`.

It builds URLs from the route table, sets the headers, applies timeouts and retries, reads the body
once, decodes JSON and hands every non-2xx response to :func:`._decipher.error_from_response`. It is
the only client-side module that talks to aiohttp.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import AsyncIterator, Coroutine, Mapping
from contextlib import asynccontextmanager
from typing import Any, Literal

import aiohttp
import attrs
from multidict import CIMultiDict
from yarl import URL

from ._clock import Clock
from ._decipher import error_from_response
from ._observe import Observer
from ._policies import RetryPolicy
from ._responses import Response, StreamingResponse, WebSocket, status_error
from ._routes import build_url, relative_path, route_path
from .errors import (
    ClientClosedError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)

__all__ = ["Params", "Response", "RetryMode", "StreamingResponse", "Transport", "WebSocket"]

#: "safe": repeatable (GET, PUT, DELETE, start, stop). "create": retried only when the request
#: provably never reached the server or the server said to come back (429/503 with Retry-After).
#: "never": no retries (invoke: the app's semantics are unknown).
RetryMode = Literal["safe", "create", "never"]
_RETRY_STATUSES = frozenset({429, 502, 503, 504})
Params = Mapping[str, Any] | list[tuple[str, str]] | None


def _failure(exc: BaseException, method: str, path: str, seconds: float | None) -> TransportError:
    """The one translation of an aiohttp or OS failure into the error tree (``exc`` is its cause)."""
    if isinstance(exc, TimeoutError):
        return RequestTimeoutError(f"no response within {seconds:.3g}s", method=method, url=path)
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return TransportError(f"TLS failed: {exc}", method=method, url=path)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return TransportError(
            f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}", method=method, url=path
        )
    return TransportError(f"connection failed: {type(exc).__name__}: {exc}", method=method, url=path)


def _never_sent(error: TransportError) -> bool:
    """True when the connection failed before any byte of the request left (safe to repeat a create)."""
    cause = error.__cause__
    return isinstance(cause, aiohttp.ClientConnectorError) and not isinstance(cause, aiohttp.ClientSSLError)


@attrs.define(eq=False)
class Transport:
    """Sends requests for one client: base URL, token, timeouts and retries."""

    base: URL
    _token: str = attrs.field(repr=False, alias="token")
    pool: Any  # SessionPool; typed loosely to keep this module free of a cycle
    clock: Clock
    timeout: float
    retry: RetryPolicy
    user_agent: str
    observe: Observer = attrs.field(default=attrs.Factory(lambda self: Observer(self.clock), takes_self=True))
    closed: bool = False
    _plain_headers: CIMultiDict[str] = attrs.field(init=False, repr=False)
    _json_headers: CIMultiDict[str] = attrs.field(init=False, repr=False)
    _base_text: str = attrs.field(init=False, repr=False)
    _default_timeout: aiohttp.ClientTimeout = attrs.field(init=False, repr=False)
    _session: aiohttp.ClientSession | None = attrs.field(default=None, init=False, repr=False)

    def _check_open(self) -> None:
        if self.closed:
            raise ClientClosedError("this client is closed; make a new Client")

    def url(self, route: str, *ids: str, tail: str = "") -> URL:
        """The absolute URL of a route of the contract."""
        return build_url(self.base, route, *ids, tail=tail)

    def _headers(self, extra: Mapping[str, str] | None, has_body: bool) -> CIMultiDict[str]:
        if not extra:
            return self._json_headers if has_body else self._plain_headers
        headers = CIMultiDict(self._json_headers if has_body else self._plain_headers)
        for key, value in extra.items():
            if key.lower() != "authorization":
                headers[key] = value
        return headers

    def __attrs_post_init__(self) -> None:
        plain: CIMultiDict[str] = CIMultiDict()
        plain["Accept"] = "application/json"
        plain["User-Agent"] = self.user_agent
        plain["Authorization"] = f"Bearer {self._token}"
        with_body = CIMultiDict(plain)
        with_body["Content-Type"] = "application/json"
        self._plain_headers = plain
        self._json_headers = with_body
        self._base_text = str(self.base)
        self._default_timeout = aiohttp.ClientTimeout(total=self.timeout)

    def _get_session(self) -> aiohttp.ClientSession:
        # Every URL this transport sends to is on its base origin (links elsewhere are refused),
        # so one session serves them all; a closed one means the pool closed, which it reports.
        session = self._session
        if session is None or session.closed:
            session = self._session = self.pool.session_for(self.base)
        return session

    def _timeout(self, deadline: float | None) -> aiohttp.ClientTimeout:
        if deadline is None:
            return self._default_timeout
        return aiohttp.ClientTimeout(total=min(self.timeout, max(0.001, deadline - self.clock.monotonic())))

    async def _send_once(
        self,
        method: str,
        url: URL,
        path: str,
        *,
        params: Params,
        data: bytes | None,
        headers: CIMultiDict[str],
        deadline: float | None,
    ) -> Response:
        session = self._get_session()
        try:
            async with session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=self._timeout(deadline),
                allow_redirects=False,
            ) as raw:
                body = await raw.read()
                response = Response(
                    status=raw.status,
                    headers=raw.headers,
                    body=body,
                    method=method,
                    url=path,
                )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _failure(exc, method, path, self._timeout(deadline).total) from exc
        return response

    async def send(
        self,
        method: str,
        url: URL,
        *,
        params: Params = None,
        json_body: Any = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryMode = "safe",
        deadline: float | None = None,
        raise_for_status: bool = True,
        path: str | None = None,
        route: str = "other",
    ) -> Response:
        """Send one request with retries; return the response or raise from the error tree.

        ``path`` is how errors name the request (relative to the API root); it is derived from
        ``url`` when not given. ``route`` names the route of the contract in logs, hooks and spans.
        """
        self._check_open()
        if json_body is not None:
            data = json.dumps(json_body, separators=(",", ":")).encode()
        if path is None:
            path = relative_path(self.base, url)
        all_headers = self._headers(headers, has_body=json_body is not None)
        retries = 0
        delay = 0.0
        while True:
            error: Exception | None = None
            response: Response | None = None
            retryable = False
            try:
                with self.observe.request(method, route, path, retries + 1, delay) as seen:
                    response = seen.done(
                        await self._send_once(
                            method,
                            url,
                            path,
                            params=params,
                            data=data,
                            headers=all_headers,
                            deadline=deadline,
                        )
                    )
            except TransportError as exc:
                error = exc
                tls = isinstance(exc.__cause__, ssl.SSLError | aiohttp.ClientSSLError)
                retryable = (retry == "safe" and not tls) or (retry == "create" and _never_sent(exc))
            if response is not None:
                if response.ok or not raise_for_status:
                    return response
                error = status_error(response)
                retry_after = getattr(error, "retry_after", None)
                if response.status in _RETRY_STATUSES:
                    retryable = retry == "safe" or (
                        retry == "create" and response.status in (429, 503) and retry_after is not None
                    )
            assert error is not None
            delay = self._retry_delay(error, retries)
            if delay > self.retry.max_retry_after:
                retryable = False  # the server asked for a long pause: the caller decides
            if not retryable or retries + 1 >= self.retry.attempts or self._past(deadline, delay):
                raise error
            self.observe.retry(method, route, path, retries + 1, delay, error)
            await self.clock.sleep(delay)
            retries += 1

    def _retry_delay(self, error: Exception, retries: int) -> float:
        retry_after = getattr(error, "retry_after", None)
        if isinstance(error, RateLimitError | ServerError) and retry_after is not None:
            return float(retry_after)
        return self.retry.delay(retries)

    def _past(self, deadline: float | None, delay: float) -> bool:
        return deadline is not None and self.clock.monotonic() + delay >= deadline

    def call(
        self,
        method: str,
        route: str,
        *ids: str,
        params: Params = None,
        json_body: Any = None,
        retry: RetryMode = "safe",
        deadline: float | None = None,
    ) -> Coroutine[Any, Any, Response]:
        """Send a request to a route of the contract (see :mod:`._routes`); await the result.

        A plain function handing back :meth:`send`'s coroutine: one frame less on the hot path.
        """
        path = route_path(route, *ids)
        return self.send(
            method,
            URL(self._base_text + path, encoded=True),
            params=params,
            json_body=json_body,
            retry=retry,
            deadline=deadline,
            path=path,
            route=route,
        )

    @asynccontextmanager
    async def websocket(
        self,
        url: URL,
        *,
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        heartbeat: float | None = None,
    ) -> AsyncIterator[WebSocket]:
        """Open a WebSocket; a refused handshake raises from the error tree like any response."""
        self._check_open()
        path = relative_path(self.base, url)
        try:
            raw = await self._get_session().ws_connect(
                url, params=params, headers=self._headers(headers, has_body=False), heartbeat=heartbeat
            )
        except aiohttp.WSServerHandshakeError as exc:
            raise error_from_response(
                method="GET",
                url=path,
                status=exc.status,
                headers=exc.headers or {},
                body=b"",
                reason=exc.message,
            ) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _failure(exc, "GET", path, self.timeout) from exc
        try:
            yield WebSocket(url=path, ws=raw)
        finally:
            await raw.close()

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        url: URL,
        *,
        params: Params = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AsyncIterator[StreamingResponse]:
        """Open a request whose body is read as it arrives; the connection is released on exit."""
        self._check_open()
        path = relative_path(self.base, url)
        all_headers = self._headers(headers, has_body=False)
        try:
            raw = await self._get_session().request(
                method,
                url,
                params=params,
                data=data,
                headers=all_headers,
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout, sock_read=self.timeout),
                allow_redirects=False,
            )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise _failure(exc, method, path, self.timeout) from exc
        try:
            yield StreamingResponse(status=raw.status, headers=raw.headers, method=method, url=path, raw=raw)
        finally:
            if raw.content.at_eof():
                raw.release()
            else:
                raw.close()  # a half-read body cannot go back to the pool

"""The one HTTP funnel: every request of the SDK goes through :class:`Transport`.

It builds URLs from the dialect's route table, sets the headers, applies timeouts and retries, reads
the body once, decodes JSON and hands every non-2xx response to
:func:`.status_errors.error_from_response`. Only this folder (``_http/``) talks to aiohttp on the
client side.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl as ssl_module
from collections.abc import AsyncIterable, AsyncIterator, Coroutine, Mapping
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import attrs
from multidict import CIMultiDict
from yarl import URL

from .._clock import Clock
from .._dialects.dialect import Dialect
from .._dialects.routes import relative_path
from .._dialects.versions import detect
from .._models.arguments import check_seconds
from .._observe.observer import Observer
from .._policies import RetryPolicy
from ..errors import ClientClosedError, ResponseDecodeError, TransportError, WorkloadAPIError
from .failures import (
    Redacted,
    RetryMode,
    answer_lost,
    failure,
    gone,
    may_repeat,
    may_repeat_status,
    never_sent,
    outcome_unknown,
    refusal_body,
    scrubbed,
    timed_out,
)
from .pool import SessionPool
from .responses import Response, StreamingResponse, WebSocket, status_error
from .retry_budget import RetryBudget
from .sleeps import Sleeps
from .status_errors import error_from_response, other_generation

__all__ = ["Params", "Response", "RetryMode", "StreamingResponse", "Transport", "WebSocket"]

#: The default limit of a response body read whole (streams are not limited).
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024**2
Params = Mapping[str, Any] | list[tuple[str, str]] | None
_NO_BODY_TYPE = ("Content-Type",)


@attrs.define(eq=False)
class Transport:
    """Sends requests for one client: base URL, token, timeouts and retries."""

    base: URL
    _token: str = attrs.field(repr=False, alias="token")
    pool: SessionPool
    clock: Clock
    timeout: float
    retry: RetryPolicy
    user_agent: str
    observe: Observer = attrs.field(default=attrs.Factory(lambda self: Observer(self.clock), takes_self=True))
    #: the generation of the API this transport speaks; None until ``auto`` has asked the server
    dialect: Dialect | None = None
    closed: bool = False
    #: The whole-call limit (seconds, retries included) of calls made without ``timeout=``.
    call_timeout: float | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    #: Client-wide: shared by every view of a client made with ``attrs.evolve``.
    budget: RetryBudget = attrs.field(default=None)
    #: Client-wide: the retry sleeps that closing the client wakes.
    sleeps: Sleeps = attrs.field(default=None, repr=False)
    #: aiohttp's ``ssl=`` of every request: True (the pool's verification), False, or a context.
    ssl: ssl_module.SSLContext | bool = attrs.field(default=True, repr=False)
    #: Seconds to make a connection (None: only the request's timeout bounds it).
    connect_timeout: float | None = None
    _detecting: asyncio.Lock | None = attrs.field(default=None, init=False, repr=False)
    #: True when the dialect came from asking the server (``auto``): a 404 is then no hint of it
    _detected: bool = attrs.field(default=False, repr=False, alias="detected")
    _plain_headers: CIMultiDict[str] = attrs.field(init=False, repr=False)
    _json_headers: CIMultiDict[str] = attrs.field(init=False, repr=False)
    _base_text: str = attrs.field(init=False, repr=False)
    _default_timeout: aiohttp.ClientTimeout = attrs.field(init=False, repr=False)
    _session: aiohttp.ClientSession | None = attrs.field(default=None, init=False, repr=False)

    def _check_open(self) -> None:
        if self.closed:
            raise ClientClosedError("this client is closed; make a new Client")

    def url(self, route: str, *ids: str, tail: str = "") -> URL:
        """The absolute URL of a route of the contract (once the dialect is known)."""
        if self.dialect is None:
            raise RuntimeError("the API generation is not known yet; await get_dialect() first")
        return URL(self._base_text + self.dialect.path(route, *ids, tail=tail), encoded=True)

    async def get_dialect(self) -> Dialect:
        """The dialect this transport speaks; with ``auto``, the first call asks the server once."""
        if self.dialect is not None:
            return self.dialect
        if self._detecting is None:
            self._detecting = asyncio.Lock()
        async with self._detecting:
            if self.dialect is None:
                self.dialect = await detect(self._probe)
                self._detected = True
                logging.getLogger("workload_async").info(
                    "the server at %s speaks Workload API %s", self.base, self.dialect.name
                )
        return self.dialect

    def _probe(self, path: str) -> Coroutine[Any, Any, Response]:
        return self.send("GET", URL(self._base_text + path, encoded=True), raise_for_status=False)

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
        plain["Authorization"] = Redacted(f"Bearer {self._token}")
        with_body = CIMultiDict(plain)
        with_body["Content-Type"] = "application/json"
        self._plain_headers = plain
        self._json_headers = with_body
        self._base_text = str(self.base)
        self._default_timeout = aiohttp.ClientTimeout(total=self.timeout, sock_connect=self.connect_timeout)
        if self.budget is None:
            self.budget = RetryBudget(self.retry.budget)
        if self.sleeps is None:
            self.sleeps = Sleeps()
        if self.max_response_bytes < 1:
            raise ValueError(f"max_response_bytes must be >= 1, got {self.max_response_bytes}")

    def deadline_for(self, timeout: float | None, deadline: float | None = None) -> float | None:
        """The absolute deadline of one call: ``timeout`` seconds from now (the transport's
        ``call_timeout`` when None), capped by an outer ``deadline``. The one place a call's
        whole-call limit is decided. Raises ``TypeError``/``ValueError`` naming ``timeout`` unless
        it is None or a finite number of seconds > 0."""
        if timeout is None:
            timeout = self.call_timeout
        if timeout is None:
            return deadline
        own = self.clock.monotonic() + check_seconds(timeout, "timeout")
        return own if deadline is None else min(own, deadline)

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
        return aiohttp.ClientTimeout(
            total=min(self.timeout, max(0.001, deadline - self.clock.monotonic())),
            sock_connect=self.connect_timeout,
        )

    async def _send_once(
        self,
        method: str,
        url: URL,
        path: str,
        *,
        params: Params,
        data: bytes | AsyncIterable[bytes] | None,
        headers: CIMultiDict[str],
        deadline: float | None,
    ) -> Response:
        session = self._get_session()
        timeout = self._timeout(deadline)
        try:
            async with session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                ssl=self.ssl,
                # only a DELETE asks whether aiohttp repeated it (see failures.watch_attempts);
                # the others skip the middleware, which costs every request some microseconds
                middlewares=None if method == "DELETE" else (),
                # a POST with no body (start, stop, promote) says nothing of a body's type:
                # aiohttp would add application/octet-stream, which no DataRobot client sends
                skip_auto_headers=_NO_BODY_TYPE if data is None else None,
            ) as raw:
                body = await self._read_body(raw, method, path)
                response = Response(
                    status=raw.status,
                    headers=raw.headers,
                    body=body,
                    method=method,
                    url=path,
                )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            error = failure(exc, method, path, timeout.total)
        else:
            return response
        raise error  # outside the except block: the raw aiohttp error is not its __context__

    async def _read_body(self, raw: aiohttp.ClientResponse, method: str, path: str) -> bytes:
        """The whole body, refused (unread) above ``max_response_bytes``."""
        limit = self.max_response_bytes
        length = raw.content_length
        if length is not None and length <= limit and "Content-Encoding" not in raw.headers:
            return await raw.read()
        if length is not None and length > limit:
            raise _too_large(limit, method, path, f"Content-Length is {length}")
        chunks: list[bytes] = []
        size = 0
        while chunk := await raw.content.readany():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit, method, path, "the body kept coming")
            chunks.append(chunk)
        return b"".join(chunks)

    async def send(
        self,
        method: str,
        url: URL,
        *,
        params: Params = None,
        json_body: Any = None,
        data: bytes | AsyncIterable[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryMode = "safe",
        deadline: float | None = None,
        timeout: float | None = None,
        raise_for_status: bool = True,
        path: str | None = None,
        creates: tuple[str, str | None] = ("resources", None),
        route: str = "other",
    ) -> Response:
        """Send one request with retries; return the response or raise from the error tree.

        ``path`` is how errors name the request (relative to the API root); it is derived from
        ``url`` when not given. ``timeout`` bounds the whole call, retries included (see
        :meth:`deadline_for`). ``creates`` names what a ``retry="create"`` call creates (resource
        and name), for :class:`~workload_async.errors.OutcomeUnknownError`. ``route`` names the
        route of the contract in logs, hooks and spans.
        """
        self._check_open()
        if data is not None and not isinstance(data, bytes) and retry != "never":
            raise TypeError("a body read as it is sent cannot be sent twice: send it with retry='never'")
        deadline = self.deadline_for(timeout, deadline)
        if json_body is not None:
            try:
                data = json.dumps(json_body, separators=(",", ":"), allow_nan=False).encode()
            except ValueError:  # NaN or an infinity: JSON has no such number
                raise ValueError(f"{method} {route}: the request body holds NaN or an infinity") from None
        if path is None:
            path = relative_path(self.base, url)
        all_headers = self._headers(headers, has_body=json_body is not None)
        retries = 0
        spent = 0.0  # retry-budget tokens this call's retries took
        watched = method == "DELETE"  # the one method whose repeated attempt matters (gone())
        if watched:
            answer_lost()  # forget what an earlier call of this task saw
        lost = False  # an attempt was sent and its answer lost: it may have acted
        delay = 0.0
        while True:
            error: Exception
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
                error, retryable = exc, may_repeat(exc, retry)
                lost = lost or not never_sent(exc)
            else:
                lost = (watched and answer_lost()) or lost  # aiohttp may have repeated the attempt
                if response.ok or not raise_for_status or (lost and gone(method, response.status)):
                    self.budget.succeeded(spent)
                    return response
                told = None if self._detected or self.dialect is None else self.dialect.name
                error = other_generation(status_error(response, self.clock.now), route, told)
                retryable = may_repeat_status(error, response.status, retry)
                if not retryable:
                    self.budget.succeeded(spent)  # a definite answer: the server is up
            if retryable:
                delay = self._retry_delay(error, retries)
                retryable = (
                    delay <= self.retry.max_retry_after  # a long pause asked for: the caller decides
                    and retries + 1 < self.retry.attempts
                    and not self._past(deadline, delay)
                )
            cost = self.budget.take(timed_out(error)) if retryable else 0.0
            if not cost:
                if retry == "create" and isinstance(error, TransportError) and not never_sent(error):
                    raise outcome_unknown(error, *creates)
                raise error
            spent += cost
            self.observe.retry(method, route, path, retries + 1, delay, error)
            if not await self.sleeps.sleep(self.clock, delay) or self.closed:
                # closed while this request waited: woken at once, and no further attempt
                raise ClientClosedError("the client was closed while this request waited to retry") from error
            retries += 1

    def _retry_delay(self, error: Exception, retries: int) -> float:
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None and retry_after > 0:
            return self.retry.after(float(retry_after))
        return self.retry.delay(retries)  # none, or 0/negative: back off as usual

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
        timeout: float | None = None,
    ) -> Coroutine[Any, Any, Response]:
        """Send a request to a route of the contract (see :mod:`.._dialects.routes`); await the result.

        A plain function handing back :meth:`send`'s coroutine: one frame less on the hot path.
        """
        if self.dialect is None:
            return self._call_when_known(method, route, ids, params, json_body, retry, deadline, timeout)
        path = self.dialect.path(route, *ids)
        name = json_body.get("name") if isinstance(json_body, Mapping) else None
        return self.send(
            method,
            URL(self._base_text + path, encoded=True),
            params=params,
            json_body=json_body,
            retry=retry,
            deadline=deadline,
            timeout=timeout,
            path=path,
            creates=(route.partition(".")[0], name if isinstance(name, str) else None),
            route=route,
        )

    async def _call_when_known(
        self,
        method: str,
        route: str,
        ids: tuple[str, ...],
        params: Params,
        json_body: Any,
        retry: RetryMode,
        deadline: float | None,
        timeout: float | None,
    ) -> Response:
        await self.get_dialect()
        return await self.call(
            method,
            route,
            *ids,
            params=params,
            json_body=json_body,
            retry=retry,
            deadline=deadline,
            timeout=timeout,
        )

    @asynccontextmanager
    async def websocket(
        self,
        url: URL,
        *,
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        heartbeat: float | None = None,
        timeout: float | None = None,
    ) -> AsyncIterator[WebSocket]:
        """Open a WebSocket; a refused handshake raises from the error tree like any response.

        ``timeout`` bounds the handshake (the transport's request timeout when None).
        """
        self._check_open()
        path = relative_path(self.base, url)
        limit = self.timeout if timeout is None else timeout
        check_seconds(limit, "timeout")
        try:
            async with asyncio.timeout(limit):
                raw = await self._get_session().ws_connect(
                    url,
                    params=params,
                    headers=self._headers(headers, has_body=False),
                    heartbeat=heartbeat,
                    ssl=self.ssl,
                )
        except aiohttp.WSServerHandshakeError as exc:
            refused = error_from_response(
                method="GET",
                url=path,
                status=exc.status,
                headers=exc.headers or {},
                body=refusal_body(),
                reason=exc.message,
            )
            refused.__cause__ = scrubbed(exc)
            error: WorkloadAPIError | None = refused
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            error = failure(exc, "GET", path, limit)
        else:
            error = None
        if error is not None:
            raise error  # outside the except block: the raw aiohttp error is not its __context__
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
        data: bytes | AsyncIterable[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        read_timeout: float | None = None,
        route: str = "other",
    ) -> AsyncIterator[StreamingResponse]:
        """Open a request whose body is read as it arrives; the connection is released on exit.

        ``timeout`` bounds the whole exchange, body included (None: no limit); ``read_timeout``
        each wait for the next bytes (the transport's request timeout when None). Logs, hooks and
        spans see the request until its headers arrive.
        """
        self._check_open()
        path = relative_path(self.base, url)
        all_headers = self._headers(headers, has_body=False)
        if timeout is not None:
            check_seconds(timeout, "timeout")
        if read_timeout is not None:
            check_seconds(read_timeout, "read_timeout")
        per_read = read_timeout or self.timeout
        limits = aiohttp.ClientTimeout(
            total=timeout, sock_connect=self.connect_timeout or self.timeout, sock_read=per_read
        )
        with self.observe.request(method, route, path, 1, 0.0) as seen:
            try:
                raw = await self._get_session().request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=all_headers,
                    timeout=limits,
                    allow_redirects=False,
                    ssl=self.ssl,
                )
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                failed: TransportError | None = failure(exc, method, path, timeout or per_read)
            else:
                failed = None
                seen.done(raw)
            if failed is not None:
                raise failed  # outside the except block: the raw aiohttp error is not its __context__
        try:
            yield StreamingResponse(
                status=raw.status,
                headers=raw.headers,
                method=method,
                url=path,
                raw=raw,
                timeouts=(timeout, per_read),
            )
        finally:
            if raw.content.at_eof():
                raw.release()
            else:
                raw.close()  # a half-read body cannot go back to the pool


def _too_large(limit: int, method: str, path: str, why: str) -> ResponseDecodeError:
    return ResponseDecodeError(
        f"response body refused: larger than the limit of {limit} bytes ({why}); "
        "raise Client(max_response_bytes=...) if this is expected",
        method=method,
        url=path,
    )

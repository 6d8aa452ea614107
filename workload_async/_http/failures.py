"""How a failed attempt becomes an error of the tree, and whether it may be tried again.

Part of the HTTP layer. aiohttp's response errors carry the request's ``RequestInfo``, whose
headers hold ``Authorization``; chained as they are, ``repr(error.__cause__.request_info)`` would
print the token. So a failure is chained only as a copy that holds no request headers and no
traceback into aiohttp's frames (see :func:`scrubbed`).
"""

from __future__ import annotations

import ssl
from contextvars import ContextVar
from typing import Literal

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from ..errors import APIStatusError, OutcomeUnknownError, RequestTimeoutError, TransportError

__all__ = [
    "SAFE_RETRY_STATUSES",
    "RetryMode",
    "answer_lost",
    "deterministic",
    "failure",
    "gone",
    "may_repeat",
    "may_repeat_status",
    "never_sent",
    "outcome_unknown",
    "refusal_body",
    "scrubbed",
    "timed_out",
    "watch_attempts",
]

#: "safe": repeatable (GET, PUT, PATCH, DELETE, start, stop). "create": retried only when the
#: request provably never reached the server or the server said to come back (429/503 with
#: Retry-After); sent but unanswered, it raises OutcomeUnknownError. "never": no retries (invoke:
#: the app's semantics are unknown).
RetryMode = Literal["safe", "create", "never"]
SAFE_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

_REFUSAL_BODY: ContextVar[bytes] = ContextVar("workload_async_refusal_body", default=b"")
_REFUSAL_LIMIT = 16 * 1024
_ANSWER_LOST: ContextVar[bool] = ContextVar("workload_async_answer_lost", default=False)


class Redacted(str):
    """A header value whose ``repr`` hides it (the token's header), for frame locals and reprs."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def _no_request_headers(info: aiohttp.RequestInfo) -> aiohttp.RequestInfo:
    kept: CIMultiDict[str] = CIMultiDict()
    for key, value in info.headers.items():
        if key.lower() not in ("authorization", "cookie", "proxy-authorization"):
            kept.add(key, value)
    return aiohttp.RequestInfo(info.url, info.method, CIMultiDictProxy(kept), info.real_url)


def scrubbed(exc: BaseException) -> BaseException:
    """``exc`` made safe to chain: a response error is copied without the request's headers."""
    if isinstance(exc, aiohttp.ClientResponseError):
        info = _no_request_headers(exc.request_info)
        try:
            return type(exc)(info, (), status=exc.status, message=exc.message, headers=exc.headers)
        except TypeError:  # a subclass with another signature: keep the class family, not the object
            return aiohttp.ClientResponseError(info, (), status=exc.status, message=exc.message)
    # aiohttp's frames (this traceback, and those of the exceptions it chains) hold the request and
    # its headers as locals: keep the exception, its type and message, without any of them.
    exc.__traceback__ = None
    exc.__cause__ = exc.__context__ = None
    exc.__suppress_context__ = True
    return exc


def failure(exc: BaseException, method: str, path: str, seconds: float | None) -> TransportError:
    """The one translation of an aiohttp or OS failure into the error tree, chained to a scrubbed
    copy of ``exc``. Raise the result outside the ``except`` block, so that the raw ``exc`` is not
    kept as its ``__context__`` either."""
    if isinstance(exc, TimeoutError):
        error: TransportError = RequestTimeoutError(
            f"no response within {seconds:.3g}s", method=method, url=path
        )
    elif isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        error = TransportError(f"TLS failed: {exc}", method=method, url=path)
    elif isinstance(exc, aiohttp.ClientConnectorError):
        error = TransportError(
            f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}", method=method, url=path
        )
    elif isinstance(exc, aiohttp.ClientResponseError):
        error = TransportError(f"the response could not be read: {exc.message}", method=method, url=path)
    else:
        error = TransportError(f"connection failed: {type(exc).__name__}: {exc}", method=method, url=path)
    error.__cause__ = scrubbed(exc)
    return error


def never_sent(error: TransportError) -> bool:
    """True when the connection failed before any byte of the request left (safe to repeat a create)."""
    cause = error.__cause__
    if isinstance(cause, aiohttp.ClientSSLError):
        return False
    return isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


def deterministic(error: TransportError) -> bool:
    """True when trying again would fail the same way: TLS refused, or a response aiohttp cannot
    parse (a header too large, a malformed status line)."""
    cause = error.__cause__
    return isinstance(cause, ssl.SSLError | aiohttp.ClientSSLError | aiohttp.ClientResponseError)


def may_repeat(error: TransportError, retry: RetryMode) -> bool:
    """May a call whose attempt failed without an answer be tried again?"""
    if retry == "never" or deterministic(error):
        return False
    return retry == "safe" or never_sent(error)


def gone(method: str, status: int) -> bool:
    """A repeated DELETE answered 404 after an attempt whose answer was lost: that attempt
    deleted it (or it never was), and either way it is gone, as asked."""
    return method == "DELETE" and status == 404


def may_repeat_status(error: APIStatusError, status: int, retry: RetryMode) -> bool:
    """May a call answered with this error status be tried again?"""
    if retry == "safe":
        return status in SAFE_RETRY_STATUSES
    # a create, only when the server said it did nothing and to come back
    return retry == "create" and status in (429, 503) and getattr(error, "retry_after", None) is not None


def timed_out(error: Exception) -> bool:
    """True for an attempt that ended in a timeout (its retry costs more of the budget)."""
    return isinstance(error, RequestTimeoutError)


def outcome_unknown(error: TransportError, resource: str, name: str | None) -> OutcomeUnknownError:
    """The error for a create that was sent and got no answer: it may have happened."""
    if isinstance(error, RequestTimeoutError):
        what = error.message.partition(": ")[2] or "no response"
    else:
        what = f"the connection failed after the request was sent ({type(error.__cause__).__name__})"
    unknown = OutcomeUnknownError(what, method=error.method, url=error.url, resource=resource, name=name)
    unknown.__cause__ = error.__cause__
    return unknown


async def watch_attempts(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """A session middleware, run once per attempt by a DELETE and a WebSocket handshake (aiohttp
    itself repeats an idempotent request once when a kept-alive connection drops; other requests
    skip it). It notes, for the calling task, that an attempt was sent and its answer lost (see
    :func:`answer_lost`); and when a WebSocket handshake is refused it keeps the start of the
    answer's body, which aiohttp's handshake error drops, so that the error can carry the
    server's detail (see :func:`refusal_body`)."""
    try:
        response = await handler(request)
    except aiohttp.ClientConnectorError:
        raise  # nothing was sent
    except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
        _ANSWER_LOST.set(True)
        raise
    if response.status != 101 and request.headers.get("Upgrade", "").lower() == "websocket":
        try:
            _REFUSAL_BODY.set(await response.content.read(_REFUSAL_LIMIT))
        except (aiohttp.ClientError, OSError):
            _REFUSAL_BODY.set(b"")
    return response


def answer_lost() -> bool:
    """True when an attempt made by this task since the last call had its answer lost."""
    lost = _ANSWER_LOST.get()
    if lost:
        _ANSWER_LOST.set(False)
    return lost


def refusal_body() -> bytes:
    """The body kept by :func:`watch_attempts` in this task (once; empty when none)."""
    body = _REFUSAL_BODY.get()
    _REFUSAL_BODY.set(b"")
    return body

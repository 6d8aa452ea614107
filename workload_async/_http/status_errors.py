"""The one pure function that turns a non-2xx response into an exception.

It takes plain values (method, path, status, headers, body bytes) and returns the error to raise, so
it is tested as a table without any HTTP.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from ..errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
)

__all__ = ["error_from_response", "excerpt", "other_generation", "parse_retry_after"]

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_TAGS = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def excerpt(body: bytes, limit: int = 120) -> str:
    """The first ``limit`` characters of a body, decoded leniently, for error messages."""
    text = body[: limit * 4].decode("utf-8", errors="replace")
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def parse_retry_after(
    value: str | None, *, date: str | None = None, now: Callable[[], datetime] | None = None
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number, or an HTTP date. None if absent.

    An HTTP date is the server's time: it is counted from the response's own ``Date`` header
    (``date``) when it has one, so no clock skew between the two machines matters, else from
    ``now()``, the client's clock. With neither it cannot be read (None).
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    when = _http_date(value)
    if when is None:
        return None
    sent = _http_date(date) if date else None
    if sent is None:
        if now is None:
            return None
        sent = now()
    return max(0.0, (when - sent).total_seconds())


def _http_date(value: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _field_errors(detail: list[Any]) -> list[FieldError]:
    errors = []
    for item in detail:
        if isinstance(item, Mapping):
            loc = item.get("loc") or ()
            errors.append(
                FieldError(
                    loc=tuple(p if isinstance(p, int | str) else str(p) for p in loc),
                    msg=str(item.get("msg", "invalid")),
                    type=str(item["type"]) if item.get("type") is not None else None,
                )
            )
        else:
            errors.append(FieldError(loc=(), msg=str(item)))
    return errors


#: Where an error body says why, in the order they are read.
_MESSAGE_KEYS = ("detail", "message", "error", "title")


def _message(status: int, body: bytes, decoded: Any, reason: str) -> tuple[str, list[FieldError]]:
    if isinstance(decoded, Mapping):
        detail = decoded.get("detail")
        if isinstance(detail, list):
            fields = _field_errors(detail)
            return "; ".join(str(f) for f in fields) or "validation failed", fields
        for key in _MESSAGE_KEYS:
            value = decoded.get(key)
            if isinstance(value, str) and value.strip():
                return value, []
    if isinstance(decoded, str) and decoded.strip():
        return decoded, []
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("<"):
        title = _TITLE.search(text)
        cleaned = _TAGS.sub(" ", title.group(1) if title else text)
        cleaned = " ".join(cleaned.split())
        return (cleaned[:160] or reason or f"HTTP {status}") + " (HTML error page)", []
    if text:
        return excerpt(body, 200), []
    return reason or f"HTTP {status}", []


def error_from_response(
    *,
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    reason: str = "",
    now: Callable[[], datetime] | None = None,
) -> APIStatusError:
    """The exception for a non-2xx response: its class follows the status, its message the body.

    The message is taken from ``detail`` (a string, or a validation list whose items become
    :class:`FieldError`), else ``message``; an HTML page yields its title; an empty body the
    reason phrase. ``now`` is the client's clock, for a ``Retry-After`` given as a date.
    """
    decoded: Any
    try:
        decoded = json.loads(body) if body else None
    except ValueError:
        decoded = None
    message, fields = _message(status, body, decoded, reason)
    kept_body: Any = decoded if decoded is not None else body.decode("utf-8", errors="replace")
    common: dict[str, Any] = {
        "status": status,
        "method": method,
        "url": url,
        "body": kept_body,
        "headers": headers,
    }
    retry_after = parse_retry_after(headers.get("Retry-After"), date=headers.get("Date"), now=now)
    if status == 422:
        return UnprocessableEntityError(message, errors=fields, **common)
    if status == 429:
        return RateLimitError(message, retry_after=retry_after, **common)
    if status >= 500:
        return ServerError(message, retry_after=retry_after, **common)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = BadRequestError if 400 <= status < 500 else APIStatusError
    return cls(message, **common)


def other_generation(error: APIStatusError, route: str, generation: str | None) -> APIStatusError:
    """``error`` with a hint when a collection route (a list or a create: no id in it, so a 404
    cannot mean an unknown id) is missing on the server: it may speak another generation than
    ``generation`` (None: the client asked the server which, so it does not). A 404 that is the
    API's own answer (a JSON object saying why) is left alone, unless it is FastAPI's answer for a
    path of no route, ``{"detail": "Not Found"}``."""
    if error.status != 404 or generation is None or not route.endswith((".list", ".create")):
        return error
    body = error.body
    no_route = isinstance(body, Mapping) and body.get("detail") == "Not Found"
    if isinstance(body, Mapping) and not no_route and any(key in body for key in _MESSAGE_KEYS):
        return error  # the API's own answer: the route exists
    hint = (
        f"{error.server_message} (this server has no {error.url}: it may serve another generation "
        f"of the Workload API than {generation}; api_version='auto', or the command line's "
        "--api-version auto, asks it)"
    )
    return type(error)(
        hint, status=error.status, method=error.method, url=error.url, body=error.body, headers=error.headers
    )

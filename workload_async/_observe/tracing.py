"""OpenTelemetry spans: the only module that imports ``opentelemetry``.

It is imported by :mod:`.observer` only once the application itself has imported
``opentelemetry.trace`` (no application can have configured a tracer provider otherwise), so an
install without the ``otel`` extra, or an application that does not use OpenTelemetry, never loads
it and runs no span code.

Spans (attributes never carry the token, a URL, a request body or an invoke payload):

- ``workload_async.request``, one per HTTP attempt, current while it runs (so aiohttp's own
  instrumentation nests under it): method, route name, status code, attempt, the retry delay
  that preceded it.
- ``workload_async.wait``, a child of the span current where the wait began: the workload id (or
  the count of a ``wait_many``), the target, the outcome, the polls, an event per status change.
- ``workload_async.bulk`` around ``start_many``/``stop_many``: the waits and requests nest in it.
- ``workload_async.poll``, one per polling round: a root span, since a round serves waits of many
  callers, linked to the wait spans it served.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from contextvars import Token

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode

from .._version import package_version

__all__ = ["MAX_LINKS", "Active", "end", "event", "start", "tracer"]

#: Links kept on one polling round's span (an SDK keeps 128 by default and drops the rest).
MAX_LINKS = 128
_ROOT = otel_context.Context()
_global = trace.get_tracer("workload_async", package_version())  # a proxy until a provider is set

Attributes = Mapping[str, str | bool | int | float]


class Active:
    """A started span, and the context token to restore when it was made current."""

    __slots__ = ("span", "token")

    def __init__(self, span: Span, token: Token[otel_context.Context] | None) -> None:
        self.span = span
        self.token = token


def tracer(provider: trace.TracerProvider | None) -> trace.Tracer:
    """The tracer of ``provider``, or of the global provider (whenever the application sets it)."""
    if provider is None:
        return _global
    return provider.get_tracer("workload_async", package_version())


def start(
    tracer: trace.Tracer,
    name: str,
    attributes: Attributes,
    *,
    client: bool = False,
    current: bool = False,
    root: bool = False,
    links: Iterable[Active] = (),
) -> Active | None:
    """Start a span; None when nobody records it (no provider: the no-op span costs nothing more).

    ``client`` marks an outgoing request; ``current`` makes it the current span until :func:`end`;
    ``root`` gives it no parent.
    """
    span = tracer.start_span(
        name,
        context=_ROOT if root else None,
        kind=SpanKind.CLIENT if client else SpanKind.INTERNAL,
        attributes=attributes,
        links=[Link(a.span.get_span_context()) for a in links],
    )
    if not span.is_recording() and not span.get_span_context().is_valid:
        return None
    token = otel_context.attach(trace.set_span_in_context(span)) if current else None
    return Active(span, token)


def event(active: Active, name: str, attributes: Attributes) -> None:
    """Add an event to a started span."""
    active.span.add_event(name, attributes)


def end(active: Active, attributes: Attributes, error: BaseException | str | None = None) -> None:
    """Set the final attributes, mark an error (its type only, never its message), end the span."""
    span = active.span
    if span.is_recording():
        span.set_attributes(attributes)
        if isinstance(error, asyncio.CancelledError):  # the caller gave up, or the client closed
            span.set_attribute("workload_async.cancelled", True)
        elif error is not None:
            kind = error if isinstance(error, str) else type(error).__name__
            span.set_attribute("error.type", kind)
            span.set_status(Status(StatusCode.ERROR, kind))
    span.end()
    if active.token is not None:
        otel_context.detach(active.token)

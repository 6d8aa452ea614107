"""Callbacks for metrics: what a client tells :class:`Hooks` about its requests, retries and waits.

Pass an object with any of ``on_request``, ``on_retry`` and ``on_status_change`` as
``Client(hooks=...)``; subclass :class:`Hooks` to implement only some of them. The callbacks run in
the event loop, synchronously, so they must be quick (count, observe a histogram, enqueue); an
exception in one is logged and swallowed, never raised into the request or wait it observes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

import attrs

from .._models.enums import WorkloadStatus

__all__ = ["Hooks", "RequestEvent", "RetryEvent", "StatusChangeEvent", "call_hook", "resolve"]

log = logging.getLogger("workload_async")


@attrs.frozen
class RequestEvent:
    """One HTTP attempt that ended, with a response or with a transport error.

    ``route`` names the route of the contract (``workloads.get``), never the URL, so it makes a
    label of bounded cardinality; ``status`` is None when no response came (``error`` says why);
    ``attempt`` counts from 1; ``seconds`` is the time from sending to the last byte read.
    """

    method: str
    route: str
    status: int | None
    attempt: int
    seconds: float
    error: str | None = None


@attrs.frozen
class RetryEvent:
    """An attempt failed and the client will try again after ``delay`` seconds.

    ``attempt`` is the attempt that failed (from 1); ``error`` names what went wrong, such as
    ``HTTP 503`` or ``TransportError``.
    """

    method: str
    route: str
    attempt: int
    delay: float
    error: str


@attrs.frozen
class StatusChangeEvent:
    """A waited workload was seen in a new status (``previous`` is None on its first poll)."""

    workload_id: str
    previous: WorkloadStatus | None
    status: WorkloadStatus
    target: WorkloadStatus | None
    seconds: float  #: since the wait started


class Hooks(Protocol):
    """Callbacks a client calls as it works; every method is optional.

    Any object with these methods will do; subclassing gives a no-op default for the ones left
    out::

        class Counter(Hooks):
            def on_request(self, event: RequestEvent) -> None:
                REQUESTS.labels(event.route, event.status).inc()

        client = Client(hooks=Counter())

    The callbacks run in the event loop, inline: keep them quick. An exception a callback raises
    is logged (logger ``workload_async``) and ignored, never raised into the client's calls.
    """

    def on_request(self, event: RequestEvent) -> None:
        """Called once per HTTP attempt, when it ends."""
        return None

    def on_retry(self, event: RetryEvent) -> None:
        """Called when a failed attempt will be retried, before the pause."""
        return None

    def on_status_change(self, event: StatusChangeEvent) -> None:
        """Called when a waited workload's status changes."""
        return None


def resolve(hooks: object, name: str) -> Callable[[Any], None] | None:
    """``hooks``'s callback ``name``; None when it has none or keeps :class:`Hooks`' no-op."""
    callback: Callable[[Any], None] | None = getattr(hooks, name, None)
    if callback is None or getattr(type(hooks), name, None) is getattr(Hooks, name):
        return None
    return callback


def call_hook(hook: Callable[[Any], None], event: object) -> None:
    """Call a user's callback; an exception in it is logged and swallowed."""
    try:
        hook(event)
    except Exception:
        log.exception("hook %s failed; ignored", getattr(hook, "__qualname__", hook))

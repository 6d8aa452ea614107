"""What a client tells the outside about its work: log lines, :class:`~.hooks.Hooks` and spans.

One :class:`Observer` per client. The transport, the poller, the waits and the bulk calls call it
at one point each; when nobody listens (logging above DEBUG or INFO, no hooks, tracing off or no
OpenTelemetry in the process) a call costs a few attribute reads and nothing is done per workload.
Span code lives in :mod:`.tracing`, loaded only once the application has imported
``opentelemetry.trace`` itself.

Log lines, on the ``workload_async`` logger: one per HTTP attempt at DEBUG, one per retry at
WARNING, one per status change of a waited workload at INFO. The package's logger has a
``NullHandler``: nothing reaches stderr unless the application configures logging, or sets
``WORKLOAD_ASYNC_LOG=warning|info|debug`` (see :func:`log_from_env`).
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping
from contextvars import ContextVar, Token
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .._clock import Clock
from .._logging import PACKAGE_LOGGER
from ..errors import APIStatusError
from .hooks import Hooks, RequestEvent, RetryEvent, StatusChangeEvent, call_hook, resolve

if TYPE_CHECKING:
    from .tracing import Active

__all__ = ["LOG_ENV", "Linked", "Observer", "Spans", "log_from_env"]

log = PACKAGE_LOGGER  # with its NullHandler: silent until the application configures logging
LOG_ENV = "WORKLOAD_ASYNC_LOG"
_LOG_LEVELS = {
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
}
_warned_values: set[str] = set()
R = TypeVar("R")
M = TypeVar("M", bound=Collection[Any])


def log_from_env() -> None:
    """Apply ``WORKLOAD_ASYNC_LOG=warning|info|debug``: the ``workload_async`` logger's level, and a
    handler on stderr unless the application has configured logging (a handler on the root logger
    or ours, the package's own ``NullHandler`` aside).

    Any other value is ignored, with a ``RuntimeWarning`` once a process naming the variable: a
    diagnostic switch never stops a client from being made.
    """
    raw = os.environ.get(LOG_ENV, "")
    if not raw.strip():
        return
    level = _LOG_LEVELS.get(raw.strip().lower())
    if level is None:
        if raw not in _warned_values:
            _warned_values.add(raw)
            warnings.warn(
                f"{LOG_ENV} is ignored: it must be 'warning', 'info' or 'debug' (or unset), "
                f"got {raw.strip()[:40]!r}",
                RuntimeWarning,
                stacklevel=3,
            )
        return
    log.setLevel(level)
    ours = [h for h in log.handlers if not isinstance(h, logging.NullHandler)]
    if not ours and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)


class Spans(Protocol):
    """What the SDK uses of :mod:`.tracing` (a module), so that only :func:`_spans` imports it."""

    MAX_LINKS: int

    def tracer(self, provider: Any) -> Any: ...

    def start(
        self,
        tracer: Any,
        name: str,
        attributes: Mapping[str, str | bool | int | float],
        *,
        client: bool = ...,
        current: bool = ...,
        root: bool = ...,
        links: Any = ...,
    ) -> Active | None: ...

    def event(
        self, active: Active, name: str, attributes: Mapping[str, str | bool | int | float]
    ) -> None: ...

    def end(
        self,
        active: Active,
        attributes: Mapping[str, str | bool | int | float],
        error: BaseException | str | None = ...,
    ) -> None: ...


_loaded: Spans | None = None
_unavailable = False


def _spans() -> Spans | None:
    """:mod:`.tracing`, once the application has imported OpenTelemetry; else None (no import)."""
    global _loaded, _unavailable
    if _loaded is None:
        if _unavailable or "opentelemetry.trace" not in sys.modules:
            return None
        try:
            from . import tracing as _tracing
        except ImportError:  # pragma: no cover - a broken OpenTelemetry install
            _unavailable = True
            return None
        _loaded = _tracing
    return _loaded


class Linked(Protocol):
    """What a polling round's span links to: an open span (a wait's), or None when not recorded."""

    @property
    def active(self) -> Active | None: ...


class Observer:
    """Reports one client's requests, retries, polling rounds and bulk calls, and holds what the
    waits report through (their hooks, tracer and open spans: see :mod:`.._waiting.telemetry`)."""

    def __init__(
        self, clock: Clock, hooks: Hooks | None = None, tracing: bool = True, tracer_provider: Any = None
    ) -> None:
        self.clock = clock
        self.tracing = tracing
        self.tracer_provider = tracer_provider
        self.tracer: Any = None  # made on first use, once OpenTelemetry is in the process
        # each callback is optional: resolved once, so a missing one costs nothing per event
        self.on_request: Callable[[RequestEvent], None] | None = resolve(hooks, "on_request")
        self.on_retry: Callable[[RetryEvent], None] | None = resolve(hooks, "on_retry")
        self.on_status_change: Callable[[StatusChangeEvent], None] | None = resolve(hooks, "on_status_change")
        #: Open wait spans by workload id: what a polling round links to.
        self.live: dict[str, list[Linked]] = {}

    def spans(self) -> Spans | None:
        """Span code, when tracing is on and OpenTelemetry is in the process."""
        if not self.tracing:
            return None
        spans = _spans()
        if spans is not None and self.tracer is None:
            self.tracer = spans.tracer(self.tracer_provider)
        return spans

    # -- requests --------------------------------------------------------------------------

    def request(self, method: str, route: str, path: str, attempt: int, delay: float) -> _Quiet:
        """Watch one HTTP attempt: ``with observer.request(...) as seen: seen.done(response)``."""
        spans = self.spans()
        active = None
        if spans is not None:
            attributes: dict[str, str | int | float] = {
                "http.request.method": method,
                "workload_async.route": route,
                "workload_async.attempt": attempt,
            }
            if attempt > 1:
                attributes["workload_async.retry_delay"] = delay
            active = spans.start(self.tracer, "workload_async.request", attributes, client=True, current=True)
            round_ = _ROUND.get()
            if round_ is not None:
                round_.calls += 1
        if active is None and self.on_request is None and not log.isEnabledFor(logging.DEBUG):
            return _QUIET
        return RequestWatch(self, method, route, path, attempt, active)

    def retry(self, method: str, route: str, path: str, attempt: int, delay: float, error: Exception) -> None:
        """A failed attempt will be retried after ``delay`` seconds."""
        reason = f"HTTP {error.status}" if isinstance(error, APIStatusError) else type(error).__name__
        log.warning("%s %s (%s) failed (%s); retry %d in %.2fs", method, path, route, reason, attempt, delay)
        if self.on_retry is not None:
            call_hook(self.on_retry, RetryEvent(method, route, attempt, delay, reason))

    # -- polling rounds and bulk calls -----------------------------------------------------

    def poll_round(self, ids: list[str]) -> RoundWatch | _Quiet:
        """Watch one polling round asking about ``ids``: ``with observer.poll_round(ids): ...``."""
        spans = self.spans()
        if spans is None:
            return _QUIET
        links: dict[int, Active] = {}
        if self.live:  # empty unless waits are recorded: no per-workload work otherwise
            for workload_id in ids:
                for watch in self.live.get(workload_id, ()):
                    if watch.active is not None:
                        links[id(watch)] = watch.active
                if len(links) >= spans.MAX_LINKS:
                    break
        active = spans.start(
            self.tracer,
            "workload_async.poll",
            {"workload_async.poll.batch_size": len(ids)},
            current=True,
            root=True,
            links=list(links.values()),
        )
        return _QUIET if active is None else RoundWatch(spans, active)

    async def bulk(self, route: str, wait: bool, work: Awaitable[M]) -> M:
        """Await ``work`` (a bulk call's results: by id, or a list) inside a ``workload_async.bulk`` span."""
        spans = self.spans()
        active = None
        if spans is not None:
            attributes: dict[str, str | bool] = {
                "workload_async.route": route,
                "workload_async.bulk.wait": wait,
            }
            active = spans.start(self.tracer, "workload_async.bulk", attributes, current=True)
        if spans is None or active is None:
            return await work
        try:
            results = await work
        except BaseException as exc:
            spans.end(active, {}, exc)
            raise
        items = results.values() if isinstance(results, Mapping) else results
        states = Counter(str(getattr(r, "state", "")) for r in items)
        summary: dict[str, int] = {f"workload_async.bulk.{state}": n for state, n in states.items()}
        summary["workload_async.workload.count"] = len(results)
        spans.end(active, summary)
        return results


class _Quiet:
    """The watch handed out when nobody listens: every method does nothing."""

    __slots__ = ()

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def done(self, response: R) -> R:
        return response


_QUIET = _Quiet()


class RequestWatch(_Quiet):
    """One HTTP attempt being watched: its span (current while it runs), log line and hook."""

    __slots__ = ("active", "attempt", "method", "observer", "path", "route", "started", "status")

    def __init__(
        self, observer: Observer, method: str, route: str, path: str, attempt: int, active: Active | None
    ) -> None:
        self.observer = observer
        self.method = method
        self.route = route
        self.path = path
        self.attempt = attempt
        self.active = active
        self.status: int | None = None
        self.started = observer.clock.monotonic()

    def done(self, response: R) -> R:
        self.status = getattr(response, "status", None)
        return response

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        observer = self.observer
        seconds = observer.clock.monotonic() - self.started
        status = self.status
        if self.active is not None:
            spans = observer.spans()
            assert spans is not None
            failure = exc if exc is not None else (str(status) if status and status >= 400 else None)
            spans.end(self.active, {"http.response.status_code": status} if status else {}, failure)
        again = f", attempt {self.attempt}" if self.attempt > 1 else ""
        error = None if exc is None else type(exc).__name__
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s (%s) -> %s (%.1f ms%s)",
                self.method,
                self.path,
                self.route,
                status if error is None else error,
                seconds * 1000,
                again,
            )
        if observer.on_request is not None:
            event = RequestEvent(self.method, self.route, status, self.attempt, seconds, error)
            call_hook(observer.on_request, event)


class RoundWatch(_Quiet):
    """One polling round in its root span, counting the requests made inside it (rounds overlap)."""

    __slots__ = ("active", "calls", "spans", "token")

    def __init__(self, spans: Spans, active: Active) -> None:
        self.spans = spans
        self.active = active
        self.calls = 0
        self.token: Token[RoundWatch | None] | None = None

    def __enter__(self) -> RoundWatch:
        self.token = _ROUND.set(self)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.token is not None:
            _ROUND.reset(self.token)
        self.spans.end(self.active, {"workload_async.poll.calls": self.calls}, exc)


#: The polling round whose requests are being sent, when rounds are traced.
_ROUND: ContextVar[RoundWatch | None] = ContextVar("workload_async_round", default=None)

"""What every handler reaches: the emulator's state (its store, faults and counters) and the user
of the request being served."""

from __future__ import annotations

from collections import Counter, deque
from contextvars import ContextVar

import attrs
from aiohttp import web

from ._faults import Faults
from ._records import User
from ._store import Store

__all__ = [
    "API_PREFIX",
    "CURRENT_USER",
    "REQUEST_LOG_SIZE",
    "STATE",
    "EmulatorState",
    "api_root",
    "state_of",
    "user_of",
]


API_PREFIX = "/api/v2"
#: How many requests the request log keeps: the oldest go first, so a long-running emulator
#: (``workload-async emulator``, a soak) holds a bounded log.
REQUEST_LOG_SIZE = 100_000


@attrs.define(eq=False)
class EmulatorState:
    """Everything the app needs: the store, the fault rules and the counters."""

    store: Store
    faults: Faults = attrs.field(factory=Faults)
    log_requests: bool = False
    #: The token the ``/_emulator`` control routes require (the emulator's own).
    control_token: str = attrs.field(default="", repr=False)
    counts: Counter[str] = attrs.field(factory=Counter)
    in_flight: Counter[str] = attrs.field(factory=Counter)
    max_in_flight: Counter[str] = attrs.field(factory=Counter)
    request_log: deque[tuple[float, str, int]] = attrs.field(factory=lambda: deque(maxlen=REQUEST_LOG_SIZE))

    def bound_request_log(self, size: int) -> None:
        """Keep the last ``size`` requests in the request log."""
        self.request_log = deque(self.request_log, maxlen=size)

    stream_events_sent: int = 0

    def reset_counters(self) -> None:
        self.counts.clear()
        self.in_flight.clear()
        self.max_in_flight.clear()
        self.request_log.clear()


STATE: web.AppKey[EmulatorState] = web.AppKey("state", EmulatorState)


def state_of(request: web.Request) -> EmulatorState:
    return request.app[STATE]


CURRENT_USER: ContextVar[User] = ContextVar("workload_async_emulator_user")


def user_of(request: web.Request) -> User:
    return CURRENT_USER.get()


def api_root(request: web.Request) -> str:
    return f"{request.url.origin()}{API_PREFIX}/"

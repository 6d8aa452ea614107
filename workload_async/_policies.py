"""How often to retry a request and how fast to poll a workload: two small value objects."""

from __future__ import annotations

import math
import random
from typing import Any

import attrs

__all__ = ["PollPolicy", "RetryPolicy"]


def _number(a: attrs.Attribute[Any], value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{a.name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{a.name} must be a finite number, got {value!r}")
    return value


def _positive(_: object, a: attrs.Attribute[Any], value: float) -> None:
    if not _number(a, value) > 0:
        raise ValueError(f"{a.name} must be > 0, got {value!r}")


def _fraction(_: object, a: attrs.Attribute[Any], value: float) -> None:
    if not 0 <= _number(a, value) < 1:
        raise ValueError(f"{a.name} must be in [0, 1), got {value!r}")


def _at_least_one(_: object, a: attrs.Attribute[Any], value: float) -> None:
    if not _number(a, value) >= 1:
        raise ValueError(f"{a.name} must be >= 1, got {value!r}")


def _whole(_: object, a: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{a.name} must be a whole number, got {type(value).__name__}")
    if not 1 <= value <= 1000:
        raise ValueError(f"{a.name} must be between 1 and 1000, got {value!r}")


def _jittered(delay: float, jitter: float, rng: random.Random | None) -> float:
    if not jitter:
        return delay
    r = (rng or random).uniform(-jitter, jitter)
    return delay * (1 + r)


def _not_negative(_: object, a: attrs.Attribute[Any], value: float) -> None:
    if not _number(a, value) >= 0:
        raise ValueError(f"{a.name} must be >= 0, got {value!r}")


@attrs.frozen
class RetryPolicy:
    """Retries of one HTTP request: connection failures, 429 and 502/503/504 (500 too for calls
    that are safe to repeat).

    Attempt ``n`` (0-based retry count) waits ``initial * factor**n`` seconds, capped at ``cap``,
    with ``± jitter`` relative noise, or the server's ``Retry-After`` when it sends a positive one
    (plus up to ``jitter`` of it, so that callers do not come back in lockstep). A
    ``Retry-After`` longer than ``max_retry_after`` seconds is not slept through: the error is
    raised at once, carrying ``retry_after``, for the caller to decide. Retries never run past the
    caller's deadline. ``RetryPolicy(attempts=1)`` disables retrying.

    ``budget`` is the client-wide retry budget: a retry costs 5 tokens (10 after a timeout), a
    call that succeeds gives back what its retries cost, or 1 when it needed none. While the
    budget is empty calls are not retried, so an outage does not multiply traffic by
    ``attempts``. ``budget=0`` disables retrying too.

    Raises ``ValueError`` naming the field when a value is out of range (``attempts`` outside
    1-1000, ``factor`` below 1, ``initial``, ``cap`` or ``max_retry_after`` not positive,
    ``jitter`` outside [0, 1), a negative ``budget``, NaN or an infinity anywhere) and
    ``TypeError`` for a value that is not a number::

        client = Client(retries=RetryPolicy(attempts=6, cap=30.0))
        patient = client.with_options(retries=RetryPolicy(max_retry_after=300.0))
    """

    attempts: int = attrs.field(default=4, validator=_whole)
    initial: float = attrs.field(default=0.5, validator=_positive)
    factor: float = attrs.field(default=2.0, validator=_at_least_one)
    cap: float = attrs.field(default=8.0, validator=_positive)
    jitter: float = attrs.field(default=0.2, validator=_fraction)
    max_retry_after: float = attrs.field(default=60.0, validator=_positive)
    budget: float = attrs.field(default=500.0, validator=_not_negative)

    def delay(self, retry: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first retry)."""
        return _jittered(min(self.cap, self.initial * self.factor**retry), self.jitter, rng)

    def after(self, retry_after: float, rng: random.Random | None = None) -> float:
        """Seconds to wait when the server sent ``Retry-After: retry_after`` (> 0): never less,
        up to ``jitter`` of it more."""
        return retry_after * (1 + (rng or random).uniform(0, self.jitter)) if self.jitter else retry_after


@attrs.frozen
class PollPolicy:
    """The cadence of status polls.

    A wait's ``n``-th poll comes ``initial * factor**n`` seconds after the previous one, capped at
    ``cap``, with ``± jitter`` relative noise, and never sooner than a ``Retry-After`` the server
    asked for. ``stale_grace`` is how long after this client asked for a start or a stop a wait
    treats a settled status that is not its target (``stopped`` while waiting for ``running``, an
    ``errored`` not left yet) as a stale read rather than an answer, until the status moves.

    Pass one to the client (every wait's default) or to one wait. Raises ``ValueError`` naming the
    field when a value is out of range (``initial`` or ``cap`` not positive, ``factor`` below 1,
    ``jitter`` outside [0, 1), a negative ``stale_grace``, NaN or an infinity anywhere) and
    ``TypeError`` for a value that is not a number::

        eager = PollPolicy(initial=0.1, cap=1.0)
        workload = await client.workloads.wait(workload_id, poll=eager, timeout=60)
    """

    initial: float = attrs.field(default=0.25, validator=_positive)
    factor: float = attrs.field(default=1.3, validator=_at_least_one)
    cap: float = attrs.field(default=5.0, validator=_positive)
    jitter: float = attrs.field(default=0.1, validator=_fraction)
    stale_grace: float = attrs.field(default=10.0, validator=_not_negative)

    def interval(self, polls: int) -> float:
        """Seconds between poll ``polls`` and the next, before jitter."""
        return min(self.cap, self.initial * self.factor ** min(polls, 64))

    def jittered(self, seconds: float, rng: random.Random | None = None) -> float:
        """``seconds`` with this policy's jitter applied."""
        return _jittered(seconds, self.jitter, rng)

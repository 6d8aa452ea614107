"""The client-wide retry budget: a token bucket that keeps an outage from multiplying traffic.

In the spirit of botocore's "standard" retry mode: every retry takes tokens from one bucket per
client (more after a timeout, which ties up a connection for the whole timeout); a request that
succeeds at once puts one token back, and one that succeeds after retries gives back what its
retries took. While most requests succeed the bucket stays full and any request may retry; in an
outage it empties after ``capacity / retry_cost`` retries and from then on each call makes one
attempt only, so the load on a struggling server is the callers' own rate, not that rate times
the attempt count. Successes refill it as the server recovers.
"""

from __future__ import annotations

import logging

import attrs

__all__ = ["RetryBudget"]

log = logging.getLogger("workload_async")

RETRY_COST = 5.0
TIMEOUT_RETRY_COST = 10.0
SUCCESS_REFILL = 1.0


@attrs.define(eq=False)
class RetryBudget:
    """The tokens retries of one client (and every view of it) may spend."""

    capacity: float
    tokens: float = attrs.field(default=-1.0)
    _empty_logged: bool = attrs.field(default=False, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.capacity

    def take(self, timed_out: bool) -> float:
        """Take the cost of one retry; return it, or 0 when the bucket cannot pay (do not retry)."""
        cost = TIMEOUT_RETRY_COST if timed_out else RETRY_COST
        if self.tokens < cost:
            if not self._empty_logged:
                self._empty_logged = True
                log.warning("retry budget exhausted: requests are not retried until calls succeed again")
            return 0.0
        self.tokens -= cost
        return cost

    def succeeded(self, spent: float) -> None:
        """A request succeeded after its retries took ``spent`` tokens (0 when it took none)."""
        self.tokens = min(self.capacity, self.tokens + (spent or SUCCESS_REFILL))
        if self._empty_logged and self.tokens >= TIMEOUT_RETRY_COST:
            self._empty_logged = False

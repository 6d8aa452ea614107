"""Where time comes from: one seam for every sleep and every reading of the clock.

Waiters, retries and the emulator all take a :class:`Clock`. Production code uses
:class:`SystemClock`; tests share one :class:`FakeClock` between a client and an emulator so
that minutes of lifecycle pass in milliseconds, without any real sleep.
"""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

import attrs

__all__ = ["Clock", "FakeClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """The time source of a client or an emulator: what they read the time from and sleep on.

    :class:`SystemClock` is the real one (the default); :class:`FakeClock` moves only when slept
    on, for tests. Any object with these three methods will do.
    """

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards; only differences are meaningful."""
        ...

    def now(self) -> datetime:
        """The current time as an aware UTC ``datetime``."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Suspend the calling task for ``seconds`` of this clock's time."""
        ...


@attrs.define(frozen=True)
class SystemClock:
    """The real clock: ``time.monotonic``, ``datetime.now(UTC)`` and ``asyncio.sleep``."""

    def monotonic(self) -> float:
        """Seconds from :func:`time.monotonic`."""
        return time.monotonic()

    def now(self) -> datetime:
        """The current UTC time."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """Sleep for real, for ``seconds`` (a negative value sleeps not at all)."""
        await asyncio.sleep(max(0.0, seconds))


@attrs.define
class FakeClock:
    """A clock whose time moves only when something sleeps on it or :meth:`advance` is called.

    ``start`` is the aware datetime :meth:`now` reads at first (a naive one is refused). A sleep
    jumps the clock forward to the sleeper's own deadline (never backwards) and then
    yields to the event loop once, so a wait that would take ten minutes of polling finishes as
    fast as the requests it makes. Concurrent sleepers share the jump: two tasks sleeping one
    second each move the clock one second, not two.

    Give the same clock to an emulator and a client::

        clock = FakeClock()
        async with Emulator(clock=clock, startup_seconds=600) as emu:
            async with Client(emu.url, emu.token, clock=clock) as client:
                ...  # a wait of ten emulated minutes takes milliseconds
    """

    start: datetime = attrs.field(factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    _elapsed: float = attrs.field(default=0.0, init=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.start, datetime):
            raise TypeError(f"start must be a datetime, got {type(self.start).__name__}")
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise ValueError("start must be an aware datetime, e.g. datetime(2026, 1, 1, tzinfo=UTC)")

    def monotonic(self) -> float:
        """Seconds elapsed on this clock since it was made."""
        return self._elapsed

    def now(self) -> datetime:
        """``start`` plus the elapsed fake time."""
        return self.start + timedelta(seconds=self._elapsed)

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``; raises ``TypeError``/``ValueError`` unless
        ``seconds`` is a finite number >= 0."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise TypeError(f"seconds must be a number, got {type(seconds).__name__}")
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        self._elapsed += seconds

    async def sleep(self, seconds: float) -> None:
        """Jump to ``now + seconds`` unless the clock is already past it, then yield once."""
        deadline = self._elapsed + max(0.0, seconds)
        if deadline > self._elapsed:
            self._elapsed = deadline
        await asyncio.sleep(0)

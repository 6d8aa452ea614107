"""The sleeps of one client before a retry, so that closing the client wakes every one of them."""

from __future__ import annotations

import asyncio

from .._clock import Clock

__all__ = ["Sleeps"]


class Sleeps:
    """Sleeps on a clock that :meth:`close` cuts short; shared by a client and its views."""

    __slots__ = ("_waiting", "closed")

    def __init__(self) -> None:
        self._waiting: set[asyncio.Future[None]] = set()
        self.closed = False

    async def sleep(self, clock: Clock, seconds: float) -> bool:
        """Sleep ``seconds`` on ``clock``; False when :meth:`close` woke the sleep (or came first)."""
        if self.closed:
            return False
        waker: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        sleeper = asyncio.ensure_future(clock.sleep(seconds))
        self._waiting.add(waker)
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiting.discard(waker)
            if not sleeper.done():
                sleeper.cancel()
                await asyncio.gather(sleeper, return_exceptions=True)
        return not waker.done()

    def close(self) -> None:
        """Wake every sleep now, and make later ones return at once."""
        self.closed = True
        for waker in self._waiting:
            if not waker.done():
                waker.set_result(None)

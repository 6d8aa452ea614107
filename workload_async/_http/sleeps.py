"""The sleeps of one client before a retry, so that closing the client wakes every one of them."""

from __future__ import annotations

import asyncio

from .._clock import Clock

__all__ = ["Sleeps"]


class Sleeps:
    """Sleeps on a clock that :meth:`close` cuts short; shared by a client and its views.

    A sleep is the caller's own ``clock.sleep`` (no task of its own, so a sleep costs what it
    did); closing cancels the sleeping tasks and each sleep takes back that one cancellation,
    returning False, while a cancellation of the caller's own goes on as usual.
    """

    __slots__ = ("_sleeping", "closed")

    def __init__(self) -> None:
        self._sleeping: set[asyncio.Task[object]] = set()
        self.closed = False

    async def sleep(self, clock: Clock, seconds: float) -> bool:
        """Sleep ``seconds`` on ``clock``; False when :meth:`close` woke the sleep (or came first)."""
        if self.closed:
            return False
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - always inside a task in an event loop
            await clock.sleep(seconds)
            return not self.closed
        self._sleeping.add(task)
        try:
            await clock.sleep(seconds)
        except asyncio.CancelledError:
            if not self.closed or task.cancelling() > 1:
                raise  # the caller's own cancellation (too)
            task.uncancel()  # ours: closing woke the sleep
            return False
        finally:
            self._sleeping.discard(task)
        return not self.closed

    def close(self) -> None:
        """Wake every sleep now, and make later ones return at once."""
        if self.closed:
            return
        self.closed = True
        for task in self._sleeping:
            task.cancel()

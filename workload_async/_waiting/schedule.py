"""The poller's schedule: pending waiters by when their next poll is due (:class:`DueTimes`) and
by when they end (:class:`Deadlines`).

Due times are rounded up to slots of :data:`SLOT` seconds (1/128 s: exact in binary, so whole and
half seconds stay exact). A heap orders the slots, and each slot keeps its waiters in arrival
order, so scheduling is a dict lookup and an append, and taking the due waiters pops whole slots:
no per-waiter heap operation, which at 100,000 waits was the poller's largest cost. Rounding up
means a poll may come up to one slot late, never early.

A waiter's ``ticket`` names the slot holding its live entry (-1: none). Rescheduling leaves the
old entry behind, stale; stale entries are dropped as they are met, and all at once by
:meth:`DueTimes.compact` when they outnumber the live ones.

Each slot also keeps the shortest poll interval of the waiters scheduled into it, so that
:meth:`DueTimes.round_start` can let a round wait for the waiters due just after the first
without delaying any of them by more than its own share of its own interval.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Sequence

from .waiter import Pending

__all__ = ["SLOT", "Deadlines", "DueTimes"]

SLOTS_PER_SECOND = 128
#: The width of a slot, in seconds.
SLOT = 1 / SLOTS_PER_SECOND


class DueTimes:
    """Pendings by due time, in slots; see the module's description."""

    def __init__(self) -> None:
        self._slots: dict[int, deque[Pending]] = {}
        self._shortest: dict[int, float] = {}  # slot -> shortest interval scheduled into it
        self._heap: list[int] = []
        self.entries = 0  # live and stale
        self.dropped = 0  # entries looked at and removed, for the poller's ``examined``

    def __len__(self) -> int:
        return self.entries

    def schedule(self, waiter: Pending, due: float) -> None:
        """Make ``due`` (rounded up to its slot) the waiter's next poll."""
        self.schedule_many((waiter,), due, waiter.interval)

    def schedule_many(self, waiters: Sequence[Pending], due: float, interval: float) -> None:
        """Make ``due`` (rounded up to its slot) the next poll of every one of ``waiters``, whose
        poll interval is ``interval`` (one slot to find for all of them)."""
        slot = math.ceil(due * SLOTS_PER_SECOND)
        for waiter in waiters:
            waiter.ticket = slot
        queue = self._slots.get(slot)
        if queue is None:
            self._slots[slot] = deque(waiters)
            self._shortest[slot] = interval
            heapq.heappush(self._heap, slot)
        else:
            queue.extend(waiters)
            if interval < self._shortest[slot]:
                self._shortest[slot] = interval
        self.entries += len(waiters)

    def first(self) -> tuple[float, Pending] | None:
        """The earliest live entry as (its slot's time, waiter), dropping stale ones on the way."""
        heap, slots = self._heap, self._slots
        while heap:
            slot = heap[0]
            queue = slots[slot]
            while queue:
                waiter = queue[0]
                if waiter.ticket == slot:
                    return slot * SLOT, waiter
                queue.popleft()
                self.entries -= 1
                self.dropped += 1
            heapq.heappop(heap)
            del slots[slot], self._shortest[slot]
        return None

    def round_start(self, share: float, most: float) -> float:
        """When a round should start: after the first live entry falls due, late by ``share`` of
        its interval (at most ``most`` seconds) so that the entries due just after it join, but no
        later than any of those entries may be: ``share`` of its own interval after it fell due.
        ``inf`` when nothing is scheduled."""
        entry = self.first()
        if entry is None:
            return math.inf
        first = self._heap[0]
        shortest = self._shortest
        start = entry[0] + min(share * shortest[first], most)
        slot = first + 1
        while slot * SLOT < start:  # at most ``most`` seconds of slots
            interval = shortest.get(slot)
            if interval is not None:
                start = min(start, slot * SLOT + min(share * interval, most))
            slot += 1
        return start

    def take(self, waiter: Pending) -> None:
        """Remove ``waiter``, which :meth:`first` just returned."""
        self._slots[waiter.ticket].popleft()
        waiter.ticket = -1
        self.entries -= 1
        self.dropped += 1

    def pop_due(self, now: float) -> list[Pending]:
        """Take every live waiter due by ``now``, earliest first."""
        heap, slots = self._heap, self._slots
        last = math.floor(now * SLOTS_PER_SECOND)
        due: list[Pending] = []
        while heap and heap[0] <= last:
            slot = heapq.heappop(heap)
            queue = slots.pop(slot)
            del self._shortest[slot]
            self.entries -= len(queue)
            self.dropped += len(queue)
            for waiter in queue:
                if waiter.ticket == slot:
                    waiter.ticket = -1
                    due.append(waiter)
        return due

    def clear(self) -> None:
        """Drop every entry (when no waiter is left, all are stale)."""
        self.dropped += self.entries
        self._slots.clear()
        self._shortest.clear()
        self._heap.clear()
        self.entries = 0

    def compact(self) -> None:
        """Drop every stale entry at once."""
        for slot in list(self._slots):
            queue = self._slots[slot]
            live = deque(w for w in queue if w.ticket == slot)
            self.dropped += len(queue) - len(live)
            if live:
                self._slots[slot] = live
                self._shortest[slot] = min(w.interval for w in live)
            else:
                del self._slots[slot], self._shortest[slot]
        self._heap = list(self._slots)
        heapq.heapify(self._heap)
        self.entries = sum(len(q) for q in self._slots.values())


class Deadlines:
    """Pendings with a deadline, in a heap by it; a settled waiter's entry is dropped when met."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Pending]] = []
        self._order = itertools.count()  # ties never compare waiters
        self.dropped = 0  # entries removed, for the poller's ``examined``

    def add(self, waiter: Pending, deadline: float) -> None:
        """Track ``waiter``, which ends at ``deadline``."""
        heapq.heappush(self._heap, (deadline, next(self._order), waiter))

    def pop_passed(self, now: float) -> list[Pending]:
        """Take every waiter whose deadline has passed by ``now``, earliest first."""
        heap, passed = self._heap, []
        while heap and heap[0][0] <= now:
            passed.append(heapq.heappop(heap)[2])
        self.dropped += len(passed)
        return passed

    def first(self) -> float | None:
        """The nearest deadline of a pending waiter, dropping those of settled ones on the way."""
        heap = self._heap
        while heap:
            if not heap[0][2].future.done():
                return heap[0][0]
            self.dropped += 1
            heapq.heappop(heap)
        return None

    def __len__(self) -> int:
        return len(self._heap)

    def clear(self) -> None:
        """Drop every entry."""
        self.dropped += len(self._heap)
        self._heap.clear()

    def compact(self) -> None:
        """Drop the entries of settled waiters at once."""
        live = [e for e in self._heap if not e[2].future.done()]
        self.dropped += len(self._heap) - len(live)
        heapq.heapify(live)
        self._heap = live

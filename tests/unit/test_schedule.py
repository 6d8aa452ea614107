"""The poller's schedule: due times in 1/128 s slots, never handed out early."""

from __future__ import annotations

import asyncio
import random

from workload_async import PollPolicy, WorkloadStatus
from workload_async._waiting.schedule import SLOT, DueTimes
from workload_async._waiting.waiter import Waiter


def make(n: int) -> list[Waiter]:
    loop = asyncio.new_event_loop()
    try:
        return [
            Waiter(
                workload_id=f"{i:024x}",
                target=WorkloadStatus.RUNNING,
                policy=PollPolicy(),
                started=0.0,
                deadline=None,
                future=loop.create_future(),
            )
            for i in range(n)
        ]
    finally:
        loop.close()


def test_due_waiters_come_out_once_in_order_and_never_before_they_are_due() -> None:
    rng = random.Random(7)
    schedule = DueTimes()
    waiters = make(2000)
    due = {w.workload_id: rng.uniform(0, 10) for w in waiters}
    for w in waiters:
        schedule.schedule(w, due[w.workload_id])
    for w in waiters[:500]:  # rescheduled: the first entry goes stale
        due[w.workload_id] = rng.uniform(0, 10)
        schedule.schedule(w, due[w.workload_id])
    taken: list[str] = []
    now = 0.0
    while now < 10 + SLOT:
        now += rng.uniform(0, 0.3)
        batch = schedule.pop_due(now)
        assert all(due[str(w.key)] <= now for w in batch)
        assert all(w.ticket == -1 for w in batch)
        taken += [str(w.key) for w in batch]
        pending = {w.workload_id for w in waiters} - set(taken)
        # whatever is still pending is due later than a slot before now
        assert all(due[i] > now - SLOT for i in pending)
    assert sorted(taken) == sorted(due) and len(taken) == len(set(taken))
    assert len(schedule) == 0 and schedule.first() is None


def test_first_skips_stale_entries_and_compact_drops_them() -> None:
    schedule = DueTimes()
    a, b = make(2)
    schedule.schedule(a, 1.0)
    schedule.schedule(b, 2.0)
    schedule.schedule(a, 3.0)  # a moves behind b
    assert schedule.first() == (2.0, b)
    schedule.take(b)
    assert schedule.first() == (3.0, a)
    schedule.schedule(b, 5.0)
    schedule.schedule(b, 4.0)
    assert len(schedule) == 3  # a, and b twice (the 5.0 entry is stale)
    schedule.compact()
    assert len(schedule) == 2
    assert schedule.pop_due(10.0) == [a, b]


def test_a_due_time_is_rounded_up_to_its_slot_never_down() -> None:
    schedule = DueTimes()
    (w,) = make(1)
    schedule.schedule(w, 1.0 + SLOT / 3)
    assert schedule.pop_due(1.0 + SLOT / 2) == []
    assert schedule.first() == (1.0 + SLOT, w)
    assert schedule.pop_due(1.0 + SLOT) == [w]


def test_a_round_waits_for_later_entries_but_no_entry_past_its_own_share() -> None:
    schedule = DueTimes()
    slow, quick, other = make(3)
    slow.interval, quick.interval, other.interval = 20.0, 0.2, 4.0
    schedule.schedule(slow, 1.0)
    # alone, the slow entry's round waits 5% of 20 s, capped at 0.5 s
    assert schedule.round_start(0.05, 0.5) == 1.5
    schedule.schedule(other, 1.25)  # 5% of 4 s: 0.2 s after 1.25
    assert schedule.round_start(0.05, 0.5) == 1.45
    schedule.schedule(quick, 1.0625)  # 5% of 0.2 s: 0.01 s after 1.0625
    assert schedule.round_start(0.05, 0.5) == 1.0625 + 0.01
    assert DueTimes().round_start(0.05, 0.5) == float("inf")

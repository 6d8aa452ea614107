"""What a client remembers of the status changes it asked for (the waits' ``stale_grace``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from workload_async import FakeClock, PollPolicy, WorkloadStatus
from workload_async._observe.observer import Observer
from workload_async._waiting.poller import StatusPoller
from workload_async._waiting.waits import ASKED_FOR, ASKED_KEPT, Waits


class CountedReads(OrderedDict[str, Any]):
    """An OrderedDict that counts the entries its iterators hand out."""

    handed_out = 0

    def __iter__(self) -> Iterator[str]:
        for key in super().__iter__():
            self.handed_out += 1
            yield key

    def items(self) -> Any:
        self.handed_out += len(self)
        return super().items()


def _waits(clock: FakeClock) -> tuple[Waits, CountedReads]:
    transport = SimpleNamespace(observe=Observer(clock))  # no call is made here
    poller = StatusPoller(transport, clock)  # type: ignore[arg-type]
    poller.asked = memory = CountedReads()
    return Waits(poller, clock, PollPolicy(), None), memory


def test_asking_costs_the_same_however_many_were_asked_for_within_the_hour() -> None:
    clock = FakeClock()
    waits, memory = _waits(clock)
    asks = 4 * ASKED_KEPT
    for n in range(asks):
        waits.asked(f"w{n}", WorkloadStatus.RUNNING)
    assert len(memory) == asks  # all within the hour: every one remembered
    # each ask past the threshold looks at the oldest entry alone (it was not walking them all)
    assert memory.handed_out <= asks - ASKED_KEPT


def test_requests_older_than_an_hour_are_forgotten_oldest_first_once_many_are_kept() -> None:
    clock = FakeClock()
    waits, memory = _waits(clock)
    for n in range(ASKED_KEPT):
        waits.asked(f"old{n}", WorkloadStatus.RUNNING)
    clock.advance(ASKED_FOR / 2)
    waits.asked("old0", WorkloadStatus.STOPPED)  # asked again, later: it is now the newest
    clock.advance(ASKED_FOR / 2 + 1)
    waits.asked("new", WorkloadStatus.RUNNING)
    assert list(memory) == ["old0", "new"]
    assert memory["old0"][0] is WorkloadStatus.STOPPED

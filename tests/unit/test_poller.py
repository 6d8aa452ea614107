"""The status poller at scale, counted rather than timed.

The poller talks to the API through its transport; these tests hand it a small in-memory status
server in the transport's place (the seam the client itself fills), so that 100,000 waits can be
registered, polled and cancelled in a test. Time is a fake clock; work is counted (calls, heap
entries looked at, wake-ups), never timed.
"""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Callable
from typing import Any

import pytest
from yarl import URL

from tests.conftest import GatedClock
from workload_async import FakeClock, PollPolicy, ResponseDecodeError, RetryPolicy, Workload, WorkloadStatus
from workload_async._dialects.dialect import Dialect
from workload_async._dialects.v2_41 import V2_41
from workload_async._http.responses import Response
from workload_async._observe.observer import Observer
from workload_async._waiting.poll_calls import BATCH, status_url
from workload_async._waiting.poller import StatusPoller
from workload_async._waiting.waiter import Waiter

API = URL("http://api.test/api/v2/")


class StatusServer:
    """Answers ``GET console/workloads/?ids=..`` from a dict of statuses, noting every call."""

    def __init__(self, clock: FakeClock, statuses: dict[str, Any] | None = None) -> None:
        self.base = API
        self.retry = RetryPolicy()
        self.clock = clock
        self.observe = Observer(clock)
        self.statuses: dict[str, Any] = statuses if statuses is not None else {}
        self.items: dict[str, dict[str, Any]] = {}  # whole items, when a test wants them
        self.calls: list[tuple[float, list[str]]] = []
        self.called = asyncio.Event()

    async def until(self, done: Callable[[], bool]) -> None:
        """Return once ``done()`` holds, checking after each call."""
        while not done():
            self.called.clear()
            await self.called.wait()
        await turns()  # the poller reads the last answer

    dialect = V2_41

    async def get_dialect(self) -> Dialect:
        return V2_41

    def url(self, route: str) -> URL:
        assert route == "workloads.list"
        return API / "console/workloads/"

    async def send(self, method: str, url: URL, **_: Any) -> Response:
        ids = url.query.getall("ids")
        assert method == "GET" and len(ids) <= BATCH and url.query["limit"] == "100"
        self.calls.append((self.clock.monotonic(), ids))
        self.called.set()
        data = [
            self.items.get(i) or {"id": i, "status": self.statuses[i], "name": f"wl-{i}"}
            for i in ids
            if i in self.statuses or i in self.items
        ]
        body = json.dumps({"count": len(data), "totalCount": len(data), "next": None, "data": data})
        return Response(status=200, headers={}, body=body.encode(), method="GET", url="console/workloads/")


def waiter(
    clock: FakeClock, workload_id: str, policy: PollPolicy | None = None, timeout: float | None = 600
) -> Waiter:
    now = clock.monotonic()
    return Waiter(
        workload_id=workload_id,
        target=WorkloadStatus.RUNNING,
        policy=policy or PollPolicy(),
        started=now,
        deadline=None if timeout is None else now + timeout,
        future=asyncio.get_running_loop().create_future(),
    )


async def turns(n: int = 20) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def fixed(seconds: float) -> PollPolicy:
    return PollPolicy(initial=seconds, factor=1, cap=seconds, jitter=0)


async def test_a_waiter_is_polled_no_sooner_than_its_policy_asks_unless_batched_with_a_due_one() -> None:
    clock = FakeClock()
    ids = [f"{i:024x}" for i in range(6)]
    server = StatusServer(clock, dict.fromkeys(ids, "initializing"))
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    intervals = dict(zip(ids, (1.0, 1.0, 3.0, 7.0, 10.0, 10.0), strict=True))
    waiters = [waiter(clock, i, fixed(intervals[i])) for i in ids]
    for w in waiters:
        poller.add(w)
    await server.until(lambda: clock.monotonic() >= 120)
    last: dict[str, float] = {}
    for at, called in server.calls:
        gaps = {i: at - last.get(i, 0.0) for i in called}
        # every call carries at least one waiter that is due ...
        assert any(gaps[i] >= intervals[i] - 1e-9 for i in called), (at, gaps)
        # ... and the others are at least half-way to their own next poll
        assert all(gaps[i] >= intervals[i] / 2 - 1e-9 for i in called), (at, gaps)
        last.update(dict.fromkeys(called, at))
    polled = {i: sum(i in c for _, c in server.calls) for i in ids}
    assert polled[ids[0]] >= 100 and polled[ids[4]] <= 120 / 5 + 1
    for w in waiters:
        w.future.cancel()
    await turns()
    assert not poller.running


@pytest.mark.timeout(240)  # a few seconds of CPU; more on a shared, busy machine
async def test_100k_waits_are_registered_served_and_cancelled_without_a_full_scan() -> None:
    n = 100_000
    clock = GatedClock()
    ids = [f"{i:024x}" for i in range(n)]
    server = StatusServer(clock, dict.fromkeys(ids, "initializing"))
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    waiters = []
    every_second = fixed(1.0)
    for k, workload_id in enumerate(ids):
        w = waiter(clock, workload_id, every_second)
        poller.add(w)
        waiters.append(w)
        if k % 1000 == 0:
            await asyncio.sleep(0)  # the poller runs between registrations
    assert poller.pending == n
    # registering woke the sleeping poller once (the first wait); the others were due no earlier
    assert poller.wakeups <= 1 and poller.examined <= 2
    clock.gate.put_nowait(None)  # let one sleep pass: every wait is due
    await server.until(lambda: len(server.calls) == n // BATCH)
    assert len(server.calls) == n // BATCH
    assert all(w.polls == 1 and not w.future.done() for w in waiters)
    # each wait's schedule entry was looked at about once: nothing walked all the waits per step
    assert poller.examined <= 2 * n
    for w in waiters:
        w.future.cancel()
    await turns()
    assert poller.pending == 0 and not poller.running


async def test_registering_one_wait_per_loop_turn_wakes_the_poller_only_for_an_earlier_one() -> None:
    clock = GatedClock()
    server = StatusServer(clock)
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    waiters = [waiter(clock, f"{i:024x}", fixed(2.0)) for i in range(2000)]
    for w in waiters:
        poller.add(w)
        await asyncio.sleep(0)
    woken = poller.wakeups
    assert woken <= 1 and poller.examined <= 2
    early = waiter(clock, "f" * 24, fixed(0.5))
    poller.add(early)
    await turns()
    assert poller.wakeups == woken + 1
    for w in [*waiters, early]:
        w.future.cancel()
    await turns()
    assert not poller.running


async def test_the_poller_never_holds_a_full_model_per_idle_waiter() -> None:
    clock = FakeClock()
    ids = [f"{i:024x}" for i in range(1000)]
    server = StatusServer(clock)
    for i in ids:
        server.statuses[i] = "initializing"
        server.items[i] = {
            "id": i,
            "name": f"wl-{i}",
            "status": "initializing",
            "statusDetails": None,
            "artifactId": "a" * 24,
            "runtime": {"replicaCount": 1, "resources": [{"resourceBundleId": "cpu.small"}]},
            "creator": {"id": "u" * 24, "email": "someone@example.com"},
            "createdAt": "2026-01-01T00:00:00Z",
        }

    def models() -> int:
        gc.collect()
        return sum(type(o) is Workload for o in gc.get_objects())

    models_before = models()
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    waiters = [waiter(clock, i, fixed(1.0)) for i in ids]
    for w in waiters:
        poller.add(w)
    await server.until(lambda: len(server.calls) >= 3 * len(ids) // BATCH)
    assert models() - models_before < 10
    assert all(w.last_status is WorkloadStatus.INITIALIZING and w.last_details is None for w in waiters)
    # the last status seen is still at hand for a timeout
    assert waiters[0].last_seen == Workload(id=ids[0], status=WorkloadStatus.INITIALIZING)
    for w in waiters:
        w.future.cancel()
    await turns()


async def test_one_unreadable_workload_of_a_page_fails_its_own_wait_and_no_other() -> None:
    clock = FakeClock()
    ids = [f"{i:024x}" for i in range(100)]
    server = StatusServer(clock, dict.fromkeys(ids, "running"))
    server.items[ids[37]] = {"id": ids[37], "status": "running", "createdAt": "the day before yesterday"}
    server.items[ids[64]] = {"id": ids[64], "status": 42}
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    waiters = [waiter(clock, i) for i in ids]
    for w in waiters:
        poller.add(w)
    await asyncio.wait([w.future for w in waiters])
    assert len(server.calls) == 1  # everything was settled by the first answer
    failed = {w.workload_id: w.future.exception() for w in waiters if w.future.exception() is not None}
    assert set(failed) == {ids[37], ids[64]}
    bad_time, bad_status = failed[ids[37]], failed[ids[64]]
    assert isinstance(bad_time, ResponseDecodeError) and any("created_at" in p for p in bad_time.problems)
    assert f"workload {ids[37]}" in str(bad_time)
    assert isinstance(bad_status, ResponseDecodeError) and bad_status.problems == (
        "Workload.status: expected a string, got int",
    )
    assert all(
        w.future.result().status is WorkloadStatus.RUNNING for w in waiters if w.workload_id not in failed
    )


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b"{not json", b'{"data": 7}'])
async def test_an_unreadable_status_page_fails_the_waits_of_its_call_once_it_persists(body: bytes) -> None:
    clock = FakeClock()

    class Broken(StatusServer):
        async def send(self, method: str, url: URL, **kwargs: Any) -> Response:
            await super().send(method, url, **kwargs)
            return Response(status=200, headers={}, body=body, method="GET", url="console/workloads/")

    server = Broken(clock)
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    w = waiter(clock, "a" * 24, fixed(1.0), timeout=1800)
    poller.add(w)
    with pytest.raises(ResponseDecodeError) as caught:
        await w.future
    assert len(server.calls) == 3 and clock.monotonic() < 10  # not thirty minutes later
    assert caught.value.url == "console/workloads/"


class GatedStatusServer(StatusServer):
    """A status server whose calls for ``held`` ids wait until ``release`` is set."""

    def __init__(self, clock: FakeClock, statuses: dict[str, Any], held: set[str]) -> None:
        super().__init__(clock, statuses)
        self.held = held
        self.release = asyncio.Event()

    async def send(self, method: str, url: URL, **kwargs: Any) -> Response:
        if self.held.intersection(url.query.getall("ids")):
            await self.release.wait()
        return await super().send(method, url, **kwargs)


async def test_a_wait_due_while_a_round_still_covers_its_workload_is_polled_after_that_round() -> None:
    clock = FakeClock()
    first = [f"{i:024x}" for i in range(BATCH)]  # answered at once
    second = [f"{i:024x}" for i in range(BATCH, 2 * BATCH)]  # held: the round stays in flight
    target = first[0]
    statuses = {**dict.fromkeys(first, "initializing"), **dict.fromkeys(second, "initializing")}
    statuses[target] = "running"
    server = GatedStatusServer(clock, statuses, held=set(second))
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    early = waiter(clock, target, fixed(1.0))
    others = [waiter(clock, i, fixed(1.0)) for i in first[1:] + second]
    for w in (early, *others):
        poller.add(w)
    await server.until(lambda: early.future.done())  # the first call answered; the second is held
    assert early.future.result().status is WorkloadStatus.RUNNING
    statuses[target] = "initializing"  # restarted: a new wait for the same workload begins
    late = Waiter(
        workload_id=target,
        target=WorkloadStatus.RUNNING,
        policy=fixed(1.0),
        started=clock.monotonic() - 1.0,  # due now, while the held round still covers its id
        deadline=clock.monotonic() + 600,
        future=asyncio.get_running_loop().create_future(),
    )
    poller.add(late)
    await turns()
    statuses[target] = "running"
    server.release.set()
    await server.until(lambda: late.future.done() or clock.monotonic() > 60)
    assert late.future.done() and late.future.result().status is WorkloadStatus.RUNNING
    for w in others:
        w.future.cancel()
    await turns()
    assert not poller.running


class SlowStatusServer(StatusServer):
    """Each answer takes ``seconds`` of the fake clock, so a round's answers land one by one."""

    def __init__(self, clock: FakeClock, statuses: dict[str, Any], seconds: float) -> None:
        super().__init__(clock, statuses)
        self.seconds = seconds

    async def send(self, method: str, url: URL, **kw: Any) -> Response:
        self.clock.advance(self.seconds)
        return await super().send(method, url, **kw)


async def test_answers_arriving_one_by_one_do_not_split_the_next_round_into_a_round_a_call() -> None:
    clock = FakeClock()
    ids = [f"{i:024x}" for i in range(1000)]
    # ten calls a round, answered 9 ms apart: the waits of one round fall due over 90 ms
    server = SlowStatusServer(clock, dict.fromkeys(ids, "initializing"), seconds=0.009)
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    waiters = [waiter(clock, i, fixed(1.0), timeout=None) for i in ids]
    for w in waiters:
        poller.add(w)
    await server.until(lambda: len(server.calls) >= 10 * len(ids) // BATCH)
    intervals = len(server.calls) / (len(ids) // BATCH)  # each wait polled this many times
    # without coalescing, each call's waits would fall due apart: a round per call
    assert poller.rounds <= 2 * intervals + 1, (poller.rounds, len(server.calls))
    last: dict[str, float] = {}
    for at, called in server.calls:  # and no wait was polled sooner than its interval
        assert all(at - last.get(i, -1.0) >= 1.0 - 1e-9 for i in called), at
        last.update(dict.fromkeys(called, at))
    for w in waiters:
        w.future.cancel()
    await turns()


async def test_a_round_gathering_later_waits_never_holds_a_quick_wait_past_its_own_share() -> None:
    clock = FakeClock()
    slow_id, quick_id = "a" * 24, "b" * 24
    server = StatusServer(clock, {slow_id: "initializing", quick_id: "running"})
    poller = StatusPoller(server, clock)  # type: ignore[arg-type]
    slow = waiter(clock, slow_id, fixed(20.0))  # due at 20 s: its share of lateness is up to 0.5 s
    quick = waiter(clock, quick_id, fixed(0.2))  # due at 0.2 s, its share 0.01 s
    slow.started, quick.started, quick.deadline = -19.99, -0.15, 0.9  # due at 0.01 s and 0.05 s
    poller.add(slow)
    poller.add(quick)
    await server.until(lambda: quick.future.done())
    assert quick.future.result().status is WorkloadStatus.RUNNING
    first_call_at, called = server.calls[0]
    assert called == [slow_id, quick_id]  # one call for both ...
    assert first_call_at <= 0.05 + 1 / 128 + 0.05 * 0.2 + 1e-9  # ... no later than the quick one's share
    slow.future.cancel()
    await turns()


@pytest.mark.parametrize(
    "ids",
    [
        ["6650a1b2c3d4e5f601234567"],
        ["abc", "DEF", "123"],
        ["a b", "c&d"],
        ["é1", "x"],
        ["ok", "a/b?c=d#e"],
        ["ünïcode", "plain"],
    ],
)
@pytest.mark.parametrize(
    "first", ["https://h.example/api/v2/workloads/", "https://h.example/x%20y/workloads/"]
)
def test_status_url_is_the_query_yarl_builds(ids: list[str], first: str) -> None:
    base = URL(first)
    expected = base.with_query([("limit", str(BATCH)), *(("ids", i) for i in ids)])
    url = status_url(base, ids)
    assert str(url) == str(expected)
    assert url.query.getall("ids") == ids

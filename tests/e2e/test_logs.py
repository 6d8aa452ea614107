"""Workload logs through the SDK against the emulator: reading (newest first) and following
(oldest first, as records appear), on a fake clock shared by client and emulator."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import aclosing
from datetime import timedelta

import pytest

from workload_async import (
    Client,
    Container,
    FakeClock,
    InputArtifact,
    LogRecord,
    NotFoundError,
    PollPolicy,
    WorkloadFailedError,
    WorkloadStatus,
)
from workload_async.emulator import CRASH_IMAGE, Emulator

STEADY = PollPolicy(initial=1.0, factor=2.0, cap=4.0, jitter=0.0)


def artifact(image: str = "registry.example.com/echo:1") -> InputArtifact:
    return InputArtifact.single("echo", Container(image_uri=image, port=8080))


def text(records: list[LogRecord]) -> list[str | None]:
    return [r.message for r in records]


START = [
    "Scheduling 1 replica",
    'Pulling image "registry.example.com/echo:1"',
    'Pulled image "registry.example.com/echo:1"',
    'Starting container "container-0"',
    "Serving on port 8080",
    "Workload is ready",
]


async def test_the_log_of_a_start_reads_newest_first(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    records = await client.workloads.logs(wl.id).collect()
    assert text(records) == START[::-1]
    assert {r.level for r in records} == {"INFO" if client.api_version == "v2.41" else "info"}
    stamps = [r.timestamp for r in records]
    assert None not in stamps and stamps == sorted(stamps, reverse=True)  # type: ignore[type-var]


async def test_the_log_of_an_errored_start_holds_the_traceback_the_log_tail_shows(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))
    with pytest.raises(WorkloadFailedError) as failed:
        await client.workloads.wait(wl.id)
    (error,) = await client.workloads.logs(wl.id, level="ERROR").collect()
    assert error.message == "RuntimeError: model file /opt/model/weights.bin not found"
    assert error.stacktrace is not None and error.stacktrace.startswith("Traceback")
    assert failed.value.log_tail[-1] == error.message
    assert failed.value.log_tail[-3:-1] == tuple(error.stacktrace.splitlines())
    assert "Workload is ready" not in text(await client.workloads.logs(wl.id).collect())


async def test_the_log_of_a_stop(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    await client.workloads.stop(wl.id, wait=True)
    newest = await client.workloads.logs(wl.id).collect(3)
    assert text(newest) == ["Workload stopped", 'Stopping container "container-0"', "Stop requested"]


async def test_filters_reach_the_server(client: Client, emu: Emulator, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    emu.write_log(wl.id, "cache warm", span_id="s1", trace_id="t1")
    clock.advance(600)
    emu.write_log(wl.id, "cache cold", level="WARNING", span_id="s2", trace_id="t1")
    emu.write_log(wl.id, "request failed", level="ERROR", trace_id="t2")
    logs = client.workloads.logs
    # a level is exact on v2.41 and a minimum on 11.5 (as its live service reads it)
    at_least = ["request failed", "cache cold"] if client.api_version == "11.5" else ["cache cold"]
    assert text(await logs(wl.id, level="warning").collect()) == at_least
    assert text(await logs(wl.id, level="WARN").collect()) == at_least
    assert text(await logs(wl.id, includes=["cache"], excludes=["warm"]).collect()) == ["cache cold"]
    assert text(await logs(wl.id, span_id="s1").collect()) == ["cache warm"]
    assert text(await logs(wl.id, trace_id="t1").collect()) == ["cache cold", "cache warm"]
    recent = await logs(wl.id, since=timedelta(minutes=5)).collect()
    assert text(recent) == ["request failed", "cache cold"]
    older = await logs(wl.id, until=timedelta(minutes=5)).collect()
    assert text(older)[0] == "cache warm"
    first = older[-1].timestamp
    assert text(await logs(wl.id, since=first, until=first).collect()) == ["Scheduling 1 replica"]


async def test_paging_across_thousands_of_records(client: Client, emu: Emulator) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    for i in range(2500):
        emu.write_log(wl.id, f"line {i}")
    emu.reset_counters()
    records = await client.workloads.logs(wl.id, page_size=1000).collect()
    assert len(records) == 2500 + len(START)
    assert text(records[:2]) == ["line 2499", "line 2498"] and records[2499].message == "line 0"
    assert text(records[2500:]) == START[::-1]
    assert emu.counts["workloads.logs"] == 3
    page = await client.workloads.logs(wl.id, includes=["line 1"]).first_page()
    assert (page.count, page.total_count) == (100, 1 + 10 + 100 + 1000)


async def test_follow_yields_records_oldest_first_as_they_appear_and_ends_when_settled(
    client: Client, clock: FakeClock, emu: Emulator
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    seen: list[tuple[float, str | None]] = []
    async for record in client.workloads.follow_logs(wl.id, until_settled=True, poll=STEADY):
        seen.append((clock.monotonic(), record.message))
    assert [m for _, m in seen] == START
    assert seen[0][0] == 0.0 and seen[-1][0] >= 2.0  # the last ones appeared while following
    assert await client.workloads.get(wl.id) is not None and emu.status_of(wl.id) == "running"


async def test_follow_picks_up_what_the_application_writes_until_cancelled(
    client: Client, emu: Emulator
) -> None:
    wl = await client.workloads.create(artifact=artifact())
    await client.workloads.wait(wl.id)
    got: list[str | None] = []
    async with aclosing(client.workloads.follow_logs(wl.id, poll=STEADY)) as follow:
        async for record in follow:
            got.append(record.message)
            if record.message == "Workload is ready":
                emu.write_log(wl.id, "hello")  # same millisecond as nothing before: a new record
                emu.write_log(wl.id, "hello")  # identical and simultaneous: still its own record
            if len(got) == len(START) + 2:
                break
    assert got == [*START, "hello", "hello"]


class HookedClock(FakeClock):
    """A fake clock that calls ``hook(n)`` before its ``n``-th sleep (counting from 1)."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeps = 0
        self.hook: Callable[[int], None] = lambda n: None

    async def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.hook(self.sleeps)
        await super().sleep(seconds)


async def test_follow_polls_at_the_poll_policy_cadence_on_the_client_clock() -> None:
    clock = HookedClock()
    async with (
        Emulator(clock=clock, startup_seconds=0) as emu,
        Client(emu.url, emu.token, clock=clock) as client,
    ):
        wl = await client.workloads.create(artifact=artifact())
        await client.workloads.wait(wl.id)
        emu.reset_counters()
        start, clock.sleeps = clock.monotonic(), 0
        clock.hook = lambda n: emu.write_log(wl.id, {5: "news", 6: "later"}[n]) if n in (5, 6) else None
        got = []
        async with aclosing(client.workloads.follow_logs(wl.id, poll=STEADY)) as follow:
            async for record in follow:
                got.append(record.message)
                if record.message == "later":
                    break
        times = [t - start for t, route, _ in emu.request_log if route == "workloads.logs"]
    assert got == [*START, "news", "later"]
    # after the records already there, quiet polls back off 1, 2, 4, 4 s; the poll that finds
    # "news" (written after the fifth) makes the next one come fast again
    assert times == pytest.approx([0, 1, 3, 7, 11, 15, 16])


async def test_follow_with_a_level_only_yields_that_level(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))
    follow = client.workloads.follow_logs(wl.id, level="ERROR", until_settled=True)
    records = [r async for r in follow]
    assert [(r.level or "").upper() for r in records] == ["ERROR"] and (
        await client.workloads.get(wl.id)
    ).status == (WorkloadStatus.ERRORED)


async def test_logs_of_an_unknown_workload(client: Client) -> None:
    with pytest.raises(NotFoundError):
        await client.workloads.logs("f" * 24).collect()
    with pytest.raises(NotFoundError):
        async for _ in client.workloads.follow_logs("f" * 24):
            pass


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "TRACE"}, "level must be one of debug, info, warning, error, critical"),
        ({"level": 3}, "level must be one of debug"),
        ({"includes": "cache"}, r"includes must be a list of strings, e.g. includes=\['cache'\]"),
        ({"excludes": [""]}, r"excludes\[0\] must be a non-empty string"),
        ({"since": timedelta(minutes=1), "until": timedelta(minutes=5)}, "since .* is after until"),
        ({"since": timedelta(minutes=-1)}, "must not be negative"),
        ({"since": "10m"}, "since must be a datetime or a timedelta"),
        ({"page_size": 1001}, "page_size must be between 1 and 1000"),
    ],
)
async def test_bad_log_filters_raise_before_sending(
    client: Client, emu: Emulator, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        client.workloads.logs("w" * 24, **kwargs)  # type: ignore[arg-type]
    assert emu.counts["workloads.logs"] == 0

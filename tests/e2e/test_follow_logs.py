"""Following a log through failures, to a deadline, and resuming it from a record's position."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import pytest

from workload_async import (
    AuthenticationError,
    Client,
    ClientClosedError,
    Container,
    FakeClock,
    InputArtifact,
    LogRecord,
    PollPolicy,
    ServerError,
)
from workload_async.emulator import Emulator

STEADY = PollPolicy(initial=1.0, factor=2.0, cap=4.0, jitter=0.0)


async def running(client: Client) -> str:
    wl = await client.workloads.create(
        artifact=InputArtifact.single("a", Container(image_uri="i", port=8080))
    )
    await client.workloads.wait(wl.id)
    return wl.id


async def take(follow: AsyncGenerator[LogRecord, None], n: int) -> list[LogRecord]:
    got: list[LogRecord] = []
    async with aclosing(follow) as records:
        async for record in records:
            got.append(record)
            if len(got) == n:
                break
    return got


async def test_a_follow_keeps_following_through_failed_polls(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    workload_id = await running(client)
    before = len(await client.workloads.logs(workload_id).collect())
    # every attempt of the next three polls fails (each poll is one call and its retries)
    emu.add_fault("status", route="workloads.logs", status=503, times=3 * client._transport.retry.attempts)
    follow = client.workloads.follow_logs(workload_id, poll=STEADY)
    emu.write_log(workload_id, "after the outage")
    got = await take(follow, before + 1)
    assert [r.message for r in got][-1] == "after the outage"
    assert len({r.position for r in got}) == len(got)  # each record once
    assert emu.counts["workloads.logs"] >= 3 * client._transport.retry.attempts + 1


async def test_each_record_carries_a_position_that_a_new_follow_resumes_after(
    client: Client, emu: Emulator
) -> None:
    workload_id = await running(client)
    everything = await client.workloads.logs(workload_id).collect()
    first = await take(client.workloads.follow_logs(workload_id, poll=STEADY), 2)
    assert all(r.position for r in first)
    emu.write_log(workload_id, "twin")
    emu.write_log(workload_id, "twin")  # identical and in the same millisecond
    resumed = await take(
        client.workloads.follow_logs(workload_id, after=first[-1].position, poll=STEADY),
        len(everything) - 2 + 2,
    )
    messages = [r.message for r in [*first, *resumed]]
    assert messages == [*[r.message for r in reversed(everything)], "twin", "twin"]  # nothing twice
    again = await take(client.workloads.follow_logs(workload_id, after=resumed[-2].position), 1)
    assert again[0].message == "twin" and again[0].position == resumed[-1].position


async def test_a_follow_ends_at_its_own_deadline(client: Client, clock: FakeClock) -> None:
    workload_id = await running(client)
    started = clock.monotonic()
    records = [r async for r in client.workloads.follow_logs(workload_id, poll=STEADY, timeout=30)]
    assert records and started + 30 <= clock.monotonic() < started + 31  # its deadline, as the SDK adds it


async def test_a_follow_failing_at_its_deadline_raises_the_last_failure(
    client: Client, emu: Emulator, clock: FakeClock
) -> None:
    workload_id = await running(client)
    emu.add_fault("status", route="workloads.logs", status=503)
    with pytest.raises(ServerError):
        async for _ in client.workloads.follow_logs(workload_id, poll=STEADY, timeout=120):
            pass
    assert clock.monotonic() >= 120  # it kept trying until then


async def test_a_failure_that_will_not_pass_ends_the_follow_at_once(client: Client, emu: Emulator) -> None:
    workload_id = await running(client)
    emu.add_fault("status", route="workloads.logs", status=401)
    with pytest.raises(AuthenticationError):
        async for _ in client.workloads.follow_logs(workload_id, poll=STEADY):
            pass
    assert emu.counts["workloads.logs"] == 1


async def test_closing_the_client_ends_a_follow_that_waits_to_poll_again(client: Client) -> None:
    workload_id = await running(client)
    got: list[str | None] = []

    async def follow() -> None:
        async for record in client.workloads.follow_logs(
            workload_id, poll=PollPolicy(initial=3600, cap=3600)
        ):
            got.append(record.message)

    task = asyncio.create_task(follow())
    for _ in range(1000):
        if got:
            break
        await asyncio.sleep(0)
    await client.close()
    with pytest.raises(ClientClosedError):
        await task


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"since": datetime(2026, 1, 1)}, ValueError, "since must be an aware datetime"),
        ({"after": "yesterday"}, ValueError, "after must be the position of a record"),
        ({"after": 5}, TypeError, "after must be a LogRecord's position"),
        (
            {"after": "2026-01-01T00:00:00+00:00#1", "since": datetime(2026, 1, 1).astimezone()},
            ValueError,
            "pass since= or after=, not both",
        ),
        ({"timeout": 0}, ValueError, "timeout must be a finite number of seconds > 0"),
        ({"timeout": float("nan")}, ValueError, "timeout must be a finite number"),
        ({"deadline": "soon"}, TypeError, "deadline must be a time from client.deadline"),
        ({"until_settled": "yes"}, TypeError, "until_settled must be True or False"),
        ({"poll": 5}, TypeError, "poll must be a PollPolicy"),
    ],
)
async def test_bad_arguments_are_refused_at_the_call(
    client: Client, emu: Emulator, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        client.workloads.follow_logs("w" * 24, **kwargs)  # type: ignore[arg-type]
    assert emu.counts["workloads.logs"] == 0


@pytest.mark.parametrize("method", ["logs", "follow_logs"])
async def test_a_naive_since_is_refused_before_anything_is_sent(
    client: Client, emu: Emulator, method: str
) -> None:
    with pytest.raises(ValueError, match=r"since must be an aware datetime .* got a naive one"):
        getattr(client.workloads, method)("w" * 24, since=datetime(2026, 1, 1))
    assert emu.counts["workloads.logs"] == 0

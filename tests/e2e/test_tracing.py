"""OpenTelemetry spans of requests, waits, bulk calls and polling rounds, read from the SDK's
in-memory exporter while a client works against the emulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, Sampler, SamplingResult

from tests.conftest import unique_name
from workload_async import (
    ArtifactStatus,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    RetryPolicy,
    WaitTimeoutError,
    WorkloadFailedError,
    WorkloadStatus,
)
from workload_async.emulator import CRASH_IMAGE, Emulator

S = WorkloadStatus


class Switch(Sampler):
    """Records spans only while a tracing test runs: the provider is global to the process."""

    on = False

    def should_sample(self, *args: Any, **kwargs: Any) -> SamplingResult:
        return (ALWAYS_ON if self.on else ALWAYS_OFF).should_sample(*args, **kwargs)

    def get_description(self) -> str:
        return "switch"


SWITCH = Switch()
EXPORTER = InMemorySpanExporter()


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider(sampler=SWITCH)
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(provider)
    EXPORTER.clear()
    SWITCH.on = True
    try:
        yield EXPORTER
    finally:
        SWITCH.on = False
        EXPORTER.clear()


APP = trace.get_tracer("the application")


def artifact(image: str = "registry.example.com/echo:1") -> InputArtifact:
    return InputArtifact.single(unique_name("a"), Container(image_uri=image, port=8080))


def named(exporter: InMemorySpanExporter, name: str) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.name == name]


def one(exporter: InMemorySpanExporter, name: str) -> ReadableSpan:
    found = named(exporter, name)
    assert len(found) == 1, [s.name for s in exporter.get_finished_spans()]
    return found[0]


def is_child(span: ReadableSpan, parent: ReadableSpan) -> bool:
    assert span.parent is not None and parent.context is not None
    return bool(span.parent.span_id == parent.context.span_id)


async def poller_idle(client: Client) -> None:
    """Let the poller finish the round that settled the last wait (its span ends after the wait's)."""
    while client.poller.running:  # noqa: ASYNC110 - it stops by itself once no wait is pending
        await asyncio.sleep(0)


def linked_ids(spans: Sequence[ReadableSpan]) -> set[int]:
    return {link.context.span_id for s in spans for link in s.links}


async def test_a_wait_span_is_a_child_of_the_span_current_where_it_was_awaited(
    client: Client, spans: InMemorySpanExporter
) -> None:
    workload = await client.workloads.create(artifact=artifact())
    with APP.start_as_current_span("pipeline step"):
        await client.workloads.wait(workload.id, until=S.RUNNING, timeout=60)
    app, wait = one(spans, "pipeline step"), one(spans, "workload_async.wait")
    assert is_child(wait, app)
    assert wait.attributes is not None
    assert wait.attributes["workload_async.workload.id"] == workload.id
    assert wait.attributes["workload_async.wait.target"] == "running"
    assert wait.attributes["workload_async.wait.outcome"] == "reached"
    assert wait.attributes["workload_async.workload.status"] == "running"
    polls = wait.attributes["workload_async.wait.polls"]
    assert isinstance(polls, int) and polls >= 2
    changes = [e.attributes for e in wait.events if e.name == "workload_async.status_change" and e.attributes]
    statuses = [c["workload_async.workload.status"] for c in changes]
    assert statuses[-1] == "running" and len(set(statuses)) == len(statuses) >= 2
    assert "workload_async.workload.previous_status" not in changes[0]
    assert [c["workload_async.workload.previous_status"] for c in changes[1:]] == statuses[:-1]


async def test_polling_rounds_are_root_spans_linked_to_the_waits_they_served(
    client: Client, spans: InMemorySpanExporter
) -> None:
    workload = await client.workloads.create(artifact=artifact())
    with APP.start_as_current_span("pipeline step"):
        await client.workloads.wait(workload.id, timeout=60)
    await poller_idle(client)
    wait, rounds = one(spans, "workload_async.wait"), named(spans, "workload_async.poll")
    assert len(rounds) == client.poller.rounds >= 2
    assert all(r.parent is None for r in rounds)
    assert all([link.context.span_id for link in r.links] == [wait.context.span_id] for r in rounds)
    assert all(
        r.attributes == {"workload_async.poll.batch_size": 1, "workload_async.poll.calls": 1} for r in rounds
    )
    # the status calls of a round are its children, not the application's
    lists = [
        s
        for s in named(spans, "workload_async.request")
        if s.attributes and s.attributes["workload_async.route"] == "workloads.list"
    ]
    round_ids = {r.context.span_id for r in rounds}
    assert len(lists) == len(rounds) and all(s.parent and s.parent.span_id in round_ids for s in lists)


async def test_start_many_with_wait_makes_one_bulk_span_and_one_wait_span_per_workload(
    client: Client, spans: InMemorySpanExporter
) -> None:
    art = await client.artifacts.create(
        InputArtifact.single("r", Container(image_uri="img", port=8080), status=ArtifactStatus.REGISTERED)
    )
    ids = [(await client.workloads.create(name=unique_name(), artifact_id=art.id)).id for _ in range(50)]
    await client.workloads.stop_many(ids, wait=True, timeout=600)
    await poller_idle(client)
    spans.clear()
    calls_before = client.poller.requests
    with APP.start_as_current_span("rollout"):
        results = await client.workloads.start_many(ids, concurrency=8, wait=True, timeout=600)
    assert all(r.ok for r in results.values())
    await poller_idle(client)
    app, bulk = one(spans, "rollout"), one(spans, "workload_async.bulk")
    assert is_child(bulk, app)
    assert bulk.attributes == {
        "workload_async.route": "workloads.start",
        "workload_async.bulk.wait": True,
        "workload_async.workload.count": 50,
        "workload_async.bulk.reached": 50,
    }
    waits = named(spans, "workload_async.wait")
    assert sorted(str(w.attributes["workload_async.workload.id"]) for w in waits if w.attributes) == sorted(
        ids
    )
    assert all(
        is_child(w, bulk) and w.attributes and w.attributes["workload_async.wait.outcome"] == "reached"
        for w in waits
    )
    starts = [
        s
        for s in named(spans, "workload_async.request")
        if s.attributes and s.attributes["workload_async.route"] == "workloads.start"
    ]
    assert len(starts) == 50 and all(is_child(s, bulk) for s in starts)
    rounds = named(spans, "workload_async.poll")
    assert rounds and all(r.parent is None for r in rounds)
    assert linked_ids(rounds) == {w.context.span_id for w in waits}
    calls = [r.attributes["workload_async.poll.calls"] for r in rounds if r.attributes]
    assert sum(calls) == client.poller.requests - calls_before  # type: ignore[arg-type]


async def test_a_retried_request_is_one_span_per_attempt_with_the_delay_before_it(
    emu: Emulator, clock: FakeClock, spans: InMemorySpanExporter
) -> None:
    async with Client(
        emu.url, emu.token, api_version=emu.api_version, clock=clock, retries=RetryPolicy(jitter=0)
    ) as client:
        workload = await client.workloads.create(artifact=artifact())
        emu.add_fault("status", route="workloads.get", status=503, retry_after=1.5, times=1)
        spans.clear()
        with APP.start_as_current_span("read"):
            await client.workloads.get(workload.id)
    app = one(spans, "read")
    first, second = named(spans, "workload_async.request")
    assert is_child(first, app) and is_child(second, app)
    assert first.attributes == {
        "http.request.method": "GET",
        "workload_async.route": "workloads.get",
        "workload_async.attempt": 1,
        "http.response.status_code": 503,
        "error.type": "503",
    }
    assert first.status.status_code is trace.StatusCode.ERROR
    assert second.attributes == {
        "http.request.method": "GET",
        "workload_async.route": "workloads.get",
        "workload_async.attempt": 2,
        "workload_async.retry_delay": 1.5,
        "http.response.status_code": 200,
    }
    assert second.kind is trace.SpanKind.CLIENT
    assert second.status.status_code is trace.StatusCode.UNSET


async def test_a_request_that_gets_no_response_records_the_error_type(
    client: Client, emu: Emulator, spans: InMemorySpanExporter
) -> None:
    workload = await client.workloads.create(artifact=artifact())
    emu.add_fault("drop_before", route="workloads.delete")
    spans.clear()
    with pytest.raises(Exception, match="connection"):
        await client.workloads.delete(workload.id)
    attempts = named(spans, "workload_async.request")
    assert len(attempts) == client._transport.retry.attempts
    assert all(a.attributes and a.attributes["error.type"] == "TransportError" for a in attempts)
    assert all(a.attributes and "http.response.status_code" not in a.attributes for a in attempts)


async def test_wait_outcomes_failed_timed_out_and_cancelled(
    client: Client, spans: InMemorySpanExporter
) -> None:
    crash = await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))
    with pytest.raises(WorkloadFailedError):
        await client.workloads.wait(crash.id, timeout=60)
    slow = await client.workloads.create(artifact=artifact())
    with pytest.raises(WaitTimeoutError):
        await client.workloads.wait(slow.id, timeout=0.5)
    other = await client.workloads.create(artifact=artifact())
    task = asyncio.create_task(client.workloads.wait(other.id, timeout=60))
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    outcomes = {
        w.attributes["workload_async.workload.id"]: (
            w.attributes["workload_async.wait.outcome"],
            w.attributes.get("error.type"),
        )
        for w in named(spans, "workload_async.wait")
        if w.attributes
    }
    assert outcomes == {
        crash.id: ("failed", "WorkloadFailedError"),
        slow.id: ("timed_out", "WaitTimeoutError"),
        other.id: ("cancelled", None),
    }


async def test_wait_many_is_one_wait_span_with_a_count_and_outcome_counts(
    client: Client, spans: InMemorySpanExporter
) -> None:
    good = [(await client.workloads.create(artifact=artifact())).id for _ in range(3)]
    bad = (await client.workloads.create(artifact=artifact(f"{CRASH_IMAGE}:1"))).id
    spans.clear()
    outcomes = await client.workloads.wait_many([*good, bad], timeout=60)
    assert sum(o.ok for o in outcomes.values()) == 3
    wait = one(spans, "workload_async.wait")
    assert wait.attributes is not None
    assert wait.attributes["workload_async.workload.count"] == 4
    assert wait.attributes["workload_async.wait.outcome"] == "failed"
    assert wait.attributes["workload_async.wait.reached"] == 3
    assert wait.attributes["workload_async.wait.failed"] == 1
    changed = {e.attributes["workload_async.workload.id"] for e in wait.events if e.attributes}
    assert changed == {*good, bad}


async def test_no_span_carries_the_token_a_body_or_an_invoke_payload(
    emu: Emulator, clock: FakeClock, spans: InMemorySpanExporter
) -> None:
    secret = "payload-marker-7f3a"
    async with Client(emu.url, emu.token, api_version=emu.api_version, clock=clock) as client:
        workload = await client.workloads.create(name="named-" + secret, artifact=artifact())
        await client.workloads.wait(workload.id, timeout=60)
        emu.add_fault("status", route="workloads.get", status=502, times=1)
        await client.workloads.get(workload.id)
        await client.workloads.invoke(workload.id, "/predict", method="POST", json={"secret": secret})
        await client.workloads.stop_many([workload.id], wait=True, timeout=60)
    dumped = "".join(s.to_json() for s in spans.get_finished_spans())
    assert "workload_async.request" in dumped and "workload_async.bulk" in dumped
    assert emu.token not in dumped
    assert secret not in dumped
    assert "Bearer" not in dumped
    assert json.loads(spans.get_finished_spans()[0].to_json())  # the dump is what an exporter sends


async def test_tracing_false_makes_no_span(
    emu: Emulator, clock: FakeClock, spans: InMemorySpanExporter
) -> None:
    async with Client(emu.url, emu.token, api_version=emu.api_version, clock=clock, tracing=False) as client:
        workload = await client.workloads.create(artifact=artifact())
        await client.workloads.wait(workload.id, timeout=60)
        await client.workloads.stop_many([workload.id], wait=True, timeout=60)
    assert spans.get_finished_spans() == ()


async def test_a_client_traces_to_the_provider_it_was_given(emu: Emulator, clock: FakeClock) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    async with Client(
        emu.url, emu.token, api_version=emu.api_version, clock=clock, tracer_provider=provider
    ) as client:
        await client.workloads.list().first_page()
    (span,) = exporter.get_finished_spans()
    assert span.name == "workload_async.request" and span.attributes is not None
    assert span.attributes["workload_async.route"] == "workloads.list"
    assert EXPORTER.get_finished_spans() == ()  # not the global provider's


async def test_a_wait_the_caller_gave_up_on_is_cancelled_not_an_error(
    client: Client, spans: InMemorySpanExporter
) -> None:
    workload = await client.workloads.create(artifact=artifact())
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0):
            await client.workloads.wait(workload.id, timeout=60)
    wait = one(spans, "workload_async.wait")
    assert wait.attributes is not None and wait.attributes["workload_async.wait.outcome"] == "cancelled"
    assert wait.status.status_code is trace.StatusCode.UNSET

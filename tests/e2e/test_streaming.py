"""Streaming invoke: events arrive one by one, not buffered."""

from __future__ import annotations

from tests.conftest import GatedClock
from workload_async import Client, Container, FakeClock, InputArtifact, ServerSentEvent
from workload_async.emulator import Emulator


async def test_five_events_arrive_one_by_one() -> None:
    server_clock = GatedClock()
    async with Emulator(clock=server_clock, startup_seconds=0) as emu, Client(emu.url, emu.token) as client:
        wl = await client.workloads.create(
            artifact=InputArtifact.single("s", Container(image_uri="i", port=8080))
        )
        received: list[tuple[ServerSentEvent, int]] = []
        async with client.workloads.stream(wl.id, "stream", params={"n": "5", "gap": "1"}) as response:
            assert response.status == 200
            async for event in response.iter_events():
                received.append((event, emu.state.stream_events_sent))
                server_clock.gate.put_nowait(None)
    assert [e.data for e, _ in received] == [f'{{"n": {i}}}' for i in range(5)]
    assert [e.event for e, _ in received] == ["tick"] * 5
    assert [sent for _, sent in received] == [1, 2, 3, 4, 5]


async def test_leaving_a_stream_early_frees_the_connection(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(
        artifact=InputArtifact.single("s", Container(image_uri="i", port=8080))
    )
    clock.advance(2)
    async with client.workloads.stream(wl.id, "stream", params={"n": "50"}) as response:
        async for _ in response.iter_lines():
            break
    # the client is still fully usable afterwards
    assert (await client.workloads.get(wl.id)).id == wl.id
    async with client.workloads.stream(wl.id, "status/503") as response:
        assert response.status == 503
        assert b"503" in await response.read()


async def test_a_query_written_into_the_path_is_sent_as_the_query(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(
        artifact=InputArtifact.single("s", Container(image_uri="i", port=8080))
    )
    clock.advance(2)
    answer = await client.workloads.invoke(wl.id, "predict?a=1&b=&a=x%20y", params={"c": ["2", "3"]})
    echoed = answer.json()
    assert echoed["path"] == "/predict"  # the '?' is not part of the path
    assert echoed["query"] == {"a": ["1", "x y"], "b": [""], "c": ["2", "3"]}
    async with client.workloads.stream(wl.id, "stream?n=3&gap=0") as response:
        lines = [line async for line in response.iter_lines() if line.startswith("data:")]
    assert len(lines) == 3  # as the emulator guide writes it
    async with client.workloads.websocket(wl.id, "ws?x=1") as ws:  # the socket's path is "ws"
        await ws.send_text("hi")
        assert await ws.receive() == "hi"

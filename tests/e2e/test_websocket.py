"""WebSockets through the invoke route, against the emulator's echo app."""

from __future__ import annotations

import pytest

from workload_async import (
    ArtifactStatus,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    NotFoundError,
    ServerError,
    TransportError,
    WebSocket,
)


def artifact(status: ArtifactStatus | None = None) -> InputArtifact:
    return InputArtifact.single(
        "ws", Container(image_uri="registry.example.com/ws:1", port=8080), status=status
    )


async def test_text_bytes_and_json_echo(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=artifact())
    clock.advance(2)
    async with client.workloads.websocket(wl.id, "ws") as ws:
        assert isinstance(ws, WebSocket)
        await ws.send_text("hello")
        assert await ws.receive() == "hello"
        await ws.send_bytes(b"\x00\x01")
        assert await ws.receive() == b"\x00\x01"
        await ws.send_json({"a": [1, 2]})
        assert await ws.receive_json() == {"a": [1, 2]}
    assert ws.closed


async def test_the_token_does_not_reach_the_application(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=artifact())
    clock.advance(2)
    async with client.workloads.websocket(wl.id, "ws", headers={"X-Trace": "t1"}) as ws:
        await ws.send_text("headers")
        headers = await ws.receive_json()
    assert headers["X-Trace"] == "t1"
    assert not any(k.lower() == "authorization" for k in headers)


async def test_iteration_ends_when_the_application_closes(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=artifact())
    clock.advance(2)
    async with client.workloads.websocket(wl.id, "ws") as ws:
        await ws.send_text("one")
        await ws.send_text("close")
        received = [message async for message in ws]
        assert received == ["one"]
        assert ws.close_code == 4000
        with pytest.raises(TransportError, match="websocket closed"):
            await ws.receive()


async def test_a_refused_handshake_raises_from_the_error_tree(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    with pytest.raises(ServerError) as caught:  # not running yet: the gateway answers 503
        async with client.workloads.websocket(wl.id, "ws"):
            pass
    assert caught.value.status == 503
    assert f"endpoints/workloads/{wl.id}/ws" in str(caught.value)
    with pytest.raises(NotFoundError):
        async with client.workloads.websocket("0" * 24, "ws"):
            pass


@pytest.mark.v2_41_only
async def test_deployments_open_websockets_too(client: Client, clock: FakeClock) -> None:
    wl = await client.workloads.create(artifact=artifact(ArtifactStatus.REGISTERED))
    dep = await client.deployments.create(name="ws", workload_id=wl.id)
    clock.advance(2)
    async with client.deployments.websocket(dep.id, "ws") as ws:
        await ws.send_text("ping")
        assert await ws.receive() == "ping"

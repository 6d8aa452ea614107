"""Faults between the SDK and the emulator: creates whose outcome is unknown, refused sockets."""

from __future__ import annotations

import pytest

from workload_async import (
    Client,
    Container,
    InputArtifact,
    OutcomeUnknownError,
    ServerError,
)
from workload_async.emulator import Emulator


def artifact() -> InputArtifact:
    return InputArtifact.single("a", Container(image_uri="registry.example.com/echo:1", port=8080))


async def test_a_create_dropped_after_acting_is_outcome_unknown_and_found_by_name(
    client: Client, emu: Emulator
) -> None:
    emu.add_fault("drop_after", route="workloads.create", times=1)
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.workloads.create(name="nightly-42", artifact=artifact())
    assert caught.value.name == "nightly-42"
    found = await client.workloads.list(search="nightly-42").collect()
    assert [w.name for w in found] == ["nightly-42"]  # it did happen, exactly once
    assert emu.counts["workloads.create"] == 1


async def test_a_create_dropped_before_acting_is_retried_once_and_made_once(
    client: Client, emu: Emulator
) -> None:
    # a connection closed before any answer cannot be told from one closed after acting
    emu.add_fault("drop_before", route="workloads.create", times=1)
    with pytest.raises(OutcomeUnknownError):
        await client.workloads.create(name="maybe", artifact=artifact())
    assert await client.workloads.list(search="maybe").collect() == []
    made = await client.workloads.create(name="maybe", artifact=artifact())
    assert [w.id for w in await client.workloads.list(search="maybe").collect()] == [made.id]


async def test_a_refused_websocket_keeps_the_server_detail(client: Client) -> None:
    wl = await client.workloads.create(artifact=artifact())
    with pytest.raises(ServerError) as caught:
        async with client.workloads.websocket(wl.id, "ws"):
            pass
    assert caught.value.message == f"Workload {wl.id} is not running (status: submitted)"
    assert caught.value.body == {"detail": caught.value.message}


async def test_a_delete_whose_answer_was_lost_is_done_once_repeated(client: Client, emu: Emulator) -> None:
    wl = await client.workloads.create(name="short-lived", artifact=artifact())
    await client.workloads.get(wl.id)  # a kept-alive connection, as in any busy client
    emu.add_fault("drop_after", route="workloads.delete", times=1)
    await client.workloads.delete(wl.id)
    assert wl.id not in emu.store.workloads
    assert emu.counts["workloads.delete"] == 2

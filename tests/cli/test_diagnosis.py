"""The command line says why a wait is stuck: a workload that cannot pull its image times out
(exit 4) with the diagnosis the SDK read from its proton (API 11.5)."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run
from workload_async.emulator import Emulator

pytestmark = pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
IMAGE = "registry.example.com/x:1"
WHY = f"container container-0: image pull back-off ({IMAGE} not found)"


async def test_create_and_wait_on_an_image_that_cannot_be_pulled_says_why(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    live_emu.fail_image(IMAGE)
    v = ("--api-version", api_version)
    code = await run(
        live_emu, *v, "workloads", "create", "--name", "x", "--image", IMAGE, "--wait", "--timeout", "0.3"
    )
    assert code == 4  # timed out
    err = capsys.readouterr().err
    assert "last status seen" in err or "no poll answered" in err
    assert f"diagnosis: {WHY}" in err


async def test_wait_says_why_in_json_too(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    v = ("--api-version", api_version)
    assert (
        await run(live_emu, *v, "-q", "workloads", "create", "--name", "x", "--image", IMAGE, "--wait") == 0
    )
    workload_id = capsys.readouterr().out.strip()
    assert await run(live_emu, *v, "-q", "workloads", "stop", workload_id, "--wait") == 0
    live_emu.play_failure(workload_id, "image_pull_backoff")  # in its next start
    assert await run(live_emu, *v, "-q", "workloads", "start", workload_id) == 0
    capsys.readouterr()
    assert await run(live_emu, *v, "-o", "json", "workloads", "wait", workload_id, "--timeout", "0.3") == 4
    (row,) = json.loads(capsys.readouterr().out)
    assert row["id"] == workload_id and row["diagnosis"].startswith(WHY)
    assert f"diagnosis: {WHY}" in row["error"]

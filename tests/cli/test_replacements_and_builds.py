"""The command line's replacement and build commands (API 11.5), end to end against the emulator."""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.cli.test_cli import run, running_workload
from workload_async.emulator import CRASH_IMAGE, Emulator

V = ("--api-version", "11.5")
SOURCE = {
    "name": "src",
    "spec": {
        "containerGroups": [
            {
                "containers": [
                    {
                        "primary": True,
                        "port": 8080,
                        "imageBuildConfig": {"dockerfile": {"source": "provided"}},
                    }
                ]
            }
        ]
    },
}


Draft = Callable[..., Awaitable[str]]


@pytest.fixture
def draft(live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Draft:
    """Make a draft artifact of one container with the command line (11.5 puts no resources on
    an artifact, so from a --file); return its id."""

    made = itertools.count()

    async def make(image: str = "i:2") -> str:
        container = {"imageUri": image, "primary": True, "port": 8080}
        spec = tmp_path / f"{next(made)}.json"
        spec.write_text(
            json.dumps({"name": "next", "spec": {"containerGroups": [{"containers": [container]}]}})
        )
        assert await run(live_emu, *V, "-q", "artifacts", "create", "--file", str(spec)) == 0
        return capsys.readouterr().out.strip()

    return make


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_replace_and_wait(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str], draft: Draft
) -> None:
    wl = await running_workload(live_emu, capsys, *V)
    new = await draft()
    code = await run(
        live_emu,
        *V,
        "-o",
        "json",
        "workloads",
        "replace",
        wl,
        "--artifact-id",
        new,
        "--replicas",
        "2",
        "--wait",
    )
    assert code == 0
    captured = capsys.readouterr()
    done = json.loads(captured.out)
    assert done["artifactId"] == new and done["runtime"]["containerGroups"][0]["replicaCount"] == 2
    assert f"of workload {wl} started; waiting for it to end" in captured.err


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_replace_show_and_cancel(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str], draft: Draft
) -> None:
    wl = await running_workload(live_emu, capsys, *V)
    live_emu.hold_replacements(wl, "staged")
    new = await draft()
    args = ("--warmup-minutes", "3", "--keep-old-minutes", "0")
    assert await run(live_emu, *V, "-o", "json", "workloads", "replace", wl, "--artifact-id", new, *args) == 0
    started = json.loads(capsys.readouterr().out)
    assert started["config"] == {"warmupDurationMinutes": 3, "keepOldVersionMinutes": 0}
    while True:  # past the gap
        assert await run(live_emu, *V, "-o", "json", "workloads", "replacement", wl) == 0
        out = capsys.readouterr().out
        if out:
            break
    assert json.loads(out)["id"] == started["id"]
    assert await run(live_emu, *V, "-o", "json", "workloads", "cancel-replacement", wl) == 0
    assert json.loads(capsys.readouterr().out)["status"] in ("canceling", "canceled")  # stop time 0
    live_emu.release_replacements(wl)


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_nothing_to_show_or_cancel_is_said_and_exits_0(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    wl = await running_workload(live_emu, capsys, *V)
    assert await run(live_emu, *V, "workloads", "replacement", wl) == 0
    assert capsys.readouterr().err.strip() == f"workload {wl} has no replacement in progress"
    assert await run(live_emu, *V, "workloads", "cancel-replacement", wl) == 0
    assert capsys.readouterr().err.strip() == f"workload {wl} had no replacement to cancel"
    assert await run(live_emu, *V, "workloads", "replacement", "0" * 24) == 1
    assert "[404]" in capsys.readouterr().err


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_a_failed_rollout_exits_3_and_a_slow_one_4(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str], draft: Draft
) -> None:
    wl = await running_workload(live_emu, capsys, *V)
    broken = await draft(CRASH_IMAGE)
    assert await run(live_emu, *V, "workloads", "replace", wl, "--artifact-id", broken, "--wait") == 3
    assert "errored: the candidate never became healthy" in capsys.readouterr().err
    live_emu.hold_replacements(wl, "staged")
    new = await draft()
    code = await run(
        live_emu, *V, "workloads", "replace", wl, "--artifact-id", new, "--wait", "--timeout", "0.2"
    )
    assert code == 4
    assert "did not reach the end of its replacement" in capsys.readouterr().err


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_a_rollout_stuck_on_its_new_image_says_why(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str], draft: Draft
) -> None:
    live_emu.fail_image("registry.example.com/app:404")
    wl = await running_workload(live_emu, capsys, *V)
    new = await draft("registry.example.com/app:404")
    code = await run(
        live_emu, *V, "workloads", "replace", wl, "--artifact-id", new, "--wait", "--timeout", "0.3"
    )
    assert code == 4
    err = capsys.readouterr().err
    assert "did not reach the end of its replacement" in err
    assert "; diagnosis: candidate: container container-0: image pull back-off" in err


async def test_on_v2_41_the_commands_say_what_is_missing(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(live_emu, "workloads", "replace", "w", "--artifact-id", "a") == 1
    assert "replacements is not part of API v2.41" in capsys.readouterr().err
    assert await run(live_emu, "artifacts", "build", "a") == 1
    assert "image builds is not part of API v2.41" in capsys.readouterr().err


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_build_wait_and_logs(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = tmp_path / "src.json"
    spec.write_text(json.dumps(SOURCE))
    assert await run(live_emu, *V, "-q", "artifacts", "create", "--file", str(spec)) == 0
    art = capsys.readouterr().out.strip()
    assert await run(live_emu, *V, "-o", "json", "artifacts", "build", art, "--wait", "--logs") == 0
    captured = capsys.readouterr()
    (build,) = json.loads(captured.out)
    assert build["status"] == "COMPLETED"
    assert f"{build['id'][:8]} | [" in captured.err and "pushed registry.emulator.local/" in captured.err
    assert await run(live_emu, *V, "artifacts", "builds", art) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "NAME", "STATUS", "CREATEDAT", "UPDATEDAT"] and build["id"] in table[1]
    assert await run(live_emu, *V, "-o", "json", "artifacts", "get", art) == 0
    image = json.loads(capsys.readouterr().out)["spec"]["containerGroups"][0]["containers"][0]["imageUri"]
    assert image.startswith("registry.emulator.local/")


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_a_failed_build_exits_3_with_its_log(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    failing = json.loads(json.dumps(SOURCE))
    failing["spec"]["containerGroups"][0]["containers"][0]["imageBuildConfig"]["dockerfile"]["path"] = (
        "emulator/fail.Dockerfile"
    )
    spec = tmp_path / "src.json"
    spec.write_text(json.dumps(failing))
    assert await run(live_emu, *V, "-q", "artifacts", "create", "--file", str(spec)) == 0
    art = capsys.readouterr().out.strip()
    assert await run(live_emu, *V, "artifacts", "build", art, "--wait") == 3
    err = capsys.readouterr().err
    assert "ended FAILED" in err and "  | [" in err and "failed to solve" in err

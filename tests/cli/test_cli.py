"""The command line against a real-clock emulator; ``main`` runs in a worker thread with its own loop."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

import workload_async
from workload_async.cli import main
from workload_async.cli._serve import _token_line
from workload_async.emulator import CRASH_IMAGE, Emulator


async def run(live_emu: Emulator | None, *argv: str) -> int:
    prefix = [f"--endpoint={live_emu.url}", f"--token={live_emu.token}"] if live_emu is not None else []
    return await asyncio.to_thread(main, [*prefix, *argv])


async def test_create_get_list_and_delete(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        await run(
            live_emu, "-o", "json", "workloads", "create", "--name", "cli", "--image", "img:1", "--wait"
        )
        == 0
    )
    created = json.loads(capsys.readouterr().out)
    assert created["status"] == "running" and created["name"] == "cli"
    assert await run(live_emu, "workloads", "list") == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["ID", "NAME", "STATUS", "ARTIFACTID", "UPDATEDAT"]
    assert created["id"] in table[1] and "running" in table[1]
    assert await run(live_emu, "workloads", "get", created["id"]) == 0
    assert "status" in capsys.readouterr().out
    assert await run(live_emu, "workloads", "delete", created["id"]) == 0
    assert await run(live_emu, "workloads", "get", created["id"]) == 1
    assert f"error: [404] GET console/workloads/{created['id']}/" in capsys.readouterr().err


async def test_errored_workload_exits_3_and_shows_its_log(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await run(live_emu, "workloads", "create", "--image", f"{CRASH_IMAGE}:1", "--wait")
    assert code == 3
    err = capsys.readouterr().err
    assert "is errored" in err and "| RuntimeError: model file" in err


async def test_timeout_exits_4(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    live_emu.set_timings(startup_seconds=3600)
    assert await run(live_emu, "-o", "json", "workloads", "create", "--image", "img") == 0
    workload_id = json.loads(capsys.readouterr().out)["id"]
    assert await run(live_emu, "workloads", "wait", workload_id, "--timeout", "0.2") == 4


async def test_watch_prints_each_status_and_exits_3_on_errored(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(live_emu, "-o", "json", "workloads", "create", "--image", f"{CRASH_IMAGE}:1") == 0
    workload_id = json.loads(capsys.readouterr().out)["id"]
    assert await run(live_emu, "workloads", "watch", workload_id) == 3
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split()[-1] for line in lines] == ["errored"]  # start-up is instant here
    assert lines[0].split()[0].endswith("Z")  # RFC 3339, as every other command writes it
    assert f"error: workload {workload_id} is errored" in captured.err and "  | " in captured.err


async def test_bulk_stop_and_start_with_wait(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    ids = []
    for _ in range(3):
        await run(live_emu, "-o", "json", "workloads", "create", "--image", "img")
        ids.append(json.loads(capsys.readouterr().out)["id"])
    assert await run(live_emu, "-o", "json", "workloads", "stop", *ids, "--wait") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["result"] for r in rows] == ["reached"] * 3 and {r["status"] for r in rows} == {"stopped"}
    assert await run(live_emu, "workloads", "start", *ids, "--concurrency", "2") == 0
    assert capsys.readouterr().out.count("accepted") == 3


async def test_artifacts_and_deployments(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = {
        "name": "from-file",
        "spec": {"containerGroups": [{"containers": [{"imageUri": "img", "primary": True, "port": 8080}]}]},
    }
    (tmp_path / "a.json").write_text(json.dumps(spec))
    assert await run(live_emu, "-o", "json", "artifacts", "create", "--file", str(tmp_path / "a.json")) == 0
    art = json.loads(capsys.readouterr().out)
    assert await run(live_emu, "-o", "json", "artifacts", "register", art["id"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1
    assert await run(live_emu, "artifacts", "delete", art["id"]) == 1
    assert "[409]" in capsys.readouterr().err
    assert await run(live_emu, "-o", "json", "workloads", "create", "--artifact-id", art["id"], "--wait") == 0
    wl = json.loads(capsys.readouterr().out)
    assert (
        await run(live_emu, "-o", "json", "deployments", "create", "--name", "d", "--workload-id", wl["id"])
        == 0
    )
    dep = json.loads(capsys.readouterr().out)
    assert (
        await run(
            live_emu, "deployments", "invoke", dep["id"], "predict", "-X", "POST", "-d", '{"a": 1}', "--json"
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["json"] == {"a": 1}
    assert await run(live_emu, "-o", "json", "deployments", "stats", dep["id"]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]["totalRequests"] == 1


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"workload-async {workload_async.__version__}"


async def test_bad_input_the_sdk_refuses_exits_2_with_its_message(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the parser leaves to the SDK's checks of what is sent is still a usage error, sent nowhere."""
    assert await run(live_emu, "workloads", "create", "--image", "img", "--name", "a\nb") == 2
    err = capsys.readouterr().err
    assert "error: name must not hold control characters or line breaks" in err
    assert "Traceback" not in err
    assert live_emu.counts.get("workloads.create", 0) == 0


async def test_missing_configuration_names_the_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATAROBOT_ENDPOINT", raising=False)
    monkeypatch.delenv("DATAROBOT_API_TOKEN", raising=False)
    assert await run(None, "workloads", "list") == 2
    assert "DATAROBOT_ENDPOINT" in capsys.readouterr().err


async def test_the_token_is_never_printed(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    await run(live_emu, "-vv", "workloads", "get", "0" * 24)
    captured = capsys.readouterr()
    assert live_emu.token not in captured.out + captured.err


async def test_demo_runs_a_fleet_through_its_lifecycle(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run(None, "demo", "--fleet", "12", "--startup-seconds", "0.1") == 0
    out = capsys.readouterr().out
    assert "9 running, 3 errored" in out
    assert "stop_many: 12/12 stopped" in out
    assert "12 workloads in" in out and "0 left" in out


@pytest.mark.parametrize(
    ("api_version", "workloads"), [("v2.41", "console/workloads/"), ("11.5", "workloads/")]
)
async def test_standalone_emulator_serves_and_stops_on_sigint(api_version: str, workloads: str) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "workload_async.cli",
        "emulator",
        "--port",
        "0",
        "--token",
        "cli-token",
        "--api-version",
        api_version,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stderr is not None
    try:
        first = (await asyncio.wait_for(proc.stderr.readline(), 20)).decode()
        url = first.split("serving ", 1)[1].split(" ", 1)[0]
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{url}/{workloads}", headers={"Authorization": "Bearer cli-token"}) as r,
        ):
            assert r.status == 200 and (await r.json())["totalCount"] == 0
        proc.send_signal(signal.SIGINT)
        rest = (await asyncio.wait_for(proc.stderr.read(), 20)).decode()
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert f"API {api_version}" in first
    assert f"GET /api/v2/{workloads} -> 200" in rest
    assert "Traceback" not in rest and "cli-token" not in first + rest
    assert "export DATAROBOT_API_TOKEN=...  # the --token given" in rest  # said, not shown


def test_the_emulator_says_how_clients_get_its_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAROBOT_API_TOKEN", raising=False)
    assert _token_line(argparse.Namespace(emulator_token=None)) == "export DATAROBOT_API_TOKEN=emulator-token"
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "from-env")
    assert "from-env" not in _token_line(argparse.Namespace(emulator_token=None))


async def test_demo_on_11_5_replaces_settings_and_promotes(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run(None, "--api-version", "11.5", "demo", "--fleet", "12", "--startup-seconds", "0.1") == 0
    out = capsys.readouterr().out
    assert "Workload API 11.5" in out and "9 running, 3 errored" in out
    assert "settings replaced while it kept running (3 replicas)" in out
    assert "canary promoted: its draft artifact locked as v1" in out
    assert "deployed" not in out and "0 left" in out


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_api_version_is_taken_before_or_after_the_command(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert live_emu.api_version == api_version
    assert (
        await run(
            live_emu, "--api-version", "11.5", "-q", "workloads", "create", "--name", "a", "--image", "i:1"
        )
        == 0
    )
    created = capsys.readouterr().out.strip()
    assert await run(live_emu, "workloads", "list", "-q", "--api-version", "11.5") == 0
    assert capsys.readouterr().out.split() == [created]
    assert await run(live_emu, "workloads", "list", "--api-version", "auto", "-q") == 0
    assert capsys.readouterr().out.split() == [created]
    assert await run(live_emu, "workloads", "list") == 1  # a v2.41 client finds no console/workloads/ there
    assert "404" in capsys.readouterr().err


async def running_workload(live_emu: Emulator, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The id of a workload created with the command line and waited for."""
    assert (
        await run(live_emu, *argv, "-q", "workloads", "create", "--name", "a", "--image", "i:1", "--wait")
        == 0
    )
    return capsys.readouterr().out.strip()


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_the_11_5_commands(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    v = ("--api-version", api_version)
    wl = await running_workload(live_emu, capsys, *v)
    assert await run(live_emu, *v, "-o", "json", "workloads", "update", wl, "--importance", "high") == 0
    assert json.loads(capsys.readouterr().out)["importance"] == "high"
    assert (
        await run(live_emu, *v, "-o", "json", "workloads", "update-settings", wl, "--replicas", "2", "--wait")
        == 0
    )
    assert json.loads(capsys.readouterr().out)["runtime"]["containerGroups"][0]["replicaCount"] == 2
    assert await run(live_emu, *v, "-o", "json", "workloads", "settings", wl) == 0
    assert json.loads(capsys.readouterr().out)["containerGroups"][0]["replicaCount"] == 2
    assert await run(live_emu, *v, "-o", "json", "workloads", "history", wl) == 0
    assert [r["status"] for r in json.loads(capsys.readouterr().out)] == ["completed"]
    assert await run(live_emu, *v, "-o", "json", "workloads", "promote", wl) == 0
    promoted = json.loads(capsys.readouterr().out)
    assert promoted["artifact"]["status"] == "locked"
    assert await run(live_emu, *v, "-o", "json", "workloads", "events", wl) == 0
    assert [e["eventType"] for e in json.loads(capsys.readouterr().out)][:2] == ["promote", "settings_change"]
    assert await run(live_emu, *v, "workloads", "invoke", wl, "hello") == 0
    capsys.readouterr()
    assert await run(live_emu, *v, "-o", "json", "workloads", "stats", wl) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]["totalRequests"] == 1
    assert (
        await run(live_emu, *v, "-o", "json", "artifacts", "clone", promoted["artifactId"], "--name", "b")
        == 0
    )
    assert json.loads(capsys.readouterr().out)["status"] == "draft"


async def test_an_11_5_command_on_v2_41_names_the_feature_and_the_generation(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(live_emu, "workloads", "promote", "f" * 24) == 1
    err = capsys.readouterr().err
    assert "promote is not part of API v2.41" in err and "Traceback" not in err


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_update_settings_keeps_what_it_does_not_name_unless_told_to_replace(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    v = ("--api-version", api_version)
    wl = await running_workload(live_emu, capsys, *v)

    async def group() -> dict[str, object]:
        capsys.readouterr()  # what the update printed
        assert await run(live_emu, *v, "-o", "json", "workloads", "settings", wl) == 0
        groups = json.loads(capsys.readouterr().out)["containerGroups"]
        assert len(groups) == 1
        return dict(groups[0])

    assert await run(live_emu, *v, "workloads", "update-settings", wl, "--bundle", "cpu.small", "--wait") == 0
    assert (await group())["resourceBundles"] == ["cpu.small"]
    assert await run(live_emu, *v, "workloads", "update-settings", wl, "--replicas", "3", "--wait") == 0
    kept = await group()
    assert kept["replicaCount"] == 3 and kept["resourceBundles"] == ["cpu.small"]  # the bundle stays
    assert (
        await run(live_emu, *v, "workloads", "update-settings", wl, "--replicas", "1", "--replace", "--wait")
        == 0
    )
    replaced = await group()
    assert replaced["replicaCount"] == 1 and "resourceBundles" not in replaced


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_update_settings_of_a_many_group_workload_needs_the_group(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    v = ("--api-version", api_version)
    groups = [
        {
            "name": name,
            "containers": [{"name": name, "imageUri": "i:1", "primary": True, "port": 8080}],
        }
        for name in ("web", "worker")
    ]
    (tmp_path / "a.json").write_text(json.dumps({"name": "two", "spec": {"containerGroups": groups}}))
    argv = ("-q", "workloads", "create", "--file", str(tmp_path / "a.json"), "--wait")
    assert await run(live_emu, *v, *argv) == 0
    wl = capsys.readouterr().out.strip()
    assert await run(live_emu, *v, "workloads", "update-settings", wl, "--replicas", "2") == 2
    assert (
        f"workload {wl} has 2 container groups (web, worker): name one with --group"
        in capsys.readouterr().err
    )
    assert (
        await run(
            live_emu, *v, "workloads", "update-settings", wl, "--group", "worker", "--replicas", "2", "--wait"
        )
        == 0
    )
    capsys.readouterr()
    assert await run(live_emu, *v, "-o", "json", "workloads", "settings", wl) == 0
    replicas = {
        g["name"]: g.get("replicaCount") for g in json.loads(capsys.readouterr().out)["containerGroups"]
    }
    assert replicas["worker"] == 2 and replicas["web"] != 2


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_update_settings_wait_names_the_replacement_once_the_server_took_it(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    v = ("--api-version", api_version)
    wl = await running_workload(live_emu, capsys, *v)
    live_emu.set_timings(startup_seconds=600)
    assert await run(live_emu, *v, "-o", "json", "workloads", "update-settings", wl, "--replicas", "2") == 0
    first = json.loads(capsys.readouterr().out)["id"]
    assert await run(live_emu, *v, "workloads", "update-settings", wl, "--replicas", "3", "--wait") == 1
    err = capsys.readouterr().err
    assert "[409]" in err and "waiting" not in err  # refused: nothing was started, nothing waited for
    live_emu.set_timings(startup_seconds=0)
    live_emu.fail_replacement(wl, "given up")  # the first ends, so the next may start
    assert (
        await run(
            live_emu, *v, "workloads", "update-settings", wl, "--replicas", "3", "--wait", "--timeout", "60"
        )
        == 0
    )
    err = capsys.readouterr().err
    assert f"replacement {first}" not in err and f"of workload {wl} started; waiting for it to end" in err

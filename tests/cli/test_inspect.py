"""The commands that look into workloads on API 11.5 (protons, proton status, diagnose, traffic
figures) and the list filters the live service has."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run
from tests.cli.test_rough_edges import refused_by_the_parser
from workload_async.emulator import Emulator

IMAGE = "registry.example.com/x:1"
V = ("--api-version", "11.5")


async def created(live_emu: Emulator, capsys: pytest.CaptureFixture[str], name: str, *extra: str) -> str:
    assert await run(live_emu, *V, "-q", "workloads", "create", "--name", name, "--image", IMAGE, *extra) == 0
    return capsys.readouterr().out.strip()


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_protons_their_status_and_a_diagnosis(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created(live_emu, capsys, "x", "--wait")
    assert await run(live_emu, *V, "-o", "json", "workloads", "protons", workload_id) == 0
    (proton,) = json.loads(capsys.readouterr().out)
    assert (proton["role"], proton["status"]) == ("active", "running")
    live_emu.play_failure(workload_id, "oom_kill")
    assert await run(live_emu, *V, "workloads", "proton-status", workload_id) == 0
    out, err = capsys.readouterr()
    assert f"proton {proton['id']}: errored: OOMKilled: exit code 137" in err
    header, row = out.splitlines()
    assert header.split() == ["REPLICA", "PHASE", "CONTAINER", "STATUS", "READY", "RESTARTS", "IMAGE"]
    assert row.split()[1:] == ["failed", "container-0", "terminated", "False", "0", IMAGE]
    assert await run(live_emu, *V, "workloads", "diagnose", workload_id) == 0
    assert capsys.readouterr().out.strip() == (
        "container container-0: OOM killed (exit code 137, over its memory limit), 0 restarts"
    )


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_stats_a_series_and_the_fleets(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created(live_emu, capsys, "x", "--wait")
    assert await run(live_emu, *V, "workloads", "invoke", workload_id, "/") == 0
    capsys.readouterr()
    argv = ("workloads", "stats", workload_id, "--quantile", "0.95", "--slow-ms", "0", "--since", "1h")
    assert await run(live_emu, *V, "-o", "json", *argv) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    assert (metrics["totalRequests"], metrics["slowRequests"]) == (1, 1)
    assert (
        await run(live_emu, *V, "-o", "json", "workloads", "stats-series", workload_id, "totalRequests") == 0
    )
    assert [b["value"] for b in json.loads(capsys.readouterr().out)["buckets"]] == [1]
    assert await run(live_emu, *V, "-o", "json", "workloads", "fleet-stats", "--status", "running") == 0
    fleet = json.loads(capsys.readouterr().out)
    assert (fleet["workloads"]["total"], fleet["requests"]["total"]) == (1, 1)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--quantile", "2"], "argument --quantile: expected a number between 0 and 1"),
        (["--slow-ms", "-5"], "argument --slow-ms: expected whole milliseconds >= 0"),
    ],
)
def test_bad_figure_options_are_refused_by_the_parser(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert message in refused_by_the_parser(["workloads", "stats", "w", *argv], capsys)


@pytest.mark.parametrize("api_version", ["11.5"], indirect=True)
async def test_lists_filtered_as_the_live_service_filters(
    api_version: str, live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    up = await created(live_emu, capsys, "up", "--wait")
    assert await run(live_emu, *V, "-q", "workloads", "update", up, "--importance", "high") == 0
    capsys.readouterr()
    await created(live_emu, capsys, "other")
    assert (
        await run(live_emu, *V, "-q", "workloads", "list", "--importance", "HIGH", "--status", "running") == 0
    )
    assert capsys.readouterr().out.split() == [up]
    assert await run(live_emu, *V, "-q", "artifacts", "list", "--type", "nim") == 0
    assert capsys.readouterr().out == ""


async def test_a_v2_41_client_names_what_it_lacks(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(live_emu, "workloads", "list", "--status", "running") == 1
    assert "workload list filters is not part of API v2.41" in capsys.readouterr().err
    assert await run(live_emu, "workloads", "fleet-stats") == 1
    assert "fleet stats is not part of API v2.41" in capsys.readouterr().err

"""``workloads logs``, ``bundles list``, ``deployments list --workload-id`` and ``--no-port``."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from workload_async.cli import main
from workload_async.cli._options import moment
from workload_async.emulator import CRASH_IMAGE, Emulator

READY = [
    "Scheduling 1 replica",
    'Pulling image "img:1"',
    'Pulled image "img:1"',
    'Starting container "container-0"',
    "Serving on port 8080",
    "Workload is ready",
]


async def run(live_emu: Emulator, *argv: str) -> int:
    return await asyncio.to_thread(main, [f"--endpoint={live_emu.url}", f"--token={live_emu.token}", *argv])


async def created(live_emu: Emulator, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert await run(live_emu, "-o", "json", "workloads", "create", "--image", "img:1", *argv) == 0
    workload_id: str = json.loads(capsys.readouterr().out)["id"]
    return workload_id


async def test_logs_print_oldest_first(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    workload_id = await created(live_emu, capsys)
    live_emu.write_log(workload_id, "hello")
    assert await run(live_emu, "workloads", "logs", workload_id) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(None, 2)[2] for line in lines] == [*READY, "hello"]
    assert lines[0].split()[1] == "INFO" and lines[0].split()[0].endswith("Z")
    assert await run(live_emu, "workloads", "logs", workload_id, "--tail", "2", "--since", "10m") == 0
    assert [line.split(None, 2)[2] for line in capsys.readouterr().out.splitlines()] == [READY[-1], "hello"]
    assert await run(live_emu, "workloads", "logs", workload_id, "--since", "2099-01-01T00:00:00Z") == 0
    assert capsys.readouterr().out == ""
    assert await run(live_emu, "-q", "workloads", "logs", workload_id, "--include", "hel") == 0
    assert capsys.readouterr().out == "hello\n"


async def test_logs_as_json_lines(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    workload_id = await created(live_emu, capsys)
    assert await run(live_emu, "-o", "json", "workloads", "logs", workload_id, "--exclude", "image") == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["message"] for r in records] == [m for m in READY if "image" not in m]
    assert all(r["level"] == "INFO" and r["timestamp"].endswith("Z") for r in records)


async def test_follow_until_settled_prints_the_crash_and_exits_3(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created(live_emu, capsys, "--image", f"{CRASH_IMAGE}:1")
    argv = ("workloads", "logs", workload_id, "--follow", "--until-settled", "--level", "error")
    assert await run(live_emu, *argv) == 3
    head, *trace = capsys.readouterr().out.splitlines()
    assert head.split(None, 2)[1:] == ["ERROR", "RuntimeError: model file /opt/model/weights.bin not found"]
    assert trace == [
        "    Traceback (most recent call last):",
        '      File "/app/serve.py", line 42, in <module>',
    ]


async def test_follow_until_settled_of_a_running_workload_exits_0(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created(live_emu, capsys)
    assert await run(live_emu, "workloads", "logs", workload_id, "-f", "--until-settled") == 0
    assert [line.split(None, 2)[2] for line in capsys.readouterr().out.splitlines()] == READY


async def test_logs_of_an_unknown_workload_exit_1(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(live_emu, "workloads", "logs", "f" * 24) == 1
    assert "not found" in capsys.readouterr().err


def test_durations_and_times() -> None:
    """``--since`` and ``--until`` as parsed: a duration ago as a ``timedelta``, a time as itself
    (what the parser refuses is in ``test_parser_refusals``)."""
    assert moment("90s") == timedelta(seconds=90)
    assert moment("1h30m") == timedelta(hours=1, minutes=30)
    assert moment("2d") == timedelta(days=2)
    assert moment("0s") == timedelta(0)
    assert moment("2026-06-10T08:00:00Z") == datetime(2026, 6, 10, 8, tzinfo=UTC)
    assert moment("2026-06-10T10:00:00+02:00") == datetime(2026, 6, 10, 8, tzinfo=UTC)


async def test_bundles_list(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert await run(live_emu, "bundles", "list") == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["ID", "NAME", "CPUCOUNT", "MEMORYGIB", "GPUCOUNT", "GPUTYPE", "USECASES"]
    small = next(r for r in rows if r.startswith("cpu.small "))
    assert "CPU small" in small and " 2 " in small  # 2 GiB
    assert await run(live_emu, "-o", "json", "bundles", "list", "--use-case", "customApplication") == 0
    bundles = json.loads(capsys.readouterr().out)
    assert bundles and all("customApplication" in b["useCases"] and b["gpuCount"] == 0 for b in bundles)
    assert await run(live_emu, "-q", "bundles", "list") == 0
    assert "cpu.small" in capsys.readouterr().out.split()


async def test_deployments_of_one_workload(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    deployments = {}
    for name in ("a", "b"):
        assert (
            await run(live_emu, "-o", "json", "artifacts", "create", "--name", name, "--image", "img:1") == 0
        )
        artifact_id = json.loads(capsys.readouterr().out)["id"]
        assert await run(live_emu, "-q", "artifacts", "register", artifact_id) == 0
        capsys.readouterr()
        assert await run(live_emu, "-q", "workloads", "create", "--artifact-id", artifact_id) == 0
        workload_id = capsys.readouterr().out.strip()
        assert (
            await run(live_emu, "-q", "deployments", "create", "--name", name, "--workload-id", workload_id)
            == 0
        )
        deployments[name] = (workload_id, capsys.readouterr().out.strip())
    (wa, da), _ = deployments["a"], deployments["b"]
    assert (
        await run(live_emu, "-o", "json", "deployments", "list", "--workload-id", wa, "--with-workload") == 0
    )
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["id"] == da and listed["workload"]["id"] == wa


async def test_a_workload_without_a_port(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    workload_id = await created(live_emu, capsys, "--no-port", "--wait")
    assert await run(live_emu, "workloads", "invoke", workload_id, "predict") == 1
    assert "exposes no port" in capsys.readouterr().err

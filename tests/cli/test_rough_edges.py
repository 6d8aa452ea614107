"""The command line's rough edges a newcomer met: each with its message and exit code."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from workload_async.cli import main
from workload_async.cli._output import Printer
from workload_async.emulator import Emulator


async def created_id(live_emu: Emulator, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    assert await run(live_emu, "-q", "workloads", "create", "--image", "img:1", *extra) == 0
    return capsys.readouterr().out.strip()


def refused_by_the_parser(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line with ``argv``, which its parser must refuse (exit 2); what it said."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    return capsys.readouterr().err


async def cli_subprocess(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run ``python -m workload_async.cli ARGV`` without blocking the loop the emulator serves on."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "workload_async.cli",
        *argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_invoke_with_a_missing_data_file_exits_2_naming_it(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workload_id = await created_id(live_emu, capsys)
    missing = tmp_path / "body.json"
    assert await run(live_emu, "workloads", "invoke", workload_id, "predict", "-d", f"@{missing}") == 2
    err = capsys.readouterr().err
    assert f"error: -d @{missing}: cannot read '{missing}': No such file or directory" in err
    assert "Traceback" not in err


async def test_emulator_on_a_busy_port_exits_1_with_the_reason() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = await cli_subprocess("emulator", "--port", str(port))
    assert code == 1
    assert f"error: cannot serve on 127.0.0.1:{port}: " in err and "in use" in err
    assert "Traceback" not in err


def test_emulator_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["emulator", "--port", "-5"])
    assert caught.value.code == 2
    assert "argument --port: a port is 0-65535 (0 picks a free one), got -5" in capsys.readouterr().err


async def test_verbose_logs_each_request_without_the_token(live_emu: Emulator) -> None:
    code, out, err = await cli_subprocess(
        "-v",
        "workloads",
        "list",
        env={"DATAROBOT_ENDPOINT": live_emu.url, "DATAROBOT_API_TOKEN": live_emu.token},
    )
    assert code == 0 and out.startswith("ID")
    assert "GET console/workloads/ (workloads.list) -> 200" in err
    assert live_emu.token not in out + err


async def test_bulk_stop_progress_says_stopping(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    workload_id = await created_id(live_emu, capsys, "--wait")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # draw the bar as on a terminal
    assert await run(live_emu, "workloads", "stop", workload_id) == 0
    err = capsys.readouterr().err
    assert "stopping [" in err and "stoping" not in err


async def test_sort_accepts_a_descending_key_as_the_help_writes_it(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("alpha", "bravo", "charlie"):
        assert await run(live_emu, "workloads", "create", "--name", name, "--image", "img:1") == 0
    capsys.readouterr()
    assert await run(live_emu, "-o", "json", "workloads", "list", "--sort", "-name") == 0
    assert [w["name"] for w in json.loads(capsys.readouterr().out)] == ["charlie", "bravo", "alpha"]


async def test_output_option_is_accepted_after_the_command(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created_id(live_emu, capsys)
    assert await run(live_emu, "workloads", "get", workload_id, "-o", "json") == 0
    assert json.loads(capsys.readouterr().out)["id"] == workload_id
    assert await run(live_emu, "-o", "json", "workloads", "list", "--output", "text") == 0
    assert capsys.readouterr().out.startswith("ID ")  # the later, nearer one wins


async def test_invoke_of_an_unknown_workload_says_the_platform_answered_on_stderr(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = "0" * 24
    assert await run(live_emu, "workloads", "invoke", unknown, "predict") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"error: the platform answered 404 for {unknown} (the application was not reached)" in captured.err


async def test_invoke_answered_404_by_the_application_prints_its_body_and_says_whose(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created_id(live_emu, capsys, "--wait")
    assert await run(live_emu, "workloads", "invoke", workload_id, "status/404") == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"status": 404}
    assert "the application answered 404" in captured.err


async def test_create_with_wait_names_the_workload_before_waiting(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    live_emu.set_timings(startup_seconds=3600)
    code = await run(live_emu, "workloads", "create", "--image", "img:1", "--wait", "--timeout", "0.2")
    assert code == 4  # the wait timed out ...
    err = capsys.readouterr().err
    (workload,) = live_emu.store.workloads.values()
    # ... but the id was said first, so the workload is not lost
    assert err.index(f"created workload {workload.id}; waiting") < err.index("error:")


async def test_quiet_create_with_wait_prints_the_id_before_waiting(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    live_emu.set_timings(startup_seconds=3600)
    code = await run(live_emu, "-q", "workloads", "create", "--image", "img:1", "--wait", "--timeout", "0.2")
    assert code == 4
    (workload,) = live_emu.store.workloads.values()
    assert capsys.readouterr().out == f"{workload.id}\n"


async def test_delete_reports_each_failure_and_deletes_the_rest(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = await created_id(live_emu, capsys), await created_id(live_emu, capsys)
    unknown = "0" * 24
    assert await run(live_emu, "workloads", "delete", first, unknown, last) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"deleted {first}", f"deleted {last}"]
    assert f"[404] DELETE console/workloads/{unknown}/" in captured.err
    assert not live_emu.store.workloads


async def test_quiet_prints_ids_only(live_emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    ids = [await created_id(live_emu, capsys) for _ in range(2)]
    assert await run(live_emu, "workloads", "list", "-q") == 0
    assert sorted(capsys.readouterr().out.split()) == sorted(ids)
    assert await run(live_emu, "-q", "workloads", "start", *ids, "--wait") == 0
    assert sorted(capsys.readouterr().out.split()) == sorted(ids)
    assert await run(live_emu, "-q", "workloads", "delete", *ids) == 0
    assert capsys.readouterr().out.split() == ids


async def test_watch_in_json_prints_one_object_per_line(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created_id(live_emu, capsys)
    assert await run(live_emu, "-o", "json", "workloads", "watch", workload_id) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and [json.loads(line)["id"] for line in lines] == [workload_id] * len(lines)
    assert json.loads(lines[-1])["status"] == "running"
    assert all(json.loads(line)["updatedAt"].endswith("Z") for line in lines)  # as `get -o json`
    assert await run(live_emu, "-q", "workloads", "watch", workload_id) == 0
    assert capsys.readouterr().out.split() == ["running"]  # the statuses alone


def test_shell_completion_completes_commands(tmp_path: Path) -> None:
    pytest.importorskip("argcomplete")
    line = "workload-async workloads st"
    answer = tmp_path / "completions"
    env = {
        **os.environ,
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
    }
    done = subprocess.run(
        [sys.executable, "-m", "workload_async.cli"], env=env, capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    assert set(answer.read_text().split()) == {"start", "stats", "stats-series", "stop"}  # stats: 11.5


async def test_a_reader_that_goes_away_ends_the_output_quietly(live_emu: Emulator) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already read its line: the next write fails
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "workload_async.cli",
            "bundles",
            "list",
            stdout=write_end,
            stderr=subprocess.PIPE,
            env={**os.environ, "DATAROBOT_ENDPOINT": live_emu.url, "DATAROBOT_API_TOKEN": live_emu.token},
        )
    finally:
        os.close(write_end)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 141
    assert err.decode() == ""  # no traceback, no "Exception ignored" at exit


async def test_json_output_keeps_zeros_and_false(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    containers = [{"imageUri": "img", "primary": True}, {"name": "side", "imageUri": "car"}]
    spec = {"name": "a", "spec": {"containerGroups": [{"containers": containers}]}}
    (tmp_path / "a.json").write_text(json.dumps(spec))
    assert await run(live_emu, "-o", "json", "artifacts", "create", "--file", str(tmp_path / "a.json")) == 0
    artifact = json.loads(capsys.readouterr().out)
    assert artifact["spec"]["containerGroups"][0]["containers"][1]["primary"] is False
    assert await run(live_emu, "-o", "json", "artifacts", "register", artifact["id"]) == 0
    capsys.readouterr()
    assert (
        await run(live_emu, "-o", "json", "workloads", "create", "--artifact-id", artifact["id"], "--wait")
        == 0
    )
    workload = json.loads(capsys.readouterr().out)
    assert workload["status"] == "running"
    created = await run(
        live_emu, "-o", "json", "deployments", "create", "--name", "d", "--workload-id", workload["id"]
    )
    assert created == 0
    deployment = json.loads(capsys.readouterr().out)
    assert await run(live_emu, "-o", "json", "deployments", "stats", deployment["id"]) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    assert metrics["totalRequests"] == 0 and metrics["serverErrors"] == 0  # no traffic yet: still said
    assert await run(live_emu, "deployments", "stats", deployment["id"]) == 0
    assert '"totalRequests": 0' in capsys.readouterr().out  # the text view shows them too


async def test_invoke_sends_query_parameters_and_headers(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created_id(live_emu, capsys)
    argv = [
        "workloads",
        "invoke",
        workload_id,
        "predict",
        "--query",
        "q=a b",
        "--query",
        "q=c",
        "--query",
        "n=",
    ]
    assert await run(live_emu, *argv, "-H", "X-Trace: t1") == 0
    echoed = json.loads(capsys.readouterr().out)
    assert echoed["query"] == {"q": ["a b", "c"], "n": [""]}
    assert echoed["headers"]["X-Trace"] == "t1"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["-H", "no-colon"], "-H: expected 'Name: value', got no ':' in it"),
        (["-H", ": v"], "-H: expected 'Name: value', got nothing before the ':'"),
        (["-H", "X-A: 1", "-H", "Authorization Bearer s3cret"], "-H #2: expected 'Name: value', got no ':'"),
        (["-H", "sk-s3cretabcdefghijklmnopqrstuvwxyz"], "-H: expected 'Name: value', got no ':' in it"),
        (["--query", "api_key:s3cret"], "--query: expected NAME=VALUE, got no '=' in it"),
    ],
)
def test_invoke_refuses_a_header_or_query_without_a_name_and_never_repeats_it(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    err = refused_by_the_parser(["workloads", "invoke", "w", "predict", *argv], capsys)
    assert f"error: {said}" in err
    assert "s3cret" not in err  # a value typed without its separator may be a secret
    assert "Traceback" not in err


def test_a_table_shows_an_empty_list_as_a_dash() -> None:
    out = io.StringIO()
    Printer(out=out).many([{"id": "b1", "useCases": [], "name": None}], ("id", "useCases", "name"))
    assert out.getvalue().splitlines()[1].split() == ["b1", "-", "-"]


async def test_invoke_posts_a_body_unless_told_otherwise(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created_id(live_emu, capsys)
    for argv, method in (((), "GET"), (("-d", "hi"), "POST"), (("-d", "hi", "-X", "put"), "PUT")):
        assert await run(live_emu, "workloads", "invoke", workload_id, "predict?x=1", *argv) == 0
        echoed = json.loads(capsys.readouterr().out)
        assert echoed["method"] == method, argv
        assert echoed["path"] == "/predict" and echoed["query"] == {"x": ["1"]}


async def test_a_command_against_the_other_generation_suggests_auto(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with Emulator(api_version="11.5") as live_emu:
        assert await run(live_emu, "workloads", "list") == 1
    err = capsys.readouterr().err
    assert "another generation of the Workload API than v2.41" in err and "--api-version auto" in err

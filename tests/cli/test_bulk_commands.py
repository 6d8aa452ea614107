"""``workloads create --count N``, ``workloads create --from-file`` (JSON Lines) and ``workloads
delete`` / ``artifacts delete`` of many ids: a row per item, one request each, the worst exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from workload_async.emulator import CRASH_IMAGE, Emulator


def rows(out: str) -> list[dict[str, str]]:
    return list(json.loads(out))


async def test_create_count_makes_that_many_named_with_a_suffix(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    live_emu.reset_counters()
    code = await run(
        live_emu, "-o", "json", "workloads", "create", "--image", "img:1", "--name", "web", "--count", "3"
    )
    assert code == 0
    made = rows(capsys.readouterr().out)
    assert [row["name"] for row in made] == ["web-1", "web-2", "web-3"]
    assert [row["result"] for row in made] == ["created"] * 3
    assert sorted(w.name for w in live_emu.store.workloads.values()) == ["web-1", "web-2", "web-3"]
    assert live_emu.counts["workloads.create"] == 3  # one request a workload
    assert len({w.artifact_id for w in live_emu.store.workloads.values()}) == 3  # each its own, as one create


async def test_create_count_pads_the_numbers_so_the_names_sort(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(live_emu, "-q", "workloads", "create", "--image", "reg/app:1", "--count", "10") == 0
    assert len(capsys.readouterr().out.split()) == 10
    names = sorted(w.name or "" for w in live_emu.store.workloads.values())
    assert names[0] == "app:1-01" and names[-1] == "app:1-10"  # the artifact's name, numbered


async def test_create_count_with_wait_exits_3_when_they_fail(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await run(live_emu, "workloads", "create", "--image", f"{CRASH_IMAGE}:1", "--count", "2", "--wait")
    assert code == 3
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["ID", "NAME", "RESULT", "STATUS"]
    assert all(" failed " in line and " errored " in line for line in table[1:]) and len(table) == 3


async def test_create_from_a_json_lines_file_makes_one_workload_a_line(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    artifact = {
        "name": "a",
        "spec": {"containerGroups": [{"containers": [{"imageUri": "img", "port": 8080, "primary": True}]}]},
    }
    lines = [
        json.dumps({"name": f"job-{n}", "artifact": artifact, "runtime": {"replicaCount": 2}})
        for n in range(3)
    ]
    (tmp_path / "fleet.jsonl").write_text("\n".join([lines[0], "", *lines[1:]]) + "\n")
    live_emu.reset_counters()
    code = await run(
        live_emu, "-o", "json", "workloads", "create", "--from-file", str(tmp_path / "fleet.jsonl"), "--wait"
    )
    assert code == 0
    made = rows(capsys.readouterr().out)
    assert [(row["name"], row["result"], row["status"]) for row in made] == [
        (f"job-{n}", "reached", "running") for n in range(3)
    ]
    assert [live_emu.store.workloads[row["id"]].runtime for row in made] == [{"replicaCount": 2}] * 3
    assert live_emu.counts["workloads.create"] == 3


async def test_create_from_stdin(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    art = {
        "name": "a",
        "spec": {"containerGroups": [{"containers": [{"imageUri": "img", "port": 8080, "primary": True}]}]},
    }
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"name": "piped", "artifact": art}) + "\n"))
    assert await run(live_emu, "-o", "json", "workloads", "create", "--from-file", "-") == 0
    assert [row["name"] for row in rows(capsys.readouterr().out)] == ["piped"]


async def test_a_bad_line_names_its_number_and_nothing_is_created(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "f.jsonl").write_text('{"name": "ok", "artifactId": "x"}\n{"name": 5, "artifactId": "x"}\n')
    assert await run(live_emu, "workloads", "create", "--from-file", str(tmp_path / "f.jsonl")) == 2
    assert f"--from-file {tmp_path / 'f.jsonl'} line 2: " in capsys.readouterr().err
    (tmp_path / "neither.jsonl").write_text('{"name": "nothing to run"}\n')
    assert await run(live_emu, "workloads", "create", "--from-file", str(tmp_path / "neither.jsonl")) == 2
    err = capsys.readouterr().err
    assert (
        f"--from-file {tmp_path / 'neither.jsonl'} line 1: the workload: give exactly one of artifact" in err
    )
    assert not live_emu.store.workloads


async def test_a_request_refused_before_sending_is_told_by_its_line_and_field_as_the_file_writes_them(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = '{"name": "ok", "artifactId": "6650a1b2c3d4e5f601234567"}'
    bad = '{"name": "bad", "artifactId": "6650a1b2c3d4e5f601234567", "runtime": {"replicaCount": -1}}'
    (tmp_path / "f.jsonl").write_text(f"{good}\n\n{good.replace('ok', 'ok2')}\n{bad}\n")
    assert await run(live_emu, "workloads", "create", "--from-file", str(tmp_path / "f.jsonl")) == 2
    err = capsys.readouterr().err
    assert f"--from-file {tmp_path / 'f.jsonl'} line 4: runtime.replicaCount: must be >= 1, got -1" in err
    assert "requests[" not in err and not live_emu.store.workloads


async def test_delete_many_sends_one_request_each_and_prints_in_the_order_given(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await run(live_emu, "-q", "workloads", "create", "--image", "img", "--count", "4") == 0
    ids = capsys.readouterr().out.split()
    live_emu.reset_counters()
    assert await run(live_emu, "workloads", "delete", *ids, ids[0], "--concurrency", "2") == 0
    assert capsys.readouterr().out.splitlines() == [f"deleted {i}" for i in ids]
    assert live_emu.counts["workloads.delete"] == 4 and not live_emu.store.workloads


async def test_artifacts_delete_takes_many_ids(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ids = []
    for _ in range(3):
        assert await run(live_emu, "-q", "artifacts", "create", "--image", "img") == 0
        ids.append(capsys.readouterr().out.strip())
    assert await run(live_emu, "-o", "json", "artifacts", "delete", *ids, "0" * 24) == 1
    captured = capsys.readouterr()
    assert [json.loads(line) for line in captured.out.splitlines()] == [{"deleted": i} for i in ids]
    assert '"error": "NotFoundError"' in captured.err
    assert not live_emu.store.artifacts

"""``invoke`` streams what arrives and reads ``-d @FILE`` as a stream under a cap; the parser
suggests the nearest command; tables fit the terminal."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.cli.test_rough_edges import created_id, refused_by_the_parser
from tests.conftest import GatedClock
from workload_async import Client, Container, InputArtifact
from workload_async.cli._invoke import MAX_BODY, run_invoke
from workload_async.cli._output import Printer
from workload_async.emulator import Emulator


class Recorder(io.StringIO):
    """stdout for a test: notes how many events the server had sent at each write, and opens the
    server's gate after each one (so the next event is sent only once this one was written)."""

    def __init__(self, emu: Emulator, gate: asyncio.Queue[None], tty: bool = False) -> None:
        super().__init__()
        self.emu, self.gate, self.tty = emu, gate, tty
        self.sent_at_write: list[int] = []
        self.flushes = 0

    def write(self, text: str) -> int:
        if text:
            self.sent_at_write.append(self.emu.state.stream_events_sent)
            self.gate.put_nowait(None)
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1

    def isatty(self) -> bool:
        return self.tty


def invoke_args(workload_id: str, path: str, **options: object) -> argparse.Namespace:
    defaults: dict[str, object] = {
        "method": None,
        "data": None,
        "header": [],
        "query": [],
        "json": False,
        "no_buffer": False,
        "max_body": MAX_BODY,
    }
    return argparse.Namespace(id=workload_id, path=path, **{**defaults, **options})


@pytest.mark.parametrize("no_buffer", [True, False])
async def test_invoke_writes_each_event_as_it_arrives(no_buffer: bool) -> None:
    server_clock = GatedClock()  # the emulator sends the next event once the gate opens
    async with Emulator(clock=server_clock, startup_seconds=0) as emu, Client(emu.url, emu.token) as client:
        wl = await client.workloads.create(
            artifact=InputArtifact.single("s", Container(image_uri="i", port=8080))
        )
        out = Recorder(emu, server_clock.gate)
        args = invoke_args(wl.id, "stream?n=4&gap=1", no_buffer=no_buffer)
        code = await asyncio.wait_for(run_invoke(client, client.workloads, args, Printer(out=out)), 30)
    assert code == 0
    assert out.sent_at_write == [1, 2, 3, 4]  # each event written before the next was sent
    assert out.getvalue().count("event: tick") == 4
    if no_buffer:
        assert out.flushes >= 4  # each chunk flushed at once, even to a pipe


async def test_invoke_writes_the_answer_exactly_as_sent(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created_id(live_emu, capsys, "--wait")
    assert await run(live_emu, "workloads", "invoke", workload_id, "stream?n=2&gap=0", "--no-buffer") == 0
    captured = capsys.readouterr()
    assert captured.out.count("data: ") == 2 and captured.out.endswith("\n\n")  # no newline of its own
    assert captured.err == ""


async def test_d_at_a_file_larger_than_the_cap_is_refused_before_sending(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workload_id = await created_id(live_emu, capsys, "--wait")
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 5000)
    live_emu.reset_counters()
    code = await run(
        live_emu, "workloads", "invoke", workload_id, "upload", "-d", f"@{big}", "--max-body", "4096"
    )
    assert code == 2
    err = capsys.readouterr().err
    assert f"error: -d @{big}: it holds 5000 bytes, more than the 4096 bytes the command line sends" in err
    assert live_emu.counts["workloads.invoke"] == 0


async def test_d_at_a_stream_that_keeps_coming_is_cut_at_the_cap(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    workload_id = await created_id(live_emu, capsys, "--wait")
    code = await run(
        live_emu, "workloads", "invoke", workload_id, "upload", "-d", "@/dev/zero", "--max-body", "200000"
    )
    assert code == 2
    captured = capsys.readouterr()
    assert "error: -d @/dev/zero: it kept coming, more than the 200000 bytes" in captured.err
    assert captured.out == ""


async def test_d_at_a_file_is_sent_whole(
    live_emu: Emulator, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    workload_id = await created_id(live_emu, capsys, "--wait")
    body = tmp_path / "body.json"
    body.write_text('{"x": "' + "é" * 100_000 + '"}')
    assert await run(live_emu, "workloads", "invoke", workload_id, "predict", "-d", f"@{body}", "--json") == 0
    echoed = json.loads(capsys.readouterr().out)
    assert echoed["method"] == "POST" and echoed["json"] == {"x": "é" * 100_000}


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["workloads", "lsit"], "did you mean 'list'?"),
        (["workload", "list"], "did you mean 'workloads'?"),
        (["artifacts", "regster", "a1"], "did you mean 'register'?"),
        (["workloads", "list", "--serch", "x"], "did you mean '--search'?"),
    ],
)
def test_a_mistyped_command_or_option_names_the_nearest_one(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hint in refused_by_the_parser(argv, capsys)


def test_a_word_near_nothing_gets_no_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert "did you mean" not in refused_by_the_parser(["zzzzzz"], capsys)


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["workloads", "events", "w1", "--limit", "0"], "workload-async workloads events"),
        (["workloads", "history", "w1", "--offset", "-1"], "workload-async workloads history"),
        (["workloads", "stats", "w1", "--start", "2020-01-01T00:00:00Z"], "workload-async workloads stats"),
    ],
)
def test_an_unknown_option_is_told_by_its_command_and_nothing_it_lacks_is_suggested(
    argv: list[str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Other commands have --limit, --offset and --status; this one does not, so none is offered."""
    message = refused_by_the_parser(argv, capsys)
    assert f"{command}: error: unrecognized arguments: {argv[3]}" in message
    assert "did you mean" not in message


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


ROWS = [
    {"id": "6f1c0d9e2b7a4c3d5e8f9a01", "name": "a-very-long-name-" * 4, "status": "running"},
    {"id": "0123456789abcdef01234567", "name": "short", "status": "stopped"},
]


def test_a_table_fits_the_terminal_and_keeps_ids_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = Terminal()
    Printer(out=out).many(ROWS, ("id", "name", "status"))
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 60 for line in lines), lines
    assert lines[1].startswith("6f1c0d9e2b7a4c3d5e8f9a01  a-very-long-name-") and "…" in lines[1]
    assert lines[2].split()[:2] == ["0123456789abcdef01234567", "short"]


def test_a_table_for_a_pipe_is_never_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    out = io.StringIO()
    Printer(out=out).many(ROWS, ("id", "name", "status"))
    assert "a-very-long-name-" * 4 in out.getvalue() and "…" not in out.getvalue()

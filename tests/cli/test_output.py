"""How the command line prints: tables, JSON, progress and exit codes."""

from __future__ import annotations

import io
import json

import pytest

from workload_async import Workload, WorkloadStatus
from workload_async.cli._output import EXIT, Printer, Progress, exit_code_for
from workload_async.errors import NotFoundError, WaitTimeoutError, WorkloadFailedError


def test_table_has_a_header_and_one_row_per_item() -> None:
    out = io.StringIO()
    Printer(out=out).many(
        [Workload(id="w1", status=WorkloadStatus.RUNNING, name="a")], ("id", "name", "status")
    )
    assert out.getvalue().splitlines() == ["ID  NAME  STATUS", "w1  a     running"]


def test_json_output_is_the_wire_form() -> None:
    out = io.StringIO()
    Printer(output="json", out=out).one(Workload(id="w1", status=WorkloadStatus.RUNNING, artifact_id="a1"))
    assert json.loads(out.getvalue()) == {"id": "w1", "status": "running", "artifactId": "a1"}


def test_deletions_are_reported_in_the_chosen_format() -> None:
    text, data = io.StringIO(), io.StringIO()
    Printer(out=text).deleted("w1")
    Printer(output="json", out=data).deleted("w1")
    assert text.getvalue() == "deleted w1\n"
    assert json.loads(data.getvalue()) == {"deleted": "w1"}


def test_progress_draws_a_bar_when_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress("starting", 4, enabled=True)
    progress.update(1)
    progress.update(2, ok=False)
    progress.update(4)
    err = capsys.readouterr().err
    assert "\rstarting [" + "#" * 7 + "." * 23 + "] 1/4" in err
    assert "2/4 (1 failed)" in err and err.endswith("4/4 (1 failed)\n")


def test_progress_is_silent_when_disabled(capsys: pytest.CaptureFixture[str]) -> None:
    Progress("x", 2, enabled=False).update(2)
    assert capsys.readouterr().err == ""


def test_exit_codes_tell_failure_from_timeout() -> None:
    wl = Workload(id="w", status=WorkloadStatus.ERRORED)
    assert exit_code_for(WorkloadFailedError(workload=wl)) == EXIT["failed"] == 3
    timeout = WaitTimeoutError(workload_id="w", workload=None, elapsed=1, polls=0, target="running")
    assert exit_code_for(timeout) == EXIT["timeout"] == 4
    assert exit_code_for(NotFoundError("x", status=404, method="GET", url="u")) == EXIT["error"] == 1

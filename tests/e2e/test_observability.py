"""Hooks for metrics, log lines and the WORKLOAD_ASYNC_LOG switch, aiohttp trace configs, and the
absence of any span code when OpenTelemetry cannot be imported."""

from __future__ import annotations

import ast
import json
import logging
import os
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

import workload_async
from tests.conftest import workloads_path
from workload_async import (
    Client,
    Container,
    FakeClock,
    Hooks,
    InputArtifact,
    RequestEvent,
    RetryEvent,
    RetryPolicy,
    SessionPool,
    StatusChangeEvent,
    WorkloadStatus,
)
from workload_async.emulator import Emulator

S = WorkloadStatus


def artifact() -> InputArtifact:
    return InputArtifact.single("a", Container(image_uri="registry.example.com/echo:1", port=8080))


class Recorder(Hooks):
    def __init__(self) -> None:
        self.requests: list[RequestEvent] = []
        self.retries: list[RetryEvent] = []
        self.changes: list[StatusChangeEvent] = []

    def on_request(self, event: RequestEvent) -> None:
        self.requests.append(event)

    def on_retry(self, event: RetryEvent) -> None:
        self.retries.append(event)

    def on_status_change(self, event: StatusChangeEvent) -> None:
        self.changes.append(event)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def watched(emu: Emulator, clock: FakeClock, recorder: Recorder) -> AsyncIterator[Client]:
    steady = RetryPolicy(jitter=0)  # delays exactly as the server asks
    async with Client(
        emu.url, emu.token, clock=clock, hooks=recorder, retries=steady, api_version=emu.api_version
    ) as client:
        yield client


async def test_hooks_hear_every_attempt_with_its_route_and_status(
    watched: Client, emu: Emulator, recorder: Recorder
) -> None:
    workload = await watched.workloads.create(artifact=artifact())
    emu.add_fault("status", route="workloads.get", status=503, retry_after=0.25, times=1)
    await watched.workloads.get(workload.id)
    assert [(e.method, e.route, e.status, e.attempt, e.error) for e in recorder.requests] == [
        ("POST", "workloads.create", 201, 1, None),
        ("GET", "workloads.get", 503, 1, None),
        ("GET", "workloads.get", 200, 2, None),
    ]
    assert recorder.retries == [RetryEvent("GET", "workloads.get", attempt=1, delay=0.25, error="HTTP 503")]


async def test_a_streamed_invoke_is_heard_once_when_its_headers_arrive(
    watched: Client, clock: FakeClock, recorder: Recorder
) -> None:
    workload = await watched.workloads.create(artifact=artifact())
    clock.advance(2)  # running
    recorder.requests.clear()
    async with watched.workloads.stream(workload.id, "status/503") as response:
        assert response.status == 503
        await response.read()
    assert [(e.method, e.route, e.status) for e in recorder.requests] == [("GET", "workloads.invoke", 503)]


async def test_hooks_hear_each_status_change_of_a_waited_workload_once(
    watched: Client, recorder: Recorder
) -> None:
    workload = await watched.workloads.create(artifact=artifact())
    await watched.workloads.wait(workload.id, timeout=60)
    changes = recorder.changes
    assert {c.workload_id for c in changes} == {workload.id}
    assert changes[0].previous is None and changes[-1].status is S.RUNNING
    assert [c.previous for c in changes[1:]] == [c.status for c in changes[:-1]]
    assert all(c.target is S.RUNNING for c in changes)
    assert [c.seconds for c in changes] == sorted(c.seconds for c in changes)


async def test_a_partial_hooks_object_is_enough(emu: Emulator, clock: FakeClock) -> None:
    class OnlyRetries:
        def __init__(self) -> None:
            self.seen: list[RetryEvent] = []

        def on_retry(self, event: RetryEvent) -> None:
            self.seen.append(event)

    hooks = OnlyRetries()
    emu.add_fault("status", route="workloads.list", status=502, times=1)
    async with Client(emu.url, emu.token, clock=clock, hooks=hooks, api_version=emu.api_version) as client:  # type: ignore[arg-type]
        await client.workloads.list().first_page()
    assert [(e.route, e.error) for e in hooks.seen] == [("workloads.list", "HTTP 502")]


async def test_a_failing_hook_is_logged_and_never_breaks_the_request(
    emu: Emulator, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Hooks):
        def on_request(self, event: RequestEvent) -> None:
            raise RuntimeError("metrics backend down")

    async with Client(emu.url, emu.token, clock=clock, hooks=Broken(), api_version=emu.api_version) as client:
        workload = await client.workloads.create(artifact=artifact())
    assert workload.id
    assert any("hook" in r.getMessage() and r.exc_info for r in caplog.records)


async def test_status_changes_log_at_info_with_the_workload_id(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    workload = await client.workloads.create(artifact=artifact())
    caplog.set_level(logging.INFO, logger="workload_async")
    await client.workloads.wait(workload.id, timeout=60)
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines and all(line.startswith(f"workload {workload.id} ") for line in lines)
    assert "-> running (waiting for running" in lines[-1]


async def test_a_retry_logs_one_warning_with_the_route_and_path(
    client: Client, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    workload = await client.workloads.create(artifact=artifact())
    emu.add_fault("status", route="workloads.get", status=503, times=1)
    await client.workloads.get(workload.id)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert (
        f"GET {workloads_path(client)}{workload.id}/ (workloads.get) failed (HTTP 503); retry 1 in"
        in warnings[0]
    )


def test_a_bad_log_switch_warns_once_and_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("workload_async")
    monkeypatch.setattr(logger, "level", logger.level)
    level = logger.level
    monkeypatch.setenv("WORKLOAD_ASYNC_LOG", "verbose-and-then-some")
    with pytest.warns(RuntimeWarning, match="WORKLOAD_ASYNC_LOG is ignored: it must be 'warning', 'info'"):
        Client("http://127.0.0.1:1/api/v2", "t", api_version="v2.41")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once a process: the second client says nothing
        client = Client("http://127.0.0.1:1/api/v2", "t", api_version="v2.41")
    assert client.endpoint == "http://127.0.0.1:1/api/v2/" and logger.level == level


def test_the_log_switch_leaves_configured_logging_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("workload_async")
    monkeypatch.setattr(logger, "level", logger.level)
    monkeypatch.setenv("WORKLOAD_ASYNC_LOG", "INFO")
    assert logging.getLogger().handlers  # pytest's capture: the application's logging is configured
    Client("http://127.0.0.1:1/api/v2", "t")
    assert logger.level == logging.INFO
    assert [type(h) for h in logger.handlers] == [logging.NullHandler]


async def test_pool_trace_configs_reach_every_session(emu: Emulator, clock: FakeClock) -> None:
    seen: list[tuple[str, str]] = []

    async def on_start(_: object, __: object, params: aiohttp.TraceRequestStartParams) -> None:
        seen.append((params.method, params.url.path))

    config = aiohttp.TraceConfig()
    config.on_request_start.append(on_start)
    async with (
        SessionPool(trace_configs=[config]) as pool,
        Client(emu.url, emu.token, clock=clock, pool=pool, api_version=emu.api_version) as client,
    ):
        workload = await client.workloads.create(artifact=artifact())
        await client.workloads.get(workload.id)
    assert seen == [
        ("POST", f"/api/v2/{workloads_path(client)}"),
        ("GET", f"/api/v2/{workloads_path(client)}{workload.id}/"),
    ]


def test_pool_trace_configs_must_be_trace_configs() -> None:
    with pytest.raises(ValueError, match=r"trace_configs must hold aiohttp\.TraceConfig"):
        SessionPool(trace_configs=[object()])  # type: ignore[list-item]


# -- in a fresh interpreter -----------------------------------------------------------------

WORKLOAD = """
import asyncio, json, sys
from workload_async import Client, Container, FakeClock, InputArtifact
from workload_async.emulator import Emulator

async def work():
    clock = FakeClock()
    async with Emulator(clock=clock, startup_seconds=2.0, stop_seconds=1.0) as emu:
        async with Client(emu.url, emu.token, clock=clock) as client:
            art = InputArtifact.single("a", Container(image_uri="img", port=8080))
            ids = [(await client.workloads.create(artifact=art)).id for _ in range(3)]
            emu.add_fault("status", route="workloads.get", status=503, times=1)
            await client.workloads.get(ids[0])
            await client.workloads.wait(ids[0], timeout=60)
            await client.workloads.wait_many(ids, timeout=60)
            await client.workloads.stop_many(ids, wait=True, timeout=60)
            await client.workloads.invoke(ids[0], "/predict", method="POST", json={"x": 1})
        return emu.token, emu.request_log
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "WORKLOAD_ASYNC_LOG"}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=50,
        env={**environ, **env},
        check=True,
    )


BLOCKED_OR_NOT = (
    """
import sys

class Blocker:
    attempts = []

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "opentelemetry":
            self.attempts.append(name)
            raise ImportError(f"{name} is blocked")
        return None

blocker = Blocker()
if sys.argv[1] == "blocked":
    sys.meta_path.insert(0, blocker)
try:
    import opentelemetry.trace  # an application whose tracing is optional
except ImportError:
    pass

calls = []
def profile(frame, event, arg):
    if event == "call" and frame.f_code.co_filename.endswith("_observe/tracing.py"):
        calls.append(frame.f_code.co_name)
"""
    + WORKLOAD
    + """
sys.setprofile(profile)
token, log = asyncio.run(work())
sys.setprofile(None)
print(json.dumps({
    "requests": len(log),
    "tracing_loaded": "workload_async._observe.tracing" in sys.modules,
    "otel_modules": sorted(m for m in sys.modules if m.startswith("opentelemetry")),
    "span_calls": len(calls),
    "import_attempts": blocker.attempts,
}))
"""
)


@pytest.mark.parametrize("blocked", [True, False])
def test_without_opentelemetry_no_span_code_runs(blocked: bool) -> None:
    pytest.importorskip("opentelemetry.trace")  # the unblocked control needs it installed
    code = BLOCKED_OR_NOT.replace("sys.argv[1]", repr("blocked" if blocked else "open"))
    report = json.loads(run_python(code).stdout)
    assert report["requests"] > 15  # the client did its work: requests, retries, waits, bulk calls
    if blocked:
        assert report["import_attempts"] == ["opentelemetry"]  # the application's own attempt only
        assert report["otel_modules"] == []
        assert report["tracing_loaded"] is False
        assert report["span_calls"] == 0
    else:  # the control: the same profile sees span code once OpenTelemetry is in the process
        assert report["tracing_loaded"] is True and report["span_calls"] > report["requests"]


DEBUG_RUN = (
    WORKLOAD
    + """
token, log = asyncio.run(work())
print(json.dumps({"token": token, "statuses": [status for _, _, status in log]}))
"""
)


def test_with_no_logging_configured_nothing_reaches_stderr() -> None:
    # the run retries once (a WARNING line); Python's last-resort handler would print it
    done = run_python(DEBUG_RUN)
    assert json.loads(done.stdout)["statuses"]
    assert done.stderr == ""


def test_log_switch_warning_shows_the_retry_and_no_request_lines() -> None:
    lines = run_python(DEBUG_RUN, WORKLOAD_ASYNC_LOG="warning").stderr.splitlines()
    assert len(lines) == 1 and " WARNING workload_async: " in lines[0] and "retry 1" in lines[0]


def test_log_switch_debug_logs_each_request_once_and_never_the_token() -> None:
    done = run_python(DEBUG_RUN, WORKLOAD_ASYNC_LOG="debug")
    served = json.loads(done.stdout)
    lines = done.stderr.splitlines()
    ours = [line for line in lines if " workload_async: " in line]
    requests = [line for line in ours if line.split(": ", 1)[1].split(" ")[0] in {"GET", "POST", "DELETE"}]
    requests = [line for line in requests if " -> " in line]
    assert len(requests) == len(served["statuses"])
    assert Counter(int(line.split(" -> ")[1].split(" ")[0]) for line in requests) == Counter(
        served["statuses"]
    )
    assert all(" DEBUG " in line for line in requests)
    assert sum(" WARNING " in line and "retry 1" in line for line in ours) == 1
    assert any(" INFO " in line and "-> running" in line for line in ours)
    assert served["token"] not in done.stderr
    assert "Bearer" not in done.stderr


def runtime_imports(tree: ast.AST) -> list[str]:
    """The modules a file imports at run time (not under ``if TYPE_CHECKING:``)."""
    found: list[str] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
        else:
            found += runtime_imports(node)
    return found


def test_only_the_tracing_module_imports_opentelemetry() -> None:
    package = Path(workload_async.__file__).parent
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if any(m.split(".")[0] == "opentelemetry" for m in runtime_imports(ast.parse(path.read_text())))
    )
    assert importers == [str(Path("_observe", "tracing.py"))]


def test_a_client_of_an_application_without_opentelemetry_loads_none_of_it() -> None:
    pytest.importorskip("opentelemetry.trace")  # installed, yet never imported by the SDK itself
    code = (
        "import sys, workload_async\n"
        "workload_async.Client('http://127.0.0.1:1/api/v2', 't')\n"
        "print(sorted(m for m in sys.modules if m.startswith(('opentelemetry', 'workload_async._observe.tracing'))))\n"
    )
    assert run_python(code).stdout.strip() == "[]"

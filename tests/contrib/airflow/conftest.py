"""Hermetic Airflow for the integration's tests: a temporary AIRFLOW_HOME, no database, and
connections from ``AIRFLOW_CONN_*`` variables only. Skipped when the ``airflow`` extra is absent.

The emulator, its fake clock and a client of it (``emu``, ``clock``, ``client``) come from
tests/conftest.py."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

if importlib.util.find_spec("airflow") is not None:
    _HOME = tempfile.mkdtemp(prefix="workload-async-airflow-")
    os.environ["AIRFLOW_HOME"] = _HOME  # read once, when Airflow is first imported
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"

_ROOT = logging.getLogger()
_ROOT_STATE = (_ROOT.level, list(_ROOT.handlers))

pytest.importorskip("airflow.sdk", reason="the airflow extra is not installed")

import airflow.triggers.base  # noqa: E402
from airflow.sdk.definitions.connection import Connection  # noqa: E402

from workload_async import FakeClock  # noqa: E402
from workload_async.contrib.airflow import WorkloadHook, client_defaults  # noqa: E402
from workload_async.emulator import Emulator  # noqa: E402

CONN_ID = "workload_emulator"


def _restore_root_logger() -> None:
    """Importing Airflow sets up its logging: an INFO handler on the root logger, writing to the
    stdout of the moment, which would print every other test's log lines past pytest's capture."""
    _ROOT.setLevel(_ROOT_STATE[0])
    _ROOT.handlers[:] = _ROOT_STATE[1]


_restore_root_logger()
assert (
    airflow.triggers.base is not None and WorkloadHook is not None
)  # imported above, before the logging was restored


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Airflow's own deprecations, raised inside Airflow (3.0 and 3.1 under the newest standard
    provider), are not the integration's to mend, and as errors Airflow's secrets lookup swallows
    them into "conn_id isn't defined": these tests let them pass. A deprecation of something the
    integration calls is raised from the integration's own code, and stays an error."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning:airflow.*"))
            item.add_marker(pytest.mark.filterwarnings("ignore::FutureWarning:airflow.*"))


@pytest.fixture(autouse=True)
def _root_logger_as_pytest_left_it() -> Iterator[None]:
    yield
    _restore_root_logger()


@pytest.fixture(scope="session", autouse=True)
def _airflow_home() -> Iterator[None]:
    yield
    shutil.rmtree(_HOME, ignore_errors=True)


class FakeTaskInstance:
    """What an operator reaches through ``context["ti"]``: XCom pushes, recorded, and which try
    of the task this is (a test retries the task by raising ``try_number``)."""

    def __init__(self) -> None:
        self.xcom: dict[str, Any] = {}
        self.try_number = 1

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcom[key] = value


class FakeDagRun:
    """What an operator reaches through ``context["dag_run"]``: when the run started."""

    def __init__(self, start_date: datetime) -> None:
        self.start_date = start_date


@pytest.fixture
def context(clock: FakeClock) -> dict[str, Any]:
    """A task's context in a DAG run that started now (on the test's clock), on its first try."""
    return {"ti": FakeTaskInstance(), "dag_run": FakeDagRun(clock.now())}


@pytest.fixture
def connection(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``datarobot_workload`` connection to the emulator, as Airflow reads it from the environment."""
    value = {"conn_type": "datarobot_workload", "host": emu.url, "password": emu.token}
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(value))
    return CONN_ID


@pytest.fixture
def on_fake_clock(clock: FakeClock) -> Iterator[FakeClock]:
    """Every client the hook makes shares the emulator's fake clock."""
    with client_defaults(clock=clock):
        yield clock


class Lookups:
    """Every connection lookup, and whether it ran on a thread with a running event loop."""

    def __init__(self) -> None:
        self.sync_in_loop: list[str] = []
        self.sync_outside_loop: list[str] = []
        self.async_calls: list[str] = []


#: Airflow 3.1+ looks connections up through the task SDK, with an async lookup for the triggerer;
#: 3.0's hook reads ``airflow.models``' Connection synchronously (the hook runs it off the loop).
ASYNC_LOOKUP = hasattr(Connection, "async_get")


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Lookups:
    """Watch Airflow's connection lookups at their seam (``Connection.get`` / ``async_get``; on
    Airflow 3.0 ``airflow.models.connection.Connection.get_connection_from_secrets``)."""
    record = Lookups()
    if ASYNC_LOOKUP:
        owner: Any = Connection
        sync_name = "get"
    else:
        from airflow.models.connection import Connection as owner

        sync_name = "get_connection_from_secrets"
    sync_get = getattr(owner, sync_name).__func__

    def get(cls: type[Connection], conn_id: str) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            record.sync_outside_loop.append(conn_id)
        else:
            record.sync_in_loop.append(conn_id)
        return sync_get(cls, conn_id)

    monkeypatch.setattr(owner, sync_name, classmethod(get))
    if ASYNC_LOOKUP:
        async_get = Connection.async_get.__func__  # type: ignore[attr-defined]

        async def aget(cls: type[Connection], conn_id: str) -> Any:
            record.async_calls.append(conn_id)
            return await async_get(cls, conn_id)

        monkeypatch.setattr(Connection, "async_get", classmethod(aget))
    return record

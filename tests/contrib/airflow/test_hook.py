"""The ``datarobot_workload`` connection: from Airflow's environment variables to a Client."""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

import pytest
from airflow.sdk import Connection

from workload_async import Client, Container, FakeClock, InputArtifact, WorkloadStatus
from workload_async.contrib.airflow import (
    CONN_TYPE,
    WorkloadHook,
    client_defaults,
    client_options,
    get_provider_info,
)
from workload_async.emulator import Emulator

from .conftest import ASYNC_LOOKUP, Lookups


def conn(**fields: Any) -> Connection:
    extra = fields.pop("extra", None)
    return Connection(
        conn_id="dr", conn_type=CONN_TYPE, extra=None if extra is None else json.dumps(extra), **fields
    )


@pytest.mark.parametrize(
    ("fields", "endpoint"),
    [
        ({"host": "https://app.datarobot.com/api/v2"}, "https://app.datarobot.com/api/v2"),
        ({"host": "app.datarobot.com"}, "https://app.datarobot.com/api/v2"),
        (
            {"host": "dr.example.com", "port": 8443, "schema": "/api/v2/"},
            "https://dr.example.com:8443/api/v2",
        ),
        (
            {"host": "ignored", "extra": {"endpoint": "http://127.0.0.1:1/api/v2"}},
            "http://127.0.0.1:1/api/v2",
        ),
    ],
)
def test_the_endpoint_comes_from_the_host_or_the_extra(fields: dict[str, Any], endpoint: str) -> None:
    assert client_options(conn(password="t0ken", **fields)) == {"endpoint": endpoint, "token": "t0ken"}


def test_client_settings_come_from_the_extras() -> None:
    options = client_options(
        conn(
            host="h",
            password="t",
            extra={"timeout": 5, "retries": 0, "max_connections": 8, "api_version": "11.5", "other": 1},
        )
    )
    assert options == {
        "endpoint": "https://h/api/v2",
        "token": "t",
        "timeout": 5,
        "retries": 0,
        "max_connections": 8,
        "api_version": "11.5",
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"host": "h"}, "connection 'dr' has no API token: set its password"),
        ({"password": "t"}, "connection 'dr' has no host: set it to the API root"),
        (
            {"host": "h", "password": "t", "extra": {"timeout": "soon"}},
            "connection 'dr': extra 'timeout' must be a number",
        ),
        ({"host": "h", "password": "t", "extra": {"retries": True}}, "extra 'retries' must be a number"),
    ],
)
def test_a_broken_connection_is_named_with_its_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        client_options(conn(**fields))


def test_the_token_never_shows_in_the_client_made(connection: str, emu: Emulator) -> None:
    client = WorkloadHook(connection).get_client()
    assert emu.token not in repr(client) and emu.token not in repr(vars(client))


async def test_a_uri_connection_from_the_environment_gives_a_working_client(
    emu: Emulator, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, lookups: Lookups
) -> None:
    host = emu.url.removeprefix("http://")
    monkeypatch.setenv(
        "AIRFLOW_CONN_DR_URI", f"datarobot-workload://:{emu.token}@{host}?endpoint=http%3A%2F%2F{host}"
    )
    with client_defaults(clock=clock):
        client = await WorkloadHook("dr_uri").aget_client()
    async with client:
        assert client.endpoint == emu.url + "/" and client.clock is clock
        wl = await client.workloads.create(
            artifact=InputArtifact.single("a", Container(image_uri="i", port=8080))
        )
        assert (await client.workloads.wait(wl.id)).status is WorkloadStatus.RUNNING
    off_loop = lookups.async_calls if ASYNC_LOOKUP else lookups.sync_outside_loop  # 3.0: in a thread
    assert off_loop == ["dr_uri"] and lookups.sync_in_loop == []


def test_the_sync_lookup_is_for_workers_outside_any_loop(connection: str, lookups: Lookups) -> None:
    client = WorkloadHook(connection).get_client()
    assert isinstance(client, Client) and not client.closed
    assert lookups.sync_outside_loop == [connection] and lookups.sync_in_loop == []


def test_hook_options_reach_the_client_but_the_connection_wins(connection: str) -> None:
    with client_defaults(timeout=3.0, endpoint="http://wrong.example/api/v2"):
        client = WorkloadHook(connection, max_connections=7).get_client()
    assert client.pool.max_connections == 7 and "wrong.example" not in client.endpoint


def test_the_provider_is_registered_through_its_entry_point() -> None:
    points = importlib.metadata.entry_points(group="apache_airflow_provider")
    [point] = [p for p in points if p.value.startswith("workload_async.")]
    info = point.load()()
    assert info == get_provider_info()
    assert info["connection-types"] == [
        {
            "connection-type": "datarobot_workload",
            "hook-class-name": "workload_async.contrib.airflow.WorkloadHook",
            "hook-name": "DataRobot Workload API",
        }
    ]
    assert WorkloadHook.conn_type == "datarobot_workload"


def test_the_connection_form_names_the_fields_for_people() -> None:
    behaviour = WorkloadHook.get_ui_field_behaviour()
    assert behaviour["relabeling"] == {"host": "API endpoint", "password": "API token"}

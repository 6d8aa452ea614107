"""Shared fixtures: a fake clock shared by an emulator and a client, and a raw HTTP session.

The ``workload_emulator``/``workload_client`` fixtures come from the package's own pytest plugin
(``workload_async.contrib.pytest_plugin``), the same ones users get.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDictProxy

from workload_async import Client, FakeClock
from workload_async.emulator import Emulator

TOKEN = "unit-test-token-5ecret"


@pytest.fixture(scope="session")
def empty_home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch: pytest.MonkeyPatch, empty_home: Any) -> None:
    """No test reads the developer's own settings: not ``~/.config/datarobot/drconfig.yaml``, not
    a ``DATAROBOT_*`` variable of their shell (a test that wants one sets it)."""
    monkeypatch.setenv("HOME", str(empty_home))
    for name in list(os.environ):
        if name.startswith("DATAROBOT_") or name == "WORKLOAD_ASYNC_LOG":
            monkeypatch.delenv(name)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api_version(request: pytest.FixtureRequest) -> str:
    """The API generation of ``emu`` and ``client``: v2.41 unless a test is parametrized (the
    end-to-end tests run on both, see tests/e2e/conftest.py)."""
    return str(getattr(request, "param", "v2.41"))


@pytest.fixture
async def emu(clock: FakeClock, api_version: str) -> AsyncIterator[Emulator]:
    async with Emulator(
        clock=clock, startup_seconds=2.0, stop_seconds=1.0, seed=1, api_version=api_version
    ) as emulator:
        yield emulator


@pytest.fixture
async def client(emu: Emulator, clock: FakeClock) -> AsyncIterator[Client]:
    async with Client(emu.url, emu.token, clock=clock, api_version=emu.api_version) as c:
        yield c


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Raw:
    """Plain aiohttp calls to the emulator's API, with its token (no SDK involved)."""

    def __init__(self, emu: Emulator, session: aiohttp.ClientSession, token: str | None = None) -> None:
        self.emu = emu
        self.session = session
        self.token = token if token is not None else emu.token

    async def __call__(
        self, method: str, path: str, *, json: Any = None, token: str | None = None, **kwargs: Any
    ) -> tuple[int, Any, CIMultiDictProxy[str]]:
        headers = {"Authorization": f"Bearer {token if token is not None else self.token}"}
        headers.update(kwargs.pop("headers", {}))
        async with self.session.request(
            method, f"{self.emu.url}/{path}", json=json, headers=headers, **kwargs
        ) as response:
            body = await response.read()
            try:
                data = await response.json(content_type=None) if body else None
            except ValueError:
                data = body.decode()
            return response.status, data, response.headers


@pytest.fixture
def raw(emu: Emulator, http: aiohttp.ClientSession) -> Raw:
    return Raw(emu, http)


ARTIFACT_BODY: dict[str, Any] = {
    "name": "echo",
    "spec": {
        "containerGroups": [{"containers": [{"imageUri": "python:3.12", "primary": True, "port": 8080}]}]
    },
}


def artifact_body(name: str = "echo", image: str = "python:3.12", **extra: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "spec": {"containerGroups": [{"containers": [{"imageUri": image, "primary": True, "port": 8080}]}]},
    }
    body.update(extra)
    return body


class GatedClock(FakeClock):
    """A fake clock whose every sleep waits until the test opens the gate once (``gate.put_nowait``)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate: asyncio.Queue[None] = asyncio.Queue()

    async def sleep(self, seconds: float) -> None:
        await self.gate.get()
        await super().sleep(seconds)


_NAMES = itertools.count(1)


def unique_name(prefix: str = "wl") -> str:
    """A name no other workload of the test run has: an 11.5 server refuses a workload name its
    user already has (409), and a workload's name is its artifact's when not given."""
    return f"{prefix}-{next(_NAMES)}"


def workloads_path(client: Client) -> str:
    """Where a client's workloads live: ``console/workloads/`` (v2.41) or ``workloads/`` (11.5)."""
    return "console/workloads/" if client.api_version == "v2.41" else "workloads/"


async def advance_a_round(clock: FakeClock, client: Client, seconds: float) -> None:
    """Move ``clock`` by ``seconds`` and let the client's poller finish the round that falls due:
    its calls travel over real loopback, so this waits for the round itself (up to 30 s of real
    time, failing then), never for a guessed time."""
    poller = client.poller
    rounds = poller.rounds
    clock.advance(seconds)
    for _ in range(30_000):  # 30 s at most
        if poller.rounds > rounds and not poller.rounds_in_flight:
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"no polling round ended after the clock moved {seconds} s")


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait until ``condition()`` holds: work that travels over real loopback (requests, rounds)
    takes real time, so this waits for the thing itself (up to 30 s, failing then, naming
    ``what``), never for a guessed time."""
    for _ in range(30_000):
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"never happened: {what}")

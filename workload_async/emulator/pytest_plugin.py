"""pytest fixtures for testing code that uses workload-async, registered by the package's entry point.

- ``workload_emulator``: a running :class:`~workload_async.emulator.Emulator` on a
  :class:`~workload_async.FakeClock` (override ``workload_emulator_options`` to change its settings).
- ``workload_client``: a :class:`~workload_async.Client` connected to it, sharing its clock.

Both are async fixtures: they need an asyncio pytest plugin (pytest-asyncio or anyio).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar, cast

import pytest

from .._client import Client
from .._clock import FakeClock
from ._server import Emulator

__all__ = ["workload_client", "workload_emulator", "workload_emulator_options"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _async_fixture(function: _F) -> _F:
    """pytest-asyncio's fixture marker when it is installed; a plain fixture (for anyio) otherwise."""
    try:
        import pytest_asyncio
    except ImportError:  # pragma: no cover - depends on the user's plugins
        return cast(_F, pytest.fixture(function))
    return cast(_F, pytest_asyncio.fixture(function))


@pytest.fixture
def workload_emulator_options() -> dict[str, Any]:
    """Keyword arguments for the ``workload_emulator`` fixture's :class:`Emulator`.

    Override it to change timings, or to serve the newer generation with ``api_version="11.5"``.
    """
    return {"startup_seconds": 2.0, "stop_seconds": 1.0}


@_async_fixture
async def workload_emulator(workload_emulator_options: dict[str, Any]) -> AsyncIterator[Emulator]:
    """An in-process emulator on 127.0.0.1 with a fake clock (``emu.clock``)."""
    options = {"clock": FakeClock(), **workload_emulator_options}
    async with Emulator(**options) as emulator:
        yield emulator


@_async_fixture
async def workload_client(workload_emulator: Emulator) -> AsyncIterator[Client]:
    """A client of ``workload_emulator``, on the same clock."""
    async with Client(
        workload_emulator.url, workload_emulator.token, clock=workload_emulator.clock
    ) as client:
        yield client

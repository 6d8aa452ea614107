"""The pytest plugin that installing workload-async registers (entry point ``pytest11``).

It lives outside the ``workload_async`` package on purpose: pytest loads every installed plugin in
every run, also in projects that never use these fixtures, and importing ``workload_async`` means
importing aiohttp. This module imports only pytest; the SDK and its emulator are imported when a
test first asks for ``workload_emulator`` or ``workload_client``. The fixtures are documented in
:mod:`workload_async.contrib.pytest_plugin`, which re-exports them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest

if TYPE_CHECKING:
    from workload_async import Client
    from workload_async.emulator import Emulator

__all__ = ["workload_client", "workload_client_options", "workload_emulator", "workload_emulator_options"]

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
    from workload_async import FakeClock
    from workload_async.emulator import Emulator

    options = {"clock": FakeClock(), **workload_emulator_options}
    async with Emulator(**options) as emulator:
        yield emulator


@pytest.fixture
def workload_client_options() -> dict[str, Any]:
    """More keyword arguments for the ``workload_client`` fixture's :class:`Client` (``retries``,
    ``hooks``, ``poll``, ``wait_timeout`` ...): empty by default.

    The client reads nothing from the environment or from DataRobot's config files: its endpoint,
    token, generation and clock are the emulator's, and every other setting is the client's
    default unless given here.
    """
    return {}


@_async_fixture
async def workload_client(
    workload_emulator: Emulator, workload_client_options: dict[str, Any]
) -> AsyncIterator[Client]:
    """A client of ``workload_emulator``: its endpoint, token, API generation and clock, and
    nothing from the environment or config files (see ``workload_client_options``)."""
    from workload_async import Client

    options = {
        "clock": workload_emulator.clock,
        "api_version": workload_emulator.api_version,
        **workload_client_options,
    }
    async with Client(workload_emulator.url, workload_emulator.token, **options) as client:
        yield client

"""pytest fixtures for testing code that uses workload-async, registered by the package's entry point.

- ``workload_emulator``: a running :class:`~workload_async.emulator.Emulator` on a
  :class:`~workload_async.FakeClock` (override ``workload_emulator_options`` to change its settings).
- ``workload_client``: a :class:`~workload_async.Client` connected to it, speaking its API
  generation and sharing its clock; it reads nothing from the environment or from DataRobot's
  config files (override ``workload_client_options`` to give it more keyword arguments).

Both are async fixtures: they need an asyncio pytest plugin, pytest-asyncio in ``auto`` mode
(``asyncio_mode = "auto"``; in ``strict`` mode mark the tests ``@pytest.mark.asyncio``) or anyio.

The entry point registers them from the top-level module ``_workload_async_pytest``, which imports
nothing of the SDK until a test uses a fixture, so that pytest runs of unrelated projects stay fast.
Name this module in ``pytest_plugins`` only where plugin autoloading is off.
"""

from __future__ import annotations

from _workload_async_pytest import (
    workload_client,
    workload_client_options,
    workload_emulator,
    workload_emulator_options,
)

__all__ = ["workload_client", "workload_client_options", "workload_emulator", "workload_emulator_options"]

"""Deprecated: the pytest fixtures moved to :mod:`workload_async.contrib.pytest_plugin`.

Importing this module still gives the same fixtures, with a ``DeprecationWarning``; it will be
removed in a later release.
"""

from __future__ import annotations

import warnings

from _workload_async_pytest import (
    workload_client,
    workload_client_options,
    workload_emulator,
    workload_emulator_options,
)

__all__ = ["workload_client", "workload_client_options", "workload_emulator", "workload_emulator_options"]

warnings.warn(
    "workload_async.emulator.pytest_plugin moved to workload_async.contrib.pytest_plugin; "
    "import the fixtures from there (they are the same)",
    DeprecationWarning,
    stacklevel=2,
)

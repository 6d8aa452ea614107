"""The command line's tests run against an emulator on the real clock, with instant lifecycles."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from workload_async.emulator import Emulator


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(startup_seconds=0, stop_seconds=0) as emulator:
        yield emulator

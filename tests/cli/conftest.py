"""The command line's tests run against an emulator on the real clock, with instant lifecycles."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from workload_async.emulator import Emulator


@pytest.fixture
async def live_emu(api_version: str) -> AsyncIterator[Emulator]:
    async with Emulator(
        startup_seconds=0, stop_seconds=0, build_seconds=0, api_version=api_version
    ) as emulator:
        yield emulator

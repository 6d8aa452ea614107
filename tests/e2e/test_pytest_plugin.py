"""The fixtures users get from the package's pytest plugin."""

from __future__ import annotations

import pytest

from workload_async import Client, Container, FakeClock, InputArtifact, WorkloadStatus
from workload_async.emulator import Emulator


async def test_plugin_fixtures_share_a_fake_clock(
    workload_emulator: Emulator, workload_client: Client
) -> None:
    assert isinstance(workload_emulator.clock, FakeClock)
    assert workload_client.clock is workload_emulator.clock
    wl = await workload_client.workloads.create(
        artifact=InputArtifact.single("a", Container(image_uri="i", port=8080))
    )
    assert (await workload_client.workloads.wait(wl.id)).status is WorkloadStatus.RUNNING
    assert workload_emulator.clock.monotonic() < 5  # two seconds of start-up, no real sleep


class TestOptions:
    @pytest.fixture
    def workload_emulator_options(self) -> dict[str, object]:
        return {"startup_seconds": 30.0}

    async def test_options_fixture_configures_the_emulator(self, workload_emulator: Emulator) -> None:
        assert workload_emulator.store.timings.startup_seconds == 30.0

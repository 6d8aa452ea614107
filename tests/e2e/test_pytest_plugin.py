"""The fixtures users get from the package's pytest plugin."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workload_async import Client, Container, FakeClock, InputArtifact, ServerError, WorkloadStatus
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


class TestTheClientReadsNothingOfTheEnvironment:
    @pytest.fixture(autouse=True)
    def developer_settings(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """A developer's shell: DataRobot's variables and a drconfig with settings of its own."""
        config = tmp_path / ".config" / "datarobot" / "drconfig.yaml"
        config.parent.mkdir(parents=True)
        config.write_text(
            "endpoint: https://app.example.com/api/v2\ntoken: home-token\napi_version: '11.5'\n"
            "max_retries: 0\nuser_agent_suffix: developer/1\nssl_verify: false\n"
        )
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.setenv("DATAROBOT_CONFIG_FILE", str(config))
        monkeypatch.setenv("DATAROBOT_ENDPOINT", "https://env.example.com/api/v2")
        monkeypatch.setenv("DATAROBOT_API_TOKEN", "env-token")
        monkeypatch.setenv("DATAROBOT_WORKLOAD_API_VERSION", "11.5")
        monkeypatch.setenv("DATAROBOT_MAX_RETRIES", "0")

    async def test_the_client_speaks_the_emulators_generation_with_its_own_defaults(
        self, workload_emulator: Emulator, workload_client: Client
    ) -> None:
        assert workload_emulator.api_version == "v2.41"
        assert workload_client.api_version == "v2.41"
        assert workload_client.endpoint == f"{workload_emulator.url}/"
        workload_emulator.add_fault("status", route="workloads.list", status=503, times=1)
        assert (await workload_client.workloads.list().first_page()).total_count == 0  # retried
        assert workload_emulator.counts["workloads.list"] == 2


class TestTheClientFollowsTheEmulatorsGeneration:
    @pytest.fixture
    def workload_emulator_options(self) -> dict[str, object]:
        return {"api_version": "11.5"}

    async def test_an_11_5_emulator_gets_an_11_5_client(
        self, workload_emulator: Emulator, workload_client: Client
    ) -> None:
        assert workload_client.api_version == "11.5"
        wl = await workload_client.workloads.create(
            name="a", artifact=InputArtifact.single("a", Container(image_uri="i", port=8080))
        )
        assert (await workload_client.workloads.wait(wl.id)).status is WorkloadStatus.RUNNING


class TestClientOptions:
    @pytest.fixture
    def workload_client_options(self) -> dict[str, object]:
        return {"retries": 0, "wait_timeout": 7.0}

    async def test_client_options_reach_the_client(
        self, workload_emulator: Emulator, workload_client: Client
    ) -> None:
        workload_emulator.add_fault("status", route="workloads.list", status=503, times=1)
        with pytest.raises(ServerError):
            await workload_client.workloads.list().first_page()
        assert workload_emulator.counts["workloads.list"] == 1
        assert workload_client.clock is workload_emulator.clock  # the fixture's own settings stay


_REPORT_MODULES = """
import json, sys
import pytest
code = pytest.main(sys.argv[1:])
print(json.dumps({"code": int(code), "modules": sorted(sys.modules)}))
"""


def imported_modules(argv: list[str], cwd: Path) -> set[str]:
    """The modules a pytest run with ``argv`` in ``cwd`` has imported when it ends (in a subprocess)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-c", _REPORT_MODULES, *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0, done.stdout + done.stderr
    return set(report["modules"])


@pytest.mark.parametrize(
    "argv", [["--version", "--version"], ["-q", "-p", "no:cacheprovider", "test_unrelated.py"]]
)
def test_the_plugin_imports_neither_aiohttp_nor_the_emulator_until_a_fixture_is_used(
    tmp_path: Path, argv: list[str]
) -> None:
    (tmp_path / "test_unrelated.py").write_text("def test_sum():\n    assert sum([1, 2]) == 3\n")
    modules = imported_modules(argv, tmp_path)
    assert "_workload_async_pytest" in modules  # the plugin was loaded ...
    heavy = {m for m in modules if m.split(".")[0] in ("aiohttp", "workload_async")}
    assert not heavy, f"pytest imported {sorted(heavy)}"  # ... and it imported nothing of the SDK


def test_the_plugins_old_module_path_gives_the_same_fixtures_with_a_deprecation_warning() -> None:
    sys.modules.pop("workload_async.emulator.pytest_plugin", None)
    with pytest.warns(DeprecationWarning, match=r"workload_async\.contrib\.pytest_plugin"):
        old = importlib.import_module("workload_async.emulator.pytest_plugin")
    new = importlib.import_module("workload_async.contrib.pytest_plugin")
    assert old.__all__ == new.__all__
    assert [getattr(old, name) for name in old.__all__] == [getattr(new, name) for name in new.__all__]

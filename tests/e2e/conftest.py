"""Every end-to-end test runs against both API generations unless it says otherwise.

``@pytest.mark.v2_41_only`` marks a test of something only v2.41 has (deployments, a start that is
a no-op 200); ``@pytest.mark.v11_5_only`` one of something only 11.5 has. The ``api_version``
fixture (tests/conftest.py) sets both the emulator's generation and the client's.
"""

from __future__ import annotations

import pytest

DIALECTS = ("v2.41", "11.5")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "v2_41_only: an end-to-end test of what only API v2.41 has")
    config.addinivalue_line("markers", "v11_5_only: an end-to-end test of what only API 11.5 has")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "api_version" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("v2_41_only"):
        versions: tuple[str, ...] = ("v2.41",)
    elif metafunc.definition.get_closest_marker("v11_5_only"):
        versions = ("11.5",)
    else:
        versions = DIALECTS
    metafunc.parametrize("api_version", versions, indirect=True, ids=[f"api{v}" for v in versions])

"""Every ``python`` code block in the docs and the README runs, as written, against the emulator.

A block fenced as ``python`` is a complete program: it reads the endpoint and token from
``DATAROBOT_ENDPOINT``/``DATAROBOT_API_TOKEN`` (set here to an emulator on a real clock with short
timings) and runs with ``asyncio.run``. A block that defines ``test_`` functions is a test module
for the package's pytest fixtures: it runs under pytest (asyncio auto mode, as the docs say to
configure it). Fragments that cannot run alone are fenced as ``py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

from workload_async.emulator import Emulator

ROOT = Path(__file__).parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^(?P<indent>[ \t]*)```python\b[^\n]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$", re.M | re.S)


def _snippets() -> Iterator[tuple[str, str]]:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            indent = match.group("indent")
            code = "".join(row.removeprefix(indent) for row in match.group("code").splitlines(keepends=True))
            yield f"{page.relative_to(ROOT)}:{line}", code


SNIPPETS = list(_snippets())


class _EmulatorThread:
    """An emulator on a real clock, served from its own event loop in a background thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.emulator = Emulator(startup_seconds=0.2, stop_seconds=0.1)
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def call(self, coroutine_function: Callable[[], Coroutine[Any, Any, None]]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine_function(), self.loop).result(30)

    def __enter__(self) -> Emulator:
        self._thread.start()
        self.call(self.emulator.start)
        return self.emulator

    def reset(self) -> None:
        async def reset() -> None:
            self.emulator.reset()

        self.call(reset)

    def __exit__(self, *exc_info: object) -> None:
        self.call(self.emulator.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def docs_emulator() -> Iterator[_EmulatorThread]:
    with (runner := _EmulatorThread()):
        yield runner


def test_every_python_fence_is_collected() -> None:
    opened = sum(
        len(re.findall(r"^[ \t]*```python\b", page.read_text(encoding="utf-8"), re.M)) for page in PAGES
    )
    assert SNIPPETS and len(SNIPPETS) == opened


@pytest.mark.parametrize(("where", "code"), SNIPPETS, ids=[where for where, _ in SNIPPETS])
def test_snippet_runs(
    where: str,
    code: str,
    docs_emulator: _EmulatorThread,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    docs_emulator.reset()
    monkeypatch.setenv("DATAROBOT_ENDPOINT", docs_emulator.emulator.url)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", docs_emulator.emulator.token)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DATAROBOT_CONFIG_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    if NEEDS_AIRFLOW.search(code):
        # Run by .ci/run again once the airflow extra is installed.
        pytest.importorskip("airflow.sdk", reason="the airflow extra is not installed")
    if TEST_FUNCTION.search(code):
        _run_as_test_module(where, code, tmp_path)
        return
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(code, where, "exec"), {"__name__": "__main__"})


TEST_FUNCTION = re.compile(r"^(async )?def test_", re.M)
NEEDS_AIRFLOW = re.compile(r"^(from|import) (airflow|workload_async\.contrib\.airflow)\b", re.M)


#: The pytest settings the testing guide tells users to write, as it writes them.
SETTINGS = re.search(
    r"^```toml\n(\[tool\.pytest\.ini_options\]\n.*?)^```",
    (ROOT / "docs" / "guides" / "testing.md").read_text(encoding="utf-8"),
    re.M | re.S,
)


def _run_as_test_module(where: str, code: str, folder: Path) -> None:
    assert SETTINGS is not None, "docs/guides/testing.md shows no [tool.pytest.ini_options] block"
    (folder / "test_snippet.py").write_text(code, encoding="utf-8")
    (folder / "pyproject.toml").write_text(SETTINGS.group(1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert result.returncode == 0, f"{where} failed under pytest:\n{result.stdout}\n{result.stderr}"
    assert " passed" in result.stdout

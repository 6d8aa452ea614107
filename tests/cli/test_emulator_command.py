"""``workload-async emulator`` refuses to serve beyond loopback with the well-known token."""

from __future__ import annotations

import asyncio

import pytest

from workload_async.cli import main


async def test_allow_remote_with_the_default_token_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATAROBOT_API_TOKEN", raising=False)
    code = await asyncio.to_thread(main, ["emulator", "--host", "0.0.0.0", "--port", "0", "--allow-remote"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--allow-remote needs a token of your own" in err
    assert "Traceback" not in err

"""An emulator in a child process, controlled over its ``/_emulator`` routes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from types import TracebackType
from typing import Any

import aiohttp

TOKEN = "benchmark-token"


def _cores() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


class EmulatorProcess:
    """``async with EmulatorProcess(startup_seconds=2) as emu:`` — ``emu.url``, ``emu.token``.

    Where the machine has more than one core, the emulator runs on a core of its own and this
    process (the client, and what it starts later) on the others, so that the server's work never
    takes turns with the client's on one core; ``emu.pinned`` says whether it did.
    """

    def __init__(self, *, startup_seconds: float = 2.0, stop_seconds: float = 0.5) -> None:
        self.startup_seconds = startup_seconds
        self.stop_seconds = stop_seconds
        self.token = TOKEN
        self.url = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._session: aiohttp.ClientSession | None = None
        self._client_cores: set[int] | None = None
        self.pinned = False

    async def __aenter__(self) -> EmulatorProcess:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "workload_async.cli",
            "emulator",
            "--port",
            "0",
            "--quiet",
            "--token",
            self.token,
            "--startup-seconds",
            str(self.startup_seconds),
            "--stop-seconds",
            str(self.stop_seconds),
            stderr=subprocess.PIPE,
        )
        assert self._proc.stderr is not None
        self._pin(self._proc.pid)
        line = (await asyncio.wait_for(self._proc.stderr.readline(), 30)).decode()
        self.url = line.split("serving ", 1)[1].split(" ", 1)[0]
        self._session = aiohttp.ClientSession()
        return self

    def _pin(self, server: int) -> None:
        cores = _cores()
        if len(cores) < 2:
            return
        os.sched_setaffinity(server, {cores[-1]})
        self._client_cores = set(cores)
        os.sched_setaffinity(0, set(cores[:-1]))
        self.pinned = True

    async def __aexit__(self, *exc: object | TracebackType | None) -> None:
        if self._session is not None:
            await self._session.close()
        if self._proc is not None and self._proc.returncode is None:
            self._proc.terminate()
            await self._proc.wait()
        if self._client_cores is not None:
            os.sched_setaffinity(0, self._client_cores)

    @property
    def control(self) -> str:
        return self.url.removesuffix("/api/v2") + "/_emulator"

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        assert self._session is not None
        headers = {"Authorization": f"Bearer {self.token}"}  # control routes answer the emulator's token
        async with self._session.request(method, f"{self.control}/{path}", json=body, headers=headers) as r:
            r.raise_for_status()
            return await r.json() if r.content_type == "application/json" else None

    async def reset(self) -> None:
        await self._call("POST", "reset")

    async def reset_counters(self) -> None:
        await self._call("POST", "counters/reset")

    async def counts(self) -> dict[str, int]:
        return dict((await self._call("GET", "counters"))["requests"])

    async def timings(self, **wire: float) -> None:
        await self._call("PUT", "timings", wire)

"""Invoke routes, the echo app, streaming, faults and control routes."""

from __future__ import annotations

from typing import Any, cast

import aiohttp
import pytest

from tests.conftest import GatedClock, Raw, artifact_body
from workload_async import FakeClock
from workload_async.emulator import Emulator


async def running(raw: Raw, clock: FakeClock) -> dict[str, Any]:
    _, wl, _ = await raw("POST", "console/workloads/", json={"artifact": artifact_body()})
    clock.advance(2)
    return cast(dict[str, Any], wl)


async def test_echo_returns_the_request_without_authorization(raw: Raw, clock: FakeClock) -> None:
    wl = await running(raw, clock)
    status, echo, _ = await raw(
        "PUT", f"endpoints/workloads/{wl['id']}/v1/predict?a=1&a=2", json={"x": 1}, headers={"X-Trace": "t1"}
    )
    assert status == 200
    assert echo["method"] == "PUT" and echo["path"] == "/v1/predict"
    assert echo["query"] == {"a": ["1", "2"]}
    assert echo["json"] == {"x": 1}
    assert echo["headers"]["X-Trace"] == "t1"
    assert not any(k.lower() == "authorization" for k in echo["headers"])


async def test_invoke_is_503_until_running(raw: Raw, clock: FakeClock) -> None:
    _, wl, _ = await raw("POST", "console/workloads/", json={"artifact": artifact_body()})
    status, data, _ = await raw("GET", f"endpoints/workloads/{wl['id']}/")
    assert status == 503 and "submitted" in data["detail"]
    assert (await raw("GET", f"endpoints/workloads/{'0' * 24}/"))[0] == 404


async def test_status_path_answers_that_code(raw: Raw, clock: FakeClock) -> None:
    wl = await running(raw, clock)
    assert (await raw("GET", f"endpoints/workloads/{wl['id']}/status/418"))[0] == 418


async def test_stream_sends_events_one_at_a_time(http: Any) -> None:
    clock = GatedClock()
    async with Emulator(clock=clock, startup_seconds=0) as emu:
        _, wl, _ = await Raw(emu, http)("POST", "console/workloads/", json={"artifact": artifact_body()})
        url = f"{emu.url}/endpoints/workloads/{wl['id']}/stream?n=3&gap=1"
        sent_when_read = []
        async with http.get(url, headers={"Authorization": f"Bearer {emu.token}"}) as response:
            assert response.headers["Content-Type"] == "text/event-stream"
            async for line in response.content:
                if line.startswith(b"data:"):
                    sent_when_read.append(emu.state.stream_events_sent)
                    clock.gate.put_nowait(None)  # only now may the next event go
    assert sent_when_read == [1, 2, 3]  # each event arrived before the next was sent


async def test_status_fault_answers_without_acting(raw: Raw, emu: Emulator) -> None:
    emu.add_fault("status", route="workloads.create", status=503, times=1)
    status, data, _ = await raw("POST", "console/workloads/", json={"artifact": artifact_body()})
    assert (status, data) == (503, {"detail": "Injected fault: HTTP 503"})
    assert emu.store.workloads == {}
    assert (await raw("POST", "console/workloads/", json={"artifact": artifact_body()}))[0] == 201


async def test_rate_limit_fault_sends_retry_after(raw: Raw, emu: Emulator) -> None:
    emu.add_fault("status", route="workloads.list", status=429, retry_after=7)
    status, _, headers = await raw("GET", "console/workloads/")
    assert status == 429 and headers["Retry-After"] == "7"
    assert (await raw("GET", "registry/artifacts/"))[0] == 200  # other routes untouched


async def test_drop_before_closes_without_acting(raw: Raw, emu: Emulator) -> None:
    emu.add_fault("drop_before", route="workloads.create", times=1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await raw("POST", "console/workloads/", json={"artifact": artifact_body()})
    assert emu.store.workloads == {}


async def test_drop_after_acts_then_closes(raw: Raw, emu: Emulator) -> None:
    emu.add_fault("drop_after", route="workloads.create", times=1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await raw("POST", "console/workloads/", json={"artifact": artifact_body()})
    assert len(emu.store.workloads) == 1


async def test_latency_fault_waits_on_the_emulator_clock(raw: Raw, emu: Emulator, clock: FakeClock) -> None:
    emu.add_fault("latency", route="workloads.list", seconds=4)
    await raw("GET", "console/workloads/")
    assert clock.monotonic() == pytest.approx(4)


async def test_fault_rate_hits_about_that_share(raw: Raw, emu: Emulator) -> None:
    emu.add_fault("status", route="workloads.list", status=500, rate=0.3)
    codes = [(await raw("GET", "console/workloads/"))[0] for _ in range(200)]
    assert 30 <= codes.count(500) <= 90
    assert set(codes) == {200, 500}


class ControlSession:
    """An aiohttp session sending the emulator's token, as its control routes require."""

    def __init__(self, session: Any, token: str) -> None:
        self._session = session
        self._headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str) -> Any:
        return lambda url, **kwargs: getattr(self._session, method)(url, headers=self._headers, **kwargs)


async def test_control_routes(emu: Emulator, http: Any, clock: FakeClock) -> None:
    base = emu.base_url
    raw = Raw(emu, http)
    http = ControlSession(http, emu.token)
    async with http.post(
        f"{base}/_emulator/faults", json={"kind": "status", "route": "artifacts.*", "status": 502, "times": 1}
    ) as r:
        assert r.status == 201
    assert (await raw("GET", "registry/artifacts/"))[0] == 502
    async with http.get(f"{base}/_emulator/faults") as r:
        assert (await r.json())["faults"][0]["hits"] == 1
    async with http.delete(f"{base}/_emulator/faults") as r:
        assert r.status == 204
    async with http.post(f"{base}/_emulator/faults", json={"kind": "explode"}) as r:
        assert r.status == 422
    async with http.put(f"{base}/_emulator/timings", json={"startupSeconds": 5}) as r:
        assert (await r.json())["startupSeconds"] == 5
    _, wl, _ = await raw("POST", "console/workloads/", json={"artifact": artifact_body()})
    clock.advance(4)
    assert emu.status_of(wl["id"]) == "initializing"
    async with http.post(f"{base}/_emulator/workloads/{wl['id']}/fail", json={"message": "disk full"}) as r:
        assert (await r.json())["status"] == "errored"
    async with http.post(f"{base}/_emulator/clock/advance", json={"seconds": 10}) as r:
        assert (await r.json())["monotonic"] == pytest.approx(14)
    async with http.post(f"{base}/_emulator/users", json={"token": "t2", "readOnly": True}) as r:
        assert (await r.json())["readOnly"] is True
    assert (await raw("POST", "registry/artifacts/", json=artifact_body(), token="t2"))[0] == 403
    async with http.get(f"{base}/_emulator/counters") as r:
        counters = await r.json()
    assert counters["requests"]["workloads.create"] == 1
    assert counters["requests"]["artifacts.list"] == 1
    async with http.post(f"{base}/_emulator/reset") as r:
        assert r.status == 200
    assert emu.store.workloads == {} and sum(emu.counts.values()) == 0


async def test_request_log_and_in_flight_counters(raw: Raw, emu: Emulator) -> None:
    await raw("GET", "console/workloads/")
    await raw("GET", "console/workloads/", token="bad")
    assert [(name, status) for _, name, status in emu.request_log] == [
        ("workloads.list", 200),
        ("workloads.list", 401),
    ]
    assert emu.max_in_flight["workloads.list"] == 1

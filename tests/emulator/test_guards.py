"""What the emulator refuses: strangers on its control routes, non-JSON control bodies, bodies
nested too deeply; and what it keeps to itself: query strings in its log, credentials from apps."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
import pytest

from workload_async import FakeClock
from workload_async.emulator import Emulator

from ..conftest import Raw, artifact_body

FAULT = {"kind": "status", "route": "*", "status": 500}


async def control(
    http: aiohttp.ClientSession, emu: Emulator, path: str, *, token: str | None, **kwargs: Any
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    headers.update(kwargs.pop("headers", {}))
    method = kwargs.pop("method", "POST")
    async with http.request(method, f"{emu.base_url}/_emulator/{path}", headers=headers, **kwargs) as r:
        return r.status, await r.json(content_type=None)


@pytest.mark.parametrize("token", [None, "not-the-token"])
async def test_control_routes_refuse_anyone_without_the_emulator_token(
    http: aiohttp.ClientSession, emu: Emulator, token: str | None
) -> None:
    for method, path in [("POST", "faults"), ("GET", "counters"), ("POST", "users"), ("POST", "reset")]:
        status, body = await control(http, emu, path, token=token, method=method, json=FAULT)
        assert status == 401, path
        assert "emulator's token" in body["detail"]
    assert emu.state.faults.rules == []
    assert len(emu.store.users) == 1  # no token was minted


async def test_a_user_token_of_the_api_is_not_a_control_token(
    http: aiohttp.ClientSession, emu: Emulator
) -> None:
    user = emu.add_user()
    status, _ = await control(http, emu, "faults", token=user, json=FAULT)
    assert status == 401


async def test_the_emulator_token_opens_the_control_routes(
    http: aiohttp.ClientSession, emu: Emulator
) -> None:
    status, body = await control(http, emu, "faults", token=emu.token, json=FAULT)
    assert status == 201 and body["status"] == 500
    assert len(emu.state.faults.rules) == 1


async def test_a_cross_site_text_plain_post_is_refused(http: aiohttp.ClientSession, emu: Emulator) -> None:
    body = json.dumps({"token": "minted"})
    for token in (None, emu.token):
        status, answer = await control(
            http, emu, "users", token=token, data=body, headers={"Content-Type": "text/plain"}
        )
        assert status in (401, 415)
    assert status == 415 and "application/json" in answer["detail"]
    assert "minted" not in emu.store.users


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


async def test_a_deeply_nested_api_body_is_a_400_with_a_detail(raw: Raw) -> None:
    status, body, headers = await raw(
        "POST", "console/workloads/", data=nested(100_000), headers={"Content-Type": "application/json"}
    )
    assert status == 400
    assert headers["Content-Type"].startswith("application/json")
    assert body == {"detail": "Request body is nested too deeply"}


async def test_a_nested_body_that_parses_gets_a_json_answer_not_a_500(raw: Raw) -> None:
    spec = b'{"s":' * 900 + b"1" + b"}" * 900
    body = b'{"name": "deep", "spec": ' + spec + b"}"
    status, answer, _ = await raw(
        "POST", "registry/artifacts/", data=body, headers={"Content-Type": "application/json"}
    )
    assert status in (400, 422)
    assert isinstance(answer, dict) and "detail" in answer


async def test_a_deeply_nested_control_body_is_a_422_with_a_detail(
    http: aiohttp.ClientSession, emu: Emulator
) -> None:
    status, body = await control(
        http,
        emu,
        "faults",
        token=emu.token,
        data=nested(100_000),
        headers={"Content-Type": "application/json"},
    )
    assert status == 422 and "nested too deeply" in body["detail"]


async def test_the_request_log_leaves_out_query_strings(
    http: aiohttp.ClientSession, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="workload_async.emulator")
    async with Emulator(clock=clock, log_requests=True) as emu:
        await Raw(emu, http)("GET", "console/workloads/?search=s3cret-query&limit=5")
    lines = [r.getMessage() for r in caplog.records if r.name == "workload_async.emulator"]
    assert any("GET /api/v2/console/workloads/ -> 200" in line for line in lines)
    assert not any("s3cret-query" in line for line in lines)


async def test_the_echo_app_never_sees_credentials(raw: Raw, clock: FakeClock) -> None:
    _, wl, _ = await raw("POST", "console/workloads/", json={"artifact": artifact_body()})
    clock.advance(10)
    secrets = {
        "Cookie": "session=abc",
        "Proxy-Authorization": "Basic cHJveHk=",
        "X-Api-Key": "k1",
        "Api-Key": "k2",
        "X-DataRobot-API-Key": "k3",
        "apikey": "k4",
    }
    status, echo, _ = await raw(
        "GET", f"endpoints/workloads/{wl['id']}/echo", headers={**secrets, "X-Trace": "t1"}
    )
    assert status == 200
    assert echo["headers"]["X-Trace"] == "t1"
    seen = {k.lower() for k in echo["headers"]}
    assert not seen & {k.lower() for k in secrets} and "authorization" not in seen

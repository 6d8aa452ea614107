"""The emulator's control actions: one implementation behind its Python methods and its routes.

One table of bad inputs drives both: a value the Python method refuses (``ValueError``/``TypeError``,
``KeyError`` for an unknown workload) is refused over HTTP too (422, 404), and neither changes a
thing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import aiohttp
import attrs
import pytest

from workload_async.emulator import Emulator

UNKNOWN = "0" * 24

#: (id, the Python call, the route's method, path and body, the HTTP status, the Python error)
BAD: list[tuple[str, Callable[[Emulator], Any], str, str, dict[str, Any], int, type[Exception]]] = [
    (
        "negative startup",
        lambda emu: emu.set_timings(startup_seconds=-5),
        "PUT",
        "timings",
        {"startupSeconds": -5},
        422,
        ValueError,
    ),
    (
        "infinite stop",
        lambda emu: emu.set_timings(stop_seconds=math.inf),
        "PUT",
        "timings",
        {"stopSeconds": 1e309},
        422,
        ValueError,
    ),
    ("jitter of 1", lambda emu: emu.set_timings(jitter=1), "PUT", "timings", {"jitter": 1}, 422, ValueError),
    (
        "a timing as text",
        lambda emu: emu.set_timings(startup_seconds="5"),  # type: ignore[arg-type]
        "PUT",
        "timings",
        {"startupSeconds": "5"},
        422,
        TypeError,
    ),
    (
        "unknown timing",
        lambda emu: emu.set_timings(warmup=1),
        "PUT",
        "timings",
        {"warmup": 1},
        422,
        ValueError,
    ),
    (
        "fault rate as text",
        lambda emu: emu.add_fault(rate="x"),
        "POST",
        "faults",
        {"rate": "x"},
        422,
        TypeError,
    ),
    ("fault rate above 1", lambda emu: emu.add_fault(rate=2), "POST", "faults", {"rate": 2}, 422, ValueError),
    (
        "fault status 99",
        lambda emu: emu.add_fault(status=99),
        "POST",
        "faults",
        {"status": 99},
        422,
        ValueError,
    ),
    (
        "fault status as text",
        lambda emu: emu.add_fault(status="503"),
        "POST",
        "faults",
        {"status": "503"},
        422,
        TypeError,
    ),
    ("negative times", lambda emu: emu.add_fault(times=-1), "POST", "faults", {"times": -1}, 422, ValueError),
    (
        "negative latency",
        lambda emu: emu.add_fault("latency", seconds=-1),
        "POST",
        "faults",
        {"kind": "latency", "seconds": -1},
        422,
        ValueError,
    ),
    (
        "unknown kind",
        lambda emu: emu.add_fault("explode"),
        "POST",
        "faults",
        {"kind": "explode"},
        422,
        ValueError,
    ),
    ("empty route", lambda emu: emu.add_fault(route=""), "POST", "faults", {"route": ""}, 422, TypeError),
    (
        "fail an unknown workload",
        lambda emu: emu.fail_workload(UNKNOWN),
        "POST",
        f"workloads/{UNKNOWN}/fail",
        {},
        404,
        KeyError,
    ),
    (
        "log to an unknown workload",
        lambda emu: emu.write_log(UNKNOWN, "hello"),
        "POST",
        f"workloads/{UNKNOWN}/logs",
        {"message": "hello"},
        404,
        KeyError,
    ),
    (
        "hold the replacements of an unknown workload",
        lambda emu: emu.hold_replacements(UNKNOWN, "staged"),
        "PUT",
        f"workloads/{UNKNOWN}/replacement-hold",
        {"at": "staged"},
        404,
        KeyError,
    ),
    (
        "release the replacements of an unknown workload",
        lambda emu: emu.release_replacements(UNKNOWN),
        "DELETE",
        f"workloads/{UNKNOWN}/replacement-hold",
        {},
        404,
        KeyError,
    ),
    (
        "fail a replacement as completed",
        lambda emu: emu.fail_replacement(UNKNOWN, "m", status="completed"),
        "POST",
        f"workloads/{UNKNOWN}/fail-replacement",
        {"message": "m", "status": "completed"},
        422,
        ValueError,
    ),
    (
        "fail the builds of an unknown artifact",
        lambda emu: emu.fail_builds(UNKNOWN),
        "POST",
        f"artifacts/{UNKNOWN}/fail-builds",
        {},
        404,
        KeyError,
    ),
    (
        "fail builds as broken",
        lambda emu: emu.fail_builds(UNKNOWN, status="BROKEN"),
        "POST",
        f"artifacts/{UNKNOWN}/fail-builds",
        {"status": "BROKEN"},
        422,
        ValueError,
    ),
    (
        "hold builds at a number",
        lambda emu: emu.hold_builds(UNKNOWN, 5),  # type: ignore[arg-type]
        "PUT",
        f"artifacts/{UNKNOWN}/build-hold",
        {"at": 5},
        422,
        TypeError,
    ),
    (
        "release the builds of an unknown artifact",
        lambda emu: emu.release_builds(UNKNOWN),
        "DELETE",
        f"artifacts/{UNKNOWN}/build-hold",
        {},
        404,
        KeyError,
    ),
    (
        "play an unknown failure",
        lambda emu: emu.play_failure(UNKNOWN, "melt"),
        "POST",
        f"workloads/{UNKNOWN}/failure",
        {"kind": "melt"},
        422,
        ValueError,
    ),
    (
        "play a failure on an unknown workload",
        lambda emu: emu.play_failure(UNKNOWN, "oom_kill"),
        "POST",
        f"workloads/{UNKNOWN}/failure",
        {"kind": "oom_kill"},
        404,
        KeyError,
    ),
    (
        "a failure named by a number",
        lambda emu: emu.play_failure(UNKNOWN, 3),  # type: ignore[arg-type]
        "POST",
        f"workloads/{UNKNOWN}/failure",
        {"kind": 3},
        422,
        TypeError,
    ),
    (
        "a candidate said as a word",
        lambda emu: emu.play_failure(UNKNOWN, "oom_kill", candidate="yes"),  # type: ignore[arg-type]
        "POST",
        f"workloads/{UNKNOWN}/failure",
        {"kind": "oom_kill", "candidate": "yes"},
        422,
        TypeError,
    ),
    (
        "fail an image with an unknown failure",
        lambda emu: emu.fail_image("registry.example.com/x:1", "melt"),
        "PUT",
        "failing-images",
        {"image": "registry.example.com/x:1", "kind": "melt"},
        422,
        ValueError,
    ),
    (
        "fail an empty image",
        lambda emu: emu.fail_image(""),
        "PUT",
        "failing-images",
        {"image": "", "kind": "image_pull_backoff"},
        422,
        ValueError,
    ),
    (
        "a user with an empty token",
        lambda emu: emu.add_user(""),
        "POST",
        "users",
        {"token": " "},
        422,
        ValueError,
    ),
    (
        "a user whose token no header can carry",
        lambda emu: emu.add_user("a\r\nX-Injected: 1"),
        "POST",
        "users",
        {"token": "a\nb"},
        422,
        ValueError,
    ),
    (
        "a fault for a method that does not exist",
        lambda emu: emu.add_fault(method="FETCH"),
        "POST",
        "faults",
        {"method": "FETCH"},
        422,
        ValueError,
    ),
]


def _snapshot(emu: Emulator) -> tuple[Any, ...]:
    return (
        attrs.asdict(emu.store.timings),
        [f.to_json() for f in emu.state.faults.rules],
        len(emu.store.users),
        dict(emu.store.replacement_holds),
        dict(emu.store.build_holds),
        dict(emu.store.failing_images),
        dict(emu.store.candidate_failures),
    )


@pytest.mark.parametrize(
    ("name", "call", "method", "path", "body", "status", "error"), BAD, ids=[b[0] for b in BAD]
)
async def test_a_bad_control_value_is_refused_in_python_and_over_http_alike(
    emu: Emulator,
    http: aiohttp.ClientSession,
    name: str,
    call: Callable[[Emulator], Any],
    method: str,
    path: str,
    body: dict[str, Any],
    status: int,
    error: type[Exception],
) -> None:
    before = _snapshot(emu)
    with pytest.raises(error):
        call(emu)
    assert _snapshot(emu) == before
    headers = {"Authorization": f"Bearer {emu.token}"}
    async with http.request(method, f"{emu.base_url}/_emulator/{path}", json=body, headers=headers) as r:
        assert r.status == status
        assert isinstance((await r.json())["detail"], str)
    assert _snapshot(emu) == before


async def test_advancing_the_clock_by_nan_is_refused(emu: Emulator, http: aiohttp.ClientSession) -> None:
    reading = emu.clock.monotonic()
    headers = {"Authorization": f"Bearer {emu.token}", "Content-Type": "application/json"}
    async with http.post(
        f"{emu.base_url}/_emulator/clock/advance", data=b'{"seconds": NaN}', headers=headers
    ) as r:
        assert r.status == 422
        assert "seconds" in (await r.json())["detail"]
    assert emu.clock.monotonic() == reading


async def test_a_fault_refused_over_http_leaves_the_api_serving(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    """A rule with a rate that is not a number used to be kept, and to answer every request 500."""
    headers = {"Authorization": f"Bearer {emu.token}"}
    async with http.post(f"{emu.base_url}/_emulator/faults", json={"rate": "x"}, headers=headers) as r:
        assert r.status == 422
    async with http.get(f"{emu.url}/console/workloads/", headers=headers) as r:
        assert r.status == 200


async def test_the_timings_route_and_the_method_change_the_same_timings(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    emu.set_timings(startup_seconds=7)
    headers = {"Authorization": f"Bearer {emu.token}"}
    async with http.put(f"{emu.base_url}/_emulator/timings", json={"stopSeconds": 3}, headers=headers) as r:
        shown = await r.json()
    assert shown["startupSeconds"] == 7 and shown["stopSeconds"] == 3
    assert emu.store.timings.stop_seconds == 3


@pytest.mark.parametrize(
    ("text", "detail"), [("{oops", "body is not JSON"), ("[1]", "body must be a JSON object")]
)
async def test_a_control_body_that_is_not_a_json_object_is_a_422_with_a_detail(
    emu: Emulator, http: aiohttp.ClientSession, text: str, detail: str
) -> None:
    base = emu.url.removesuffix("/api/v2")
    headers = {"Authorization": f"Bearer {emu.token}", "Content-Type": "application/json"}
    async with http.post(f"{base}/_emulator/faults", data=text, headers=headers) as response:
        assert response.status == 422
        assert await response.json() == {"detail": detail}
    assert emu.state.faults.rules == []


async def test_the_request_log_keeps_the_last_requests_only(http: aiohttp.ClientSession) -> None:
    async with Emulator(request_log_size=3) as emu:
        headers = {"Authorization": f"Bearer {emu.token}"}
        for path in (
            "console/workloads/",
            "registry/artifacts/",
            "console/workloads/",
            "console/deployments/",
        ):
            async with http.get(f"{emu.url}/{path}", headers=headers) as response:
                assert response.status == 200
        assert [name for _, name, _ in emu.request_log] == [
            "artifacts.list",
            "workloads.list",
            "deployments.list",
        ]
        assert sum(emu.counts.values()) == 4  # the counters still count every request

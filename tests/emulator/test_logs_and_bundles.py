"""The routes real v2.41 clients call beyond the seed (contract §7), driven with plain aiohttp:
workload logs, compute bundles, deployments by workload; and the container's optional port and
security context."""

from __future__ import annotations

from typing import Any, cast

import pytest

from tests.bad_inputs import SECURITY_CASES
from tests.conftest import Raw, artifact_body
from workload_async import FakeClock
from workload_async.emulator import CRASH_IMAGE, Emulator

C0 = ["body", "artifact", "spec", "containerGroups", 0, "containers", 0]


async def create(raw: Raw, name: str = "w", **body: Any) -> dict[str, Any]:
    body.setdefault("artifact", artifact_body(name))
    status, data, _ = await raw("POST", "console/workloads/", json={"name": name, **body})
    assert status == 201, data
    return cast(dict[str, Any], data)


async def messages(raw: Raw, workload_id: str, query: str = "") -> list[str]:
    status, page, _ = await raw("GET", f"otel/workload/{workload_id}/logs/?limit=1000{query}")
    assert status == 200, page
    return [r["message"] for r in page["data"]]


def one_container(**container: Any) -> dict[str, Any]:
    return {
        "name": "x",
        "spec": {"containerGroups": [{"containers": [{"imageUri": "img", "primary": True, **container}]}]},
    }


# -- the three new routes: both slash forms, with and without a token ---------------------------


async def new_routes(raw: Raw) -> list[str]:
    wl = await create(raw)
    return [f"otel/workload/{wl['id']}/logs", "mlops/compute/bundles", f"console/deployments?wid={wl['id']}"]


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("slash", ["", "/"])
async def test_new_routes_answer_both_slash_forms_with_a_token(raw: Raw, index: int, slash: str) -> None:
    path, _, query = (await new_routes(raw))[index].partition("?")
    status, page, _ = await raw("GET", f"{path}{slash}?{query}", allow_redirects=False)
    assert status == 200, page
    assert set(page) == {"count", "totalCount", "next", "previous", "data"}


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("token", ["", "wrong"])
async def test_new_routes_refuse_a_missing_or_unknown_token(
    raw: Raw, index: int, slash: str, token: str
) -> None:
    path, _, query = (await new_routes(raw))[index].partition("?")
    status, data, _ = await raw("GET", f"{path}{slash}?{query}", token=token, allow_redirects=False)
    assert (status, data) == (401, {"message": "Invalid API key"})


# -- logs ---------------------------------------------------------------------------------------


async def test_a_start_writes_pulling_starting_and_ready_newest_first(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    assert await messages(raw, wl["id"]) == ["Scheduling 1 replica"]
    clock.advance(2)
    assert await messages(raw, wl["id"]) == [
        "Workload is ready",
        "Serving on port 8080",
        'Starting container "container-0"',
        'Pulled image "python:3.12"',
        'Pulling image "python:3.12"',
        "Scheduling 1 replica",
    ]
    _, page, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/")
    record = page["data"][0]
    assert set(record) == {"timestamp", "level", "message", "spanId", "traceId", "stacktrace"}
    assert record["level"] == "INFO" and record["timestamp"].endswith("Z")
    stamps = [r["timestamp"] for r in page["data"]]
    assert stamps == sorted(stamps, reverse=True)


async def test_a_crash_writes_its_traceback_and_the_log_tail_is_the_same_log(
    raw: Raw, clock: FakeClock
) -> None:
    wl = await create(raw, artifact=artifact_body("bad", image=f"{CRASH_IMAGE}:1"))
    clock.advance(2)
    _, got, _ = await raw("GET", f"console/workloads/{wl['id']}/")
    assert got["status"] == "errored"
    _, page, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/?level=ERROR")
    (error,) = page["data"]
    assert error["message"] == "RuntimeError: model file /opt/model/weights.bin not found"
    assert error["stacktrace"].startswith("Traceback (most recent call last):")
    _, everything, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/")
    lines: list[str] = []
    for record in reversed(everything["data"]):  # the log as text, oldest first
        lines += [*(record["stacktrace"] or "").splitlines(), record["message"]]
    assert got["statusDetails"]["logTail"] == lines[-20:]
    assert got["statusDetails"]["logTail"][-1] == error["message"]


async def test_a_stop_writes_its_lines_and_cuts_a_start_short(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(0.5)  # still pulling
    assert (await raw("POST", f"console/workloads/{wl['id']}/stop"))[0] == 202
    clock.advance(5)
    log = await messages(raw, wl["id"])
    assert log[:3] == ["Workload stopped", 'Stopping container "container-0"', "Stop requested"]
    assert "Workload is ready" not in log  # the start never got there


async def test_a_forced_error_is_logged(raw: Raw, clock: FakeClock, emu: Emulator) -> None:
    wl = await create(raw)
    clock.advance(2)
    emu.fail_workload(wl["id"], "out of memory")
    _, got, _ = await raw("GET", f"console/workloads/{wl['id']}/")
    assert got["statusDetails"]["logTail"][-1] == "emulator: out of memory"
    assert (await messages(raw, wl["id"], "&level=ERROR")) == ["emulator: out of memory"]


async def test_log_filters(raw: Raw, clock: FakeClock, emu: Emulator) -> None:
    wl = await create(raw)
    clock.advance(2)
    emu.write_log(wl["id"], "cache warm", span_id="s1", trace_id="t1")
    clock.advance(60)
    emu.write_log(wl["id"], "cache cold", level="WARNING", span_id="s2", trace_id="t1")
    _, page, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/?limit=1")
    newest = page["data"][0]["timestamp"]
    assert await messages(raw, wl["id"], "&includes=cache") == ["cache cold", "cache warm"]
    assert await messages(raw, wl["id"], "&includes=cache&includes=cold") == ["cache cold"]
    assert await messages(raw, wl["id"], "&includes=cache&excludes=cold") == ["cache warm"]
    assert await messages(raw, wl["id"], "&includes=Cache") == []  # case-sensitive
    assert await messages(raw, wl["id"], "&level=WARNING") == ["cache cold"]
    assert await messages(raw, wl["id"], "&spanId=s1") == ["cache warm"]
    assert await messages(raw, wl["id"], "&traceId=t1") == ["cache cold", "cache warm"]
    assert await messages(raw, wl["id"], f"&startTime={newest}") == ["cache cold"]  # inclusive
    assert "cache cold" not in await messages(raw, wl["id"], "&endTime=2026-01-01T00:00:30Z")


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ("level=error", "level"),
        ("level=TRACE", "level"),
        ("startTime=yesterday", "startTime"),
        ("startTime=2026-01-01T00:00:00", "startTime"),  # no offset: not RFC 3339
        ("endTime=2026-13-01T00:00:00Z", "endTime"),
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
    ],
)
async def test_bad_log_queries_are_422(raw: Raw, query: str, loc: str) -> None:
    wl = await create(raw)
    status, data, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/?{query}")
    assert status == 422 and data["detail"][0]["loc"] == ["query", loc]


async def test_logs_page_by_up_to_1000(raw: Raw, emu: Emulator) -> None:
    wl = await create(raw)
    for i in range(1500):
        emu.write_log(wl["id"], f"line {i}")
    _, page, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/?limit=1000")
    assert (page["count"], page["totalCount"]) == (1000, 1501)
    assert page["data"][0]["message"] == "line 1499" and page["next"] is not None


async def test_logs_of_an_unknown_or_foreign_workload_are_404(raw: Raw, emu: Emulator) -> None:
    wl = await create(raw)
    assert (await raw("GET", f"otel/workload/{'f' * 24}/logs/"))[0] == 404
    other = emu.add_user()
    assert (await raw("GET", f"otel/workload/{wl['id']}/logs/", token=other))[0] == 404


async def test_invocations_write_access_lines_with_their_trace_context(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    trace, span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    headers = {"traceparent": f"00-{trace}-{span}-01"}
    assert (await raw("POST", f"endpoints/workloads/{wl['id']}/predict", json={}, headers=headers))[0] == 200
    _, page, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/?traceId={trace}")
    assert [(r["message"], r["spanId"]) for r in page["data"]] == [('"POST /predict" 200', span)]


# -- bundles ------------------------------------------------------------------------------------


async def test_bundles_are_a_fixed_catalogue_filtered_by_use_case(raw: Raw) -> None:
    _, page, _ = await raw("GET", "mlops/compute/bundles/")
    ids = [b["id"] for b in page["data"]]
    assert "cpu.small" in ids and "gpu.l4.small" in ids and page["totalCount"] == len(ids)
    small = next(b for b in page["data"] if b["id"] == "cpu.small")
    assert set(small) == {
        "id",
        "name",
        "description",
        "cpuCount",
        "memoryBytes",
        "gpuCount",
        "gpuType",
        "gpuMemoryBytes",
        "useCases",
    }
    _, apps, _ = await raw("GET", "mlops/compute/bundles/?useCases=customApplication")
    assert apps["data"] and all(b["gpuCount"] == 0 for b in apps["data"])
    _, limited, _ = await raw("GET", "mlops/compute/bundles/?limit=2&entityType=workload&entityId=x")
    assert limited["count"] == 2 and limited["next"] is not None


async def test_an_unknown_bundle_is_refused_on_create(raw: Raw) -> None:
    runtime = {"resources": [{"type": "resource_bundle", "resourceBundleId": "cpu.huge"}]}
    status, data, _ = await raw(
        "POST", "console/workloads/", json={"artifact": artifact_body(), "runtime": runtime}
    )
    assert status == 422
    assert data["detail"][0]["loc"] == ["body", "runtime", "resources", 0, "resourceBundleId"]
    assert "cpu.huge" in data["detail"][0]["msg"]
    assert (await raw("GET", "registry/artifacts/"))[1]["totalCount"] == 0  # nothing was made


async def test_an_unknown_bundle_is_refused_on_start(raw: Raw, clock: FakeClock, emu: Emulator) -> None:
    runtime = {"resources": [{"type": "resource_bundle", "resourceBundleId": "cpu.small"}]}
    wl = await create(raw, runtime=runtime)
    assert (await raw("POST", f"console/workloads/{wl['id']}/stop"))[0] == 202
    clock.advance(5)
    del emu.store.bundles["cpu.small"]  # the catalogue changed while it was stopped
    status, data, _ = await raw("POST", f"console/workloads/{wl['id']}/start")
    assert status == 422 and data["detail"][0]["loc"] == ["runtime", "resources", 0, "resourceBundleId"]


# -- deployments by workload --------------------------------------------------------------------


async def test_deployments_filtered_by_wid_with_their_workloads(raw: Raw) -> None:
    made = []
    for name in ("a", "b", "c"):
        wl = await create(raw, name, artifact=artifact_body(name, status="registered"))
        _, dep, _ = await raw("POST", "console/deployments/", json={"name": name, "workloadId": wl["id"]})
        made.append((wl, dep))
    (wa, da), (wb, db), _ = made
    status, page, _ = await raw("GET", f"console/deployments/?wid={wa['id']}&wid={wb['id']}")
    assert status == 200 and {d["id"] for d in page["data"]} == {da["id"], db["id"]}
    assert all("workload" not in d for d in page["data"])
    _, page, _ = await raw("GET", f"console/deployments/?wid={wb['id']}&workloadDetails=true")
    assert [d["id"] for d in page["data"]] == [db["id"]]
    assert page["data"][0]["workload"]["id"] == wb["id"] and page["data"][0]["workload"]["name"] == "b"
    _, page, _ = await raw("GET", f"console/deployments/?wid={'f' * 24}")
    assert page["totalCount"] == 0
    status, data, _ = await raw("GET", "console/deployments/?workloadDetails=maybe")
    assert status == 422 and data["detail"][0]["loc"] == ["query", "workloadDetails"]


# -- containers: security context and optional port ---------------------------------------------


async def test_a_security_context_is_accepted_and_echoed(raw: Raw) -> None:
    context = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
        "seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/strict.json"},
    }
    status, art, _ = await raw(
        "POST", "registry/artifacts/", json=one_container(port=8080, securityContext=context)
    )
    assert status == 201, art
    assert art["spec"]["containerGroups"][0]["containers"][0]["securityContext"] == context


@pytest.mark.parametrize(
    ("context", "loc"),
    [(wire, loc) for _, wire, _, loc in SECURITY_CASES]
    + [
        ({"privileged": True}, ["securityContext", "privileged"]),
        ({"capabilities": {"keep": ["X"]}}, ["securityContext", "capabilities", "keep"]),
        ({"seccompProfile": {"type": "Unconfined", "x": 1}}, ["securityContext", "seccompProfile", "x"]),
    ],
)
async def test_a_bad_security_context_is_422(raw: Raw, context: dict[str, Any], loc: list[Any]) -> None:
    body = {"artifact": one_container(port=8080, securityContext=context)}
    status, data, _ = await raw("POST", "console/workloads/", json=body)
    assert status == 422, data
    assert [p["loc"] for p in data["detail"]] == [[*C0, *loc]]


async def test_a_workload_without_a_port_runs_and_refuses_invocation(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw, artifact=one_container())
    clock.advance(2)
    _, got, _ = await raw("GET", f"console/workloads/{wl['id']}/")
    assert got["status"] == "running"
    status, data, _ = await raw("GET", f"endpoints/workloads/{wl['id']}/predict")
    assert status == 503 and "exposes no port" in data["detail"]
    assert "The primary container exposes no port" in " ".join(
        await messages(raw, wl["id"], "&level=WARNING")
    )


async def test_the_11_5_generation_serves_logs_and_bundles_too(clock: FakeClock, http: Any) -> None:
    async with Emulator(clock=clock, startup_seconds=2.0, api_version="11.5") as emu:
        raw = Raw(emu, http)
        container = {"name": "app", "imageUri": "python:3.12", "primary": True, "port": 8080}
        body = {
            "name": "wl",
            "artifact": {"name": "a", "spec": {"containerGroups": [{"containers": [container]}]}},
        }
        status, wl, _ = await raw("POST", "workloads/", json=body)
        assert status == 201, wl
        clock.advance(2)
        assert (await messages(raw, wl["id"]))[:2] == ["Workload is ready", "Serving on port 8080"]
        assert 'Starting container "app"' in await messages(raw, wl["id"])
        _, page, _ = await raw("GET", "mlops/compute/bundles")
        assert "cpu.small" in [b["id"] for b in page["data"]]


async def test_the_control_route_writes_a_record(raw: Raw, emu: Emulator, http: Any) -> None:
    wl = await create(raw)
    url = f"{emu.base_url}/_emulator/workloads/{wl['id']}/logs"
    headers = {"Authorization": f"Bearer {emu.token}"}
    record = {"message": "boom", "level": "ERROR", "traceId": "t9", "stacktrace": "Traceback ..."}
    async with http.post(url, json=record, headers=headers) as r:
        assert r.status == 201
    async with http.post(url, json={"message": "x", "level": "LOUD"}, headers=headers) as r:
        assert r.status == 422
    async with http.post(url, json={"message": "x"}) as r:  # control routes need the emulator's token
        assert r.status == 401
    _, page, _ = await raw("GET", f"otel/workload/{wl['id']}/logs/?traceId=t9")
    assert [(r["message"], r["level"], r["stacktrace"]) for r in page["data"]] == [
        ("boom", "ERROR", "Traceback ...")
    ]

"""The workload state machine under a fake clock, artifacts' locking, deployments and stats."""

from __future__ import annotations

from typing import Any, cast

from tests.conftest import Raw, artifact_body
from workload_async import FakeClock
from workload_async.emulator import CRASH_IMAGE, Emulator


async def status_of(raw: Raw, workload_id: str) -> str:
    _, wl, _ = await raw("GET", f"console/workloads/{workload_id}/")
    return str(wl["status"])


async def create(raw: Raw, **body: Any) -> dict[str, Any]:
    status, wl, _ = await raw("POST", "console/workloads/", json=body or {"artifact": artifact_body()})
    assert status == 201, wl
    return cast(dict[str, Any], wl)


async def test_create_goes_submitted_initializing_running(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    seen = [await status_of(raw, wl["id"])]
    for _ in range(5):
        clock.advance(0.5)
        seen.append(await status_of(raw, wl["id"]))
    assert seen == ["submitted", "initializing", "initializing", "initializing", "running", "running"]


async def test_stop_goes_stopping_then_stopped_and_start_brings_it_back(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    status, op, _ = await raw("POST", f"console/workloads/{wl['id']}/stop")
    assert status == 202
    assert op["trackVia"].endswith(f"/console/workloads/{wl['id']}/")
    assert await status_of(raw, wl["id"]) == "stopping"
    clock.advance(1)
    assert await status_of(raw, wl["id"]) == "stopped"
    assert (await raw("POST", f"console/workloads/{wl['id']}/stop"))[0] == 200
    assert (await raw("POST", f"console/workloads/{wl['id']}/start"))[0] == 202
    assert await status_of(raw, wl["id"]) == "submitted"
    clock.advance(2)
    assert await status_of(raw, wl["id"]) == "running"


async def test_start_is_a_no_op_while_up_and_409_while_stopping(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    assert (await raw("POST", f"console/workloads/{wl['id']}/start"))[0] == 200
    clock.advance(2)
    assert (await raw("POST", f"console/workloads/{wl['id']}/start"))[0] == 200
    await raw("POST", f"console/workloads/{wl['id']}/stop")
    status, data, _ = await raw("POST", f"console/workloads/{wl['id']}/start")
    assert status == 409 and "stopping" in data["detail"]


async def test_stop_is_a_no_op_while_stopping(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    assert (await raw("POST", f"console/workloads/{wl['id']}/stop"))[0] == 202
    assert (await raw("POST", f"console/workloads/{wl['id']}/stop"))[0] == 200


async def test_crash_image_ends_errored_with_a_log_tail(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw, artifact=artifact_body("bad", image=f"{CRASH_IMAGE}:v2"))
    clock.advance(1)
    assert await status_of(raw, wl["id"]) == "initializing"
    clock.advance(1)
    _, got, _ = await raw("GET", f"console/workloads/{wl['id']}/")
    assert got["status"] == "errored"
    assert got["statusDetails"]["conditions"][0]["reason"] == "CrashLoopBackOff"
    assert got["statusDetails"]["logTail"][-1].startswith("RuntimeError")
    clock.advance(3600)
    assert await status_of(raw, wl["id"]) == "errored"  # it stays until someone acts
    assert (await raw("POST", f"console/workloads/{wl['id']}/stop"))[0] == 202
    clock.advance(1)
    assert await status_of(raw, wl["id"]) == "stopped"


async def test_an_errored_workload_can_be_started_again(raw: Raw, clock: FakeClock, emu: Emulator) -> None:
    wl = await create(raw)
    clock.advance(2)
    emu.fail_workload(wl["id"], "out of memory")
    _, got, _ = await raw("GET", f"console/workloads/{wl['id']}/")
    assert got["status"] == "errored" and got["statusDetails"]["conditions"][0]["message"] == "out of memory"
    assert (await raw("POST", f"console/workloads/{wl['id']}/start"))[0] == 202
    clock.advance(2)
    assert await status_of(raw, wl["id"]) == "running"


async def test_draft_workloads_stop_after_their_ttl(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(8 * 3600 - 1)
    assert await status_of(raw, wl["id"]) == "running"
    clock.advance(1)
    assert await status_of(raw, wl["id"]) == "stopped"


async def test_registered_workloads_have_no_ttl(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw, artifact=artifact_body(status="registered"))
    clock.advance(24 * 3600)
    assert await status_of(raw, wl["id"]) == "running"


async def test_jitter_spreads_a_fleet(clock: FakeClock, http: Any) -> None:
    async with Emulator(clock=clock, startup_seconds=10, jitter=0.5, seed=3) as emu:
        raw = Raw(emu, http)
        ids = [(await create(raw))["id"] for _ in range(20)]
        clock.advance(10)
        statuses = {emu.status_of(i) for i in ids}
    assert statuses == {"running", "initializing"}


async def test_draft_artifacts_lifecycle_and_locking(raw: Raw) -> None:
    status, art, _ = await raw("POST", "registry/artifacts/", json=artifact_body("v0"))
    assert status == 201 and art["status"] == "draft" and art["version"] is None
    assert art["description"] == "" and art["type"] == "generic"
    status, art, _ = await raw(
        "PUT", f"registry/artifacts/{art['id']}/", json=artifact_body("v1", image="img:2")
    )
    assert status == 200 and art["name"] == "v1"
    assert art["spec"]["containerGroups"][0]["containers"][0]["imageUri"] == "img:2"
    status, art, _ = await raw("PATCH", f"registry/artifacts/{art['id']}/", json={"description": "d"})
    assert status == 200 and art["description"] == "d"
    status, data, _ = await raw(
        "PATCH", f"registry/artifacts/{art['id']}/", json={"spec": artifact_body()["spec"]}
    )
    assert status == 422 and data["detail"][0]["loc"] == ["body", "spec"]
    status, data, _ = await raw("PATCH", f"registry/artifacts/{art['id']}/", json={"status": "draft"})
    assert status == 422
    status, art, _ = await raw("PATCH", f"registry/artifacts/{art['id']}/", json={"status": "registered"})
    assert status == 200 and art["status"] == "registered" and art["version"] == 1
    for method, body in (("PUT", artifact_body()), ("PATCH", {"name": "x"}), ("DELETE", None)):
        status, data, _ = await raw(method, f"registry/artifacts/{art['id']}/", json=body)
        assert status == 409 and "registered" in data["detail"], method


async def test_versions_count_registrations_of_a_name(raw: Raw) -> None:
    _, a1, _ = await raw("POST", "registry/artifacts/", json=artifact_body("same", status="registered"))
    _, a2, _ = await raw("POST", "registry/artifacts/", json=artifact_body("same", status="registered"))
    assert (a1["version"], a2["version"]) == (1, 2)


async def test_a_draft_backs_one_live_workload_a_registered_one_many(raw: Raw) -> None:
    _, draft, _ = await raw("POST", "registry/artifacts/", json=artifact_body())
    await create(raw, artifactId=draft["id"])
    status, data, _ = await raw("POST", "console/workloads/", json={"artifactId": draft["id"]})
    assert status == 409 and "draft" in data["detail"]
    status, data, _ = await raw("DELETE", f"registry/artifacts/{draft['id']}/")
    assert status == 409 and "used by a live workload" in data["detail"]
    _, reg, _ = await raw("POST", "registry/artifacts/", json=artifact_body(status="registered"))
    for _ in range(3):
        await create(raw, artifactId=reg["id"])


async def test_deployments_need_a_registered_artifact(raw: Raw) -> None:
    wl = await create(raw)
    status, data, _ = await raw("POST", "console/deployments/", json={"name": "d", "workloadId": wl["id"]})
    assert status == 422 and "draft" in data["detail"][0]["msg"]
    status, _, _ = await raw("POST", "console/deployments/", json={"name": "d", "workloadId": "0" * 24})
    assert status == 404


async def test_deployment_crud_and_stats_count_invocations(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw, artifact=artifact_body(status="registered"))
    status, dep, _ = await raw("POST", "console/deployments/", json={"name": "prod", "workloadId": wl["id"]})
    assert status == 201 and dep["importance"] == "low" and dep["status"] == "submitted"
    assert dep["endpoint"].endswith(f"/endpoints/deployments/{dep['id']}/")
    clock.advance(2)
    for i in range(7):
        assert (await raw("POST", f"endpoints/deployments/{dep['id']}/predict", json={"i": i}))[0] == 200
    assert (await raw("GET", f"endpoints/deployments/{dep['id']}/status/404"))[0] == 404
    assert (await raw("GET", f"endpoints/deployments/{dep['id']}/status/500"))[0] == 500
    await raw("GET", f"endpoints/workloads/{wl['id']}/predict")  # not through the deployment
    clock.advance(60)
    _, stats, _ = await raw("GET", f"console/deployments/{dep['id']}/stats/")
    m = stats["metrics"]
    assert (m["totalRequests"], m["userErrors"], m["serverErrors"]) == (9, 1, 1)
    assert m["totalErrorRate"] == round(2 / 9, 4)
    assert m["requestsPerMinute"] == round(9 / 62 * 60, 3)
    status, dep, _ = await raw("PATCH", f"console/deployments/{dep['id']}/", json={"importance": "critical"})
    assert status == 200 and dep["importance"] == "critical"
    assert (await raw("PATCH", f"console/deployments/{dep['id']}/", json={"importance": "huge"}))[0] == 422
    assert (await raw("DELETE", f"console/deployments/{dep['id']}/"))[0] == 204
    assert (await raw("GET", f"console/deployments/{dep['id']}/"))[0] == 404
    assert await status_of(raw, wl["id"]) == "running"  # the workload lives on

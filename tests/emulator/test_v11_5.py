"""The emulator speaking the 11.5 generation (``api-11.5.md``), over raw HTTP."""

from __future__ import annotations

from typing import Any, cast

import pytest

from tests.conftest import Raw
from workload_async import FakeClock
from workload_async.emulator import Emulator

WORKLOAD_KEYS = {
    "id", "name", "description", "importance", "type", "status", "statusDetails", "artifactId",
    "artifact", "runtime", "endpoint", "protonId", "replacement", "requestStats", "creator",
    "owners", "permissions", "tags", "createdAt", "updatedAt",
}  # fmt: skip
ARTIFACT_KEYS = {
    "id", "name", "description", "type", "status", "version", "spec", "artifactRepositoryId",
    "creator", "createdAt", "updatedAt",
}  # fmt: skip
REPLACEMENT_KEYS = {
    "id", "name", "workloadId", "userId", "tenantId", "candidateArtifactId", "candidateProtonIds",
    "previousProtonIds", "isDeleted", "deletedAt", "status", "strategy", "config", "runtime",
    "message", "switchedAt", "createdAt", "updatedAt",
}  # fmt: skip


@pytest.fixture
def api_version() -> str:
    """The generation of ``emu`` here: 11.5."""
    return "11.5"


def artifact(name: str = "echo", **extra: Any) -> dict[str, Any]:
    container = {"name": "app", "imageUri": "python:3.12", "primary": True, "port": 8080}
    return {"name": name, "spec": {"containerGroups": [{"containers": [container]}]}, **extra}


async def create(raw: Raw, **body: Any) -> dict[str, Any]:
    status, wl, _ = await raw("POST", "workloads/", json={"name": "wl", "artifact": artifact(), **body})
    assert status == 201, wl
    return cast(dict[str, Any], wl)


async def status_of(raw: Raw, workload_id: str) -> str:
    return str((await raw("GET", f"workloads/{workload_id}"))[1]["status"])


def locs(data: dict[str, Any]) -> list[list[Any]]:
    return [problem["loc"] for problem in data["detail"]]


async def test_serves_11_5_routes_and_not_v2_41_ones(raw: Raw, emu: Emulator) -> None:
    assert emu.api_version == "11.5"
    for path in ("console/workloads/", "registry/artifacts/", "console/deployments/"):
        assert (await raw("GET", path))[0] == 404
    for path in ("workloads/", "workloads", "artifacts/", "artifacts"):
        assert (await raw("GET", path))[0] == 200


async def test_a_v2_41_emulator_does_not_serve_11_5_routes(http: Any) -> None:
    async with Emulator() as v2:
        assert (await Raw(v2, http)("GET", "workloads/"))[0] == 404


async def test_create_answers_exactly_the_workload_fields(raw: Raw) -> None:
    wl = await create(raw, description="d", importance="high")
    assert set(wl) == WORKLOAD_KEYS
    assert (wl["name"], wl["description"], wl["importance"], wl["type"]) == ("wl", "d", "high", "service")
    assert wl["artifact"]["status"] == "draft" and set(wl["artifact"]) == {
        "id", "name", "status", "type", "version", "artifactRepositoryId",
    }  # fmt: skip
    assert wl["endpoint"].endswith(f"/endpoints/workloads/{wl['id']}/")
    (group,) = wl["runtime"]["containerGroups"]
    assert (group["name"], group["replicaCount"], group["bundleSelectionPolicy"]) == (
        "default",
        1,
        "availability",
    )
    assert group["resolvedBundle"]["id"] == "cpu.nano"
    assert wl["replacement"] is None and wl["statusDetails"] is None


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"artifact": artifact()}, ["body", "name"]),
        (
            {"name": "x", "artifact": artifact(), "runtime": {"replicaCount": 2}},
            ["body", "runtime", "replicaCount"],
        ),
        (
            {"name": "x", "artifact": artifact(), "runtime": {"autoscaling": {}}},
            ["body", "runtime", "autoscaling"],
        ),
        ({"name": "x", "artifact": artifact(), "colour": "red"}, ["body", "colour"]),
        (
            {
                "name": "x",
                "artifact": {
                    "name": "a",
                    "spec": {
                        "containerGroups": [
                            {
                                "containers": [
                                    {"imageUri": "i", "primary": True, "resourceRequest": {"cpu": 1}}
                                ]
                            }
                        ]
                    },
                },
            },
            ["body", "artifact", "spec", "containerGroups", 0, "containers", 0, "resourceRequest"],
        ),
        ({"name": "x", "artifact": artifact(), "importance": "urgent"}, ["body", "importance"]),
    ],
    ids=[
        "name-required",
        "top-level-replicas",
        "top-level-autoscaling",
        "unknown-field",
        "resource-request",
        "importance",
    ],
)
async def test_create_rejects_what_11_5_does_not_accept(
    raw: Raw, body: dict[str, Any], loc: list[Any]
) -> None:
    status, data, _ = await raw("POST", "workloads/", json=body)
    assert status == 422
    assert loc in locs(data)


async def test_a_runtime_naming_an_unknown_group_container_or_bundle_is_422(raw: Raw) -> None:
    runtime = {
        "containerGroups": [
            {"name": "nope"},
            {
                "resourceBundles": ["cpu.huge"],
                "containers": [{"name": "ghost", "resourceAllocation": {"cpu": 1}}],
            },
        ]
    }
    status, data, _ = await raw(
        "POST", "workloads/", json={"name": "x", "artifact": artifact(), "runtime": runtime}
    )
    assert status == 422
    assert locs(data) == [
        ["body", "runtime", "containerGroups", 0, "name"],
        ["body", "runtime", "containerGroups", 1, "resourceBundles", 0],
        ["body", "runtime", "containerGroups", 1, "containers", 0, "name"],
    ]
    assert raw.emu.store.artifacts == {}  # nothing was created


async def test_group_runtime_with_bundle_autoscaling_and_allocations_is_echoed(raw: Raw) -> None:
    policy = {"scalingMetric": "httpRequestsConcurrency", "target": 5}
    scaling: dict[str, Any] = {"minReplicaCount": 0, "maxReplicaCount": 3, "policies": [policy]}
    group = {
        "autoscaling": scaling,
        "resourceBundles": ["cpu.medium"],
        "containers": [{"name": "app", "resourceAllocation": {"cpu": 1.5, "memory": "512MB"}}],
    }
    wl = await create(raw, runtime={"containerGroups": [group]})
    (echoed,) = wl["runtime"]["containerGroups"]
    assert echoed["autoscaling"] == {"enabled": True, **scaling}
    assert "replicaCount" not in echoed
    assert echoed["resolvedBundle"]["id"] == "cpu.medium"
    assert echoed["containers"] == [
        {"name": "app", "resourceAllocation": {"cpu": 1.5, "memory": 512_000_000}}
    ]


async def test_credential_environment_variables_and_probe_headers_are_accepted(raw: Raw) -> None:
    container: dict[str, Any] = {
        "name": "app",
        "imageUri": "i",
        "primary": True,
        "port": 8080,
        "environmentVars": [
            {"name": "A", "value": "1"},
            {"source": "dr-credential", "name": "KEY", "drCredentialId": "c" * 24, "key": "apiToken"},
        ],
        "readinessProbe": {"path": "/ready", "host": "localhost", "httpHeaders": {"X-Probe": "1"}},
    }
    body = {
        "name": "x",
        "artifact": {"name": "a", "spec": {"containerGroups": [{"containers": [container]}]}},
    }
    assert (await raw("POST", "workloads/", json=body))[0] == 201
    del container["environmentVars"][1]["key"]
    status, data, _ = await raw("POST", "workloads/", json=body)
    assert status == 422
    assert locs(data) == [
        ["body", "artifact", "spec", "containerGroups", 0, "containers", 0, "environmentVars", 1, "key"]
    ]


async def test_start_goes_submitted_provisioning_launching_running(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    seen = [await status_of(raw, wl["id"])]
    for _ in range(5):
        clock.advance(0.4)
        seen.append(await status_of(raw, wl["id"]))
    assert seen == ["submitted", "provisioning", "provisioning", "launching", "launching", "running"]


async def test_start_is_a_no_op_unless_stopped_409_while_stopping_and_stop_of_stopped_a_no_op(
    raw: Raw, clock: FakeClock
) -> None:
    wl = await create(raw)
    for expected in ("submitted", "running"):  # on its way up, then up: 200, nothing happens
        status, op, _ = await raw("POST", f"workloads/{wl['id']}/start")
        assert (status, op["status"]) == (200, f"Workload is already {expected}")
        clock.advance(2)
    status, op, _ = await raw("POST", f"workloads/{wl['id']}/stop")
    assert status == 202 and op["trackVia"].endswith(f"/workloads/{wl['id']}/") and set(op) == {
        "status", "workloadId", "trackVia",
    }  # fmt: skip
    status, data, _ = await raw("POST", f"workloads/{wl['id']}/start")
    assert (status, data) == (409, {"detail": "The proton must be stopped before attempting to start it."})
    clock.advance(1)
    assert (await raw("POST", f"workloads/{wl['id']}/stop"))[0] == 200  # a no-op
    assert await status_of(raw, wl["id"]) == "stopped"
    assert (await raw("POST", f"workloads/{wl['id']}/start"))[0] == 202
    assert await status_of(raw, wl["id"]) == "submitted"


async def test_a_settings_change_is_a_replacement_that_completes_over_the_startup_time(
    raw: Raw, clock: FakeClock
) -> None:
    wl = await create(raw)
    clock.advance(2)
    new = {"containerGroups": [{"replicaCount": 3}]}
    status, rep, _ = await raw("PATCH", f"workloads/{wl['id']}/settings", json={"runtime": new})
    assert status == 202 and set(rep) == REPLACEMENT_KEYS
    assert (rep["status"], rep["workloadId"], rep["strategy"]) == ("submitted", wl["id"], "rolling")
    assert rep["previousProtonIds"] == [wl["protonId"]]
    status, _, _ = await raw("PATCH", f"workloads/{wl['id']}/settings", json={"runtime": new})
    assert status == 409  # one replacement at a time
    seen = []
    for _ in range(4):
        current = (await raw("GET", f"workloads/{wl['id']}"))[1]
        seen.append((current["status"], current["replacement"] and current["replacement"]["status"]))
        assert current["runtime"]["containerGroups"][0]["replicaCount"] == 1
        clock.advance(0.5)
    # the live timeline: no record for a moment, then its steps while the old settings serve
    assert seen == [("running", None), ("running", "initializing"), ("running", "staged"),
                    ("running", "promoting")]  # fmt: skip
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert current["replacement"]["status"] == "completed"  # shown a moment once it switched
    assert current["runtime"]["containerGroups"][0]["replicaCount"] == 3
    assert current["protonId"] == rep["candidateProtonIds"][0]
    clock.advance(1)
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert current["replacement"] is None
    settings = (await raw("GET", f"workloads/{wl['id']}/settings"))[1]
    assert settings == {"runtime": current["runtime"]}
    (done,) = (await raw("GET", f"workloads/{wl['id']}/history"))[1]["data"]
    assert (done["status"], done["message"]) == ("completed", None) and done["switchedAt"] is not None


async def test_a_failed_replacement_keeps_the_old_settings(raw: Raw, emu: Emulator, clock: FakeClock) -> None:
    wl = await create(raw)
    new = {"containerGroups": [{"replicaCount": 2}]}
    await raw("PATCH", f"workloads/{wl['id']}/settings", json={"runtime": new})
    emu.fail_replacement(wl["id"], "image pull failed")
    clock.advance(5)
    (rep,) = (await raw("GET", f"workloads/{wl['id']}/history"))[1]["data"]
    assert (rep["status"], rep["message"]) == ("errored", "image pull failed")
    assert (await raw("GET", f"workloads/{wl['id']}/settings"))[1]["runtime"]["containerGroups"][0][
        "replicaCount"
    ] == 1


async def test_settings_naming_an_unknown_group_is_422_before_any_replacement(raw: Raw) -> None:
    wl = await create(raw)
    runtime = {"containerGroups": [{"name": "other", "replicaCount": 2}]}
    status, data, _ = await raw("PATCH", f"workloads/{wl['id']}/settings", json={"runtime": runtime})
    assert status == 422 and locs(data) == [["body", "runtime", "containerGroups", 0, "name"]]
    assert (await raw("GET", f"workloads/{wl['id']}/history"))[1]["totalCount"] == 0
    assert (await raw("PATCH", f"workloads/{wl['id']}/settings", json={}))[0] == 422


async def test_promote_locks_the_running_draft_in_place(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    status, data, _ = await raw("POST", f"workloads/{wl['id']}/promote")
    assert status == 422 and "start" in data["detail"][0]["msg"]
    clock.advance(2)
    status, promoted, _ = await raw("POST", f"workloads/{wl['id']}/promote")
    assert status == 202 and promoted["status"] == "running"
    assert (promoted["artifact"]["status"], promoted["artifact"]["version"]) == ("locked", 1)
    assert (await raw("POST", f"workloads/{wl['id']}/promote"))[0] == 422


async def test_events_are_recorded_newest_first(raw: Raw, emu: Emulator, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    await raw("PATCH", f"workloads/{wl['id']}/settings", json={"runtime": {"containerGroups": [{}]}})
    clock.advance(2)
    await raw("POST", f"workloads/{wl['id']}/promote")
    clock.advance(1)
    await raw("POST", f"workloads/{wl['id']}/stop")
    clock.advance(1)
    emu.fail_workload(wl["id"], "boom")
    clock.advance(1)
    page = (await raw("GET", f"workloads/{wl['id']}/events"))[1]
    kinds = [e["eventType"] for e in page["data"]]
    assert kinds == ["error", "stop", "promote", "settings_change", "create"]
    assert page["data"][0]["details"] == {"message": "boom"}
    assert set(page["data"][1]) == {"id", "workloadId", "timestamp", "eventType", "actorId", "details"}


async def test_stats_count_the_workload_s_invokes(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    for path in ("hello", "status/500", "status/404"):
        await raw("GET", f"endpoints/workloads/{wl['id']}/{path}")
    stats = (await raw("GET", f"workloads/{wl['id']}/stats"))[1]
    assert set(stats) == {"period", "metrics"}
    metrics = stats["metrics"]
    assert (metrics["totalRequests"], metrics["serverErrors"], metrics["userErrors"]) == (3, 1, 1)
    assert metrics["totalErrorRate"] == pytest.approx(0.6667)
    after = {"startTime": "2999-01-01T00:00:00Z"}
    assert (await raw("GET", f"workloads/{wl['id']}/stats", params=after))[1]["metrics"]["totalRequests"] == 0
    assert (await raw("GET", f"workloads/{wl['id']}/stats", params={"endTime": "yesterday"}))[0] == 422


async def test_workloads_can_be_renamed_and_reprioritised(raw: Raw) -> None:
    wl = await create(raw)
    status, data, _ = await raw(
        "PATCH", f"workloads/{wl['id']}", json={"name": "b", "importance": "critical"}
    )
    assert status == 200 and (data["name"], data["importance"]) == ("b", "critical")
    assert (await raw("PATCH", f"workloads/{wl['id']}", json={"status": "running"}))[0] == 422


async def test_lists_page_by_10_and_sort_with_order_by(raw: Raw) -> None:
    for i in range(12):
        await create(raw, name=f"wl-{i}", importance="high" if i == 4 else "low", description=f"number {i}")
    page = (await raw("GET", "workloads/"))[1]
    assert (page["count"], page["totalCount"]) == (10, 12) and "limit=10" in page["next"]
    assert (await raw("GET", "workloads/", params={"limit": "100"}))[1]["count"] == 12
    first = (await raw("GET", "workloads/", params={"orderBy": "-importance", "limit": "1"}))[1]["data"][0]
    assert first["description"] == "number 4"
    assert (await raw("GET", "workloads/", params={"orderBy": "colour"}))[0] == 422
    found = (await raw("GET", "workloads/", params={"search": "NUMBER 11"}))[1]["data"]
    assert [w["description"] for w in found] == ["number 11"]
    by_prefix = (await raw("GET", "workloads/", params={"search": found[0]["id"][:10]}))[1]["data"]
    assert [w["id"] for w in by_prefix] == [found[0]["id"]]
    assert (await raw("GET", "workloads/", params=[("importance", "high"), ("importance", "critical")]))[1][
        "totalCount"
    ] == 1
    assert (await raw("GET", "workloads/", params={"status": "submitted"}))[1]["totalCount"] == 12
    assert (await raw("GET", "workloads/", params={"status": "asleep"}))[0] == 422


async def test_artifacts_lock_with_the_word_locked_and_clone_into_drafts(raw: Raw) -> None:
    status, art, _ = await raw("POST", "artifacts/", json=artifact(status="locked"))
    assert status == 201 and set(art) == ARTIFACT_KEYS
    assert (art["status"], art["type"], art["spec"]["type"]) == ("draft", "service", "service")
    assert art["spec"]["containerGroups"][0]["name"] == "default"
    assert (await raw("PATCH", f"artifacts/{art['id']}", json={"status": "registered"}))[0] == 422
    status, locked, _ = await raw("PATCH", f"artifacts/{art['id']}", json={"status": "locked"})
    assert status == 200 and (locked["status"], locked["version"]) == ("locked", 1)
    assert (await raw("PATCH", f"artifacts/{art['id']}", json={"name": "b"}))[0] == 403
    assert (await raw("PUT", f"artifacts/{art['id']}", json=artifact()))[0] == 403
    assert (await raw("PATCH", f"artifacts/{art['id']}", json={"status": "locked"}))[0] == 403
    assert (await raw("DELETE", f"artifacts/{art['id']}"))[0] == 409
    status, clone, _ = await raw("POST", f"artifacts/{art['id']}/clone", json={"name": "copy"})
    assert status == 200 and (clone["name"], clone["status"], clone["version"]) == ("copy", "draft", None)
    assert clone["spec"] == art["spec"] and clone["id"] != art["id"]
    assert (await raw("POST", f"artifacts/{art['id']}/clone", json={}))[0] == 422
    listed = (await raw("GET", "artifacts/", params={"status": "locked"}))[1]["data"]
    assert [a["id"] for a in listed] == [art["id"]]


async def test_a_draft_is_edited_with_patch_including_its_spec(raw: Raw) -> None:
    art = (await raw("POST", "artifacts/", json=artifact()))[1]
    spec = {"containerGroups": [{"name": "main", "containers": [{"imageUri": "i2", "primary": True}]}]}
    status, data, _ = await raw("PATCH", f"artifacts/{art['id']}", json={"spec": spec})
    assert status == 200 and data["spec"]["containerGroups"][0]["name"] == "main"
    assert (await raw("DELETE", f"artifacts/{art['id']}"))[0] == 204


async def test_create_by_artifact_id_and_delete(raw: Raw) -> None:
    art = (await raw("POST", "artifacts/", json=artifact()))[1]
    status, wl, _ = await raw("POST", "workloads/", json={"name": "by-id", "artifactId": art["id"]})
    assert status == 201 and wl["artifactId"] == art["id"]
    assert (await raw("POST", "workloads/", json={"name": "x", "artifactId": "f" * 24}))[0] == 404
    assert (await raw("DELETE", f"artifacts/{art['id']}"))[0] == 409  # used by a workload
    assert (await raw("DELETE", f"workloads/{wl['id']}"))[0] == 204
    assert (await raw("GET", f"workloads/{wl['id']}"))[0] == 404

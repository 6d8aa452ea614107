"""The 11.5 emulator answering as the live service does (``api-live.md`` §4–§6), over raw HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import aiohttp
import pytest

from tests.conftest import Raw
from workload_async import FakeClock
from workload_async.emulator import Emulator


@pytest.fixture
def api_version() -> str:
    """The generation of ``emu`` here: 11.5."""
    return "11.5"


def container(**extra: Any) -> dict[str, Any]:
    return {"name": "app", "imageUri": "registry.example.com/app:1", "primary": True, "port": 8080, **extra}


def artifact(name: str = "app", **extra: Any) -> dict[str, Any]:
    return {"name": name, "spec": {"containerGroups": [{"containers": [container()]}]}, **extra}


async def create(raw: Raw, name: str = "wl", **body: Any) -> dict[str, Any]:
    status, wl, _ = await raw("POST", "workloads/", json={"name": name, "artifact": artifact(), **body})
    assert status == 201, wl
    return cast(dict[str, Any], wl)


def group(**scaling: Any) -> dict[str, Any]:
    return {"runtime": {"containerGroups": [{"autoscaling": scaling}]}}


def locs(data: dict[str, Any]) -> list[list[Any]]:
    return [problem["loc"] for problem in data["detail"]]


# -- shapes --------------------------------------------------------------------------------------


async def test_a_workload_grants_can_update_not_can_edit(raw: Raw) -> None:
    assert (await create(raw))["permissions"] == ["CAN_VIEW", "CAN_UPDATE", "CAN_DELETE"]


async def test_years_before_1000_have_four_digits(http: aiohttp.ClientSession) -> None:
    clock = FakeClock(start=datetime(999, 3, 4, 5, 6, 7, tzinfo=UTC))
    async with Emulator(api_version="11.5", clock=clock) as early:
        wl = await create(Raw(early, http))
    assert wl["createdAt"] == "0999-03-04T05:06:07.000Z"


async def test_a_path_of_no_route_is_answered_with_a_json_404(raw: Raw) -> None:
    status, data, headers = await raw("GET", "workloads/x/nothing-here")
    assert (status, data) == (404, {"detail": "Not Found"})
    assert headers["Content-Type"].startswith("application/json")
    status, data, headers = await raw("DELETE", "workloads/")
    assert (status, data) == (405, {"detail": "Method Not Allowed"}) and "POST" in headers["Allow"]


async def test_nulls_the_description_allows_read_as_absent_and_runtime_may_be_empty(raw: Raw) -> None:
    inline = {
        "name": "nulls",
        "artifactRepositoryId": None,
        "spec": {
            "containerGroups": [
                {
                    "containers": [
                        container(
                            name=None,
                            entrypoint=None,
                            readinessProbe=None,
                            securityContext={"capabilities": None, "readOnlyRootFilesystem": True},
                        )
                    ]
                }
            ]
        },
    }
    body = {"name": "n", "description": None, "artifactId": None, "artifact": inline, "runtime": {}}
    status, wl, _ = await raw("POST", "workloads/", json=body)
    assert status == 201, wl
    assert wl["description"] == "" and wl["runtime"]["containerGroups"][0]["replicaCount"] == 1
    status, patched, _ = await raw(
        "PATCH", f"workloads/{wl['id']}", json={"name": None, "description": "d", "importance": None}
    )
    assert status == 200 and (patched["name"], patched["description"]) == ("n", "d")
    status, data, _ = await raw("POST", "workloads/", json={"name": None, "artifact": artifact()})
    assert status == 422 and locs(data) == [["body", "name"]]  # name is not nullable


async def test_what_the_live_service_takes_beyond_the_description(raw: Raw) -> None:
    agent = {
        "name": "agent",
        "type": "agent",
        "spec": {
            "templateId": "t" * 24,
            "a2aEnabled": True,
            "containerGroups": [
                {
                    "containers": [
                        container(
                            environmentVars=[{"source": "api-key"}, {"name": "A", "value": "1"}],
                            readinessProbe={"path": "/ready", "successThreshold": 2},
                        )
                    ]
                }
            ],
        },
    }
    runtime = {
        "enclaveSelectionPolicy": "manual",
        "enclaves": ["eu-west"],
        "containerGroups": [{"bundleSelectionPolicy": "availability", "replicaCount": 2}],
    }
    status, wl, _ = await raw(
        "POST", "workloads/", json={"name": "ag", "artifact": agent, "runtime": runtime}
    )
    assert status == 201, wl
    assert wl["type"] == "agent" and wl["runtime"]["enclaves"] == ["eu-west"]
    art = (await raw("GET", f"artifacts/{wl['artifactId']}"))[1]
    assert art["spec"]["type"] == "agent" and art["spec"]["a2aEnabled"] is True
    listed = (await raw("GET", "artifacts/", params={"type": "agent"}))[1]
    assert [a["id"] for a in listed["data"]] == [wl["artifactId"]]
    assert (await raw("GET", "workloads/", params={"enclave": "eu-west"}))[1]["totalCount"] == 1
    assert (await raw("GET", "workloads/", params={"enclave": "us-east"}))[1]["totalCount"] == 0
    runtime["enclaves"] = ["a", "b"]  # one enclave at most
    status, data, _ = await raw(
        "POST", "workloads/", json={"name": "ag2", "artifact": agent, "runtime": runtime}
    )
    assert status == 422 and locs(data) == [["body", "runtime", "enclaves"]]


async def test_an_api_key_variable_takes_nothing_but_its_name(raw: Raw) -> None:
    art = artifact()
    art["spec"]["containerGroups"][0]["containers"][0]["environmentVars"] = [
        {"source": "api-key", "value": "x"}
    ]
    status, data, _ = await raw("POST", "artifacts/", json=art)
    where = ["body", "spec", "containerGroups", 0, "containers", 0, "environmentVars", 0, "value"]
    assert status == 422 and locs(data) == [where]


# -- autoscaling ----------------------------------------------------------------------------------


async def test_autoscaling_bounds_at_the_top_are_answered_as_given(raw: Raw) -> None:
    scaling = {
        "minReplicaCount": 1,
        "maxReplicaCount": 4,
        "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 70}],
    }
    wl = await create(raw, **group(**scaling))
    assert wl["runtime"]["containerGroups"][0]["autoscaling"] == {"enabled": True, **scaling}


async def test_legacy_policy_counts_are_hoisted_and_the_top_wins(raw: Raw) -> None:
    legacy = [
        {"scalingMetric": "cpuAverageUtilization", "target": 70, "minCount": 2, "maxCount": 5, "priority": 1},
        {"scalingMetric": "httpRequestsConcurrency", "target": 8, "minCount": 1, "maxCount": 3},
    ]
    wl = await create(raw, **group(policies=legacy))
    answered = wl["runtime"]["containerGroups"][0]["autoscaling"]
    assert (answered["minReplicaCount"], answered["maxReplicaCount"]) == (1, 5)
    assert answered["policies"] == [
        {"scalingMetric": "cpuAverageUtilization", "target": 70},
        {"scalingMetric": "httpRequestsConcurrency", "target": 8},
    ]
    wl = await create(raw, "top", **group(maxReplicaCount=9, policies=legacy))
    assert wl["runtime"]["containerGroups"][0]["autoscaling"]["maxReplicaCount"] == 9


@pytest.mark.parametrize(
    ("runtime_group", "where"),
    [
        (
            {"replicaCount": 2, "autoscaling": {"minReplicaCount": 1, "maxReplicaCount": 2, "policies": []}},
            ["replicaCount"],
        ),
        (
            {"autoscaling": {"minReplicaCount": 0, "maxReplicaCount": 0, "policies": []}},
            ["autoscaling", "maxReplicaCount"],
        ),
        (
            {"autoscaling": {"minReplicaCount": 3, "maxReplicaCount": 2, "policies": []}},
            ["autoscaling", "minReplicaCount"],
        ),
        ({"autoscaling": {"maxReplicaCount": 2, "policies": []}}, ["autoscaling", "minReplicaCount"]),
        (
            {
                "autoscaling": {
                    "minReplicaCount": 0,
                    "maxReplicaCount": 2,
                    "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 1}],
                }
            },
            ["autoscaling", "minReplicaCount"],
        ),
    ],
    ids=["replicas beside autoscaling", "max below 1", "min above max", "no min", "cpu from zero"],
)
async def test_autoscaling_bounds_are_checked(
    raw: Raw, runtime_group: dict[str, Any], where: list[Any]
) -> None:
    body = {"name": "x", "artifact": artifact(), "runtime": {"containerGroups": [runtime_group]}}
    status, data, _ = await raw("POST", "workloads/", json=body)
    assert status == 422 and locs(data) == [["body", "runtime", "containerGroups", 0, *where]]


async def test_a_disabled_autoscaling_needs_no_bounds_and_replicas_past_the_cap_are_403(raw: Raw) -> None:
    wl = await create(raw, **group(enabled=False, policies=[]))
    assert wl["runtime"]["containerGroups"][0]["autoscaling"] == {"enabled": False, "policies": []}
    body = {"name": "big", "artifact": artifact(), "runtime": {"containerGroups": [{"replicaCount": 101}]}}
    status, data, _ = await raw("POST", "workloads/", json=body)
    assert (status, data) == (403, {"detail": "Requested replicas (101) exceeds the maximum allowed (100)."})


# -- behaviours -----------------------------------------------------------------------------------


async def test_a_workload_name_is_taken_once_per_user(raw: Raw) -> None:
    first = await create(raw, "same")
    status, data, _ = await raw("POST", "workloads/", json={"name": "same", "artifact": artifact()})
    assert (status, data) == (409, {"detail": "A workload named 'same' already exists"})
    other = await create(raw, "other")
    assert (await raw("PATCH", f"workloads/{other['id']}", json={"name": "same"}))[0] == 409
    assert (await raw("PATCH", f"workloads/{first['id']}", json={"name": "same"}))[0] == 200  # its own
    someone = raw.emu.add_user()
    status, _, _ = await raw(
        "POST", "workloads/", json={"name": "same", "artifact": artifact()}, token=someone
    )
    assert status == 201


async def test_a_draft_that_backs_a_workload_cannot_back_another(raw: Raw) -> None:
    draft = (await raw("POST", "artifacts/", json=artifact()))[1]
    assert (await raw("POST", "workloads/", json={"name": "a", "artifactId": draft["id"]}))[0] == 201
    status, data, _ = await raw("POST", "workloads/", json={"name": "b", "artifactId": draft["id"]})
    assert status == 409 and "draft" in data["detail"]
    await raw("PATCH", f"artifacts/{draft['id']}", json={"status": "locked"})
    assert (await raw("POST", "workloads/", json={"name": "b", "artifactId": draft["id"]}))[0] == 201


async def test_patching_a_spec_back_with_its_type_is_fine_changing_the_type_is_not(raw: Raw) -> None:
    art = (await raw("POST", "artifacts/", json=artifact()))[1]
    spec = art["spec"]
    assert spec["type"] == "service"
    assert (await raw("PATCH", f"artifacts/{art['id']}", json={"spec": spec}))[0] == 200
    status, data, _ = await raw("PATCH", f"artifacts/{art['id']}", json={"spec": {**spec, "type": "nim"}})
    assert status == 422 and locs(data) == [["body", "spec", "type"]]


async def test_start_and_stop_bodies_of_an_empty_object_are_taken(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    assert (await raw("POST", f"workloads/{wl['id']}/stop", json={}))[0] == 202
    clock.advance(1)
    assert (await raw("POST", f"workloads/{wl['id']}/start", json={}))[0] == 202


# -- logs -----------------------------------------------------------------------------------------


async def test_log_levels_are_a_case_insensitive_minimum_and_warn_is_warning(
    raw: Raw, clock: FakeClock
) -> None:
    wl = await create(raw)
    clock.advance(2)
    for level, message in (
        ("DEBUG", "d"),
        ("INFO", "i"),
        ("WARNING", "w"),
        ("ERROR", "e"),
        ("CRITICAL", "c"),
    ):
        raw.emu.write_log(wl["id"], message, level=level)

    async def messages(level: str) -> list[str]:
        status, page, _ = await raw(
            "GET", f"otel/workload/{wl['id']}/logs/", params={"level": level, "limit": 5}
        )
        assert status == 200, page
        return [r["message"] for r in page["data"]]

    assert await messages("warn") == await messages("WARNING") == ["c", "e", "w"]
    assert await messages("Error") == ["c", "e"]
    assert await messages("debug") == ["c", "e", "w", "i", "d"]
    page = (await raw("GET", f"otel/workload/{wl['id']}/logs/", params={"limit": 1}))[1]
    assert page["data"][0]["level"] == "critical"  # records name their level in lower case
    assert (await raw("GET", f"otel/workload/{wl['id']}/logs/", params={"level": "loud"}))[0] == 422


# -- protons --------------------------------------------------------------------------------------


async def test_protons_and_their_status_snapshot(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    pid = wl["protonId"]
    status, page, _ = await raw("GET", f"workloads/{wl['id']}/protons")
    (proton,) = page["data"]
    assert (proton["id"], proton["role"], proton["status"], proton["workloadId"]) == (
        pid,
        "active",
        "submitted",
        wl["id"],
    )
    assert (await raw("GET", f"workloads/{wl['id']}/protons/{pid}/statusDetails"))[:2] == (204, None)
    clock.advance(2)
    status, shot, _ = await raw("GET", f"workloads/{wl['id']}/protons/{pid}/statusDetails/")
    assert status == 200 and shot["overallStatus"]["state"] == "running"
    (replica,) = shot["replicas"]
    assert replica["status"] == "running" and all(c["met"] for c in replica["conditions"])
    assert [(c["name"], c["status"], c["ready"], c["restartCount"]) for c in replica["containers"]] == [
        ("app", "running", True, 0)
    ]
    status, one, _ = await raw("GET", f"workloads/{wl['id']}/protons/{pid}/")
    assert status == 200 and one["runningSince"] is not None and one["endpoint"] == wl["endpoint"]
    assert (await raw("GET", f"workloads/{wl['id']}/protons/{'f' * 24}"))[0] == 404


async def test_a_settings_replacement_adds_a_candidate_that_becomes_active(
    raw: Raw, clock: FakeClock
) -> None:
    wl = await create(raw)
    clock.advance(2)
    runtime = {"containerGroups": [{"replicaCount": 2}]}
    assert (await raw("PATCH", f"workloads/{wl['id']}/settings", json={"runtime": runtime}))[0] == 202
    clock.advance(0.5)
    page = (await raw("GET", f"workloads/{wl['id']}/protons"))[1]
    assert [(p["role"], p["status"]) for p in page["data"]] == [
        ("candidate", "launching"),
        ("active", "running"),
    ]
    clock.advance(2)
    page = (await raw("GET", f"workloads/{wl['id']}/protons"))[1]
    assert [(p["role"], p["status"]) for p in page["data"]] == [("active", "running"), (None, "stopped")]
    new = page["data"][0]["id"]
    shot = (await raw("GET", f"workloads/{wl['id']}/protons/{new}/statusDetails"))[1]
    assert len(shot["replicas"]) == 2


# -- failures played ------------------------------------------------------------------------------


async def test_an_image_pull_back_off_keeps_the_workload_launching(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    raw.emu.play_failure(wl["id"], "image_pull_backoff")
    clock.advance(600)
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert current["status"] == "launching"
    (condition,) = current["statusDetails"]["conditions"]
    assert (condition["reason"], condition["status"]) == ("ImagePullBackOff", "False")
    assert 'Back-off pulling image "registry.example.com/app:1"' in current["statusDetails"]["logTail"]
    shot = (await raw("GET", f"workloads/{wl['id']}/protons/{wl['protonId']}/statusDetails"))[1]
    assert shot["overallStatus"]["summary"] == "ImagePullBackOff: registry.example.com/app:1 not found"
    (replica,) = shot["replicas"]
    assert replica["status"] == "pending"
    assert [(c["status"], c["restartCount"], c["image"]) for c in replica["containers"]] == [
        ("waiting", 0, "registry.example.com/app:1")
    ]
    newest = (await raw("GET", f"workloads/{wl['id']}/events"))[1]["data"][0]
    assert newest["eventType"] == "warning"
    assert (newest["details"]["reason"], newest["details"]["container"]) == ("ImagePullBackOff", "app")


async def test_a_crash_loop_errors_the_workload_and_counts_restarts(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    raw.emu.play_failure(wl["id"], "crash_loop")
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["status"] == "errored"
    path = f"workloads/{wl['id']}/protons/{wl['protonId']}/statusDetails"
    counts = []
    for wait in (0, 10, 20, 40, 79):
        clock.advance(wait)
        shot = (await raw("GET", path))[1]
        counts.append(shot["replicas"][0]["containers"][0]["restartCount"])
    assert counts == [0, 1, 2, 3, 3]  # restarted 10 s, 20 s, then 40 s apart; the next 80 s later
    assert shot["replicas"][0]["containers"][0]["status"] == "waiting"
    assert shot["overallStatus"]["summary"].startswith("CrashLoopBackOff: ")


async def test_an_oom_kill_terminates_the_container_with_137(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    raw.emu.play_failure(wl["id"], "oom_kill")
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert current["status"] == "errored"
    assert current["statusDetails"]["conditions"][0]["reason"] == "OOMKilled"
    shot = (await raw("GET", f"workloads/{wl['id']}/protons/{wl['protonId']}/statusDetails"))[1]
    assert shot["replicas"][0]["status"] == "failed"
    assert shot["replicas"][0]["containers"][0]["status"] == "terminated"
    assert "137" in shot["overallStatus"]["summary"]


async def test_a_failing_image_fails_every_start_until_forgotten(raw: Raw, clock: FakeClock) -> None:
    raw.emu.fail_image("registry.example.com/app:1")
    wl = await create(raw)
    clock.advance(60)
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["status"] == "launching"
    await raw("POST", f"workloads/{wl['id']}/stop")
    clock.advance(1)
    raw.emu.clear_failure(wl["id"])
    raw.emu.fail_image("registry.example.com/app:1", None)
    await raw("POST", f"workloads/{wl['id']}/start")
    clock.advance(2)
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["status"] == "running"


async def test_a_failure_played_over_http(raw: Raw, http: aiohttp.ClientSession, clock: FakeClock) -> None:
    wl = await create(raw)
    headers = {"Authorization": f"Bearer {raw.emu.token}"}
    url = f"{raw.emu.base_url}/_emulator/workloads/{wl['id']}/failure"
    async with http.post(
        url, json={"kind": "oom_kill", "message": "4 GiB is not enough"}, headers=headers
    ) as r:
        assert r.status == 201
        assert await r.json() == {
            "kind": "oom_kill",
            "container": "app",
            "image": "registry.example.com/app:1",
            "message": "4 GiB is not enough",
        }
    clock.advance(2)
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["status"] == "errored"
    async with http.delete(url, headers=headers) as r:
        assert r.status == 204
    assert raw.emu.store.workloads[wl["id"]].failure is None


# -- stats ----------------------------------------------------------------------------------------


async def invoke(raw: Raw, workload_id: str, times: int) -> None:
    for _ in range(times):
        assert (await raw("GET", f"endpoints/workloads/{workload_id}/"))[0] == 200


async def test_stats_are_integers_and_take_the_live_queries(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    await invoke(raw, wl["id"], 3)
    status, stats, _ = await raw(
        "GET",
        f"workloads/{wl['id']}/stats",
        params={"protonId": wl["protonId"], "responseTimeQuantile": "0.95", "slowRequestsThreshold": "0"},
    )
    assert status == 200
    metrics = stats["metrics"]
    assert metrics["totalRequests"] == 3 and metrics["slowRequests"] == 3
    for key in ("totalRequests", "requestsPerMinute", "concurrentRequests", "responseTime", "slowRequests"):
        assert type(metrics[key]) is int, key
    assert (await raw("GET", f"workloads/{wl['id']}/stats", params={"protonId": "f" * 24}))[0] == 404
    for bad in ({"responseTimeQuantile": "2"}, {"slowRequestsThreshold": "-1"}):
        assert (await raw("GET", f"workloads/{wl['id']}/stats", params=bad))[0] == 422


async def test_a_metric_series_in_buckets(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    clock.advance(2)
    await invoke(raw, wl["id"], 2)
    clock.advance(60)
    await invoke(raw, wl["id"], 1)
    status, series, _ = await raw(
        "GET", f"workloads/{wl['id']}/stats/totalRequests", params={"resolution": "PT1M"}
    )
    assert status == 200 and series["metric"] == "totalRequests"
    assert series["summary"]["protonId"] == wl["protonId"]
    assert [b["value"] for b in series["buckets"]] == [2, 1]
    assert (await raw("GET", f"workloads/{wl['id']}/stats/colour"))[0] == 422
    assert (await raw("GET", f"workloads/{wl['id']}/stats/totalRequests", params={"resolution": "P2D"}))[
        0
    ] == 422


async def test_fleet_stats_take_the_lists_filters(raw: Raw, clock: FakeClock) -> None:
    up = await create(raw, "up", importance="high")
    await create(raw, "other")
    clock.advance(2)
    await invoke(raw, up["id"], 4)
    status, fleet, _ = await raw("GET", "workloads/stats")
    assert status == 200  # not a workload named "stats"
    assert fleet["workloads"] == {"total": 2, "active": 2}
    assert (fleet["requests"]["total"], fleet["requests"]["succeeded"], fleet["requests"]["failed"]) == (
        4,
        4,
        0,
    )
    high = (await raw("GET", "workloads/stats/", params={"importance": "high"}))[1]
    assert high["workloads"]["total"] == 1
    assert (await raw("GET", "workloads/stats", params={"status": "asleep"}))[0] == 422


async def test_clearing_a_failure_lets_the_start_it_held_go_on(raw: Raw, clock: FakeClock) -> None:
    wl = await create(raw)
    raw.emu.play_failure(wl["id"], "image_pull_backoff")
    clock.advance(30)
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["status"] == "launching"
    raw.emu.clear_failure(wl["id"])  # the tag was pushed: the cluster's next retry pulls it
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert current["status"] == "running" and current["statusDetails"]["conditions"] == []
    logged = (await raw("GET", f"otel/workload/{wl['id']}/logs/", params={"limit": 1}))[1]["data"]
    assert logged[0]["message"] == "Workload is ready"

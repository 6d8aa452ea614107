"""The calls DataRobot's own clients make (as ``api-live.md`` lists them: the CLI, the Terraform
provider, the GenAI tools and the agent skills), made as they make them, get the answers the live
service gives: on every route the emulator serves."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from tests.conftest import Raw
from workload_async import FakeClock
from workload_async.emulator import CRASH_IMAGE


@pytest.fixture
def api_version() -> str:
    return "11.5"


@attrs.frozen
class World:
    """A running workload (``{wid}``, its proton ``{pid}``, its draft artifact ``{inuse}``), a draft
    ``{draft}`` and a locked ``{locked}`` artifact, a stopping workload ``{stopping}``, a workload
    whose rollout errored (``{crashy}``), a draft built from source (``{source}``) and one whose
    build ``{build}`` has just started (``{building}``)."""

    ids: dict[str, str]

    def fill(self, text: str) -> str:
        return text.format(**self.ids)


def _app(name: str, image: str = "registry.example.com/app:1") -> dict[str, Any]:
    container = {"name": "app", "imageUri": image, "primary": True, "port": 8080}
    return {"name": name, "spec": {"containerGroups": [{"containers": [container]}]}}


def _source(name: str) -> dict[str, Any]:
    """An artifact built from source, as the CLI and Terraform write it."""
    config = {
        "dockerfile": {"source": "provided", "path": "./Dockerfile"},
        "codeRef": {"datarobot": {"catalogId": "c" * 24, "catalogVersionId": "d" * 24}},
    }
    container = {"name": "app", "primary": True, "port": 8080, "imageBuildConfig": config}
    return {"name": name, "spec": {"containerGroups": [{"containers": [container]}]}}


def _lines(body: Any) -> list[Any]:
    """A build log's JSON lines (one line reads as one object)."""
    return [body] if isinstance(body, dict) else [json.loads(line) for line in str(body).splitlines()]


NONE_ACTIVE = {"detail": "There is no active replacement for this workload."}


async def world(raw: Raw, clock: FakeClock) -> World:
    wl = (await raw("POST", "workloads/", json={"name": "live", "artifact": _app("live")}))[1]
    draft = (await raw("POST", "artifacts/", json=_app("draft")))[1]
    locked = (await raw("POST", "artifacts/", json=_app("locked")))[1]
    await raw("PATCH", f"artifacts/{locked['id']}", json={"status": "locked"})
    going = (await raw("POST", "workloads/", json={"name": "going", "artifact": _app("going")}))[1]
    crashy = (await raw("POST", "workloads/", json={"name": "crashy", "artifact": _app("crashy")}))[1]
    broken = (await raw("POST", "artifacts/", json=_app("broken", CRASH_IMAGE)))[1]
    source = (await raw("POST", "artifacts/", json=_source("source")))[1]
    building = (await raw("POST", "artifacts/", json=_source("building")))[1]
    clock.advance(2)
    rolling = {"artifactId": broken["id"], "strategy": "rolling"}
    await raw("POST", f"workloads/{crashy['id']}/replacement/", json=rolling)
    clock.advance(2)  # the candidate never became healthy
    raw.emu.write_log(wl["id"], "cache cold", level="WARNING")
    raw.emu.write_log(wl["id"], "request failed", level="ERROR")
    await raw("POST", f"workloads/{going['id']}/stop")
    (build,) = (await raw("POST", f"artifacts/{building['id']}/builds/"))[1]["buildIds"]
    return World(
        {
            "wid": wl["id"],
            "pid": wl["protonId"],
            "inuse": wl["artifactId"],
            "draft": draft["id"],
            "locked": locked["id"],
            "stopping": going["id"],
            "crashy": crashy["id"],
            "source": source["id"],
            "building": building["id"],
            "build": build,
        }
    )


Check = Callable[[Any], bool]
CPU = {"scalingMetric": "cpuAverageUtilization", "target": 70}


def _autoscaling(**scaling: Any) -> dict[str, Any]:
    return {
        "name": "scaled",
        "artifact": _app("scaled"),
        "runtime": {"containerGroups": [{"autoscaling": scaling}]},
    }


#: (who calls it, method, path, body, query, the live service's status, what its answer holds)
CALLS: list[tuple[str, str, str, Any, Any, int, Check]] = [
    ("Gcl list", "GET", "workloads/", None, {"limit": 100, "offset": 0, "search": "li"}, 200, lambda b: b["totalCount"] == 1),
    ("Gcl get, no slash", "GET", "workloads/{wid}", None, None, 200, lambda b: b["status"] == "running"),
    ("Twl get, slash", "GET", "workloads/{wid}/", None, None, 200, lambda b: b["permissions"][1] == "CAN_UPDATE"),
    ("Cops start a running one: a no-op", "POST", "workloads/{wid}/start", {}, None, 200, lambda b: b["workloadId"]),
    ("Gcl start, no body", "POST", "workloads/{wid}/start", None, None, 200, lambda b: "already" in b["status"]),
    ("Cops start while stopping", "POST", "workloads/{stopping}/start", {}, None, 409,
     lambda b: b == {"detail": "The proton must be stopped before attempting to start it."}),
    ("Cops stop a stopping one: a no-op", "POST", "workloads/{stopping}/stop", {}, None, 200, lambda b: b["workloadId"]),
    ("Twl create with runtime {}", "POST", "workloads/", {"name": "tf", "artifactId": "{locked}", "runtime": {}}, None, 201,
     lambda b: b["runtime"]["containerGroups"][0]["replicaCount"] == 1),
    ("Cup a name taken", "POST", "workloads/", {"name": "live", "artifact": _app("again")}, None, 409, lambda b: "live" in b["detail"]),
    ("Cup a draft for its first workload", "POST", "workloads/", {"name": "other", "artifactId": "{draft}"}, None, 201, lambda b: True),
    ("Cup a draft in use", "POST", "workloads/", {"name": "other", "artifactId": "{inuse}"}, None, 409, lambda b: "draft" in b["detail"]),
    ("Cwl autoscaling, new shape", "POST", "workloads/", _autoscaling(minReplicaCount=1, maxReplicaCount=4, policies=[CPU]), None, 201,
     lambda b: b["runtime"]["containerGroups"][0]["autoscaling"] == {"enabled": True, "minReplicaCount": 1, "maxReplicaCount": 4, "policies": [CPU]}),
    ("Cwl autoscaling, legacy counts hoisted", "POST", "workloads/", _autoscaling(enabled=True, policies=[{**CPU, "minCount": 2, "maxCount": 6}]), None, 201,
     lambda b: b["runtime"]["containerGroups"][0]["autoscaling"] == {"enabled": True, "minReplicaCount": 2, "maxReplicaCount": 6, "policies": [CPU]}),
    ("Cwl replicaCount beside autoscaling", "POST", "workloads/",
     {"name": "both", "artifact": _app("both"), "runtime": {"containerGroups": [{"replicaCount": 2, "autoscaling": {"minReplicaCount": 1, "maxReplicaCount": 2, "policies": [CPU]}}]}},
     None, 422, lambda b: b["detail"][0]["loc"][-1] == "replicaCount"),
    ("S over the org's cap", "POST", "workloads/", _autoscaling(minReplicaCount=1, maxReplicaCount=1000, policies=[CPU]), None, 403,
     lambda b: b["detail"] == "Requested replicas (1000) exceeds the maximum allowed (100)."),
    ("Twl bundleSelectionPolicy", "POST", "workloads/",
     {"name": "bsp", "artifactId": "{locked}", "runtime": {"containerGroups": [{"bundleSelectionPolicy": "availability", "replicaCount": 1}]}}, None, 201, lambda b: True),
    ("Cwl enclave pinned", "POST", "workloads/",
     {"name": "pinned", "artifactId": "{locked}", "runtime": {"enclaveSelectionPolicy": "manual", "enclaves": ["eu-1"]}}, None, 201,
     lambda b: b["runtime"]["enclaves"] == ["eu-1"]),
    ("Gcl patch", "PATCH", "workloads/{wid}", {"importance": "high"}, None, 200, lambda b: b["importance"] == "high"),
    ("Gcl settings", "GET", "workloads/{wid}/settings", None, None, 200, lambda b: "containerGroups" in b["runtime"]),
    ("Gcl stats, as it asks", "GET", "workloads/{wid}/stats", None, {"responseTimeQuantile": 0.5, "slowRequestsThreshold": 2000, "protonId": "{pid}"}, 200,
     lambda b: type(b["metrics"]["requestsPerMinute"]) is int and type(b["metrics"]["responseTime"]) is int),
    ("D a metric's series", "GET", "workloads/{wid}/stats/totalRequests", None, {"resolution": "P1D"}, 200, lambda b: b["summary"]["protonId"]),
    ("D the fleet's stats", "GET", "workloads/stats", None, None, 200, lambda b: b["workloads"]["total"] == 3),
    ("Gcl history", "GET", "workloads/{wid}/history", None, {"limit": 10, "offset": 0}, 200, lambda b: b["data"] == []),
    ("Gcl events", "GET", "workloads/{wid}/events", None, {"limit": 10, "offset": 0}, 200, lambda b: b["data"][-1]["eventType"] == "create"),
    ("S events, slash", "GET", "workloads/{wid}/events/", None, {"limit": 20}, 200, lambda b: b["count"] >= 1),
    ("Gcl protons", "GET", "workloads/{wid}/protons", None, {"limit": 10, "offset": 0}, 200, lambda b: b["data"][0]["role"] == "active"),
    ("S protons, slash", "GET", "workloads/{wid}/protons/", None, None, 200, lambda b: b["data"][0]["id"]),
    ("Gcl proton", "GET", "workloads/{wid}/protons/{pid}", None, None, 200, lambda b: b["status"] == "running"),
    ("Gcl statusDetails", "GET", "workloads/{wid}/protons/{pid}/statusDetails", None, None, 200, lambda b: b["overallStatus"]["state"] == "running"),
    ("S statusDetails, slash", "GET", "workloads/{wid}/protons/{pid}/statusDetails/", None, None, 200, lambda b: len(b["replicas"]) == 1),
    ("Gcl logs, level debug", "GET", "otel/workload/{wid}/logs/", None, {"limit": 100, "offset": 0, "level": "debug"}, 200, lambda b: b["data"][0]["level"] == "error"),
    ("Clog logs, warn: a minimum", "GET", "otel/workload/{wid}/logs/", None, {"level": "warn", "limit": 1000}, 200,
     lambda b: [r["message"] for r in b["data"]] == ["request failed", "cache cold"]),
    ("S logs, error", "GET", "otel/workload/{wid}/logs/", None, {"level": "error", "limit": 30}, 200, lambda b: b["count"] == 1),
    ("Gcl bundles", "GET", "mlops/compute/bundles", None, None, 200, lambda b: b["totalCount"] > 0),
    ("Gcl artifacts by type", "GET", "artifacts/", None, {"limit": 100, "offset": 0, "type": "service", "status": "locked"}, 200, lambda b: b["totalCount"] == 1),
    ("Gcl artifact", "GET", "artifacts/{draft}", None, None, 200, lambda b: b["artifactRepositoryId"] is None),
    ("Tres create an artifact as Terraform writes it", "POST", "artifacts/",
     {"name": "tf", "type": "service", "status": "locked", "artifactRepositoryId": None, "spec": {"type": "service", **_app("tf")["spec"]}},
     None, 201, lambda b: b["status"] == "draft"),
    ("Gcl put a draft", "PUT", "artifacts/{draft}", _app("renamed"), None, 200, lambda b: b["name"] == "renamed"),
    ("Gcl settings, PATCH", "PATCH", "workloads/{wid}/settings", {"runtime": {"containerGroups": [{"replicaCount": 2}]}}, None, 202,
     lambda b: b["status"] == "submitted"),
    ("Cart PATCH the GET's spec back", "PATCH", "artifacts/{draft}", {"spec": _app("draft")["spec"] | {"type": "service"}}, None, 200, lambda b: True),
    ("S a spec.type that changes", "PATCH", "artifacts/{draft}", {"spec": _app("draft")["spec"] | {"type": "nim"}}, None, 422, lambda b: True),
    ("Cart lock a locked one", "PATCH", "artifacts/{locked}", {"status": "locked"}, None, 403, lambda b: "locked" in b["detail"]),
    ("Cart change a locked one", "PUT", "artifacts/{locked}", _app("x"), None, 403, lambda b: True),
    ("all delete a locked one", "DELETE", "artifacts/{locked}", None, None, 409, lambda b: True),
    ("Gcl clone", "POST", "artifacts/{draft}/clone", {"name": "copy"}, None, 200, lambda b: b["status"] == "draft"),
    ("Gcl promote", "POST", "workloads/{wid}/promote", None, None, 202, lambda b: b["artifact"]["status"] == "locked"),
    ("Crep replace, rolling", "POST", "workloads/{wid}/replacement/", {"artifactId": "{draft}", "strategy": "rolling"}, None, 202,
     lambda b: (b["status"], b["strategy"]) == ("submitted", "rolling") and b["candidateArtifactId"] != b["workloadId"]),
    ("Twl replace, config {} and a runtime", "POST", "workloads/{wid}/replacement",
     {"artifactId": "{draft}", "strategy": "rolling", "config": {}, "runtime": {"containerGroups": [{"replicaCount": 2}]}}, None, 202,
     lambda b: b["config"] == {"warmupDurationMinutes": 0, "keepOldVersionMinutes": 0}),
    ("Crep a locked artifact onto a draft", "POST", "workloads/{wid}/replacement/", {"artifactId": "{locked}", "strategy": "rolling"}, None, 400,
     lambda b: b["detail"].startswith("Artifact status mismatch")),
    ("Crep none active", "GET", "workloads/{wid}/replacement/", None, None, 404, lambda b: b == NONE_ACTIVE),
    ("Crep an unknown workload: the same 404", "GET", f"workloads/{'f' * 24}/replacement/", None, None, 404, lambda b: b == NONE_ACTIVE),
    ("Gcl cancel, none to cancel", "DELETE", "workloads/{wid}/replacement/", None, None, 404, lambda b: b == NONE_ACTIVE),
    ("Twl reads an errored rollout's message on the workload", "GET", "workloads/{crashy}/", None, None, 200,
     lambda b: b["replacement"]["status"] == "errored" and "never became healthy" in b["replacement"]["message"]),
    ("Crep reads it on the route", "GET", "workloads/{crashy}/replacement/", None, None, 200, lambda b: b["status"] == "errored"),
    ("Gcl cancel clears a failed one", "DELETE", "workloads/{crashy}/replacement/", None, None, 202, lambda b: b["status"] == "errored"),
    ("Cart an unbuilt artifact has no image yet", "GET", "artifacts/{source}/", None, None, 200,
     lambda b: b["spec"]["containerGroups"][0]["containers"][0]["imageUri"] is None),
    ("Cart lock an unbuilt one", "PATCH", "artifacts/{source}/", {"status": "locked"}, None, 422, lambda b: "runtime_image_uri" in b["detail"][0]["msg"]),
    ("Gt a workload of an unbuilt one", "POST", "workloads/", {"name": "unbuilt", "artifactId": "{source}"}, None, 422,
     lambda b: "runtime_image_uri" in b["detail"][0]["msg"]),
    ("Cbld build, {}", "POST", "artifacts/{source}/builds/", {}, None, 202, lambda b: len(b["buildIds"]) == 1),
    ("Tbld build, no body", "POST", "artifacts/{source}/builds", None, None, 202, lambda b: len(b["buildIds"]) == 1),
    ("Cbld build a locked one", "POST", "artifacts/{locked}/builds/", {}, None, 422, lambda b: "locked" in b["detail"][0]["msg"]),
    ("Cbld builds, none yet", "GET", "artifacts/{source}/builds/", None, {"limit": 10, "offset": 0}, 200, lambda b: b["data"] == []),
    ("Tbld builds", "GET", "artifacts/{building}/builds", None, None, 200, lambda b: [x["id"] for x in b["data"]] == [b["data"][0]["id"]]),
    ("Cbld a build", "GET", "artifacts/{building}/builds/{build}/", None, None, 200, lambda b: b["status"] == "PENDING"),
    ("Cbld its log, JSON lines", "GET", "artifacts/{building}/builds/{build}/logs", None, None, 200,
     lambda b: all(line["levelname"] == "INFO" and line["build_id"] for line in _lines(b))),
    ("Cart the container shows its build", "GET", "artifacts/{building}", None, None, 200,
     lambda b: b["spec"]["containerGroups"][0]["containers"][0]["build"]["status"] == "PENDING"),
    ("Gcl related: no such route", "GET", "workloads/{wid}/related", None, None, 404, lambda b: b == {"detail": "Not Found"}),
    ("Gcl delete", "DELETE", "workloads/{wid}", None, None, 204, lambda b: b is None),
]  # fmt: skip


def _filled(world: World, value: Any) -> Any:
    if isinstance(value, str):
        return world.fill(value)
    if isinstance(value, dict):
        return {k: _filled(world, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(world, v) for v in value]
    return value


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "query", "status", "holds"), CALLS, ids=[c[0] for c in CALLS]
)
async def test_a_call_of_datarobots_own_clients_gets_the_live_answer(
    raw: Raw,
    clock: FakeClock,
    who: str,
    method: str,
    path: str,
    body: Any,
    query: Any,
    status: int,
    holds: Check,
) -> None:
    built = await world(raw, clock)
    params = None if query is None else {k: str(_filled(built, v)) for k, v in query.items()}
    got, answer, _ = await raw(method, built.fill(path), json=_filled(built, body), params=params)
    assert got == status, answer
    assert holds(answer), answer

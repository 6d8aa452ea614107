"""Every answer the 11.5 emulator gives, on every route of the contract, validates against the
schemas written from ``api-11.5.md`` and ``api-live.md`` (``schemas.py``): the successes against
their route's, the refusals against the error bodies'."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from workload_async import FakeClock

from .conftest import Exchange, Recorded
from .schemas import ERROR, RESPONSES, Schema


def check(schema: Schema, instance: Any, where: str) -> None:
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(instance), key=str)
    assert not errors, f"{where}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:300]}" for e in errors[:5]
    )


def container(**extra: Any) -> dict[str, Any]:
    return {"name": "app", "imageUri": "registry.example.com/app:1", "primary": True, "port": 8080, **extra}


def artifact(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "spec": {"containerGroups": [{"containers": [container()]}]}, **extra}


async def drive_every_route(api: Recorded, clock: FakeClock) -> None:
    """Each route of the contract, in the states a user meets: successes and refusals."""
    emu = api.emu
    full = artifact("full")
    full["spec"]["containerGroups"][0]["containers"][0].update(
        environmentVars=[{"name": "A", "value": "1"}, {"source": "api-key"}],
        readinessProbe={"path": "/ready", "host": "localhost", "httpHeaders": {"X": "1"}},
        securityContext={"readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}},
    )
    runtime = {
        "enclaveSelectionPolicy": "manual",
        "enclaves": ["eu"],
        "containerGroups": [
            {
                "autoscaling": {
                    "minReplicaCount": 1,
                    "maxReplicaCount": 3,
                    "policies": [{"scalingMetric": "cpuAverageUtilization", "target": 70}],
                },
                "containers": [{"name": "app", "resourceAllocation": {"cpu": 1, "memory": "512MB"}}],
            }
        ],
    }
    status, wl = await api(
        "POST", "workloads/", json={"name": "one", "description": "d", "artifact": full, "runtime": runtime}
    )
    assert status == 201, wl
    wid, pid = wl["id"], wl["protonId"]
    await api("POST", "workloads/", json={"name": "one", "artifact": artifact("dup")})  # 409
    await api(
        "POST",
        "workloads/",
        json={
            "name": "bad",
            "artifact": artifact("x"),
            "runtime": {"containerGroups": [{"replicaCount": 0}]},
        },
    )
    await api(
        "POST",
        "workloads/",
        json={
            "name": "big",
            "artifact": artifact("y"),
            "runtime": {"containerGroups": [{"replicaCount": 500}]},
        },
    )
    await api("GET", f"workloads/{wid}/protons/{pid}/statusDetails")  # 204: not yet reported
    clock.advance(1)
    await api("GET", f"workloads/{wid}/protons/{pid}/statusDetails")  # provisioning
    await api("GET", f"workloads/{wid}")
    clock.advance(2)
    for path in (
        "workloads/",
        "workloads",
        "workloads/stats",
        f"workloads/{wid}",
        f"workloads/{wid}/settings",
    ):
        await api("GET", path)
    await api(
        "GET",
        "workloads/",
        params={"status": "running", "importance": "low", "orderBy": "-name", "limit": "1"},
    )
    await api("GET", "workloads/", params={"status": "asleep"})  # 422
    await api("PATCH", f"workloads/{wid}", json={"importance": "high", "description": None})
    await api("POST", f"workloads/{wid}/start")  # 200: a no-op
    for _ in range(3):
        await api("GET", f"endpoints/workloads/{wid}/")
    await api(
        "GET", f"workloads/{wid}/stats", params={"responseTimeQuantile": "0.95", "slowRequestsThreshold": "0"}
    )
    await api("GET", f"workloads/{wid}/stats/responseTime", params={"resolution": "PT1M"})
    await api("GET", f"workloads/{wid}/stats/latency")  # 422
    await api(
        "PATCH", f"workloads/{wid}/settings", json={"runtime": {"containerGroups": [{"replicaCount": 2}]}}
    )
    clock.advance(0.5)
    await api("GET", f"workloads/{wid}")  # mid-replacement
    await api("GET", f"workloads/{wid}/protons")
    clock.advance(2)
    await api("GET", f"workloads/{wid}/history", params={"offset": "0", "limit": "5"})
    await api("GET", f"workloads/{wid}/events")
    protons = (await api("GET", f"workloads/{wid}/protons/"))[1]["data"]
    for proton in protons:
        await api("GET", f"workloads/{wid}/protons/{proton['id']}")
        await api("GET", f"workloads/{wid}/protons/{proton['id']}/statusDetails")
    await api("GET", f"workloads/{wid}/protons/{'f' * 24}")  # 404
    await api("POST", f"workloads/{wid}/promote")
    await api("POST", f"workloads/{wid}/promote")  # 422: locked already
    await api("GET", f"otel/workload/{wid}/logs", params={"level": "warn"})
    await api("GET", f"otel/workload/{wid}/logs/")
    await api("GET", "mlops/compute/bundles/")
    # failures the emulator plays
    for kind in ("image_pull_backoff", "crash_loop", "oom_kill"):
        status, other = await api("POST", "workloads/", json={"name": kind, "artifact": artifact(kind)})
        emu.play_failure(other["id"], kind)
        clock.advance(40)
        await api("GET", f"workloads/{other['id']}")
        await api("GET", f"workloads/{other['id']}/events")
        await api("GET", f"workloads/{other['id']}/protons/{other['protonId']}/statusDetails")
    await api("POST", f"workloads/{wid}/stop")
    await api("POST", f"workloads/{wid}/start")  # 409 while stopping
    clock.advance(1)
    await api("POST", f"workloads/{wid}/stop")  # 200: a no-op
    await api("GET", f"workloads/{wid}/protons/{pid}/statusDetails")
    await api("POST", f"workloads/{wid}/start")  # 202
    await api("POST", f"workloads/{wid}/stop")
    # artifacts
    status, art = await api("POST", "artifacts/", json=artifact("art", description="a"))
    aid = art["id"]
    await api("POST", "artifacts/", json={"name": ""})  # 422
    await api("GET", "artifacts/", params={"type": "service", "status": "draft"})
    await api("GET", f"artifacts/{aid}/")
    await api("PUT", f"artifacts/{aid}", json=artifact("art2"))
    await api("PATCH", f"artifacts/{aid}", json={"spec": art["spec"], "name": None})
    await api("PATCH", f"artifacts/{aid}", json={"spec": {**art["spec"], "type": "nim"}})  # 422
    await api("POST", f"artifacts/{aid}/clone", json={"name": "copy"})
    await api("PATCH", f"artifacts/{aid}", json={"status": "locked"})
    await api("PATCH", f"artifacts/{aid}", json={"status": "locked"})  # 403
    await api("DELETE", f"artifacts/{aid}")  # 409: locked
    copy = (await api("GET", "artifacts/", params={"search": "copy"}))[1]["data"][0]
    await api("DELETE", f"artifacts/{copy['id']}")
    await api("GET", "workloads/nothing/here")  # no route: a JSON 404
    await api("DELETE", f"workloads/{wid}")
    await api("GET", f"workloads/{wid}")  # 404


async def test_every_answer_on_every_route_validates(recorded: Recorded, clock: FakeClock) -> None:
    await drive_every_route(recorded, clock)
    answered: dict[tuple[str, str], set[int]] = {}
    for exchange in recorded.exchanges:
        where = f"{exchange.method} {exchange.path} -> {exchange.status}"
        if exchange.route is not None and exchange.route[1].startswith("/endpoints/"):
            continue  # the application's own answer
        if exchange.status >= 400:
            check(ERROR, exchange.answered, where)
            continue
        assert exchange.route in RESPONSES, f"{where}: a route the contract does not list"
        schemas = RESPONSES[exchange.route]
        assert exchange.status in schemas, f"{where}: a status the contract does not give"
        check(schemas[exchange.status], exchange.answered, where)
        answered.setdefault(exchange.route, set()).add(exchange.status)
    unanswered = {route: set(statuses) - answered.get(route, set()) for route, statuses in RESPONSES.items()}
    assert {route: s for route, s in unanswered.items() if s} == {}, "every route and status was exercised"


@pytest.mark.parametrize(
    ("route", "instance"),
    [
        (
            ("GET", "/workloads/{id}"),
            {
                "id": "0" * 24,
                "name": "w",
                "createdAt": "999-01-01T00:00:00.000Z",
                "updatedAt": "2026-01-01T00:00:00Z",
            },
        ),
        (
            ("GET", "/workloads/{id}"),
            {
                "id": "0" * 24,
                "name": "w",
                "createdAt": "2026-01-01T00:00:00Z",
                "updatedAt": "2026-01-01T00:00:00Z",
                "permissions": ["CAN_EDIT"],
            },
        ),
        (
            ("GET", "/workloads/{id}/stats"),
            {
                "period": None,
                "metrics": dict.fromkeys(
                    [
                        "totalRequests",
                        "requestsPerMinute",
                        "concurrentRequests",
                        "responseTime",
                        "serverErrors",
                        "userErrors",
                        "slowRequests",
                        "serverErrorRate",
                        "userErrorRate",
                        "totalErrorRate",
                    ],
                    0,
                )
                | {"requestsPerMinute": 1.5},
            },
        ),
        (
            ("GET", "/workloads/{id}/stats"),
            {
                "period": None,
                "metrics": dict.fromkeys(
                    [
                        "totalRequests",
                        "requestsPerMinute",
                        "concurrentRequests",
                        "responseTime",
                        "serverErrors",
                        "userErrors",
                        "slowRequests",
                        "serverErrorRate",
                        "userErrorRate",
                        "totalErrorRate",
                    ],
                    0,
                )
                | {"responseTime": None},
            },
        ),
    ],
    ids=["a three-digit year", "CAN_EDIT", "a float rate per minute", "a null response time"],
)
def test_the_schemas_refuse_what_the_description_refuses(route: tuple[str, str], instance: Any) -> None:
    """The checks above would catch what DataRobot's description refuses: they are not vacuous."""
    validator = jsonschema.Draft202012Validator(RESPONSES[route][200])
    assert list(validator.iter_errors(instance))


def test_an_exchange_records_what_it_says() -> None:
    exchange = Exchange(
        "GET", "/api/v2/workloads/x", ("GET", "/workloads/{id}"), {}, None, 404, {"detail": "x"}
    )
    check(ERROR, exchange.answered, "a 404")

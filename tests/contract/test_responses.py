"""Every answer the 11.5 emulator gives, on every route of the contract, validates against the
schemas written from ``api-11.5.md`` and ``api-live.md`` (``schemas.py``): the successes against
their route's, the refusals against the error bodies'."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jsonschema
import pytest

from workload_async import FakeClock
from workload_async.emulator import Emulator

from .bodies import artifact
from .conftest import PREFIX, Exchange, Recorded
from .rollouts import drive_builds, drive_rollouts
from .schemas import ERROR, REFUSALS, RESPONSES, TEXT_ANSWERS, Schema


def check(schema: Schema, instance: Any, where: str) -> None:
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(instance), key=str)
    assert not errors, f"{where}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message[:300]}" for e in errors[:5]
    )


async def drive_refusals(api: Recorded, workload_id: str) -> None:
    """The refusals of bodies the contract does not take, and of every route for an id nobody
    has."""
    await api("PATCH", f"workloads/{workload_id}", json={"importance": "urgent"})  # 422
    await api("GET", "artifacts/", params={"status": "registered"})  # 422: a v2.41 word
    draft = (await api("POST", "artifacts/", json=artifact("draft")))[1]["id"]
    await api("PUT", f"artifacts/{draft}", json={"name": ""})  # 422
    await api("POST", f"artifacts/{draft}/clone", json={})  # 422
    nowhere = "f" * 24
    for method, path, body in [
        ("POST", "workloads/", {"name": "orphan", "artifactId": nowhere}),
        ("PATCH", f"workloads/{nowhere}", {"name": "x"}),
        ("DELETE", f"workloads/{nowhere}", None),
        ("POST", f"workloads/{nowhere}/start", None),
        ("POST", f"workloads/{nowhere}/stop", None),
        ("GET", f"workloads/{nowhere}/settings", None),
        ("POST", f"workloads/{nowhere}/promote", None),
        ("GET", f"workloads/{nowhere}/history", None),
        ("GET", f"workloads/{nowhere}/events", None),
        ("GET", f"workloads/{nowhere}/stats", None),
        ("GET", f"artifacts/{nowhere}", None),
        ("PUT", f"artifacts/{nowhere}", artifact("x")),
        ("PATCH", f"artifacts/{nowhere}", {"name": "x"}),
        ("DELETE", f"artifacts/{nowhere}", None),
        ("POST", f"artifacts/{nowhere}/clone", {"name": "x"}),
    ]:
        status, answer = await api(method, path, json=body)
        assert status == 404, (method, path, status, answer)


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
    await api("PUT", f"artifacts/{aid}", json=artifact("art3"))  # 403: locked
    await api("DELETE", f"artifacts/{aid}")  # 409: locked
    copy = (await api("GET", "artifacts/", params={"search": "copy"}))[1]["data"][0]
    await api("DELETE", f"artifacts/{copy['id']}")
    await api("GET", "workloads/nothing/here")  # no route: a JSON 404
    await drive_refusals(api, wid)
    await api("DELETE", f"workloads/{wid}")
    await api("GET", f"workloads/{wid}")  # 404


#: What a user meets of a replacement and of a build (api-live §1, §2: the emulator's timeline, and
#: each way one ends), each answered somewhere on a route whose schema checks it.
REPLACEMENT_STATUSES = {
    "submitted", "initializing", "staged", "promoting", "finalizing", "completed", "errored", "failed",
    "canceling", "canceled",
}  # fmt: skip
BUILD_STATUSES = {"PENDING", "IN_PROGRESS", "BUILT", "COMPLETED", "FAILED", "CANCELLED"}


def _statuses(answered: Any, key: str, owner: str) -> set[str]:
    """Every ``status`` of an object holding ``key`` (a replacement: ``candidateArtifactId``; a
    build: ``artifactId`` with ``name``) anywhere in an answer."""
    found: set[str] = set()
    if isinstance(answered, dict):
        if key in answered and owner in answered and isinstance(answered.get("status"), str):
            found.add(answered["status"])
        for value in answered.values():
            found |= _statuses(value, key, owner)
    elif isinstance(answered, list):
        for value in answered:
            found |= _statuses(value, key, owner)
    return found


def _missing(
    listed: Mapping[tuple[str, str], Iterable[int]], met: dict[tuple[str, str], set[int]]
) -> dict[str, list[int]]:
    """The statuses ``listed`` for each route that were never ``met``, by ``METHOD /path``."""
    out = {}
    for route, statuses in listed.items():
        missed = sorted(set(statuses) - met.get(route, set()))
        if missed:
            out[" ".join(route)] = missed
    return out


async def test_every_answer_on_every_route_validates(recorded: Recorded, clock: FakeClock) -> None:
    await drive_every_route(recorded, clock)
    await drive_rollouts(recorded, clock)
    await drive_builds(recorded, clock)
    answered: dict[tuple[str, str], set[int]] = {}
    refused: dict[tuple[str, str], set[int]] = {}
    replacements: set[str] = set()
    builds: set[str] = set()
    for exchange in recorded.exchanges:
        where = f"{exchange.method} {exchange.path} -> {exchange.status}"
        if exchange.route is not None and exchange.route[1].startswith("/endpoints/"):
            continue  # the application's own answer
        if exchange.content_type is not None:  # a body: JSON, but for the routes that say otherwise
            text = TEXT_ANSWERS.get(exchange.route) if exchange.route and exchange.status < 400 else None
            assert exchange.content_type == (text or "application/json"), f"{where}: {exchange.content_type}"
        if exchange.status >= 400:
            check(ERROR, exchange.answered, where)
            if exchange.route is not None:
                refused.setdefault(exchange.route, set()).add(exchange.status)
            continue
        assert exchange.route in RESPONSES, f"{where}: a route the contract does not list"
        schemas = RESPONSES[exchange.route]
        assert exchange.status in schemas, f"{where}: a status the contract does not give"
        check(schemas[exchange.status], exchange.answered, where)
        answered.setdefault(exchange.route, set()).add(exchange.status)
        replacements |= _statuses(exchange.answered, "candidateArtifactId", "workloadId")
        builds |= _statuses(exchange.answered, "artifactId", "name")
    unanswered = _missing(RESPONSES, answered)
    assert not unanswered, f"successes the contract lists and no request met: {unanswered}"
    unrefused = _missing(REFUSALS, refused)
    assert not unrefused, f"refusals the contract lists and no request met: {unrefused}"
    assert not REPLACEMENT_STATUSES - replacements, "replacement statuses never answered"
    assert not BUILD_STATUSES - builds, "build statuses never answered"


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


def test_every_route_the_11_5_emulator_serves_is_in_the_contract(clock: FakeClock) -> None:
    """A route the emulator gains is listed here too (and so driven and checked above)."""
    app = Emulator(api_version="11.5", clock=clock).app()
    served = set()
    for route in app.router.routes():
        template = route.resource.canonical if route.resource is not None else ""
        if not template.startswith(PREFIX) or route.method in ("HEAD", "OPTIONS", "*"):
            continue
        path = template.removeprefix(PREFIX).rstrip("/") or "/"
        if not path.startswith("/endpoints/"):
            served.add((route.method, path))
    assert served - set(RESPONSES) == set(), "routes served that the contract tests do not list"
    assert set(RESPONSES) - served == set(), "routes listed that the emulator does not serve"


_T = "2026-08-21T10:00:00Z"
_REPLACEMENT = {
    "id": "a" * 24,
    "name": "r",
    "workloadId": "b" * 24,
    "userId": "u",
    "tenantId": "t",
    "candidateArtifactId": "c" * 24,
    "createdAt": _T,
    "updatedAt": _T,
    "status": "staged",
    "strategy": "rolling",
}
_WORKLOAD = {"id": "b" * 24, "name": "w", "createdAt": _T, "updatedAt": _T, "replacement": _REPLACEMENT}
_FROM_SOURCE = {
    "name": "app",
    "imageUri": None,
    "primary": True,
    "imageBuildConfig": {"dockerfile": {"source": "provided"}},
    "build": {"artifactImageBuildId": "d" * 24, "status": "BUILT", "createdAt": _T},
}
_ARTIFACT = {
    "id": "c" * 24,
    "name": "a",
    "spec": {"type": "service", "containerGroups": [{"name": "default", "containers": [_FROM_SOURCE]}]},
    "artifactRepositoryId": None,
    "createdAt": _T,
    "updatedAt": _T,
}
_BUILD = {
    "id": "d" * 24,
    "name": "b",
    "artifactId": "c" * 24,
    "status": "BUILT",
    "createdAt": _T,
    "updatedAt": _T,
}
_LINE = {
    "asctime": "2026-08-21 10:00:00,123",
    "levelname": "INFO",
    "name": "n",
    "message": "m",
    "build_id": "d" * 24,
}


def _container(**changes: Any) -> dict[str, Any]:
    """The artifact above, its container changed."""
    group = {"name": "default", "containers": [{**_FROM_SOURCE, **changes}]}
    return {**_ARTIFACT, "spec": {"type": "service", "containerGroups": [group]}}


_COMPLETED = {"artifactImageBuildId": "d" * 24, "status": "COMPLETED", "createdAt": _T}


@pytest.mark.parametrize(
    ("route", "status", "valid", "refused"),
    [
        (("GET", "/workloads/{id}/replacement"), 200, _REPLACEMENT, {**_REPLACEMENT, "status": "done"}),
        (
            ("GET", "/workloads/{id}"),
            200,
            _WORKLOAD,
            {
                **_WORKLOAD,
                "replacement": {"status": "staged", "strategy": "rolling", "candidateProtonIds": []},
            },
        ),
        (("GET", "/artifacts/{id}"), 200, _ARTIFACT, _container(imageBuildConfig=None)),
        (
            ("GET", "/artifacts/{id}"),
            200,
            _container(build=_COMPLETED, imageUri="registry.example.com/a:1"),
            _container(build=_COMPLETED),
        ),
        (("GET", "/artifacts/{id}/builds/{build}"), 200, _BUILD, {**_BUILD, "status": "DONE"}),
        (("POST", "/artifacts/{id}/builds"), 202, {"buildIds": ["d" * 24]}, {"buildIds": []}),
        (("GET", "/artifacts/{id}/builds/{build}/logs"), 200, [_LINE], [{**_LINE, "levelname": "info"}]),
        (("GET", "/artifacts/{id}/builds/{build}/logs"), 200, [_LINE], ["a line that is not JSON"]),
    ],
    ids=[
        "a status no one sends",
        "the short embedded form",
        "no image and nothing to build it",
        "a completed build and no image",
        "a build status no one sends",
        "no build started",
        "a lower-case log level",
        "a log line that is not JSON",
    ],
)
def test_the_rollout_schemas_refuse_what_the_contract_refuses(
    route: tuple[str, str], status: int, valid: Any, refused: Any
) -> None:
    """Each schema takes an answer the contract allows and refuses the same answer changed."""
    validator = jsonschema.Draft202012Validator(RESPONSES[route][status])
    assert not list(validator.iter_errors(valid))
    assert list(validator.iter_errors(refused))

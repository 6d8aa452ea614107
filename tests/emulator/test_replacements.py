"""Replacements as the live service plays them (``api-live.md`` §1), over raw HTTP on a fake clock."""

from __future__ import annotations

from typing import Any, cast

import aiohttp
import pytest

from tests.conftest import Raw
from workload_async import FakeClock
from workload_async.emulator import CRASH_IMAGE, Emulator

NONE_ACTIVE = "There is no active replacement for this workload."


@pytest.fixture
def api_version() -> str:
    return "11.5"


def artifact_body(name: str, image: str = "python:3.12", **extra: Any) -> dict[str, Any]:
    container = {"name": "app", "imageUri": image, "primary": True, "port": 8080}
    return {"name": name, "spec": {"containerGroups": [{"containers": [container]}]}, **extra}


async def new_artifact(raw: Raw, name: str, image: str = "python:3.12") -> str:
    status, art, _ = await raw("POST", "artifacts/", json=artifact_body(name, image))
    assert status == 201, art
    return str(art["id"])


async def running_workload(raw: Raw, clock: FakeClock) -> dict[str, Any]:
    status, wl, _ = await raw("POST", "workloads/", json={"name": "wl", "artifact": artifact_body("v1")})
    assert status == 201, wl
    clock.advance(2)
    return cast(dict[str, Any], wl)


async def shown(raw: Raw, workload_id: str) -> tuple[str | None, str, str]:
    """(replacement status shown, workload status, artifact id) of the workload now."""
    wl = (await raw("GET", f"workloads/{workload_id}"))[1]
    rep = wl["replacement"]
    return (rep["status"] if rep else None), wl["status"], wl["artifactId"]


async def history(raw: Raw, workload_id: str) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], (await raw("GET", f"workloads/{workload_id}/history"))[1]["data"])


async def test_a_replacement_plays_the_live_timeline(raw: Raw, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    v2 = await new_artifact(raw, "v2")
    status, rep, _ = await raw(
        "POST", f"workloads/{wl['id']}/replacement/", json={"artifactId": v2, "strategy": "rolling"}
    )
    assert status == 202 and rep["status"] == "submitted" and rep["candidateArtifactId"] == v2
    # the gap: the workload shows nothing yet and GET says none is active; history has it
    assert await shown(raw, wl["id"]) == (None, "running", wl["artifactId"])
    assert (await raw("GET", f"workloads/{wl['id']}/replacement"))[:2] == (404, {"detail": NONE_ACTIVE})
    assert [r["id"] for r in await history(raw, wl["id"])] == [rep["id"]]
    seen = []
    for _ in range(4):
        clock.advance(0.5)
        seen.append(await shown(raw, wl["id"]))
    assert seen == [
        ("initializing", "running", wl["artifactId"]),
        ("staged", "running", wl["artifactId"]),
        ("promoting", "running", wl["artifactId"]),
        ("completed", "running", v2),  # the switch lands with completed
    ]
    assert (await raw("GET", f"workloads/{wl['id']}/replacement"))[1]["status"] == "completed"
    clock.advance(1)  # a completed record is cleared about a second later
    assert await shown(raw, wl["id"]) == (None, "running", v2)
    assert (await raw("GET", f"workloads/{wl['id']}/replacement"))[0] == 404
    (done,) = await history(raw, wl["id"])
    assert done["status"] == "completed" and done["switchedAt"] is not None


async def test_a_replacement_asked_for_while_one_runs_waits_its_turn(raw: Raw, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    v2, v3 = await new_artifact(raw, "v2"), await new_artifact(raw, "v3")
    first = (
        await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v2, "strategy": "rolling"})
    )[1]
    clock.advance(1)
    status, second, _ = await raw(
        "POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v3, "strategy": "rolling"}
    )
    assert status == 202 and second["status"] == "submitted"
    # PATCH settings refuses while any is in progress or waiting
    patch = {"runtime": {"containerGroups": [{"replicaCount": 2}]}}
    assert (await raw("PATCH", f"workloads/{wl['id']}/settings", json=patch))[0] == 409
    clock.advance(1)  # the first completed; the second started at once
    assert await shown(raw, wl["id"]) == ("submitted", "running", v2)
    statuses = {r["id"]: r["status"] for r in await history(raw, wl["id"])}
    assert statuses == {first["id"]: "completed", second["id"]: "submitted"}
    clock.advance(2)
    assert await shown(raw, wl["id"]) == ("completed", "running", v3)
    assert [r["id"] for r in await history(raw, wl["id"])] == [second["id"], first["id"]]


async def test_a_candidate_that_never_becomes_healthy_errors_and_stays_shown(
    raw: Raw, clock: FakeClock
) -> None:
    wl = await running_workload(raw, clock)
    broken = await new_artifact(raw, "broken", CRASH_IMAGE)
    await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": broken, "strategy": "rolling"})
    clock.advance(60)
    assert await shown(raw, wl["id"]) == ("errored", "running", wl["artifactId"])  # the old one serves
    got = (await raw("GET", f"workloads/{wl['id']}/replacement"))[1]
    assert got["status"] == "errored" and "never became healthy" in got["message"]
    # the workload embeds the same record, its message with it (Terraform's waiter reads it there)
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["replacement"] == got
    v2 = await new_artifact(raw, "v2")
    await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v2, "strategy": "rolling"})
    assert await shown(raw, wl["id"]) == (None, "running", wl["artifactId"])  # the next request cleared it
    assert [r["status"] for r in await history(raw, wl["id"])] == ["submitted", "errored"]


async def test_cancel_tears_the_candidate_down_and_the_old_version_serves(raw: Raw, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    v2 = await new_artifact(raw, "v2")
    assert (await raw("DELETE", f"workloads/{wl['id']}/replacement"))[:2] == (404, {"detail": NONE_ACTIVE})
    rep = (
        await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v2, "strategy": "rolling"})
    )[1]
    clock.advance(1)
    status, canceled, _ = await raw("DELETE", f"workloads/{wl['id']}/replacement/")
    assert (status, canceled["id"], canceled["status"]) == (202, rep["id"], "canceling")
    assert await shown(raw, wl["id"]) == ("canceling", "running", wl["artifactId"])
    clock.advance(1)  # the stop time
    assert await shown(raw, wl["id"]) == (None, "running", wl["artifactId"])
    assert [r["status"] for r in await history(raw, wl["id"])] == ["canceled"]
    clock.advance(10)
    assert await shown(raw, wl["id"]) == (None, "running", wl["artifactId"])


async def test_the_replacement_route_answers_404_for_an_unknown_workload(raw: Raw) -> None:
    for method in ("GET", "DELETE"):
        assert (await raw(method, f"workloads/{'0' * 24}/replacement"))[:2] == (404, {"detail": NONE_ACTIVE})
    assert (
        await raw(
            "POST", f"workloads/{'0' * 24}/replacement", json={"artifactId": "x", "strategy": "rolling"}
        )
    )[0] == 404


@pytest.mark.parametrize(
    ("body", "status", "said"),
    [
        ({"artifactId": "f" * 24, "strategy": "rolling"}, 404, "not found"),
        ({"artifactId": "{v2}", "strategy": "blue-green"}, 422, "strategy"),
        ({"artifactId": "{v2}"}, 422, "strategy"),  # always said (api-live.md §1), though only one exists
        (
            {"artifactId": "{v2}", "strategy": "rolling", "config": {"warmupDurationMinutes": -1}},
            422,
            "warmupDurationMinutes",
        ),
        (
            {
                "artifactId": "{v2}",
                "strategy": "rolling",
                "runtime": {"containerGroups": [{"name": "other"}]},
            },
            422,
            "other",
        ),
        ({"artifactId": "{v2}", "strategy": "rolling", "extra": 1}, 422, "extra"),
        ({"strategy": "rolling"}, 422, "artifactId"),
    ],
)
async def test_a_replacement_the_contract_refuses(
    raw: Raw, clock: FakeClock, body: dict[str, Any], status: int, said: str
) -> None:
    wl = await running_workload(raw, clock)
    v2 = await new_artifact(raw, "v2")
    sent = {k: (v2 if v == "{v2}" else v) for k, v in body.items()}
    got, data, _ = await raw("POST", f"workloads/{wl['id']}/replacement", json=sent)
    assert got == status and said in str(data["detail"])
    assert await history(raw, wl["id"]) == []


async def test_draft_replaces_draft_and_locked_locked(raw: Raw, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    locked = await new_artifact(raw, "locked")
    await raw("PATCH", f"artifacts/{locked}", json={"status": "locked"})
    status, data, _ = await raw(
        "POST", f"workloads/{wl['id']}/replacement", json={"artifactId": locked, "strategy": "rolling"}
    )
    assert status == 400 and "Artifact status mismatch" in data["detail"]
    # a draft may be rolled onto itself (a redeploy); the locked one a workload runs may not
    status, _, _ = await raw(
        "POST",
        f"workloads/{wl['id']}/replacement",
        json={"artifactId": wl["artifactId"], "strategy": "rolling"},
    )
    assert status == 202
    clock.advance(5)
    assert (await raw("POST", f"workloads/{wl['id']}/promote"))[0] == 202
    status, data, _ = await raw(
        "POST",
        f"workloads/{wl['id']}/replacement",
        json={"artifactId": wl["artifactId"], "strategy": "rolling"},
    )
    assert status == 422 and data["detail"][0]["loc"] == ["body", "artifactId"]


async def test_a_held_replacement_stays_then_moves_on_from_its_release(
    raw: Raw, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running_workload(raw, clock)
    emu.hold_replacements(wl["id"], "staged")
    v2 = await new_artifact(raw, "v2")
    await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v2, "strategy": "rolling"})
    clock.advance(600)
    assert await shown(raw, wl["id"]) == ("staged", "running", wl["artifactId"])
    emu.release_replacements(wl["id"])
    clock.advance(0.5)  # from staged (40%) to promoting (60%) of the 2 s
    assert await shown(raw, wl["id"]) == ("promoting", "running", wl["artifactId"])
    clock.advance(0.7)
    assert await shown(raw, wl["id"]) == ("completed", "running", v2)


async def test_a_replacement_held_at_completed_stays_shown(raw: Raw, emu: Emulator, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    emu.hold_replacements(wl["id"], "completed")
    v2 = await new_artifact(raw, "v2")
    await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v2, "strategy": "rolling"})
    clock.advance(600)
    assert await shown(raw, wl["id"]) == ("completed", "running", v2)
    emu.release_replacements(wl["id"])
    clock.advance(1)
    assert await shown(raw, wl["id"]) == (None, "running", v2)


async def test_a_failed_replacement_says_so_and_keeps_the_old_version(
    raw: Raw, emu: Emulator, clock: FakeClock
) -> None:
    wl = await running_workload(raw, clock)
    v2 = await new_artifact(raw, "v2")
    await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v2, "strategy": "rolling"})
    clock.advance(1)
    emu.fail_replacement(wl["id"], "quota exceeded", status="failed")
    clock.advance(5)
    got = (await raw("GET", f"workloads/{wl['id']}/replacement"))[1]
    assert (got["status"], got["message"]) == ("failed", "quota exceeded")
    assert await shown(raw, wl["id"]) == ("failed", "running", wl["artifactId"])
    with pytest.raises(ValueError, match="status"):
        emu.fail_replacement(wl["id"], "x", status="completed")


async def test_the_hold_routes_and_methods_share_one_implementation(
    raw: Raw, emu: Emulator, clock: FakeClock, http: aiohttp.ClientSession
) -> None:
    wl = await running_workload(raw, clock)
    headers = {"Authorization": f"Bearer {emu.token}"}
    url = f"{emu.base_url}/_emulator/workloads/{wl['id']}/replacement-hold"
    async with http.put(url, json={"at": "sideways"}, headers=headers) as r:
        assert r.status == 422 and "at must be one of" in (await r.json())["detail"]
    with pytest.raises(ValueError, match="at must be one of"):
        emu.hold_replacements(wl["id"], "sideways")
    assert emu.store.replacement_holds == {}
    async with http.put(url, json={"at": "initializing"}, headers=headers) as r:
        assert r.status == 200
    v2 = await new_artifact(raw, "v2")
    await raw("POST", f"workloads/{wl['id']}/replacement", json={"artifactId": v2, "strategy": "rolling"})
    clock.advance(60)
    assert (await shown(raw, wl["id"]))[0] == "initializing"
    async with http.delete(url, headers=headers) as r:
        assert r.status == 204
    clock.advance(2)
    assert (await shown(raw, wl["id"]))[0] == "completed"
    fail = f"{emu.base_url}/_emulator/workloads/{wl['id']}/fail-replacement"
    async with http.post(fail, json={"status": "failed"}, headers=headers) as r:
        assert r.status == 409  # none in progress

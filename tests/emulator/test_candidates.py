"""A replacement's candidate plays the failures a start plays (``api-live.md`` §3): in the
replacement's timeline, the candidate proton's status snapshot and a ``warning`` event, while the
workload goes on serving its old version. Over raw HTTP on a fake clock."""

from __future__ import annotations

from typing import Any, cast

import aiohttp
import pytest

from tests.conftest import Raw
from tests.emulator.test_replacements import NONE_ACTIVE, new_artifact, running_workload
from workload_async import FakeClock
from workload_async.emulator import Emulator

MISSING = "registry.example.com/app:2"


@pytest.fixture
def api_version() -> str:
    return "11.5"


async def roll(raw: Raw, workload_id: str, artifact_id: str) -> dict[str, Any]:
    status, rep, _ = await raw(
        "POST",
        f"workloads/{workload_id}/replacement/",
        json={"artifactId": artifact_id, "strategy": "rolling"},
    )
    assert status == 202, rep
    return cast(dict[str, Any], rep)


async def candidate_snapshot(raw: Raw, workload_id: str, proton_id: str) -> dict[str, Any]:
    status, shot, _ = await raw("GET", f"workloads/{workload_id}/protons/{proton_id}/statusDetails")
    assert status == 200, shot
    return cast(dict[str, Any], shot)


async def test_a_candidate_whose_image_cannot_be_pulled_holds_its_replacement(
    raw: Raw, clock: FakeClock
) -> None:
    raw.emu.fail_image(MISSING)
    wl = await running_workload(raw, clock)
    rep = await roll(raw, wl["id"], await new_artifact(raw, "v2", MISSING))
    (candidate,) = rep["candidateProtonIds"]
    clock.advance(600)
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert (current["status"], current["artifactId"]) == ("running", wl["artifactId"])  # the old serves
    assert current["replacement"]["status"] == "initializing"
    protons = (await raw("GET", f"workloads/{wl['id']}/protons"))[1]["data"]
    newest = protons[0]
    assert (newest["id"], newest["role"], newest["status"]) == (candidate, "candidate", "launching")
    shot = await candidate_snapshot(raw, wl["id"], candidate)
    assert shot["overallStatus"]["summary"] == f"ImagePullBackOff: {MISSING} not found"
    (replica,) = shot["replicas"]
    assert [(c["status"], c["restartCount"], c["image"]) for c in replica["containers"]] == [
        ("waiting", 0, MISSING)
    ]
    active = (await raw("GET", f"workloads/{wl['id']}/protons/{wl['protonId']}/statusDetails"))[1]
    assert active["overallStatus"]["summary"] == "All replicas are running and ready"
    event = (await raw("GET", f"workloads/{wl['id']}/events"))[1]["data"][0]
    assert event["eventType"] == "warning"
    assert (event["details"]["reason"], event["details"]["protonId"]) == ("ImagePullBackOff", candidate)


async def test_a_held_candidate_is_canceled_like_any_other(raw: Raw, clock: FakeClock) -> None:
    raw.emu.fail_image(MISSING)
    wl = await running_workload(raw, clock)
    await roll(raw, wl["id"], await new_artifact(raw, "v2", MISSING))
    clock.advance(60)
    assert (await raw("DELETE", f"workloads/{wl['id']}/replacement/"))[1]["status"] == "canceling"
    clock.advance(1)
    assert (await raw("GET", f"workloads/{wl['id']}/replacement/"))[:2] == (404, {"detail": NONE_ACTIVE})


@pytest.mark.parametrize(
    ("kind", "container", "summary"),
    [
        ("crash_loop", ("waiting", False), "CrashLoopBackOff: exit code 1"),
        ("oom_kill", ("terminated", False), "OOMKilled: exit code 137, over its memory limit"),
    ],
)
async def test_a_candidate_that_dies_errors_its_replacement_and_says_why(
    raw: Raw, clock: FakeClock, kind: str, container: tuple[str, bool], summary: str
) -> None:
    wl = await running_workload(raw, clock)
    raw.emu.play_failure(wl["id"], kind, candidate=True)
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["status"] == "running"  # not the workload's
    rep = await roll(raw, wl["id"], await new_artifact(raw, "v2"))
    (candidate,) = rep["candidateProtonIds"]
    clock.advance(2)
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert (current["status"], current["artifactId"]) == ("running", wl["artifactId"])
    assert current["replacement"]["status"] == "errored"
    assert (
        current["replacement"]["message"] == f"the candidate never became healthy: container app: {summary}"
    )
    shot = await candidate_snapshot(raw, wl["id"], candidate)
    assert shot["overallStatus"] == {**shot["overallStatus"], "state": "errored", "summary": summary}
    (replica,) = shot["replicas"]
    assert [(c["status"], c["ready"]) for c in replica["containers"]] == [container]


async def test_a_crash_looping_candidate_counts_its_restarts(raw: Raw, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    raw.emu.play_failure(wl["id"], "crash_loop", candidate=True)
    (candidate,) = (await roll(raw, wl["id"], await new_artifact(raw, "v2")))["candidateProtonIds"]
    clock.advance(1.2 + 35)  # died at promoting; restarted after 10 and 20 s
    shot = await candidate_snapshot(raw, wl["id"], candidate)
    assert shot["replicas"][0]["containers"][0]["restartCount"] == 2


async def test_a_failure_played_on_the_candidate_in_progress_shows_from_then(
    raw: Raw, clock: FakeClock
) -> None:
    wl = await running_workload(raw, clock)
    (candidate,) = (await roll(raw, wl["id"], await new_artifact(raw, "v2")))["candidateProtonIds"]
    clock.advance(0.5)  # initializing: its images are being pulled
    raw.emu.play_failure(wl["id"], "image_pull_backoff", candidate=True, message="manifest unknown")
    clock.advance(30)
    assert (await raw("GET", f"workloads/{wl['id']}/replacement/"))[1]["status"] == "initializing"
    shot = await candidate_snapshot(raw, wl["id"], candidate)
    assert shot["overallStatus"]["summary"] == "ImagePullBackOff: manifest unknown"


async def test_a_pull_failure_after_the_pull_changes_nothing(raw: Raw, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    await roll(raw, wl["id"], await new_artifact(raw, "v2"))
    clock.advance(0.9)  # staged: it has its images
    raw.emu.play_failure(wl["id"], "image_pull_backoff", candidate=True)
    clock.advance(1.2)
    assert (await raw("GET", f"workloads/{wl['id']}/replacement/"))[1]["status"] == "completed"


async def test_clearing_the_failure_lets_a_held_candidate_go_on(raw: Raw, clock: FakeClock) -> None:
    wl = await running_workload(raw, clock)
    raw.emu.play_failure(wl["id"], "image_pull_backoff", candidate=True)
    v2 = await new_artifact(raw, "v2")
    await roll(raw, wl["id"], v2)
    clock.advance(300)
    raw.emu.clear_failure(wl["id"])  # the tag was pushed at last: the cluster's retry pulls it
    clock.advance(1.8)  # from where it was held (initializing, 10% of 2 s) to the end
    current = (await raw("GET", f"workloads/{wl['id']}"))[1]
    assert (current["replacement"]["status"], current["artifactId"]) == ("completed", v2)
    v3 = await new_artifact(raw, "v3")  # and the next candidates go well
    await roll(raw, wl["id"], v3)
    clock.advance(2)
    assert (await raw("GET", f"workloads/{wl['id']}"))[1]["artifactId"] == v3


async def test_the_candidate_failure_route_and_method_share_one_implementation(
    emu: Emulator, raw: Raw, http: aiohttp.ClientSession, clock: FakeClock
) -> None:
    wl = await running_workload(raw, clock)
    headers = {"Authorization": f"Bearer {emu.token}"}
    body = {"kind": "oom_kill", "candidate": True}
    async with http.post(
        f"{emu.base_url}/_emulator/workloads/{wl['id']}/failure", json=body, headers=headers
    ) as r:
        assert (r.status, await r.json()) == (201, {"kind": "oom_kill", "candidate": True})
    assert emu.store.candidate_failures == {wl["id"]: ("oom_kill", None, None)}
    async with http.delete(f"{emu.base_url}/_emulator/workloads/{wl['id']}/failure", headers=headers) as r:
        assert r.status == 204
    assert emu.store.candidate_failures == {}


@pytest.mark.parametrize("api_version", ["v2.41"])
async def test_v2_41_has_no_candidates_to_fail(raw: Raw) -> None:
    status, wl, _ = await raw(
        "POST",
        "console/workloads/",
        json={
            "artifact": {
                "name": "a",
                "spec": {"containerGroups": [{"containers": [{"imageUri": "i", "primary": True}]}]},
            }
        },
    )
    assert status == 201, wl
    with pytest.raises(ValueError, match=r"11\.5"):
        raw.emu.play_failure(wl["id"], "oom_kill", candidate=True)

"""The replacement and image-build routes (``api-live.md`` §1, §2), driven through the states a
user meets: a rollout through the live timeline and each way one ends, one waiting its turn,
builds from ``PENDING`` to ``COMPLETED`` and each way one fails, and every refusal the contract
lists. The answers are checked by ``test_responses.py``."""

from __future__ import annotations

import copy
from typing import Any

from workload_async import FakeClock
from workload_async.emulator import CRASH_IMAGE

from .bodies import artifact, built_from_source, container
from .conftest import Recorded

#: An id nothing has.
NOWHERE = "f" * 24
#: An image that cannot be pulled (the emulator plays it so: ``fail_image``).
MISSING = "registry.example.com/app:404"
#: The Dockerfile path whose builds the emulator fails (as a broken Dockerfile would).
FAILING_DOCKERFILE = "emulator/fail.Dockerfile"


async def expect(api: Recorded, expected: int, method: str, path: str, **kwargs: Any) -> Any:
    """Send a request and check it is answered ``expected`` (most often a refusal); return the
    answer."""
    status, answer = await api(method, path, **kwargs)
    assert status == expected, (method, path, status, answer)
    return answer


def rolling(artifact_id: str, **extra: Any) -> dict[str, Any]:
    return {"artifactId": artifact_id, "strategy": "rolling", **extra}


async def _new_artifact(api: Recorded, body: dict[str, Any]) -> str:
    status, made = await api("POST", "artifacts/", json=body)
    assert status == 201, made
    return str(made["id"])


async def _running(api: Recorded, clock: FakeClock, name: str, **body: Any) -> str:
    status, made = await api("POST", "workloads/", json={"name": name, **body})
    assert status == 201, made
    clock.advance(2)
    return str(made["id"])


async def _look(api: Recorded, workload_id: str) -> str | None:
    """Read the workload, its replacement and its protons as a user watching a rollout does;
    return the status of the replacement it shows."""
    shown = (await api("GET", f"workloads/{workload_id}"))[1]["replacement"]
    await api("GET", f"workloads/{workload_id}/replacement/")
    await api("GET", f"workloads/{workload_id}/protons/")
    return None if shown is None else str(shown["status"])


async def drive_rollouts(api: Recorded, clock: FakeClock) -> None:
    """Replacements (api-live §1) and the settings change that makes one (api-11.5 §2)."""
    emu = api.emu
    wid = await _running(api, clock, "rolled", artifact=artifact("v1"))
    v2 = await _new_artifact(api, artifact("v2"))
    route = f"workloads/{wid}/replacement/"
    # refusals: nothing to read or cancel yet, unknown ids, bodies the contract does not take
    await expect(api, 404, "GET", route)  # none active
    await expect(api, 404, "DELETE", route)  # none to cancel
    await expect(api, 404, "GET", f"workloads/{NOWHERE}/replacement/")  # the same for no workload
    await expect(api, 404, "POST", f"workloads/{NOWHERE}/replacement/", json=rolling(v2))
    await expect(api, 404, "POST", route, json=rolling(NOWHERE))  # no such artifact
    await expect(api, 422, "POST", route, json={"artifactId": v2})  # the strategy is not said
    await expect(api, 422, "POST", route, json=rolling(v2, strategy="blue-green"))
    locked = await _new_artifact(api, artifact("v2-locked"))
    await api("PATCH", f"artifacts/{locked}", json={"status": "locked"})
    await expect(api, 400, "POST", route, json=rolling(locked))  # a locked artifact onto a draft
    on_locked = await _running(api, clock, "on-locked", artifactId=locked)
    # 422: the locked artifact it runs already
    await expect(api, 422, "POST", f"workloads/{on_locked}/replacement/", json=rolling(locked))

    # a rollout through the live timeline: the gap, each status, the completed one shown, cleared
    config = {"warmupDurationMinutes": 0, "keepOldVersionMinutes": 1}
    runtime = {"containerGroups": [{"replicaCount": 2}]}
    status, started = await api("POST", route, json=rolling(v2, config=config, runtime=runtime))
    assert (status, started["status"]) == (202, "submitted"), started
    assert await _look(api, wid) is None  # the gap: shown as null, GET 404
    seen = []
    for step in (0.5, 0.4, 0.4, 0.4, 0.4, 1.0):  # the marks of a 2 s rollout, then cleared
        clock.advance(step)
        seen.append(await _look(api, wid))
    assert seen == ["initializing", "staged", "promoting", "finalizing", "completed", None], seen
    await expect(api, 404, "PATCH", f"workloads/{NOWHERE}/settings", json={"runtime": {}})
    await expect(api, 422, "PATCH", f"workloads/{wid}/settings", json={"runtime": {"replicaCount": 2}})

    # one waits its turn behind another; a settings change meanwhile is refused
    v3 = await _new_artifact(api, artifact("v3"))
    v4 = await _new_artifact(api, artifact("v4"))
    await api("POST", route, json=rolling(v3, config={}))
    await api("POST", route, json=rolling(v4))  # queued
    await expect(api, 409, "PATCH", f"workloads/{wid}/settings", json={"runtime": runtime})
    await api("GET", f"workloads/{wid}/history", params={"limit": "2"})
    clock.advance(4.5)
    # a settings change: a rollout onto the same artifact
    status, changed = await api("PATCH", f"workloads/{wid}/settings", json={"runtime": runtime})
    assert status == 202, changed
    clock.advance(3.5)

    # a candidate that never becomes healthy errors, and stays shown until cleared
    broken = await _new_artifact(api, {**artifact("broken"), "spec": _spec(image=CRASH_IMAGE)})
    await api("POST", route, json=rolling(broken))
    clock.advance(2.0)
    assert await _look(api, wid) == "errored"
    await expect(api, 202, "DELETE", route)  # clears it
    # one the service fails
    await api("POST", route, json=rolling(v2))
    clock.advance(0.6)
    emu.fail_replacement(wid, "the candidate's bundle is no longer available", status="failed")
    assert await _look(api, wid) == "failed"
    # one canceled by its owner: canceling, then cleared
    await api("POST", route, json=rolling(v3))
    clock.advance(0.6)
    await api("DELETE", route)
    assert await _look(api, wid) == "canceling"
    clock.advance(1.0)
    assert await _look(api, wid) is None
    # a candidate that cannot pull its image: it stays initializing, and its proton says why
    emu.fail_image(MISSING)
    missing = await _new_artifact(api, {**artifact("missing"), "spec": _spec(image=MISSING)})
    started = await expect(api, 202, "POST", route, json=rolling(missing))
    clock.advance(30)
    assert await _look(api, wid) == "initializing"
    await api("GET", f"workloads/{wid}/protons/{started['candidateProtonIds'][0]}/statusDetails")
    await api("GET", f"workloads/{wid}/events")
    await expect(api, 202, "DELETE", route)
    clock.advance(1.0)
    await api("GET", f"workloads/{wid}/history")
    await api("GET", f"workloads/{wid}/events")


def _spec(image: str) -> dict[str, Any]:
    return {"containerGroups": [{"containers": [container(imageUri=image)]}]}


async def drive_builds(api: Recorded, clock: FakeClock) -> None:
    """Image builds (api-live §2): an artifact built from source, from its creation to a workload
    running it; each way a build fails; every refusal."""
    emu = api.emu
    aid = await _new_artifact(api, built_from_source("src", {"source": "provided", "path": "./Dockerfile"}))
    generated = built_from_source(
        "generated",
        {
            "source": "generated",
            "executionEnvironmentId": "e" * 24,
            "executionEnvironmentVersionId": "d" * 24,
            "entrypoint": ["python", "app.py"],
        },
    )
    generated["spec"]["containerGroups"][0]["containers"][0]["imageBuildConfig"]["codeRef"] = {
        "datarobot": {"catalogId": "c" * 24, "catalogVersionId": "b" * 24}
    }
    await _new_artifact(api, generated)
    builds = f"artifacts/{aid}/builds/"
    await api("GET", builds)  # an empty page
    # refusals before the image is built
    spec = (await api("GET", f"artifacts/{aid}"))[1]["spec"]
    await expect(api, 200, "PATCH", f"artifacts/{aid}", json={"spec": spec})  # the spec read back
    hand_set = _with_image(spec, "registry.example.com/hand:1")
    await expect(api, 422, "PATCH", f"artifacts/{aid}", json={"spec": hand_set})  # only builds set it
    await expect(api, 422, "PATCH", f"artifacts/{aid}", json={"status": "locked"})  # nothing built
    await expect(api, 422, "POST", "workloads/", json={"name": "unbuilt", "artifactId": aid})
    runs_draft = await _running(api, clock, "runs-draft", artifact=artifact("draft"))
    await expect(api, 422, "POST", f"workloads/{runs_draft}/replacement/", json=rolling(aid))  # unbuilt
    await expect(api, 422, "POST", builds, json={"dockerfile": "x"})  # a build takes no settings
    await expect(api, 404, "POST", f"artifacts/{NOWHERE}/builds/")
    plain = await _new_artifact(api, artifact("no-source"))
    await expect(api, 422, "POST", f"artifacts/{plain}/builds/")  # nothing to build
    status, started = await api("POST", builds)  # no body
    assert status == 202, started
    bid = started["buildIds"][0]
    await expect(api, 404, "GET", f"{builds}{NOWHERE}")
    await expect(api, 404, "GET", f"{builds}{NOWHERE}/logs")
    seen = []
    for step in (0.0, 0.5, 3.0, 0.6):  # a 4 s build: IN_PROGRESS at 0.4, BUILT at 3.2, COMPLETED at 4
        clock.advance(step)
        await api("GET", builds, params={"limit": "5", "offset": "0"})
        seen.append((await api("GET", f"{builds}{bid}"))[1]["status"])
        await api("GET", f"{builds}{bid}/logs")
        await api("GET", f"artifacts/{aid}")
    assert seen == ["PENDING", "IN_PROGRESS", "BUILT", "COMPLETED"], seen
    spec = (await api("GET", f"artifacts/{aid}"))[1]["spec"]
    await expect(api, 200, "PATCH", f"artifacts/{aid}", json={"spec": spec})  # the built image back
    hand_set = _with_image(spec, "registry.example.com/hand:2")
    await expect(api, 422, "PATCH", f"artifacts/{aid}", json={"spec": hand_set})
    # a broken Dockerfile fails its build; a build canceled
    broken = await _new_artifact(
        api, built_from_source("broken", {"source": "provided", "path": FAILING_DOCKERFILE})
    )
    await api("POST", f"artifacts/{broken}/builds/", json={})
    canceled = await _new_artifact(api, built_from_source("canceled", {"source": "provided"}))
    await api("POST", f"artifacts/{canceled}/builds/")
    clock.advance(1.0)
    emu.fail_builds(canceled, "canceled by its owner", status="CANCELLED")
    clock.advance(3.0)
    for artifact_id in (broken, canceled):
        build_id = (await api("GET", f"artifacts/{artifact_id}/builds/"))[1]["data"][0]["id"]
        await api("GET", f"artifacts/{artifact_id}/builds/{build_id}")
        await api("GET", f"artifacts/{artifact_id}/builds/{build_id}/logs")
        await api("GET", f"artifacts/{artifact_id}")
    # the built artifact, run and rolled onto a workload; once locked it builds no more
    await api("POST", f"workloads/{runs_draft}/replacement/", json=rolling(aid))
    clock.advance(3.5)
    await api("GET", f"workloads/{runs_draft}")
    await api("PATCH", f"artifacts/{aid}", json={"status": "locked"})
    await expect(api, 422, "POST", builds)  # locked


def _with_image(spec: dict[str, Any], image: str) -> dict[str, Any]:
    """``spec`` with its container's ``imageUri`` set by hand."""
    changed = copy.deepcopy(spec)
    changed["containerGroups"][0]["containers"][0]["imageUri"] = image
    return changed

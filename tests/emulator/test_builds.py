"""Image builds as the live service plays them (``api-live.md`` §2), over raw HTTP on a fake clock."""

from __future__ import annotations

import json
from typing import Any, cast

import aiohttp
import pytest

from tests.conftest import Raw
from workload_async import FakeClock
from workload_async.emulator import Emulator

SOURCE = {
    "dockerfile": {"source": "provided", "path": "./Dockerfile"},
    "codeRef": {"datarobot": {"catalogId": "c" * 24, "catalogVersionId": "d" * 24}},
}


@pytest.fixture
def api_version() -> str:
    return "11.5"


def built_from_source(name: str = "app", dockerfile: dict[str, Any] | None = None) -> dict[str, Any]:
    config = {**SOURCE, "dockerfile": dockerfile or SOURCE["dockerfile"]}
    container = {"name": "app", "primary": True, "port": 8080, "imageBuildConfig": config}
    return {"name": name, "spec": {"containerGroups": [{"containers": [container]}]}}


async def source_artifact(raw: Raw, **kwargs: Any) -> dict[str, Any]:
    status, art, _ = await raw("POST", "artifacts/", json=built_from_source(**kwargs))
    assert status == 201, art
    return cast(dict[str, Any], art)


def container_of(art: dict[str, Any]) -> dict[str, Any]:
    return cast(dict[str, Any], art["spec"]["containerGroups"][0]["containers"][0])


async def start(raw: Raw, artifact_id: str) -> list[str]:
    status, body, _ = await raw("POST", f"artifacts/{artifact_id}/builds/", json={})
    assert status == 202, body
    return cast(list[str], body["buildIds"])


async def build_status(raw: Raw, artifact_id: str, build_id: str) -> str:
    return str((await raw("GET", f"artifacts/{artifact_id}/builds/{build_id}/"))[1]["status"])


async def test_a_build_runs_its_statuses_and_sets_the_image_when_it_completes(
    raw: Raw, clock: FakeClock
) -> None:
    art = await source_artifact(raw)
    assert art["status"] == "draft" and container_of(art)["imageUri"] is None
    assert container_of(art)["build"] is None
    (build_id,) = await start(raw, art["id"])
    seen = []
    for step in (1, 1, 1, 0.5, 0):  # builds take 4 s: 10% pending, then in progress, built at 80%
        seen.append(await build_status(raw, art["id"], build_id))
        clock.advance(step)
    assert seen == ["PENDING", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "BUILT"]
    assert container_of((await raw("GET", f"artifacts/{art['id']}"))[1])["imageUri"] is None
    clock.advance(1)
    assert await build_status(raw, art["id"], build_id) == "COMPLETED"
    got = (await raw("GET", f"artifacts/{art['id']}"))[1]
    image = container_of(got)["imageUri"]
    assert image.startswith("registry.emulator.local/artifacts/") and build_id[:12] in image
    assert container_of(got)["build"]["artifactImageBuildId"] == build_id
    assert container_of(got)["build"]["status"] == "COMPLETED"
    build = (await raw("GET", f"artifacts/{art['id']}/builds/{build_id}"))[1]
    assert set(build) == {"id", "name", "artifactId", "status", "creator", "createdAt", "updatedAt"}


async def test_builds_are_listed_newest_first_and_their_log_is_json_lines(raw: Raw, clock: FakeClock) -> None:
    art = await source_artifact(raw)
    first = (await start(raw, art["id"]))[0]
    clock.advance(5)
    second = (await start(raw, art["id"]))[0]
    page = (await raw("GET", f"artifacts/{art['id']}/builds/"))[1]
    assert [b["id"] for b in page["data"]] == [second, first] and page["totalCount"] == 2
    assert (await raw("GET", f"artifacts/{art['id']}/builds/?limit=1"))[1]["data"][0]["id"] == second
    status, text, headers = await raw("GET", f"artifacts/{art['id']}/builds/{first}/logs")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    records = [json.loads(line) for line in text.splitlines()]
    assert {tuple(sorted(r)) for r in records} == {("asctime", "build_id", "levelname", "message", "name")}
    assert records[-1]["message"].startswith("pushed registry.emulator.local/")


async def test_what_an_unbuilt_artifact_cannot_do(raw: Raw) -> None:
    art = await source_artifact(raw)
    status, data, _ = await raw("POST", "workloads/", json={"name": "w", "artifactId": art["id"]})
    assert status == 422 and "runtime_image_uri" in data["detail"][0]["msg"]
    status, data, _ = await raw("POST", "workloads/", json={"name": "w", "artifact": built_from_source()})
    assert status == 422 and "runtime_image_uri" in data["detail"][0]["msg"]
    status, data, _ = await raw("PATCH", f"artifacts/{art['id']}", json={"status": "locked", "name": "x"})
    assert status == 422 and data["detail"][0]["loc"] == ["body", "status"]
    got = (await raw("GET", f"artifacts/{art['id']}"))[1]
    assert (got["status"], got["name"]) == ("draft", "app")  # nothing changed


async def test_a_built_artifact_runs_locks_and_keeps_its_image(raw: Raw, clock: FakeClock) -> None:
    art = await source_artifact(raw)
    await start(raw, art["id"])
    clock.advance(4)
    image = container_of((await raw("GET", f"artifacts/{art['id']}"))[1])["imageUri"]
    spec = built_from_source()["spec"]  # a spec sent back without the image keeps it
    assert (await raw("PATCH", f"artifacts/{art['id']}", json={"spec": spec}))[0] == 200
    assert container_of((await raw("GET", f"artifacts/{art['id']}"))[1])["imageUri"] == image
    spec["containerGroups"][0]["containers"][0]["imageUri"] = "hand/edited:1"
    status, data, _ = await raw("PATCH", f"artifacts/{art['id']}", json={"spec": spec})
    assert status == 422 and data["detail"][0]["loc"][-1] == "imageUri"
    assert (await raw("POST", "workloads/", json={"name": "w", "artifactId": art["id"]}))[0] == 201
    assert (await raw("PATCH", f"artifacts/{art['id']}", json={"status": "locked"}))[0] == 200


async def test_only_builds_set_the_image_even_before_the_first(raw: Raw, clock: FakeClock) -> None:
    """A spec read back before the build (``imageUri`` and ``build`` null) is taken, as
    DataRobot's CLI and Terraform provider send it; an image of the client's own is not."""
    art = await source_artifact(raw)
    read_back = (await raw("GET", f"artifacts/{art['id']}"))[1]["spec"]
    assert (container_of({"spec": read_back})["imageUri"], container_of({"spec": read_back})["build"]) == (
        None,
        None,
    )
    assert (await raw("PATCH", f"artifacts/{art['id']}", json={"spec": read_back}))[0] == 200
    container_of({"spec": read_back})["imageUri"] = "registry.example.com/hand:1"
    status, data, _ = await raw("PATCH", f"artifacts/{art['id']}", json={"spec": read_back})
    assert status == 422 and data["detail"][0]["loc"][-1] == "imageUri"
    await start(raw, art["id"])
    clock.advance(4)
    assert container_of((await raw("GET", f"artifacts/{art['id']}"))[1])["imageUri"].startswith(
        "registry.emulator.local/"
    )


async def test_what_cannot_be_built(raw: Raw) -> None:
    plain = {"name": "p", "spec": {"containerGroups": [{"containers": [{"imageUri": "i", "primary": True}]}]}}
    art = (await raw("POST", "artifacts/", json=plain))[1]
    status, data, _ = await raw("POST", f"artifacts/{art['id']}/builds/")
    assert status == 422 and "nothing to build" in data["detail"][0]["msg"]
    assert (await raw("POST", f"artifacts/{art['id']}/builds/", json={"x": 1}))[0] == 422
    assert (await raw("POST", f"artifacts/{'0' * 24}/builds/"))[0] == 404
    assert (await raw("GET", f"artifacts/{art['id']}/builds/{'0' * 24}"))[0] == 404


@pytest.mark.parametrize(
    ("container", "loc"),
    [
        ({"primary": True}, ["imageUri"]),
        (
            {"primary": True, "imageBuildConfig": {"dockerfile": {"source": "generated"}}},
            ["executionEnvironmentId", "executionEnvironmentVersionId", "entrypoint"],
        ),
        ({"primary": True, "imageBuildConfig": {"dockerfile": {"source": "mine"}}}, ["source"]),
        ({"primary": True, "imageBuildConfig": {}}, ["dockerfile"]),
    ],
)
async def test_a_build_config_the_contract_refuses(
    raw: Raw, container: dict[str, Any], loc: list[str]
) -> None:
    body = {"name": "a", "spec": {"containerGroups": [{"containers": [container]}]}}
    status, data, _ = await raw("POST", "artifacts/", json=body)
    assert status == 422 and [p["loc"][-1] for p in data["detail"]] == loc


async def test_a_second_container_cannot_be_built(raw: Raw) -> None:
    sidecar = {"name": "side", "imageBuildConfig": SOURCE}
    body = built_from_source()
    body["spec"]["containerGroups"][0]["containers"].append(sidecar)
    status, data, _ = await raw("POST", "artifacts/", json=body)
    assert status == 422 and data["detail"][0]["loc"][-1] == "imageBuildConfig"


async def test_a_locked_artifact_is_not_built(raw: Raw, clock: FakeClock) -> None:
    art = await source_artifact(raw)
    await start(raw, art["id"])
    clock.advance(4)
    await raw("PATCH", f"artifacts/{art['id']}", json={"status": "locked"})
    status, data, _ = await raw("POST", f"artifacts/{art['id']}/builds/")
    assert status == 422 and "locked" in data["detail"][0]["msg"]


async def test_a_failing_dockerfile_fails_its_build_with_the_reason_in_its_log(
    raw: Raw, clock: FakeClock
) -> None:
    art = await source_artifact(raw, dockerfile={"source": "provided", "path": "emulator/fail.Dockerfile"})
    (build_id,) = await start(raw, art["id"])
    clock.advance(10)
    assert await build_status(raw, art["id"], build_id) == "FAILED"
    text = (await raw("GET", f"artifacts/{art['id']}/builds/{build_id}/logs"))[1]
    last = json.loads(text.splitlines()[-1])
    assert last["levelname"] == "ERROR" and "failed to solve" in last["message"]
    assert container_of((await raw("GET", f"artifacts/{art['id']}"))[1])["imageUri"] is None


async def test_builds_can_be_held_failed_and_released(raw: Raw, emu: Emulator, clock: FakeClock) -> None:
    art = await source_artifact(raw)
    emu.hold_builds(art["id"], "BUILT")
    (held,) = await start(raw, art["id"])
    clock.advance(600)
    assert await build_status(raw, art["id"], held) == "BUILT"
    emu.release_builds(art["id"])
    clock.advance(0.8)  # BUILT (80%) to COMPLETED of the 4 s
    assert await build_status(raw, art["id"], held) == "COMPLETED"
    (doomed,) = await start(raw, art["id"])
    emu.fail_builds(art["id"], "out of disk", status="CANCELLED")
    assert await build_status(raw, art["id"], doomed) == "CANCELLED"
    text = (await raw("GET", f"artifacts/{art['id']}/builds/{doomed}/logs"))[1]
    assert json.loads(text.splitlines()[-1])["message"] == "out of disk"
    with pytest.raises(ValueError, match="status"):
        emu.fail_builds(art["id"], "x", status="BROKEN")
    with pytest.raises(KeyError):
        emu.fail_builds(art["id"], "x", build_id="0" * 24)


async def test_the_build_controls_over_http(raw: Raw, emu: Emulator, http: aiohttp.ClientSession) -> None:
    art = await source_artifact(raw)
    headers = {"Authorization": f"Bearer {emu.token}"}
    base = f"{emu.base_url}/_emulator/artifacts/{art['id']}"
    async with http.put(f"{base}/build-hold", json={"at": "DONE"}, headers=headers) as r:
        assert r.status == 422
    async with http.post(f"{base}/fail-builds", json={}, headers=headers) as r:
        assert r.status == 409  # nothing running
    (build_id,) = await start(raw, art["id"])
    async with http.post(
        f"{base}/fail-builds", json={"buildId": build_id, "message": "m"}, headers=headers
    ) as r:
        assert r.status == 200 and (await r.json())["buildIds"] == [build_id]
    assert await build_status(raw, art["id"], build_id) == "FAILED"
    async with http.put(f"{emu.base_url}/_emulator/timings", json={"buildSeconds": 9}, headers=headers) as r:
        assert (await r.json())["buildSeconds"] == 9

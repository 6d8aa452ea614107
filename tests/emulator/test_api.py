"""The emulator's routes, codes, envelopes, validation and auth, driven with plain aiohttp."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest

from tests.conftest import Raw, artifact_body
from workload_async.emulator import Emulator

HEX24 = re.compile(r"^[0-9a-f]{24}$")


async def create(raw: Raw, name: str = "w", **body: Any) -> dict[str, Any]:
    status, data, _ = await raw(
        "POST", "console/workloads/", json={"name": name, "artifact": artifact_body(name), **body}
    )
    assert status == 201, data
    return cast(dict[str, Any], data)


async def test_create_returns_the_workload_shape(raw: Raw, emu: Emulator) -> None:
    wl = await create(raw, "whoami")
    assert HEX24.match(wl["id"])
    assert wl["status"] == "submitted"
    assert wl["statusDetails"] is None
    assert wl["endpoint"] == f"{emu.url}/endpoints/workloads/{wl['id']}/"
    assert wl["runtime"] == {"replicaCount": 1}
    assert wl["artifact"]["status"] == "draft" and wl["artifact"]["version"] is None
    assert wl["createdAt"].endswith("Z")
    assert set(wl) == {
        "id",
        "name",
        "status",
        "statusDetails",
        "artifactId",
        "artifact",
        "runtime",
        "endpoint",
        "creator",
        "createdAt",
        "updatedAt",
    }


@pytest.mark.parametrize("path", ["console/workloads/{id}", "console/workloads/{id}/"])
async def test_both_trailing_slash_forms_answer_directly(raw: Raw, path: str) -> None:
    wl = await create(raw)
    status, data, _ = await raw("GET", path.format(id=wl["id"]), allow_redirects=False)
    assert status == 200 and data["id"] == wl["id"]


@pytest.mark.parametrize("path", ["console/workloads/{id}/start", "console/workloads/{id}/start/"])
async def test_start_answers_with_and_without_slash(raw: Raw, path: str) -> None:
    wl = await create(raw)
    status, data, _ = await raw("POST", path.format(id=wl["id"]), allow_redirects=False)
    assert status == 200 and data["workloadId"] == wl["id"]  # already starting: a no-op


async def test_missing_token_is_401(raw: Raw) -> None:
    status, data, _ = await raw("GET", "console/workloads/", token="")
    assert (status, data) == (401, {"message": "Invalid API key"})


async def test_unknown_token_is_401(raw: Raw) -> None:
    status, _, _ = await raw("GET", "console/workloads/", token="nope")
    assert status == 401


async def test_token_scheme_is_accepted_too(raw: Raw, emu: Emulator) -> None:
    status, _, _ = await raw("GET", "console/workloads/", headers={"Authorization": f"Token {emu.token}"})
    assert status == 200


async def test_read_only_token_cannot_write(raw: Raw, emu: Emulator) -> None:
    reader = emu.add_user(read_only=True)
    status, _, _ = await raw("GET", "console/workloads/", token=reader)
    assert status == 200
    status, data, _ = await raw("POST", "registry/artifacts/", json=artifact_body(), token=reader)
    assert status == 403 and "read-only" in data["message"]


async def test_users_see_only_their_own_resources(raw: Raw, emu: Emulator) -> None:
    wl = await create(raw)
    other = emu.add_user()
    status, data, _ = await raw("GET", f"console/workloads/{wl['id']}/", token=other)
    assert status == 404 and data == {"detail": f"Workload {wl['id']} not found"}
    status, page, _ = await raw("GET", "console/workloads/", token=other)
    assert page["totalCount"] == 0
    status, _, _ = await raw("POST", f"console/workloads/{wl['id']}/stop", token=other)
    assert status == 404


async def test_unknown_fields_are_rejected_with_their_location(raw: Raw) -> None:
    body = {"artifact": artifact_body(), "runtime": {"replicaCount": 1, "replicas": 2}}
    status, data, _ = await raw("POST", "console/workloads/", json=body)
    assert status == 422
    assert data == {
        "detail": [
            {
                "loc": ["body", "runtime", "replicas"],
                "msg": "Extra inputs are not permitted",
                "type": "extra_forbidden",
            }
        ]
    }


async def test_null_for_an_optional_is_rejected(raw: Raw) -> None:
    status, data, _ = await raw(
        "POST", "console/workloads/", json={"artifact": artifact_body(), "name": None}
    )
    assert status == 422 and data["detail"][0]["loc"] == ["body", "name"]


@pytest.mark.parametrize(
    ("body", "loc", "msg"),
    [
        ({}, ["body"], "Provide exactly one of artifact or artifactId"),
        ({"artifact": artifact_body(), "artifactId": "a" * 24}, ["body"], "Provide exactly one"),
        (
            {"artifact": {**artifact_body(), "spec": {"containerGroups": []}}},
            ["body", "artifact", "spec", "containerGroups"],
            "at least 1",
        ),
        (
            {
                "artifact": {
                    "name": "x",
                    "spec": {"containerGroups": [{"containers": [{"imageUri": "i", "port": 8080}]}]},
                }
            },
            ["body", "artifact", "spec", "containerGroups", 0, "containers"],
            "Exactly one container must be primary",
        ),
        (
            {
                "artifact": {
                    "name": "x",
                    "spec": {
                        "containerGroups": [{"containers": [{"imageUri": "i", "primary": True, "port": 80}]}]
                    },
                }
            },
            ["body", "artifact", "spec", "containerGroups", 0, "containers", 0, "port"],
            "greater than or equal to 1024",
        ),
        (
            {
                "artifact": {
                    "name": "x",
                    "spec": {
                        "containerGroups": [
                            {
                                "containers": [
                                    {
                                        "imageUri": "i",
                                        "primary": True,
                                        "securityContext": {"privileged": True},
                                    }
                                ]
                            }
                        ]
                    },
                }
            },
            [
                "body",
                "artifact",
                "spec",
                "containerGroups",
                0,
                "containers",
                0,
                "securityContext",
                "privileged",
            ],
            "Extra inputs are not permitted",
        ),
        (
            {
                "artifact": artifact_body(),
                "runtime": {"replicaCount": 2, "autoscaling": {"enabled": True, "policies": []}},
            },
            ["body", "runtime", "replicaCount"],
            "cannot be set when autoscaling is enabled",
        ),
        (
            {"artifact": artifact_body(), "runtime": {"replicaCount": 0}},
            ["body", "runtime", "replicaCount"],
            "greater than or equal to 1",
        ),
        (
            {
                "artifact": {
                    **artifact_body(),
                    "spec": {
                        "containerGroups": [
                            {
                                "containers": [
                                    {
                                        "imageUri": "i",
                                        "primary": True,
                                        "port": 8080,
                                        "resourceRequest": {"cpu": 0, "memory": 1},
                                    }
                                ]
                            }
                        ]
                    },
                }
            },
            ["body", "artifact", "spec", "containerGroups", 0, "containers", 0, "resourceRequest", "cpu"],
            "greater than 0",
        ),
    ],
)
async def test_create_validation(raw: Raw, body: dict[str, Any], loc: list[Any], msg: str) -> None:
    status, data, _ = await raw("POST", "console/workloads/", json=body)
    assert status == 422, data
    assert any(p["loc"] == loc and msg in p["msg"] for p in data["detail"]), data


async def test_a_body_that_is_not_json_is_400(raw: Raw) -> None:
    status, data, _ = await raw(
        "POST", "console/workloads/", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert status == 400 and data == {"detail": "Request body is not valid JSON"}


async def test_a_wrong_content_type_is_400(raw: Raw) -> None:
    status, data, _ = await raw(
        "POST", "registry/artifacts/", data=b"name=x", headers={"Content-Type": "text/plain"}
    )
    assert status == 400 and "application/json" in data["detail"]


async def test_unknown_artifact_id_is_404(raw: Raw) -> None:
    status, data, _ = await raw("POST", "console/workloads/", json={"artifactId": "f" * 24})
    assert status == 404 and data["detail"] == f"Artifact {'f' * 24} not found"


async def test_delete_makes_it_404_and_absent_from_lists(raw: Raw) -> None:
    wl = await create(raw)
    status, body, _ = await raw("DELETE", f"console/workloads/{wl['id']}/")
    assert (status, body) == (204, None)
    assert (await raw("GET", f"console/workloads/{wl['id']}/"))[0] == 404
    assert (await raw("GET", "console/workloads/"))[1]["totalCount"] == 0
    assert (await raw("DELETE", f"console/workloads/{wl['id']}/"))[0] == 404
    # its artifact stays
    assert (await raw("GET", f"registry/artifacts/{wl['artifactId']}/"))[0] == 200


def test_the_emulator_refuses_to_bind_beyond_loopback() -> None:
    with pytest.raises(ValueError, match="loopback only"):
        Emulator(host="0.0.0.0")
    Emulator(host="0.0.0.0", allow_remote=True)  # an explicit choice

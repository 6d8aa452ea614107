"""Small things of the wire as DataRobot's own clients send them: no body type on a POST that
sends no body, and an artifact status given as a plain string."""

from __future__ import annotations

import pytest
from aiohttp import web

from tests.conftest import unique_name
from tests.e2e.conftest import Start
from workload_async import ArtifactStatus, Client, Container, FakeClock, InputArtifact


async def test_a_post_without_a_body_sends_no_content_type(server: Start, clock: FakeClock) -> None:
    seen: list[tuple[str, str | None, bytes]] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        seen.append(
            (request.path.rsplit("/", 1)[-1], request.headers.get("Content-Type"), await request.read())
        )
        if request.path.endswith("/promote"):
            return web.json_response({"id": "w1", "status": "running"}, status=202)
        return web.json_response({"status": "ok", "workloadId": "w1", "trackVia": "x"}, status=202)

    hostile = await server(handler)
    async with Client(hostile.url, "t", clock=clock, api_version="11.5") as client:
        await client.workloads.start("w1")
        await client.workloads.stop("w1")
        await client.workloads.promote("w1")
        await client.workloads.update("w1", name="n")  # a body: it says it is JSON
    assert seen[:3] == [("start", None, b""), ("stop", None, b""), ("promote", None, b"")]
    assert seen[3][1] == "application/json"


@pytest.mark.parametrize("status", ["draft", "DRAFT", ArtifactStatus.DRAFT])
async def test_an_artifact_status_may_be_a_plain_string(client: Client, status: str) -> None:
    artifact = InputArtifact.single(unique_name("a"), Container(image_uri="i:1", port=8080), status=status)
    assert artifact.status is ArtifactStatus.DRAFT
    created = await client.artifacts.create(artifact)
    assert created.status is ArtifactStatus.DRAFT
    workload = await client.workloads.create(name=unique_name(), artifact=artifact)
    assert workload.artifact is not None and workload.artifact.status is ArtifactStatus.DRAFT


async def test_a_plain_string_locks_in_either_generation(client: Client) -> None:
    word = "registered" if client.api_version == "v2.41" else "locked"
    artifact = InputArtifact.single(unique_name("a"), Container(image_uri="i:1", port=8080), status=word)
    assert (await client.artifacts.create(artifact)).is_locked


async def test_an_unknown_status_is_refused_before_sending(client: Client) -> None:
    artifact = InputArtifact.single("a", Container(image_uri="i:1", port=8080), status="frozen")
    with pytest.raises(
        ValueError, match=r"artifact\.status: must be draft, registered or locked, got 'frozen'"
    ):
        await client.artifacts.create(artifact)

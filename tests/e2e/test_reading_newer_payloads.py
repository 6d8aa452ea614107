"""The response models read what the newer (11.5) generation's emulator really sends.

The SDK speaks v2.41; this checks that its response models read the newer shapes (runtime per
container group, resolved bundles, credential environment variables, ``locked`` artifacts, extra
fields) without error, keeping what they know. Raw HTTP fetches the JSON; ``Response.parse`` reads it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Raw
from workload_async import (
    Artifact,
    ArtifactStatus,
    FakeClock,
    Page,
    ReportedEnvironmentVariable,
    Response,
    Workload,
    WorkloadStatus,
)

CONTAINER = {
    "name": "app",
    "imageUri": "python:3.12",
    "primary": True,
    "port": 8080,
    "environmentVars": [
        {"name": "A", "value": "1"},
        {"source": "dr-credential", "name": "KEY", "drCredentialId": "c" * 24, "key": "apiToken"},
    ],
    "readinessProbe": {"path": "/ready", "host": "localhost", "httpHeaders": {"X-Probe": "1"}},
}
RUNTIME = {
    "containerGroups": [
        {
            "autoscaling": {
                "policies": [
                    {"scalingMetric": "httpRequestsConcurrency", "target": 5, "minCount": 0, "maxCount": 3}
                ]
            },
            "resourceBundles": ["cpu.medium"],
            "containers": [{"name": "app", "resourceAllocation": {"cpu": 1.5, "memory": "512MB"}}],
        }
    ]
}

#: what only the 11.5 generation has
pytestmark = pytest.mark.v11_5_only


def read(data: Any, model: Any) -> Any:
    body = json.dumps(data).encode()
    return Response(status=200, headers={}, body=body, method="GET", url="workloads/").parse(model)


async def test_a_newer_workload_reads_at_every_status_it_passes(raw: Raw, clock: FakeClock) -> None:
    artifact = {"name": "a", "spec": {"containerGroups": [{"containers": [CONTAINER]}]}}
    status, created, _ = await raw(
        "POST", "workloads/", json={"name": "new", "artifact": artifact, "runtime": RUNTIME}
    )
    assert status == 201, created
    seen = []
    for _ in range(6):
        page = read((await raw("GET", "workloads/"))[1], Page[Workload])
        (wl,) = page.data
        assert (wl.id, wl.name) == (created["id"], "new")
        seen.append(wl.status)
        clock.advance(0.5)
    assert seen[0] is WorkloadStatus.SUBMITTED and seen[-1] is WorkloadStatus.RUNNING
    assert WorkloadStatus("provisioning") in seen and WorkloadStatus("launching") in seen
    assert wl.runtime is not None and wl.created_at is not None


async def test_a_newer_artifact_reads_with_its_credential_reference(raw: Raw) -> None:
    body = {"name": "a", "spec": {"containerGroups": [{"containers": [CONTAINER]}]}}
    status, created, _ = await raw("POST", "artifacts/", json=body)
    assert status == 201, created
    art = read((await raw("GET", f"artifacts/{created['id']}"))[1], Artifact)
    assert art.status is ArtifactStatus.DRAFT and art.spec is not None
    (container,) = art.spec.container_groups[0].containers
    assert container.environment_vars == (
        ReportedEnvironmentVariable(name="A", value="1"),
        ReportedEnvironmentVariable(
            name="KEY", source="dr-credential", dr_credential_id="c" * 24, key="apiToken"
        ),
    )
    assert container.readiness_probe is not None and container.readiness_probe.path == "/ready"
    status, locked, _ = await raw("PATCH", f"artifacts/{created['id']}", json={"status": "locked"})
    assert status == 200, locked
    art = read(locked, Artifact)
    assert art.status is ArtifactStatus.LOCKED and art.is_locked and art.version is not None

"""``to_json``/``from_json``: the public way to write a model as the API's JSON and read it back."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from workload_async import Container, InputArtifact, Workload, WorkloadStatus, from_json, to_json


def test_a_model_goes_to_camel_case_json_and_comes_back_equal() -> None:
    artifact = InputArtifact.single("echo", Container(image_uri="img:1", port=8080))
    data = to_json(artifact)
    assert data["spec"]["containerGroups"][0]["containers"][0]["imageUri"] == "img:1"
    assert from_json(InputArtifact, json.dumps(data)) == artifact
    assert from_json(InputArtifact, data) == artifact


def test_timestamps_and_enums_are_written_as_the_api_writes_them() -> None:
    workload = from_json(Workload, {"id": "w1", "status": "running", "createdAt": "2026-01-02T03:04:05Z"})
    assert workload.status is WorkloadStatus.RUNNING
    assert workload.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert to_json(workload)["createdAt"] == "2026-01-02T03:04:05Z"


def test_a_field_that_does_not_fit_is_named() -> None:
    with pytest.raises(ValueError, match=r"port"):
        from_json(Container, {"imageUri": "img", "port": "not a number"})


def test_text_that_is_not_json_says_so() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        from_json(InputArtifact, "{name: echo")

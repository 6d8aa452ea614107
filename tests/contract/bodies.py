"""Request bodies the contract tests send by hand."""

from __future__ import annotations

from typing import Any

IMAGE = "registry.example.com/app:1"


def container(**extra: Any) -> dict[str, Any]:
    return {"name": "app", "imageUri": IMAGE, "primary": True, "port": 8080, **extra}


def artifact(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "spec": {"containerGroups": [{"containers": [container()]}]}, **extra}


def built_from_source(name: str, dockerfile: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An artifact whose one container is built from source: no ``imageUri``, a build config."""
    box = {"name": "app", "primary": True, "port": 8080, "imageBuildConfig": {"dockerfile": dockerfile}}
    return {"name": name, "spec": {"containerGroups": [{"containers": [box]}]}, **extra}

"""The installed version of the package, read once from its metadata."""

from __future__ import annotations

import functools

__all__ = ["package_version"]


@functools.cache
def package_version() -> str:
    """The installed version of workload-async (``0+unknown`` when running from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("workload-async")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"

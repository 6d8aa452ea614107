"""Which generation a client speaks: the one asked for (``v2.41``, ``11.5``), or the server's (``auto``).

:func:`detect` reads the server's answer through :class:`Answer` (three members of a response), so
this room never imports the HTTP layer. The 11.5 dialect is imported when a client first speaks
11.5 (:func:`dialect_for`, :func:`detect`): a program on v2.41 never loads it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, Protocol

from .dialect import Dialect
from .v2_41 import V2_41

__all__ = ["API_VERSIONS", "Answer", "ApiVersion", "detect", "dialect_for", "requested_api_version"]

#: What ``Client(api_version=...)`` accepts.
ApiVersion = Literal["v2.41", "11.5", "auto"]
API_VERSIONS: tuple[str, ...] = ("v2.41", "11.5", "auto")


class Answer(Protocol):
    """What :func:`detect` reads of the server's answer."""

    @property
    def ok(self) -> bool: ...

    @property
    def status(self) -> int: ...

    def raise_for_status(self) -> object: ...


def requested_api_version(value: str | None) -> str:
    """The generation asked for (``v2.41`` when nothing is); ``ValueError`` for anything but
    v2.41, 11.5 or auto (``2.41`` and ``v11.5`` are read as meant)."""
    chosen = value or "v2.41"
    normal = chosen.strip().lower()
    normal = {"2.41": "v2.41", "v11.5": "11.5"}.get(normal, normal)
    if normal not in API_VERSIONS:
        raise ValueError(f"api_version must be one of {', '.join(API_VERSIONS)}, got {chosen!r}")
    return normal


def dialect_for(api_version: str) -> Dialect | None:
    """The dialect of a generation; None for ``auto`` (decided by the first request)."""
    if api_version == "11.5":
        return _v11_5()
    return V2_41 if api_version == "v2.41" else None


def _v11_5() -> Dialect:
    from .v11_5 import V11_5

    return V11_5


async def detect(get: Callable[[str], Awaitable[Answer]]) -> Dialect:
    """Ask the server which generation it serves: ``GET workloads/?limit=1`` answers 200 on 11.5
    and 404 on v2.41. Any other answer raises its error (a bad token, a server down)."""
    response = await get("workloads/?limit=1")
    if response.ok:
        return _v11_5()
    if response.status == 404:
        return V2_41
    response.raise_for_status()
    return V2_41  # pragma: no cover - raise_for_status raised

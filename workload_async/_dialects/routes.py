"""How a path is built from a route table (each generation has its own: :mod:`.v2_41`, :mod:`.v11_5`).

Resource code names a route and passes ids; it never spells a path. ``{}`` marks where an id goes:
each id becomes exactly one percent-encoded path segment, so no id can change the route.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from yarl import URL

__all__ = ["RouteParts", "check_app_path", "relative_path", "route_parts", "route_path"]

_PLAIN = re.compile(r"[A-Za-z0-9_~-]+").fullmatch


def _segment(value: str) -> str:
    if _PLAIN(value):  # the usual case, hex ids: nothing to encode
        return value
    encoded = quote(value, safe="")
    # "." and ".." are path syntax, not names: encode the dots so no normaliser removes them.
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


#: A route table split at its ``{}`` marks, ready to fill in.
RouteParts = dict[str, list[str]]


def route_parts(table: dict[str, str]) -> RouteParts:
    """``table`` split at each ``{}``, as :func:`route_path` takes it."""
    return {route: template.split("{}") for route, template in table.items()}


def route_path(route: str, *ids: str, table: RouteParts, tail: str = "") -> str:
    """The encoded path of ``route`` relative to the API root, with ``ids`` filled in.

    ``tail`` (invoke only) is the application path after the route; it is appended as given,
    its own slashes kept, but it cannot climb out of the route (``..`` segments are refused).
    ``table`` is the route table of a dialect, split by :func:`route_parts`.
    """
    parts = table[route]
    if len(parts) - 1 != len(ids):
        raise TypeError(f"route {route} takes {len(parts) - 1} ids, got {len(ids)}")
    if len(ids) == 1:  # every route of the contract has at most one id
        path = parts[0] + _segment(ids[0]) + parts[1]
    else:
        path = parts[0] + "".join(_segment(i) + rest for i, rest in zip(ids, parts[1:], strict=True))
    if tail:
        pieces = check_app_path(tail)
        path += "/".join(quote(p, safe="@:!$&'()*+,;=-._~%") for p in pieces)
    return path


def check_app_path(tail: str, what: str = "app path") -> list[str]:
    """The segments of an application path (invoke's ``path``); ``ValueError`` when one is a dot
    segment, encoded or not: the path cannot climb out of the route."""
    pieces = tail.lstrip("/").split("/")
    if any(_climbs(p) for p in pieces):
        raise ValueError(f"{what} {tail!r} must not contain '.' or '..' segments, encoded or not")
    return pieces


_SEPARATORS = re.compile(r"[/\\]")


def _climbs(piece: str) -> bool:
    """True when ``piece`` is a dot segment once a server decodes it (``..``, ``%2e%2e``,
    ``.%2E``, ``..%2f``, ``..%5c``): some servers and proxies decode before they normalise."""
    if piece in (".", ".."):
        return True
    if "%" not in piece and "\\" not in piece:
        return False
    decoded = piece
    for _ in range(3):  # a doubly encoded dot is decoded by a chain of two servers
        decoded = unquote(decoded)
        if any(segment in (".", "..") for segment in _SEPARATORS.split(decoded)):
            return True
        if "%" not in decoded:
            return False
    return False


def relative_path(base: URL, url: URL) -> str:
    """``url``'s path relative to the API root, as errors print it (``console/workloads/x/``)."""
    root = base.raw_path
    raw = url.raw_path
    if url.origin() == base.origin() and raw.startswith(root):
        return raw[len(root) :]
    return str(url.with_query(None))

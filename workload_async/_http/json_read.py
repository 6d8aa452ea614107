"""Parsing response bodies: orjson when it is installed (the ``speedups`` extra), else the
standard library.

The SDK reads the API's answers with :func:`loads`. orjson refuses a few documents the standard
library accepts (``NaN`` and ``Infinity``, nesting deeper than 1,024, bodies that are not UTF-8);
a body it refuses is handed to the standard library, whose answer (a value, or the error) stands.
The one value they read differently is an integer beyond 64 bits, which orjson reads as the
nearest float: no number of the API comes near, but an application's body may, so
``Response.json()`` (an invoked workload's answer) always uses :func:`loads_stdlib`.
``WORKLOAD_ASYNC_NO_ORJSON=1`` in the environment keeps orjson out even where it is installed
(as does any value but an empty one, ``0``, ``false``, ``no`` or ``off``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

__all__ = ["NO_ORJSON_ENV", "loads", "loads_stdlib", "reader_name"]

NO_ORJSON_ENV = "WORKLOAD_ASYNC_NO_ORJSON"


def loads_stdlib(body: bytes) -> Any:
    """The standard library's reading; raises ``ValueError`` (not JSON) or ``RecursionError``."""
    try:
        text = body.decode()  # JSON on the wire is UTF-8; a str skips the encoding detection
    except UnicodeDecodeError:
        return json.loads(body)  # UTF-16/32, detected by json itself
    return json.loads(text)


def _orjson_reader() -> Callable[[bytes], Any] | None:
    if os.environ.get(NO_ORJSON_ENV, "").strip().lower() not in ("", "0", "false", "no", "off"):
        return None
    try:
        import orjson
    except ImportError:
        return None
    fast_loads = orjson.loads
    refused = orjson.JSONDecodeError

    def loads_orjson(body: bytes) -> Any:
        try:
            return fast_loads(body)
        except refused:
            return loads_stdlib(body)  # the standard library decides what orjson refuses

    return loads_orjson


_fast = _orjson_reader()

#: Parse one body: ``ValueError`` when it is not JSON, ``RecursionError`` when it nests too deeply.
loads: Callable[[bytes], Any] = _fast or loads_stdlib


def reader_name() -> str:
    """``"orjson"`` or ``"json"``: which parser reads response bodies in this process."""
    return "orjson" if _fast is not None else "json"

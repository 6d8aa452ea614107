"""The public way to write a model as the API's JSON and to read one back, through the one converter."""

from __future__ import annotations

import json as jsonlib
from typing import Any, TypeVar

from ._converter import DecodeProblem, structure, unstructure

__all__ = ["from_json", "to_json"]

T = TypeVar("T")


def to_json(value: Any) -> Any:
    """A model (or a list or dict of models) in the API's JSON form, ready for :func:`json.dumps`.

    Keys are camelCase, timestamps RFC 3339 strings, enums their values; optional fields left unset
    are left out, as the SDK would send them::

        json.dumps(to_json(workload))
    """
    return unstructure(value)


def from_json(cls: type[T], data: Any) -> T:
    """Build a ``cls`` model from its JSON form (as :func:`to_json` writes it, or as the API sends it).

    ``data`` is decoded JSON, or a ``str``/``bytes`` holding JSON text. Unknown keys are ignored.
    Raises ``ValueError`` naming each field that does not fit (or saying where the text is not JSON)::

        artifact = from_json(InputArtifact, Path("artifact.json").read_text())
    """
    if isinstance(data, str | bytes | bytearray):
        try:
            data = jsonlib.loads(data)
        except ValueError as exc:
            raise ValueError(f"not JSON: {exc}") from None
    try:
        return structure(data, cls)
    except DecodeProblem as exc:
        problems = exc.problems
    raise ValueError("; ".join(problems))

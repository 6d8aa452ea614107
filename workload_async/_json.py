"""The public way to write a model as the API's JSON and to read one back, through the one converter."""

from __future__ import annotations

import json as jsonlib
from typing import Any, TypeVar

from ._converter import DecodeProblem, structure, unstructure

__all__ = ["from_json", "to_json"]

T = TypeVar("T")


def to_json(value: Any, *, keep_defaults: bool = False) -> Any:
    """A model (or a list or dict of models) in the API's JSON form, ready for :func:`json.dumps`.

    Keys are camelCase, timestamps RFC 3339 strings, enums their values. Fields left at their
    defaults are left out, as the SDK would send them; ``keep_defaults=True`` keeps every field
    that holds a value (a zero, ``false``, an empty list, ``unknown``) and leaves out only those
    that are None, which is what a reader of the output (a report, a script) expects::

        json.dumps(to_json(workload))
        to_json(workload, keep_defaults=True)["runtime"]["replicaCount"]  # there even when 0
    """
    return unstructure(value, keep_defaults=keep_defaults)


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

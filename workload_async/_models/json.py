"""The public way to write a model as the API's JSON and to read one back, through the one converter."""

from __future__ import annotations

import json as jsonlib
import re
from typing import Any, TypeVar

from .converter import DecodeProblem, structure, to_camel, unstructure

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
        problems = [_wire_path(problem) for problem in exc.problems]
    snake = _snake_key(data)
    if snake is not None:
        problems.append(f"keys are camelCase, as the API writes them: {snake!r} would be {to_camel(snake)!r}")
    raise ValueError("; ".join(problems))


def _wire_path(problem: str) -> str:
    """A problem's field path in the JSON's own (camelCase) names: ``@ A.spec.container_groups[0]``
    reads ``@ A.spec.containerGroups[0]``."""
    text, at, path = problem.rpartition(" @ ")
    if not at:
        return problem
    return f"{text} @ " + re.sub(r"(?<=\.)[a-z][a-z0-9_]*", lambda m: to_camel(m.group()), path)


def _snake_key(data: Any) -> str | None:
    """The first key with an underscore in ``data`` (a likely misspelling of a camelCase field)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and "_" in key.strip("_"):
                return key
            found = _snake_key(value)
            if found is not None:
                return found
    elif isinstance(data, list):
        for value in data:
            found = _snake_key(value)
            if found is not None:
                return found
    return None

"""The public way to write a model as the API's JSON and to read one back, through the one converter."""

from __future__ import annotations

import json as jsonlib
import re
import typing
from typing import Any, TypeVar

import attrs
from cattrs.errors import StructureHandlerNotFoundError

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

    Raises ``TypeError`` for a ``value`` that is neither a model nor JSON (and holds no
    models), and ``ValueError`` for one JSON cannot carry (NaN, an infinity, a circle).
    """
    if not isinstance(keep_defaults, bool):
        raise TypeError(f"keep_defaults must be True or False, got {type(keep_defaults).__name__}")
    problem = ""
    try:
        out = unstructure(value, keep_defaults=keep_defaults)
        jsonlib.dumps(out, allow_nan=False)
    except TypeError as exc:
        kind = str(exc).removeprefix("Object of type ").split(" ", 1)[0]
        raise TypeError(
            f"value must be a model, or a list or dict of models and JSON values; it holds {kind}"
        ) from None
    except ValueError as exc:
        problem = "NaN or an infinity" if "JSON compliant" in str(exc) else "a circular reference"
    except RecursionError:
        problem = "lists or mappings nested too deeply"
    if problem:
        raise ValueError(f"value cannot be written as JSON: it holds {problem}")
    return out


def from_json(cls: type[T], data: Any) -> T:
    """Build a ``cls`` model from its JSON form (as :func:`to_json` writes it, or as the API sends it).

    ``data`` is decoded JSON, or a ``str``/``bytes`` holding JSON text. Unknown keys are ignored.
    Raises ``ValueError`` naming each field that does not fit (or saying where the text is not
    JSON, or that it is nested too deeply to read), and ``TypeError`` when ``cls`` is not a model::

        artifact = from_json(InputArtifact, Path("artifact.json").read_text())
    """
    model = typing.get_origin(cls) or cls
    if not (isinstance(model, type) and attrs.has(model)):
        raise TypeError(f"cls must be a model class such as Workload or InputArtifact, got {cls!r}"[:120])
    if isinstance(data, str | bytes | bytearray):
        problem = ""
        try:
            data = jsonlib.loads(data)
        except ValueError as exc:
            problem = f"data is not JSON: {exc}"
        except RecursionError:
            problem = "data is JSON nested too deeply to read"
        if problem:
            raise ValueError(problem)
    deep = unknown = False
    try:
        return structure(data, cls)
    except DecodeProblem as exc:
        problems = [_wire_path(problem) for problem in exc.problems]
    except RecursionError:
        deep = True
    except StructureHandlerNotFoundError:
        unknown = True
    if deep:
        raise ValueError(f"data is nested too deeply to read as a {model.__name__}")
    if unknown:
        raise TypeError(f"cls must be a model class the SDK reads (Page[Workload], not Page), got {cls!r}")
    try:
        snake = _snake_key(data)
    except RecursionError:
        snake = None
    if snake is not None:
        problems.append(f"keys are camelCase, as the API writes them: {snake!r} would be {to_camel(snake)!r}")
    raise ValueError(f"data does not fit {model.__name__}: " + "; ".join(problems))


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

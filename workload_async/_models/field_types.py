"""A model a user wrote holds, in each field, a value of the field's declared type.

:func:`check_field_types` walks a request model (an attrs class of :mod:`.inputs`) by the type
annotations of its fields, so a field added to a model is checked with no code of its own: a
string where a number belongs, a lone string where a list of strings belongs, NaN or an infinity
(which JSON cannot carry), an enum value the SDK does not know. The error names the field by its
Python path (``artifact.spec.container_groups[0].containers[0].port``) and is raised before
anything is sent; what the contract says of the values themselves is :mod:`.checks`' business.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import attrs

__all__ = ["check_field_types"]


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def _name(hint: Any) -> str:
    if hint is type(None):
        return "None"
    if hint is bool:
        return "True or False"
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_name(arm) for arm in typing.get_args(hint))
    if origin in (tuple, list):
        return f"a list of {_name(typing.get_args(hint)[0])}"
    if origin is dict:
        return "a mapping of strings"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        values = [m.value for m in hint.__members__.values()]
        return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]
    if isinstance(hint, type) and issubclass(hint, float):
        return "a number"
    if isinstance(hint, type) and issubclass(hint, int) and hint is not bool:
        return "a whole number"
    return getattr(hint, "__name__", str(hint))


def _fits(value: Any, hint: Any, path: str) -> bool:
    """True when ``value`` is of type ``hint``; raises ``ValueError`` for a value of the right
    type that no request may carry (NaN, an unknown enum value), and checks inside lists and
    models (raising for what is wrong there)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm, path) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is Any or hint is object:
        return True
    if origin in (tuple, list):
        if not isinstance(value, tuple | list):
            return False
        item = typing.get_args(hint)[0]
        for i, element in enumerate(value):
            _check(element, item, f"{path}[{i}]")
        return True
    if origin is dict:
        return isinstance(value, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        if not isinstance(value, str):
            return False
        member = hint(value)
        if hint.__members__.get(member.name) is not member:
            raise ValueError(f"{path}: must be {_name(hint)}, got {str(value)!r}")
        return True
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if not math.isfinite(value):
            raise ValueError(f"{path}: must be a finite number, got {value!r}")
        return True
    if hint is str:
        return isinstance(value, str)
    if isinstance(hint, type) and attrs.has(hint):
        if not isinstance(value, hint):
            return False
        check_field_types(value, path)
        return True
    return True  # a type this walker does not know: the server judges


def _check(value: Any, hint: Any, path: str) -> None:
    if not _fits(value, hint, path):
        shown = repr(value) if len(repr(value)) <= 40 else f"{repr(value)[:30]}..."
        raise TypeError(f"{path}: must be {_name(hint)}, got {type(value).__name__} {shown}")


def check_field_types(model: Any, path: str) -> None:
    """Raise ``TypeError``/``ValueError`` naming the first field of ``model`` (an attrs instance,
    called ``path``) whose value is not of the field's declared type."""
    hints = _hints(type(model))
    for field in attrs.fields(type(model)):
        _check(getattr(model, field.name), hints[field.name], f"{path}.{field.name}")

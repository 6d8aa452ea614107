"""The one converter between models and the camelCase JSON of the wire.

camelCase is decided here, once, by hook factories registered for every attrs class. A field whose
wire name is irregular declares it in its metadata (``{"wire": "name"}``); a field that never goes on
the wire declares ``{"wire": False}``; a field that older or newer servers spell differently declares
``{"fallback": "otherName"}``; a field the server requires even at its default value declares
``{"always": True}``. Reading ignores unknown keys; writing omits every field left at its
default (None for optionals), so the server never sees a key it did not ask for.
"""

from __future__ import annotations

import functools
import json as jsonlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

__all__ = ["DecodeProblem", "from_json", "structure", "to_camel", "to_json", "unstructure", "wire_fields"]

T = TypeVar("T")


class DecodeProblem(Exception):
    """A payload did not fit its model; ``problems`` says where, one line per field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def to_camel(name: str) -> str:
    """``status_details`` -> ``statusDetails``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _wire_name(a: attrs.Attribute[Any]) -> str | None:
    wire = a.metadata.get("wire", True)
    if wire is False:
        return None
    return wire if isinstance(wire, str) else to_camel(a.name)


def _parse_datetime(value: Any, _: type) -> datetime:
    if isinstance(value, str):  # the wire's case, first
        parsed = datetime.fromisoformat(value)
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise TypeError(f"expected an RFC 3339 timestamp string, got {type(value).__name__}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _format_datetime(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _structure_enum(value: Any, cls: Any) -> Any:
    # a dict lookup for the usual case; the enum's own constructor (which keeps unknown values
    # of our open enums) otherwise
    member = cls._value2member_map_.get(value) if type(value) is str else None
    return member if member is not None else cls(value)


def _fields(cls: Any) -> tuple[attrs.Attribute[Any], ...]:
    """The attrs fields of a model, or of a generic one's origin (``Page[Workload]``)."""
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(
        attrs.resolve_types(getattr(cls, "__origin__", cls))
    )
    return fields


def _is_optional(cls: Any) -> bool:
    args = get_args(cls)
    return get_origin(cls) in (Union, UnionType) and len(args) == 2 and NoneType in args


def _make_converter(*, detailed: bool) -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=detailed)
    unchecked: dict[Any, Callable[[Any, Any], Any]] = {}  # generated hooks that trust their input
    # Simple hooks first, then the attrs factories that compose them.
    conv.register_structure_hook(datetime, _parse_datetime)
    # By class, so it outranks cattrs' own hook for ``str``, which the string enums subclass.
    conv.register_structure_hook(StrEnum, _structure_enum)
    conv.register_unstructure_hook(datetime, _format_datetime)

    def structure_factory(cls: Any) -> Callable[[Any, Any], Any]:
        overrides: dict[str, Any] = {}
        fallbacks: list[tuple[str, str]] = []
        for a in _fields(cls):
            wire = _wire_name(a)
            overrides[a.name] = override(omit=True) if wire is None else override(rename=wire)
            if wire is not None and "fallback" in a.metadata:
                fallbacks.append((wire, a.metadata["fallback"]))
        inner = make_dict_structure_fn(cls, conv, **overrides)
        if not fallbacks:
            unchecked[cls] = inner

        def structure_object(data: Any, target: Any) -> Any:
            if type(data) is not dict and not isinstance(data, Mapping):
                raise TypeError(f"expected a JSON object, got {type(data).__name__}")
            for wire, other in fallbacks:
                if wire not in data and other in data:
                    data = {**data, wire: data[other]}
            return inner(data, target)

        return structure_object

    def unstructure_factory(cls: Any) -> Callable[[Any], Any]:
        overrides: dict[str, Any] = {}
        for a in _fields(cls):
            wire = _wire_name(a)
            if wire is None:
                overrides[a.name] = override(omit=True)
            else:
                always = bool(a.metadata.get("always"))
                overrides[a.name] = override(rename=wire, omit_if_default=False if always else None)
        options: dict[str, Any] = {"_cattrs_omit_if_default": True, **overrides}
        return make_dict_unstructure_fn(cls, conv, **options)

    def optional_factory(cls: Any) -> Callable[[Any, Any], Any]:
        # ``X | None`` resolved once, instead of cattrs dispatching on every value.
        (inner_type,) = (a for a in get_args(cls) if a is not NoneType)
        if inner_type in (str, int, float, bool):

            def structure_scalar(value: Any, _: Any) -> Any:
                return value if value is None or type(value) is inner_type else inner_type(value)

            return structure_scalar
        inner = conv.get_structure_hook(inner_type)
        fast = unchecked.get(inner_type)
        if fast is not None:
            # a nested model: a JSON object goes straight to its generated hook, anything
            # else through the checking one (which says what was wrong)
            def structure_optional_object(value: Any, _: Any) -> Any:
                if value is None:
                    return None
                return fast(value, inner_type) if type(value) is dict else inner(value, inner_type)

            return structure_optional_object

        def structure_optional(value: Any, _: Any) -> Any:
            return None if value is None else inner(value, inner_type)

        return structure_optional

    conv.register_structure_hook_factory(attrs.has, structure_factory)
    conv.register_structure_hook_factory(_is_optional, optional_factory)
    conv.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    return conv


# Two instances of the one converter: the fast one reads every response; the detailed one reads a
# payload again only when the fast one failed, to say which fields were wrong.
_converter = _make_converter(detailed=False)


@functools.cache
def _explainer() -> cattrs.Converter:
    return _make_converter(detailed=True)


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from decoded JSON; raises :class:`DecodeProblem` naming each bad field."""
    try:
        return _converter.structure(data, cls)
    except Exception as fast_error:
        try:
            _explainer().structure(data, cls)
        except cattrs.BaseValidationError as exc:
            raise DecodeProblem(cattrs.transform_error(exc, path=cls.__name__)) from exc
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise DecodeProblem([f"{cls.__name__}: {exc}"]) from exc
        raise DecodeProblem([f"{cls.__name__}: {fast_error}"]) from fast_error


def wire_fields(**fields: Any) -> dict[str, Any]:
    """A request body from keyword fields: camelCase keys, values in wire form, None left out."""
    return {
        to_camel(name): _converter.unstructure(value) for name, value in fields.items() if value is not None
    }


def unstructure(obj: Any) -> Any:
    """The JSON-ready wire form of a model: camelCase keys, unset optionals left out."""
    return _converter.unstructure(obj)


def to_json(value: Any) -> Any:
    """A model (or a list or dict of models) in the API's JSON form, ready for :func:`json.dumps`.

    Keys are camelCase, timestamps RFC 3339 strings, enums their values; optional fields left unset
    are left out, as the SDK would send them::

        json.dumps(to_json(workload))
    """
    return _converter.unstructure(value)


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

"""The one converter between models and the camelCase JSON of the wire.

camelCase is decided here, once, by hook factories registered for every attrs class. A field whose
wire name is irregular declares it in its metadata (``{"wire": "name"}``); a field that never goes on
the wire declares ``{"wire": False}``; a field that older or newer servers spell differently declares
``{"fallback": "otherName"}``; a field the server requires even at its default value declares
``{"always": True}``. Writing omits every field left at its default (None for optionals), so the
server never sees a key it did not ask for.

Reading is tolerant but never invents: unknown keys are ignored; ``null`` means absent (an optional
field reads None, a field with a default reads its default, a required one is missing); a
fallback applies when the main key is absent or null. It is also strict about kinds: a string
field takes only a string (``null`` never becomes ``"None"``), a number field only a number (not
``"5"``, not ``true``), a list field only a JSON list (a string is never split into characters).
Timestamps are RFC 3339 in full: ``t``/``z`` in either case, any offset, any number of
fractional digits (kept to microseconds), a leap second read as the last microsecond before it.
All of this lives in the hooks below, once for every model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from types import NoneType, UnionType
from typing import Any, NoReturn, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception

__all__ = [
    "DecodeProblem",
    "reader",
    "structure",
    "to_camel",
    "unstructure",
    "wire_fields",
]

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


def _kind(value: Any) -> str:
    """How a JSON value is called in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({value!r})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


# -- scalars: a value of the right JSON kind, or an error; never a conversion that invents ------


def _structure_str(value: Any, _: Any) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {_kind(value)}")


def _structure_int(value: Any, _: Any) -> int:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():  # 3.0 from a serialiser that writes floats
        return int(value)
    raise TypeError(f"expected an integer, got {_kind(value)}")


def _structure_float(value: Any, _: Any) -> float:
    if type(value) is float or type(value) is int:
        return float(value)
    raise TypeError(f"expected a number, got {_kind(value)}")


def _structure_bool(value: Any, _: Any) -> bool:
    if type(value) is bool:
        return value
    raise TypeError(f"expected true or false, got {_kind(value)}")


_SCALARS: dict[Any, Callable[[Any, Any], Any]] = {
    str: _structure_str,
    int: _structure_int,
    float: _structure_float,
    bool: _structure_bool,
}


def _parse_datetime(value: Any, _: type) -> datetime:
    if type(value) is str:  # the wire's case, first
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = _parse_rfc3339(value)
    elif isinstance(value, datetime):
        parsed = value
    else:
        raise TypeError(f"expected an RFC 3339 timestamp string, got {_kind(value)}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _parse_rfc3339(value: str) -> datetime:
    """The RFC 3339 spellings ``fromisoformat`` refuses: lowercase ``t``/``z``, a leap second."""
    text = value.upper()
    leap = text[16:19] == ":60"
    if leap:  # 23:59:60 has no datetime: read it as the last microsecond before it
        text = text[:17] + "59" + text[19:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected an RFC 3339 timestamp, got {value[:40]!r}") from None
    return parsed.replace(microsecond=999999) if leap else parsed


def _format_datetime(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _structure_enum(value: Any, cls: Any) -> Any:
    # a dict lookup for the usual case; the enum's own constructor (which keeps unknown values
    # of our open enums) otherwise
    member = cls._value2member_map_.get(value) if type(value) is str else None
    if member is not None:
        return member
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {_kind(value)}")
    return cls(value)


# -- helpers for the factories -----------------------------------------------------------------


def _fields(cls: Any) -> tuple[attrs.Attribute[Any], ...]:
    """The attrs fields of a model, or of a generic one's origin (``Page[Workload]``)."""
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(
        attrs.resolve_types(getattr(cls, "__origin__", cls))
    )
    return fields


def _is_optional(cls: Any) -> bool:
    args = get_args(cls)
    return get_origin(cls) in (Union, UnionType) and len(args) == 2 and NoneType in args


_SCALAR_TYPES = (str, int, float, bool)


def _is_scalar_union(cls: Any) -> bool:
    """``int | str`` and the like (``None`` allowed): values a server may send in either form."""
    args = get_args(cls)
    return (
        get_origin(cls) in (Union, UnionType)
        and len([a for a in args if a is not NoneType]) > 1
        and all(a is NoneType or a in _SCALAR_TYPES for a in args)
    )


def _structure_scalar_union(value: Any, cls: Any) -> Any:
    allowed = tuple(a for a in get_args(cls) if a is not NoneType)
    if value is None and NoneType in get_args(cls):
        return None
    if type(value) in allowed:
        return value
    raise TypeError(f"expected one of {', '.join(a.__name__ for a in allowed)}, got {type(value).__name__}")


def _is_tuple_of(cls: Any) -> bool:
    args = get_args(cls)
    return get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


def _concrete(t: Any, mapping: dict[Any, Any]) -> Any:
    """``t`` with the type variables of a generic model filled in (``tuple[T, ...]`` of a Page)."""
    if isinstance(t, TypeVar):
        return mapping.get(t, t)
    args = get_args(t)
    if not args or not mapping:
        return t
    origin = get_origin(t)
    if origin in (Union, UnionType):
        return Union[tuple(_concrete(a, mapping) for a in args)]  # noqa: UP007
    return origin[tuple(a if a is Ellipsis else _concrete(a, mapping) for a in args)]


def _null_reads_default(hook: Callable[[Any, Any], Any], default: Any) -> Callable[[Any, Any], Any]:
    """A field hook that reads ``null`` as the field's default."""
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        factory = default.factory

        def structure_or_fresh_default(value: Any, t: Any) -> Any:
            return factory() if value is None else hook(value, t)

        return structure_or_fresh_default

    def structure_or_default(value: Any, t: Any) -> Any:
        return default if value is None else hook(value, t)

    return structure_or_default


def _make_converter(*, detailed: bool, keep_defaults: bool = False) -> cattrs.Converter:
    """The converter; ``keep_defaults`` writes a field at its default unless that default is None."""
    conv = cattrs.Converter(detailed_validation=detailed)
    unchecked: dict[Any, Callable[[Any, Any], Any]] = {}  # generated hooks that trust their input
    # Simple hooks first, then the factories that compose them.
    for scalar, hook in _SCALARS.items():
        conv.register_structure_hook(scalar, hook)
    conv.register_structure_hook(datetime, _parse_datetime)
    # By class, so it outranks the hook for ``str``, which the string enums subclass.
    conv.register_structure_hook(StrEnum, _structure_enum)
    conv.register_unstructure_hook(datetime, _format_datetime)

    def structure_factory(cls: Any) -> Callable[[Any, Any], Any]:
        origin = getattr(cls, "__origin__", None)
        typevars = dict(zip(getattr(origin, "__parameters__", ()), get_args(cls), strict=False))
        overrides: dict[str, Any] = {}
        fallbacks: list[tuple[str, str]] = []
        for a in _fields(cls):
            wire = _wire_name(a)
            if wire is None:
                overrides[a.name] = override(omit=True)
                continue
            t = _concrete(a.type, typevars)
            hook = None
            if a.default is not attrs.NOTHING and a.default is not None and not _is_optional(t):
                hook = _null_reads_default(conv.get_structure_hook(t), a.default)
            overrides[a.name] = override(rename=wire, struct_hook=hook)
            if "fallback" in a.metadata:
                fallbacks.append((wire, a.metadata["fallback"]))
        inner = make_dict_structure_fn(cls, conv, **overrides)
        if not fallbacks:
            unchecked[cls] = inner

        def structure_object(data: Any, target: Any) -> Any:
            if type(data) is not dict and not isinstance(data, Mapping):
                raise TypeError(f"expected a JSON object, got {_kind(data)}")
            for wire, other in fallbacks:
                if data.get(wire) is None and data.get(other) is not None:
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
                keep = bool(a.metadata.get("always")) or (keep_defaults and a.default is not None)
                overrides[a.name] = override(rename=wire, omit_if_default=False if keep else None)
        options: dict[str, Any] = {"_cattrs_omit_if_default": True, **overrides}
        return make_dict_unstructure_fn(cls, conv, **options)

    def optional_factory(cls: Any) -> Callable[[Any, Any], Any]:
        # ``X | None`` resolved once, instead of cattrs dispatching on every value.
        (inner_type,) = (a for a in get_args(cls) if a is not NoneType)
        strict = _SCALARS.get(inner_type)
        if strict is not None:

            def structure_scalar(value: Any, _: Any) -> Any:
                return value if value is None or type(value) is inner_type else strict(value, inner_type)

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

    def tuple_factory(cls: Any) -> Callable[[Any, Any], Any]:
        # ``tuple[X, ...]`` from a JSON list only: a string or an object is never taken apart.
        item_type = get_args(cls)[0]
        item = conv.get_structure_hook(item_type)

        def structure_items(value: Any, _: Any) -> tuple[Any, ...]:
            if type(value) is not list and not isinstance(value, list | tuple):
                raise TypeError(f"expected a JSON list, got {_kind(value)}")
            if item_type is Any:  # items read later, one by one (a page's)
                return tuple(value)
            if not detailed:
                return tuple([item(v, item_type) for v in value])
            errors: list[Exception] = []
            items = []
            for index, v in enumerate(value):
                try:
                    items.append(item(v, item_type))
                except Exception as exc:
                    note = IterableValidationNote(f"Structuring {cls} @ index {index}", index, item_type)
                    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {cls!r}", errors, cls)
            return tuple(items)

        return structure_items

    conv.register_structure_hook_factory(attrs.has, structure_factory)
    conv.register_structure_hook_factory(_is_optional, optional_factory)
    conv.register_structure_hook_func(_is_scalar_union, _structure_scalar_union)
    conv.register_structure_hook_factory(_is_tuple_of, tuple_factory)
    conv.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    return conv


# Two instances of the one converter: the fast one reads every response; the detailed one reads a
# payload again only when the fast one failed, to say which fields were wrong.
_converter = _make_converter(detailed=False)


@functools.cache
def _explainer() -> cattrs.Converter:
    return _make_converter(detailed=True)


def _describe(exc: BaseException, cls: Any) -> str:
    """One field's problem: the hooks' own words ("expected a string, got null"), else cattrs'."""
    if isinstance(exc, TypeError | ValueError) and str(exc).startswith("expected"):
        return str(exc)
    return format_exception(exc, cls)


def _explain(data: Any, cls: Any, fast_error: Exception) -> NoReturn:
    """Raise a :class:`DecodeProblem` naming each field of ``data`` that does not fit ``cls``."""
    name = getattr(cls, "__name__", str(cls))
    try:
        _explainer().structure(data, cls)
    except cattrs.BaseValidationError as exc:
        raise DecodeProblem(cattrs.transform_error(exc, path=name, format_exception=_describe)) from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DecodeProblem([f"{name}: {exc}"]) from exc
    raise DecodeProblem([f"{name}: {fast_error}"]) from fast_error


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from decoded JSON; raises :class:`DecodeProblem` naming each bad field."""
    try:
        return _converter.structure(data, cls)
    except Exception as fast_error:
        _explain(data, cls, fast_error)


def reader(cls: type[T]) -> Callable[[Any], T]:
    """A function that builds one ``cls`` from decoded JSON (its hook looked up once, for many items)."""
    hook = _converter.get_structure_hook(cls)

    def read(data: Any) -> T:
        try:
            result: T = hook(data, cls)
        except Exception as fast_error:
            _explain(data, cls, fast_error)
        return result

    return read


def wire_fields(**fields: Any) -> dict[str, Any]:
    """A request body from keyword fields: camelCase keys, values in wire form, None left out."""
    return {
        to_camel(name): _converter.unstructure(value) for name, value in fields.items() if value is not None
    }


@functools.cache
def _keeper() -> cattrs.Converter:
    return _make_converter(detailed=False, keep_defaults=True)


def unstructure(obj: Any, *, keep_defaults: bool = False) -> Any:
    """The JSON-ready wire form of a model: camelCase keys, unset optionals left out (and every
    field at its default, unless ``keep_defaults``: then only the fields that are None)."""
    return (_keeper() if keep_defaults else _converter).unstructure(obj)

"""Checks of a call's arguments, run at the door: before anything is sent or any shared state
(poller, pool, retry budget) is touched.

Each check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (a value of the right kind
out of bounds) naming the argument, e.g. ``timeout must be a finite number of seconds > 0, got nan``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from .enums import _OpenStrEnum

__all__ = [
    "MAX_ID_LENGTH",
    "check_choice",
    "check_choices",
    "check_concurrency",
    "check_count",
    "check_deadline",
    "check_flag",
    "check_id",
    "check_ids",
    "check_instance",
    "check_moment",
    "check_progress",
    "check_seconds",
    "check_strings",
    "check_text",
    "check_timeout",
    "fail",
    "is_number",
    "shown",
]

T = TypeVar("T")


def fail(path: str, problem: str) -> ValueError:
    return ValueError(f"{path}: {problem}")


def shown(value: object) -> str:
    """``value`` as a message shows it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}... ({len(text)} characters)"


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


#: The longest id accepted (DataRobot's are 24 or 36 characters).
MAX_ID_LENGTH = 256


def check_id(value: object, what: str) -> str:
    """An id: a non-empty string of at most :data:`MAX_ID_LENGTH` characters, without spaces or
    control characters (it becomes one segment of a URL's path)."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string id, got {type(value).__name__} {shown(value)}")
    if not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {shown(value)}")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{what} is {len(value)} characters long: an id has at most {MAX_ID_LENGTH}")
    if _CONTROL.search(value) or _BREAK.search(value) or " " in value:
        raise ValueError(f"{what} must not hold spaces or control characters, got {shown(value)}")
    return value


def check_ids(values: object, what: str = "workload_ids") -> list[str]:
    """Ids as a list without repeats, in order; a lone string is refused, never split into letters."""
    if isinstance(values, str | bytes):
        one = shown(values)
        raise TypeError(f"{what} must be a collection of ids, got the single string {one}: pass [{one}]")
    if isinstance(values, Mapping) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a collection of ids (a list), got {type(values).__name__}")
    return list(dict.fromkeys(check_id(value, f"{what}[{i}]") for i, value in enumerate(values)))


def check_strings(values: object, what: str, *, example: str = "x") -> list[str]:
    """A collection of non-empty strings; a lone string is refused, never split into letters."""
    if isinstance(values, str | bytes):
        raise TypeError(f"{what} must be a list of strings, e.g. {what}=[{shown(values)}]; got a string")
    if isinstance(values, Mapping) or not isinstance(values, Iterable):
        raise TypeError(f"{what} must be a list of strings, got {type(values).__name__}")
    out = list(values)
    for i, item in enumerate(out):
        if not isinstance(item, str):
            raise TypeError(f"{what}[{i}] must be a string, got {type(item).__name__}")
        if not item or any(not c.isprintable() for c in item):
            raise ValueError(f"{what}[{i}] must be a non-empty string without control characters")
    return out


def check_text(
    value: object,
    what: str,
    *,
    optional: bool = False,
    empty: bool = False,
    limit: int = 100_000,
    one_line: bool = False,
) -> str | None:
    """A string (None too when ``optional``): non-empty unless ``empty``, at most ``limit``
    characters, without control characters (tab and line breaks are allowed unless
    ``one_line``: a query parameter, a header, a name)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {type(value).__name__} {shown(value)}")
    if not empty and not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    if len(value) > limit:
        raise ValueError(f"{what} is {len(value)} characters long: at most {limit}")
    if _CONTROL.search(value) or (one_line and _BREAK.search(value)):
        raise ValueError(f"{what} must not hold control characters" + (" or line breaks" if one_line else ""))
    return value


#: C0 and C1 control characters, tab and line breaks aside; and those.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")


def check_seconds(value: object, what: str, *, zero: bool = False) -> float:
    """A finite number of seconds > 0 (>= 0 with ``zero``); ``TypeError``/``ValueError`` naming it."""
    if not is_number(value):
        raise TypeError(f"{what} must be a number of seconds, got {type(value).__name__} {shown(value)}")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or not (number >= 0 if zero else number > 0):
        bound = ">= 0" if zero else "> 0"
        none = " (None means no limit)" if number == math.inf else ""
        raise ValueError(f"{what} must be a finite number of seconds {bound}, got {shown(value)}{none}")
    return number


def check_count(value: object, what: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number (not a bool) in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number, got {type(value).__name__} {shown(value)}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ValueError(f"{what} must be {bound}, got {value}")
    return value


def check_flag(value: object, what: str) -> bool:
    """True or False, nothing that merely looks like one."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be True or False, got {type(value).__name__} {shown(value)}")
    return value


def check_moment(value: object, what: str) -> datetime:
    """An aware datetime. A naive one is refused: it may be local time or UTC, and guessing would
    be silently wrong by hours."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__} {shown(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{what} must be an aware datetime (with a time zone), e.g. datetime.now(UTC) or "
            f"datetime(2026, 1, 1, tzinfo=UTC); got a naive one, which could be local time or UTC"
        )
    return value


def check_timeout(value: object, what: str = "timeout") -> float | None:
    """A call's ``timeout``: None (the client's), or a finite number of seconds > 0."""
    return None if value is None else check_seconds(value, what)


def check_deadline(value: object, what: str = "deadline") -> float | None:
    """An absolute deadline on the client's clock (:meth:`Client.deadline`): None or a finite number."""
    if value is None:
        return None
    if not is_number(value):
        raise TypeError(
            f"{what} must be a time from client.deadline(seconds), got {type(value).__name__} {shown(value)}"
        )
    if not math.isfinite(float(value)):  # type: ignore[arg-type]
        raise ValueError(f"{what} must be a finite time from client.deadline(seconds), got {shown(value)}")
    return float(value)  # type: ignore[arg-type]


E = TypeVar("E", bound=StrEnum)


def check_choice(value: object, cls: type[E], what: str) -> E:
    """One of the values ``cls`` declares (in any case), as its member. The enums read what servers
    send tolerantly (an unknown value survives); what the SDK sends must be a known one."""
    choices = ", ".join(repr(m.value) for m in cls.__members__.values())
    if not isinstance(value, str):
        raise TypeError(f"{what} must be one of {choices}, got {type(value).__name__} {shown(value)}")
    member = cls(value)
    if type(member).__members__.get(member.name) is not member:
        raise ValueError(f"{what} must be one of {choices}, got {shown(value)}")
    return member


def check_progress(value: object) -> None:
    """``progress``: None or a callable (done, total, result)."""
    if value is not None and not callable(value):
        raise TypeError(f"progress must be a callable (done, total, result), got {type(value).__name__}")


def check_instance(value: object, cls: type[T], what: str, *, optional: bool = True) -> T | None:
    """``value`` when it is a ``cls`` (or None, when ``optional``); ``TypeError`` naming it otherwise."""
    if value is None and optional:
        return None
    if not isinstance(value, cls):
        raise TypeError(f"{what} must be a {cls.__name__}, got {type(value).__name__}")
    return value


def check_concurrency(concurrency: object) -> int:
    """A bulk call's ``concurrency``: an int >= 1 (``TypeError``/``ValueError`` naming it)."""
    if not isinstance(concurrency, int) or isinstance(concurrency, bool):
        raise TypeError(f"concurrency must be an int, got {type(concurrency).__name__}")
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    return concurrency


def check_choices(values: object, kind: type[_OpenStrEnum], what: str) -> list[str]:
    """One value or several of an open enum (``kind``), as the wire values, without repeats; each
    must be one the SDK knows (in any case): ``ValueError`` naming ``what`` otherwise."""
    items = [values] if isinstance(values, str) else values
    if not isinstance(items, Iterable) or isinstance(items, bytes):
        raise TypeError(f"{what} must be a string or a collection of strings, got {type(values).__name__}")
    out: list[str] = []
    for value in items:
        member = kind(value) if isinstance(value, str) else None
        if member is None or not member.is_known:
            choices = ", ".join(m.value for m in kind)
            raise ValueError(f"{what} must be one or more of {choices}; got {value!r}")
        if member.value not in out:
            out.append(member.value)
    if not out:
        raise ValueError(f"{what} must name at least one value when given")
    return out

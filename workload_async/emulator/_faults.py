"""Fault injection: rules that make chosen routes fail, drop, throttle or slow down."""

from __future__ import annotations

import fnmatch
import math
import random
from typing import Any

import attrs

__all__ = ["Fault", "Faults"]

_KINDS = ("status", "drop_before", "drop_after", "latency")


def _kind(_: object, __: object, value: str) -> None:
    if value not in _KINDS:
        raise ValueError(f"fault kind must be one of {_KINDS}, got {value!r}")


def _text(_: object, field: attrs.Attribute[Any], value: Any) -> None:
    optional = value is None and field.default is None
    if not optional and (not isinstance(value, str) or not value):
        raise TypeError(f"fault {field.name} must be a non-empty string, got {value!r}")


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _method(instance: object, field: attrs.Attribute[Any], value: Any) -> None:
    _text(instance, field, value)
    if value is not None and value.upper() not in _METHODS:
        raise ValueError(f"fault method must be one of {', '.join(_METHODS)}, got {value!r}")


def _count(_: object, field: attrs.Attribute[Any], value: Any) -> None:
    if value is None and field.default is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"fault {field.name} must be a whole number, got {value!r}")
    low = 100 if field.name == "status" else 0
    high = 599 if field.name == "status" else None
    if value < low or (high is not None and value > high):
        raise ValueError(
            f"fault {field.name} must be {f'{low}-{high}' if high else f'>= {low}'}, got {value}"
        )


def _seconds(_: object, field: attrs.Attribute[Any], value: Any) -> None:
    if value is None and field.default is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"fault {field.name} must be a number, got {value!r}")
    most = 1.0 if field.name == "rate" else math.inf
    if not (math.isfinite(value) and 0 <= value <= most):
        bound = "between 0 and 1" if field.name == "rate" else "finite and >= 0"
        raise ValueError(f"fault {field.name} must be {bound}, got {value!r}")


@attrs.define
class Fault:
    """One rule.

    - ``kind``: ``"status"`` answers ``status`` (500/502/503/429/...) without acting;
      ``"drop_before"`` closes the connection without acting; ``"drop_after"`` acts, then closes
      the connection without answering; ``"latency"`` waits ``seconds`` (on the emulator's clock)
      before handling.
    - ``route``: a glob over route names (``workloads.list``, ``workloads.*``, ``invoke.*``, ``*``).
    - ``method``: only requests of this method (any when None).
    - ``rate``: the probability a matching request is hit; ``times``: how many hits at most.
    - ``retry_after``: seconds sent in ``Retry-After`` with a status fault.

    Made by ``emu.add_fault(kind, route, **fields)``, which takes the same fields; an unknown
    ``kind`` or a value out of range raises ``ValueError``, a value of the wrong type ``TypeError``::

        emu.add_fault("status", route="workloads.start", status=503, retry_after=1, times=2)
        emu.add_fault("latency", route="workloads.*", seconds=3.0, rate=0.1)
    """

    kind: str = attrs.field(default="status", validator=_kind)
    route: str = attrs.field(default="*", validator=_text)
    method: str | None = attrs.field(default=None, validator=_method)
    status: int = attrs.field(default=503, validator=_count)
    retry_after: float | None = attrs.field(default=None, validator=_seconds)
    rate: float = attrs.field(default=1.0, validator=_seconds)
    times: int | None = attrs.field(default=None, validator=_count)
    seconds: float = attrs.field(default=0.0, validator=_seconds)
    hits: int = attrs.field(default=0, validator=_count)

    def matches(self, route: str, method: str) -> bool:
        """True when a request of ``method`` to route ``route`` is one this rule applies to (and
        it has hits left)."""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        return fnmatch.fnmatchcase(route, self.route)

    def to_json(self) -> dict[str, Any]:
        """The rule as ``GET /_emulator/faults`` shows it (camelCase keys, with its ``hits``)."""
        return {
            "kind": self.kind,
            "route": self.route,
            "method": self.method,
            "status": self.status,
            "retryAfter": self.retry_after,
            "rate": self.rate,
            "times": self.times,
            "seconds": self.seconds,
            "hits": self.hits,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """A rule from the JSON body of ``POST /_emulator/faults``; raises ``ValueError`` for an
        unknown field or kind."""
        names = {"retryAfter": "retry_after"}
        allowed = {"kind", "route", "method", "status", "retryAfter", "rate", "times", "seconds"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        return cls(**{names.get(k, k): v for k, v in data.items()})


@attrs.define
class Faults:
    """The active rules, checked in order; the first that matches and fires wins."""

    rng: random.Random = attrs.field(factory=random.Random)
    rules: list[Fault] = attrs.field(factory=list)

    def add(self, fault: Fault) -> Fault:
        self.rules.append(fault)
        return fault

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, route: str, method: str) -> list[Fault]:
        """The rules that fire for this request: at most one latency rule and one other."""
        fired: list[Fault] = []
        kinds: set[str] = set()
        for rule in self.rules:
            group = "latency" if rule.kind == "latency" else "fail"
            if group in kinds or not rule.matches(route, method):
                continue
            if rule.rate < 1.0 and self.rng.random() >= rule.rate:
                continue
            rule.hits += 1
            kinds.add(group)
            fired.append(rule)
        return fired

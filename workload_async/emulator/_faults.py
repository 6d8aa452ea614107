"""Fault injection: rules that make chosen routes fail, drop, throttle or slow down."""

from __future__ import annotations

import fnmatch
import random
from typing import Any

import attrs

__all__ = ["Fault", "Faults"]

_KINDS = ("status", "drop_before", "drop_after", "latency")


def _kind(_: object, __: object, value: str) -> None:
    if value not in _KINDS:
        raise ValueError(f"fault kind must be one of {_KINDS}, got {value!r}")


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
    ``kind`` raises ``ValueError``::

        emu.add_fault("status", route="workloads.start", status=503, retry_after=1, times=2)
        emu.add_fault("latency", route="workloads.*", seconds=3.0, rate=0.1)
    """

    kind: str = attrs.field(default="status", validator=_kind)
    route: str = "*"
    method: str | None = None
    status: int = 503
    retry_after: float | None = None
    rate: float = 1.0
    times: int | None = None
    seconds: float = 0.0
    hits: int = 0

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

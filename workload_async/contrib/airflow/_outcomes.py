"""Per-workload outcomes as plain JSON (a trigger event's payload, an XCom value) and ``fail_on``."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

from workload_async import (
    BuildFailedError,
    NotFoundError,
    ReplacementFailedError,
    UnexpectedStatusError,
    WaitError,
    WaitOutcome,
    WaitTimeoutError,
    WorkloadAPIError,
    WorkloadFailedError,
)

__all__ = ["Result", "error_outcome", "failures", "outcome_json", "parse_fail_on", "result_of"]


class Result(enum.StrEnum):
    """How one workload's wait ended, as the ``result`` of its outcome and a ``fail_on`` choice."""

    REACHED = "reached"  #: it reached the status waited for
    FAILED = "failed"  #: it went errored or terminated, or settled in the other state (or the
    #: replacement or build waited for failed)
    TIMED_OUT = "timed_out"  #: the deadline passed first
    MISSING = "missing"  #: it does not exist (deleted, or not visible to the token)
    ERROR = "error"  #: the request failed (bad token, conflict, server error, ...)


_FAILING = frozenset(Result) - {Result.REACHED}


def result_of(error: WorkloadAPIError | None) -> Result:
    """The :class:`Result` of a wait that ended with ``error`` (None: it reached its goal)."""
    if error is None:
        return Result.REACHED
    if isinstance(
        error, WorkloadFailedError | UnexpectedStatusError | ReplacementFailedError | BuildFailedError
    ):
        return Result.FAILED
    if isinstance(error, WaitTimeoutError):
        return Result.TIMED_OUT
    if isinstance(error, NotFoundError):
        return Result.MISSING
    return Result.ERROR


def outcome_json(outcome: WaitOutcome) -> dict[str, Any]:
    """``{"status", "ok", "result", "error", "diagnosis"}``: one workload's outcome, JSON-ready;
    ``diagnosis`` says why a failed or timed-out wait was stuck, when it could be read (API 11.5),
    and is None otherwise."""
    workload = outcome.workload
    error = outcome.error
    return {
        "status": None if workload is None else str(workload.status),
        "ok": outcome.ok,
        "result": str(result_of(error)),
        "error": None if error is None else str(error),
        "diagnosis": error.diagnosis if isinstance(error, WaitError) else None,
    }


def error_outcome(error: WorkloadAPIError) -> dict[str, Any]:
    """The outcome of a workload whose start or stop request failed (it was never waited for)."""
    result = Result.MISSING if isinstance(error, NotFoundError) else Result.ERROR
    return {"status": None, "ok": False, "result": str(result), "error": str(error), "diagnosis": None}


def parse_fail_on(fail_on: str | Iterable[str]) -> frozenset[Result]:
    """``"any"`` (every kind of failure), ``"never"``, one result name, or several of them."""
    if isinstance(fail_on, str):
        if fail_on == "any":
            return _FAILING
        if fail_on == "never":
            return frozenset()
        fail_on = [fail_on]
    chosen = set()
    for name in fail_on:
        try:
            result = Result(name)
        except ValueError:
            result = Result.REACHED
        if result is Result.REACHED:
            raise ValueError(
                f"fail_on must be 'any', 'never' or some of {sorted(str(r) for r in _FAILING)}, got {name!r}"
            )
        chosen.add(result)
    return frozenset(chosen)


def failures(outcomes: Mapping[str, Mapping[str, Any]], fail_on: frozenset[Result]) -> str | None:
    """A one-line message naming the workloads whose result is in ``fail_on``, or None."""
    bad = {wid: o for wid, o in outcomes.items() if o.get("result") in fail_on}
    if not bad:
        return None
    first_id, first = next(iter(bad.items()))
    counts: dict[str, int] = {}
    for outcome in bad.values():
        counts[outcome["result"]] = counts.get(outcome["result"], 0) + 1
    summary = ", ".join(f"{n} {result}" for result, n in sorted(counts.items()))
    return (
        f"{len(bad)} of {len(outcomes)} workloads did not make it ({summary}); {first_id}: {first['error']}"
    )

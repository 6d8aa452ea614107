"""The acceptors of replacement and build waits: what an answer means, as tables."""

from __future__ import annotations

import pytest

from workload_async import BuildStatus, Replacement, ReplacementStatus, WorkloadStatus
from workload_async._waiting.waiter import ReplacementWatch, judge_builds, judge_history, judge_replacement

R = ReplacementStatus
W = WorkloadStatus
MINE = "r" * 24


def watch(seen: bool = False, ignored: ReplacementStatus | None = None) -> ReplacementWatch:
    return ReplacementWatch(MINE, grace=10.0, seen_active=seen, ignored=ignored)


@pytest.mark.parametrize(
    ("seen", "status", "shown", "waited", "verdict", "seen_after"),
    [
        # the gap: nothing shown right after the request is not the end
        (False, W.RUNNING, None, 0.3, "pending", False),
        # ... unless so long has passed that it may have come and gone: ask the history
        (False, W.RUNNING, None, 10.0, "reached", False),
        (True, W.RUNNING, None, 0.3, "reached", True),  # seen, now gone, workload settled: its end
        (True, W.LAUNCHING, None, 0.3, "pending", True),  # gone, but the workload is still moving
        (False, W.RUNNING, (R.SUBMITTED, None), 0.3, "pending", True),
        (False, W.RUNNING, (R("candidate-warming"), None), 0.3, "pending", True),
        (False, W.RUNNING, (R("some-new-step"), None), 0.3, "pending", True),  # unknown: in progress
        (False, W.RUNNING, (R.COMPLETED, None), 0.3, "reached", False),
        (False, W("updating"), (R.COMPLETED, None), 0.3, "pending", False),  # switched, still settling
        (False, W.RUNNING, (R.ERRORED, None), 0.3, "reached", False),
        (False, W.RUNNING, (R.FAILED, None), 0.3, "reached", False),
        (False, W.RUNNING, (R.CANCELED, None), 0.3, "reached", False),
        (False, W.RUNNING, (R.STAGED, "o" * 24), 0.3, "pending", False),  # someone else's
        (False, W.RUNNING, (R.ERRORED, "o" * 24), 0.3, "pending", False),
        (False, W.RUNNING, (R.STAGED, MINE), 0.3, "pending", True),
    ],
)
def test_judge_replacement(
    seen: bool,
    status: WorkloadStatus,
    shown: tuple[ReplacementStatus, str | None] | None,
    waited: float,
    verdict: str,
    seen_after: bool,
) -> None:
    w = watch(seen)
    assert judge_replacement(w, status, shown, waited) == verdict
    assert w.seen_active is seen_after


def test_a_failure_the_history_disowned_is_not_asked_about_again() -> None:
    w = watch(ignored=R.ERRORED)
    assert judge_replacement(w, W.RUNNING, (R.ERRORED, None), 0.3) == "pending"
    assert judge_replacement(w, W.RUNNING, (R.SUBMITTED, None), 0.3) == "pending"
    assert w.ignored is None and w.seen_active  # a status in progress: its own, from now on


def replacement(status: ReplacementStatus) -> Replacement:
    return Replacement(id=MINE, status=status)


@pytest.mark.parametrize(
    ("found", "verdict"),
    [
        (None, "unknown"),
        (replacement(R.COMPLETED), "done"),
        (replacement(R.ERRORED), "failed"),
        (replacement(R.FAILED), "failed"),
        (replacement(R.CANCELED), "failed"),
        (replacement(R("cancelled")), "failed"),
        (replacement(R.SUBMITTED), "again"),
        (replacement(R.FINALIZING), "again"),
        (replacement(R("brand-new")), "again"),
    ],
)
def test_judge_history(found: Replacement | None, verdict: str) -> None:
    assert judge_history(watch(seen=True), found, None) == verdict


def test_again_forgets_what_was_seen_and_disowns_a_settled_status_shown() -> None:
    w = watch(seen=True)
    assert judge_history(w, replacement(R.SUBMITTED), (R.ERRORED, None)) == "again"
    assert (w.seen_active, w.ignored) == (False, R.ERRORED)


B = BuildStatus


@pytest.mark.parametrize(
    ("statuses", "verdict"),
    [
        ({"a": B.COMPLETED, "b": B.COMPLETED}, "reached"),
        ({"a": B.COMPLETED, "b": B.BUILT}, "pending"),  # built, not pushed: not done
        ({"a": B.COMPLETED}, "pending"),  # b not listed yet
        ({"a": B.IN_PROGRESS, "b": B.FAILED}, "failed"),
        ({"a": B.CANCELLED, "b": B.COMPLETED}, "failed"),
        ({"a": B("in-progress"), "b": B("completed")}, "pending"),
        ({"a": B("completed"), "b": B("Completed")}, "reached"),
        ({"a": B("QUEUED"), "b": B.COMPLETED}, "pending"),  # unknown: still running
        ({"a": B.COMPLETED, "b": B.COMPLETED, "c": B.FAILED}, "reached"),  # another build's failure
    ],
)
def test_judge_builds(statuses: dict[str, BuildStatus], verdict: str) -> None:
    assert judge_builds(statuses, ["a", "b"]) == verdict

from __future__ import annotations

import random

import pytest

from workload_async import PollPolicy, RetryPolicy, WorkloadStatus
from workload_async._waiting.waiter import judge

S = WorkloadStatus


def test_retry_backoff_grows_to_its_cap() -> None:
    policy = RetryPolicy(initial=0.5, factor=2, cap=3, jitter=0)
    assert [policy.delay(n) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_stays_within_its_band() -> None:
    policy = RetryPolicy(initial=1, factor=1, jitter=0.2)
    rng = random.Random(3)
    delays = [policy.delay(0, rng) for _ in range(200)]
    assert min(delays) >= 0.8 and max(delays) <= 1.2
    assert len(set(delays)) > 100


def test_poll_interval_starts_fast_and_caps() -> None:
    policy = PollPolicy(initial=0.25, factor=2, cap=2)
    assert [policy.interval(n) for n in range(5)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    assert policy.interval(10_000) == 2


NAN = float("nan")


@pytest.mark.parametrize(
    "bad",
    [
        {"initial": 0},
        {"cap": -1},
        {"factor": 0.5},
        {"jitter": 1.0},
        {"initial": NAN},
        {"cap": NAN},
        {"factor": NAN},
        {"jitter": NAN},
    ],
)
def test_bad_poll_policy_is_refused(bad: dict[str, float]) -> None:
    (name,) = bad
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        PollPolicy(**bad)


def test_bad_retry_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="attempts must be between 1 and 1000"):
        RetryPolicy(attempts=0)


@pytest.mark.parametrize(
    ("status", "target", "grace", "verdict"),
    [
        (S.RUNNING, S.RUNNING, False, "reached"),
        (S.INITIALIZING, S.RUNNING, False, "pending"),
        (S("provisioning"), S.RUNNING, False, "pending"),
        (S.ERRORED, S.RUNNING, False, "failed"),
        (S.ERRORED, S.RUNNING, True, "pending"),  # a start of an errored workload, not moved yet
        (S.TERMINATED, S.RUNNING, False, "failed"),
        (S.STOPPED, S.RUNNING, True, "pending"),
        (S.STOPPED, S.RUNNING, False, "unexpected"),
        (S.STOPPED, S.STOPPED, False, "reached"),
        (S.ERRORED, S.STOPPED, True, "pending"),
        (S.ERRORED, S.STOPPED, False, "failed"),
        (S.RUNNING, S.STOPPED, True, "pending"),
        (S.RUNNING, S.STOPPED, False, "unexpected"),
        (S.STOPPING, S.STOPPED, False, "pending"),
        (S.ERRORED, None, False, "reached"),
        (S.SUBMITTED, None, False, "pending"),
    ],
)
def test_judge(status: WorkloadStatus, target: WorkloadStatus | None, grace: bool, verdict: str) -> None:
    assert judge(status, target, grace) == verdict

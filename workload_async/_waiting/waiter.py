"""One pending wait for one workload, and what an answer means for it: the acceptors.

A waiter keeps only what deciding needs between answers: the last status, the raw
``statusDetails`` that came with it and its polling counters. The full :class:`Workload` is built
by the poller only when the status changes or the wait settles, so an idle waiter costs a few
hundred bytes.

The acceptors map an answer to a verdict, as botocore's waiters do: :func:`judge` for a wait
for ``running`` or ``stopped``, :func:`judge_replacement` for a wait for the end of a replacement
(what the workload shows of it), :func:`judge_history` for what the workload's history then says
of it, and :func:`judge_builds` for a wait for image builds (:mod:`.builds_wait`). Every wait is
a :class:`Pending` to the poller's schedule.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Literal

import attrs

from .._models.activity import Replacement
from .._models.converter import DecodeProblem, structure
from .._models.enums import BuildStatus, ReplacementStatus, WorkloadStatus
from .._models.outputs import StatusDetails, Workload
from .._policies import PollPolicy
from ..errors import UnexpectedStatusError, WaitTimeoutError, WorkloadFailedError

__all__ = [
    "SETTLED",
    "Pending",
    "ReplacementWatch",
    "Shown",
    "Verdict",
    "Waiter",
    "judge",
    "judge_builds",
    "judge_history",
    "judge_replacement",
]

Verdict = Literal["pending", "reached", "failed", "unexpected"]


def judge(status: WorkloadStatus, target: WorkloadStatus | None, grace: bool) -> Verdict:
    """What a status means for a wait for ``target``.

    ``target=None`` accepts any settled state. ``errored``/``terminated`` fail the wait, and the
    opposite settled state (``stopped`` while waiting for ``running`` or the reverse) settles it
    as unexpected, unless ``grace`` says the status may not have moved yet: this client asked for
    the change a moment ago (within the poll policy's ``stale_grace``) and the wait has seen no
    status on the way since. Every other status, known or not, is still changing.
    """
    value = status._value_  # a str: hashed in C, where the enum's own hash is Python code
    if value not in SETTLED:
        return "pending"  # the usual answer, decided first
    if target is None or value == target._value_:
        return "reached"
    if grace:
        return "pending"
    return "failed" if value in _FAILED else "unexpected"


#: The values of the settled statuses.
SETTLED = frozenset(s.value for s in WorkloadStatus if s.is_settled)
_FAILED = frozenset(s.value for s in WorkloadStatus if s.is_failure)

#: What a workload shows of the replacement it is going through: its status and id (servers that
#: send one), or None when it shows none.
Shown = tuple[ReplacementStatus, str | None] | None


@attrs.define(eq=False)
class ReplacementWatch:
    """What a wait for replacement ``replacement_id`` has learnt so far (:func:`judge_replacement`).

    ``seen_active``: a replacement in progress was shown since the last look at the history (so a
    ``null`` afterwards is its end, not the gap before it shows); ``ignored``: a settled status the
    workload shows that the history said is not this replacement's end (someone else's).
    """

    replacement_id: str
    grace: float
    seen_active: bool = False
    ignored: ReplacementStatus | None = None

    def __call__(self, status: WorkloadStatus, shown: Shown, waited: float) -> Verdict:
        return judge_replacement(self, status, shown, waited)


def judge_replacement(
    watch: ReplacementWatch, status: WorkloadStatus, shown: Shown, waited: float
) -> Verdict:
    """What a workload's answer means for a wait for the end of ``watch.replacement_id``:
    ``"reached"`` when it is time to look it up in the workload's history (:func:`judge_history`
    decides), ``"pending"`` to poll again.

    A settled status shown (``completed`` with the workload settled, or a failure) asks the
    history, unless it is the one the history already disowned. A status in progress (any other,
    known or not) marks the replacement seen. ``null`` is the end once one was seen and the
    workload has settled; before that it is the gap right after the request, until
    ``watch.grace`` seconds have passed (a replacement that came and went between two polls),
    when the history is asked too. A status shown with another id is someone else's replacement.
    """
    if shown is None:
        settled = status._value_ in SETTLED
        if watch.seen_active:
            return "reached" if settled else "pending"
        return "reached" if waited >= watch.grace else "pending"
    value, shown_id = shown
    if shown_id is not None and shown_id != watch.replacement_id:
        return "pending"  # another replacement, ahead of this one in line
    if not value.is_settled:
        watch.seen_active, watch.ignored = True, None
        return "pending"
    if value == watch.ignored:
        return "pending"
    if value == ReplacementStatus.COMPLETED and status._value_ not in SETTLED:
        return "pending"  # switched: wait for the workload to settle on it
    return "reached"


HistoryVerdict = Literal["done", "failed", "again", "unknown"]


def judge_history(watch: ReplacementWatch, found: Replacement | None, shown: Shown) -> HistoryVerdict:
    """What the history says of the replacement the wait is for: ``done`` (completed),
    ``failed`` (it ended in a failure), ``again`` (still in progress or waiting its turn: poll
    on, and forget what was seen, which was someone else's) or ``unknown`` (no such replacement)."""
    if found is None:
        return "unknown"
    if found.status == ReplacementStatus.COMPLETED:
        return "done"
    if found.status.is_failure:
        return "failed"
    watch.seen_active = False
    watch.ignored = shown[0] if shown is not None and shown[0].is_settled else None
    return "again"


def judge_builds(statuses: Mapping[str, BuildStatus], build_ids: Sequence[str]) -> Verdict:
    """What the statuses of an artifact's builds mean for a wait for ``build_ids``: ``failed`` as
    soon as one of them failed or was cancelled, ``reached`` once every one is ``COMPLETED``
    (``BUILT``, not yet pushed, is still running), else ``pending`` (one not listed yet too)."""
    done = True
    for build_id in build_ids:
        status = statuses.get(build_id)
        if status is None:
            done = False
        elif status.is_failure:
            return "failed"
        elif status is not BuildStatus.COMPLETED:
            done = False
    return "reached" if done else "pending"


@attrs.define(eq=False, kw_only=True)
class Pending:
    """What the poller's schedule holds of any wait: what it polls (``key``), how often, until
    when, its future and its counters. :class:`Waiter` is a wait for a workload; a wait for image
    builds is a :class:`~.builds_wait.BuildsWaiter`."""

    policy: PollPolicy
    started: float
    deadline: float | None
    future: asyncio.Future[Any]
    #: What one poll asks about: a workload id, or another kind of target (see ``poller``).
    key: Hashable = attrs.field(init=False, default=None)
    #: How many answers arrived for this wait.
    polls: int = 0
    last_error: BaseException | None = None
    #: Consecutive polls whose answer could not be read.
    strikes: int = 0
    #: Which slot of the poller's schedule holds this waiter's live entry (-1: none).
    ticket: int = -1
    #: The poll interval after the last answer, before jitter (the policy's, kept to skip
    #: recomputing it once it reaches the cap).
    interval: float = 0.0
    #: Until when a settled status that is not the target may be a stale read (this client asked
    #: for the change just before): the poll policy's ``stale_grace`` after the request. -inf
    #: when this client asked for nothing: the status is the answer at the first poll.
    grace_until: float = float("-inf")
    #: True once an answer showed the workload on its way (a status that is not settled).
    moved: bool = False

    def fail(self, error: BaseException) -> None:
        """Settle the future with ``error`` unless it is settled already."""
        if not self.future.done():
            self.future.set_exception(error)

    def time_out(self, now: float, held_by: BaseException | None = None) -> None:
        """Settle the future with :class:`WaitTimeoutError` (see :meth:`Waiter.time_out`)."""
        raise NotImplementedError


@attrs.define(eq=False, kw_only=True)
class Waiter(Pending):
    """One pending wait for one workload."""

    workload_id: str
    target: WorkloadStatus | None
    future: asyncio.Future[Workload]
    on_change: Callable[[Workload], None] | None = None
    #: Decides instead of :func:`judge`, on the status and the replacement the workload shows (a
    #: wait for the end of a replacement: a :class:`ReplacementWatch`).
    settle: Callable[[WorkloadStatus, Shown, float], Verdict] | None = None
    #: What a :attr:`settle` wait waits for, in words, for its errors ("the end of replacement ...").
    goal: str | None = None
    last_status: WorkloadStatus | None = None
    #: The ``statusDetails`` of the last answer, as it came (usually None while pending).
    last_details: Any = None
    #: What the workload showed of its replacement in the last answer (:attr:`settle` waits only).
    last_shown: Shown = None
    #: The workload's active proton as the last answer named it (11.5; None before, or on v2.41):
    #: where a diagnosis reads why a failed wait is stuck.
    proton_id: str | None = None

    def __attrs_post_init__(self) -> None:
        self.key = self.workload_id

    @property
    def last_seen(self) -> Workload | None:
        """The workload as last polled: its id, status and status details (None before any answer).

        Pending waits keep only what the status poll reads, so the other fields are not filled in.
        """
        if self.last_status is None:
            return None
        details: StatusDetails | None = None
        if self.last_details is not None:
            try:
                details = structure(self.last_details, StatusDetails)
            except DecodeProblem:
                details = None
        return Workload(id=self.workload_id, status=self.last_status, status_details=details)

    def verdict(self, status: WorkloadStatus, now: float, shown: Shown = None) -> Verdict:
        """What ``status`` (and ``shown``, for a :attr:`settle` wait) means for this wait now."""
        if self.settle is not None:
            self.last_shown = shown
            return self.settle(status, shown, now - self.started)
        return judge(status, self.target, not self.moved and now < self.grace_until)

    def needs_model(self, status: WorkloadStatus, verdict: Verdict) -> bool:
        """True when this answer must be read in full: the wait settles, or its status changed and
        someone watches the changes."""
        return verdict != "pending" or (self.on_change is not None and status != self.last_status)

    def observe(
        self, status: WorkloadStatus, details: Any, workload: Workload | None, verdict: Verdict
    ) -> bool:
        """Take one poll's answer; settle the future unless the verdict is pending.

        ``workload`` is the full model, given whenever :meth:`needs_model` said so. Returns True
        when the status changed.
        """
        self.polls += 1
        self.strikes = 0
        self.last_error = None
        if verdict == "pending" and status._value_ not in SETTLED:
            self.moved = True
        changed = status != self.last_status
        self.last_status = status
        self.last_details = details
        if workload is None:
            return changed
        if changed and self.on_change is not None:
            self.on_change(workload)
        if verdict == "reached" or (self.settle is not None and verdict != "pending"):
            self.future.set_result(workload)
        elif verdict == "failed":
            self.future.set_exception(WorkloadFailedError(workload=workload))
        elif verdict == "unexpected":
            self.future.set_exception(UnexpectedStatusError(workload=workload, target=self._target_text))
        return changed

    def time_out(self, now: float, held_by: BaseException | None = None) -> None:
        """Settle the future with :class:`WaitTimeoutError`.

        ``held_by`` is the error that made the poller hold its polls (a ``Retry-After``), told to
        the wait when no poll of its own failed.
        """
        self.fail(
            WaitTimeoutError(
                workload_id=self.workload_id,
                workload=self.last_seen,
                elapsed=now - self.started,
                polls=self.polls,
                target=self._target_text,
                last_error=self.last_error or held_by,
            )
        )

    @property
    def _target_text(self) -> str:
        return self.target.value if self.target is not None else self.goal or "a settled state"

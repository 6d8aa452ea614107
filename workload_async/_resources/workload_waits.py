"""The waits of ``client.workloads``: ``wait``, ``wait_many``, ``as_completed`` and ``watch``.

Mixed into :class:`~.workloads.WorkloadsManager`; each hands its arguments to the client's
:class:`~.._waiting.waits.Waits`, which serves them all from one batched poller.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable
from contextlib import aclosing

from .._models.enums import WorkloadStatus
from .._models.outputs import Workload
from .._policies import PollPolicy
from .._waiting.waits import DEFAULT, Default, ReturnWhen, WaitOutcome, Waits

__all__ = ["WaitMethods"]


class WaitMethods:
    """Waiting for workloads (see the module); the manager sets ``_waits``."""

    _waits: Waits

    async def wait(
        self,
        workload_id: str,
        *,
        until: WorkloadStatus = WorkloadStatus.RUNNING,
        timeout: float | Default | None = DEFAULT,
        deadline: float | None = None,
        poll: PollPolicy | None = None,
    ) -> Workload:
        """Wait until the workload is ``until`` (``running`` or ``stopped``) and return it.

        ``timeout`` is in seconds (the client's ``wait_timeout`` by default; ``None`` waits with no
        limit, by explicit choice); ``deadline`` is an absolute time from :meth:`Client.deadline`
        shared by several steps; the earlier of the two wins. All pending waits of a client share
        one batched poller.

        Raises :class:`~workload_async.errors.WorkloadFailedError` when it goes ``errored`` or
        ``terminated``, :class:`~workload_async.errors.WaitTimeoutError` at the deadline,
        :class:`~workload_async.errors.UnexpectedStatusError` when it is settled in the other state
        (at the first poll, unless this client asked for the change a moment ago: then a status
        that has not moved yet is given the poll policy's ``stale_grace``), and
        :class:`~workload_async.errors.NotFoundError` when it is deleted.
        """
        return await self._waits.wait(workload_id, until, timeout, deadline, poll)

    async def wait_many(
        self,
        workload_ids: Iterable[str],
        *,
        until: WorkloadStatus = WorkloadStatus.RUNNING,
        timeout: float | Default | None = DEFAULT,
        deadline: float | None = None,
        return_when: ReturnWhen | str = ReturnWhen.ALL_COMPLETED,
        poll: PollPolicy | None = None,
    ) -> dict[str, WaitOutcome]:
        """Wait for many workloads; never raises because one of them failed.

        Returns a mapping from id to :class:`~workload_async.WaitOutcome` (``.ok``, ``.workload``,
        ``.error``) in settle order. With ``return_when="first_completed"`` or
        ``"first_failure"`` it returns as soon as that happens, holding only the outcomes settled
        by then; the other waits are dropped. asyncio's constants work too
        (``asyncio.FIRST_COMPLETED``; ``asyncio.FIRST_EXCEPTION`` means ``"first_failure"``).
        """
        if not isinstance(return_when, str):
            kind = type(return_when).__name__
            raise TypeError(f"return_when must be a ReturnWhen or its value, got {kind}")
        mode = ReturnWhen(return_when)
        outcomes: dict[str, WaitOutcome] = {}
        async with aclosing(self._waits.as_completed(workload_ids, until, timeout, deadline, poll)) as stream:
            async for outcome in stream:
                outcomes[outcome.workload_id] = outcome
                if mode is ReturnWhen.FIRST_COMPLETED or (
                    mode is ReturnWhen.FIRST_FAILURE and not outcome.ok
                ):
                    break
        return outcomes

    def as_completed(
        self,
        workload_ids: Iterable[str],
        *,
        until: WorkloadStatus = WorkloadStatus.RUNNING,
        timeout: float | Default | None = DEFAULT,
        deadline: float | None = None,
        poll: PollPolicy | None = None,
    ) -> AsyncGenerator[WaitOutcome, None]:
        """Yield a :class:`~workload_async.WaitOutcome` for each workload as it settles, first settled first.

        Leaving the loop early drops the remaining waits. It never raises because one workload
        failed or timed out: that is its outcome's ``error``. Arguments as for :meth:`wait`::

            async for outcome in client.workloads.as_completed(ids, timeout=600):
                print(outcome.workload_id, "up" if outcome.ok else outcome.error)
        """
        return self._waits.as_completed(workload_ids, until, timeout, deadline, poll)

    def watch(
        self,
        workload_id: str,
        *,
        until: WorkloadStatus | None = None,
        timeout: float | Default | None = DEFAULT,
        deadline: float | None = None,
        poll: PollPolicy | None = None,
    ) -> AsyncGenerator[Workload, None]:
        """Yield the workload each time its status changes (each distinct status once, in order).

        Ends after a settled state (``running``, ``stopped``, ``errored``), or after ``until`` when
        given (then ``errored`` raises as in :meth:`wait`). Raises
        :class:`~workload_async.errors.WaitTimeoutError` at the deadline.
        """
        return self._waits.watch(workload_id, until, timeout, deadline, poll)

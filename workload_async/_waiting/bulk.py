"""Bulk start and stop: bounded concurrency, one result per workload, optional wait."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Iterable

import attrs

from .._models.checks import check_ids
from .._models.enums import WorkloadStatus
from .._models.outputs import Operation, Workload
from ..errors import AuthenticationError, ClientClosedError, WaitTimeoutError, WorkloadAPIError
from .waiter import Waiter
from .waits import Waits, outcome_of

__all__ = ["BulkResult", "BulkState", "Progress", "run_bulk"]


class BulkState(enum.StrEnum):
    """What happened to one workload of a bulk start or stop."""

    ACCEPTED = "accepted"  #: the server took the request (202); not waited for
    ALREADY = "already"  #: it was already in or on its way to that state (200); not waited for
    REACHED = "reached"  #: waited for, and it got there
    TIMED_OUT = "timed_out"  #: waited for, and the deadline passed first
    FAILED = "failed"  #: the request failed, or the workload went errored (see ``error``)


@attrs.frozen
class BulkResult:
    """The result of a bulk start or stop for one workload."""

    workload_id: str
    state: BulkState
    operation: Operation | None = None
    workload: Workload | None = None
    error: WorkloadAPIError | None = None

    @property
    def ok(self) -> bool:
        """True unless the request failed, the workload failed, or the wait timed out."""
        return self.state in (BulkState.ACCEPTED, BulkState.ALREADY, BulkState.REACHED)


#: ``progress(done, total, result)`` is called once per workload as its result is known.
Progress = Callable[[int, int, BulkResult], None]


async def run_bulk(
    ids: Iterable[str],
    call: Callable[[str, float | None], Awaitable[Operation]],
    *,
    concurrency: int,
    waits: Waits | None,
    target: WorkloadStatus,
    deadline: float | None,
    progress: Progress | None,
    closed: Callable[[], bool] = lambda: False,
) -> dict[str, BulkResult]:
    """Run ``call`` for every id with at most ``concurrency`` in flight; optionally wait for ``target``.

    Requests go through a fixed set of ``concurrency`` workers; each accepted workload is handed to
    the shared poller as soon as its request returns, so waiting overlaps with the remaining
    requests. Never raises because of one workload, nor when the client is closed meanwhile
    (``closed()`` says so): each gets its own :class:`BulkResult`, and a start or stop the server
    accepted keeps its ``operation`` even when its wait could not run. Once the server rejects the
    token (401), the workloads not yet sent fail with that error unsent.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    unique = check_ids(ids)
    results: dict[str, BulkResult] = {}
    total = len(unique)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for workload_id in unique:
        queue.put_nowait(workload_id)
    pending_waits: list[tuple[Waiter, Operation]] = []

    def record(result: BulkResult) -> None:
        results[result.workload_id] = result
        if progress is not None:
            progress(len(results), total, result)

    rejected: list[AuthenticationError] = []  # a token the server refused: no use sending the rest

    async def worker() -> None:
        while not queue.empty():
            workload_id = queue.get_nowait()
            if rejected:
                record(BulkResult(workload_id, BulkState.FAILED, error=rejected[0]))
                continue
            try:
                operation = await call(workload_id, deadline)
            except Exception as exc:
                error = _as_api_error(exc, closed())
                if isinstance(error, AuthenticationError):
                    rejected.append(error)
                record(BulkResult(workload_id, BulkState.FAILED, error=error))
                continue
            if waits is None:
                state = BulkState.ACCEPTED if operation.accepted else BulkState.ALREADY
                record(BulkResult(workload_id, state, operation=operation))
                continue
            try:
                waiter = waits.register(workload_id, target, deadline)
            except WorkloadAPIError as exc:  # the client closed after the server accepted
                record(BulkResult(workload_id, BulkState.FAILED, operation=operation, error=exc))
                continue
            waiter.future.add_done_callback(lambda _, w=waiter, op=operation: settle(w, op))  # type: ignore[misc]
            pending_waits.append((waiter, operation))

    def settle(waiter: Waiter, operation: Operation) -> None:
        if waiter.workload_id not in results and not waiter.future.cancelled():
            outcome = outcome_of(waiter)
            if outcome.error is None:
                state = BulkState.REACHED
            else:
                state = (
                    BulkState.TIMED_OUT if isinstance(outcome.error, WaitTimeoutError) else BulkState.FAILED
                )
            record(BulkResult(outcome.workload_id, state, operation, outcome.workload, outcome.error))

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, total)):
                group.create_task(worker())
        if pending_waits:
            await asyncio.wait([waiter.future for waiter, _ in pending_waits])
        for waiter, operation in pending_waits:  # whatever a callback has not recorded yet
            settle(waiter, operation)
        if waits is not None:  # why the first few failed waits are stuck, on their errors
            await waits.diagnose_many(waiter for waiter, _ in pending_waits)
    finally:
        for waiter, _ in pending_waits:
            waiter.future.cancel()
    return {workload_id: results[workload_id] for workload_id in unique}


def _as_api_error(exc: Exception, closed: bool) -> WorkloadAPIError:
    """The error of the tree a failed request stands for; anything else while the client is open
    is a bug and propagates."""
    if isinstance(exc, WorkloadAPIError):
        return exc
    if closed:
        error = ClientClosedError(f"the client was closed while this request ran ({type(exc).__name__})")
        error.__cause__ = exc
        return error
    raise exc

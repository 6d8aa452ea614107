"""Bulk calls: bounded concurrency, one result per item, never raising because one item failed.

Starts and stops (:func:`run_bulk`), creates (:func:`run_creates`) and deletes (:func:`run_deletes`)
share how they send: a fixed set of workers takes the items in order; once the server rejects
the token (401), the items not yet sent fail with that error unsent; and an error that is not the
SDK's becomes :class:`~workload_async.errors.ClientClosedError` only when the client was closed
meanwhile (otherwise it is a bug, and propagates). Starts and creates may also wait: each item is
handed to the shared poller as soon as its own request returns, so waiting overlaps with the
requests still being sent.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Generic, TypeVar

import attrs

from .._clock import Clock
from .._models.arguments import check_ids, check_seconds
from .._models.enums import WorkloadStatus
from .._models.inputs import CreateWorkload
from .._models.outputs import Operation, Workload
from ..errors import AuthenticationError, ClientClosedError, WaitTimeoutError, WorkloadAPIError
from .waiter import Waiter
from .waits import WaitOutcome, Waits, outcome_of

__all__ = [
    "BulkResult",
    "BulkState",
    "CreateResult",
    "DeleteResult",
    "Progress",
    "deadline_after",
    "run_bulk",
    "run_creates",
    "run_deletes",
]


class BulkState(enum.StrEnum):
    """What happened to one item of a bulk call (``start_many``, ``create_many``, ...)."""

    ACCEPTED = "accepted"  #: the server took the start or stop (202); not waited for
    ALREADY = "already"  #: it was already in or on its way to that state (200); not waited for
    CREATED = "created"  #: the server created it (it starts at once); not waited for
    DELETED = "deleted"  #: the server deleted it
    REACHED = "reached"  #: waited for, and it got there
    TIMED_OUT = "timed_out"  #: waited for, and the deadline passed first
    FAILED = "failed"  #: the request failed, or the workload went errored (see ``error``)


_OK = frozenset(
    {BulkState.ACCEPTED, BulkState.ALREADY, BulkState.CREATED, BulkState.DELETED, BulkState.REACHED}
)


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
        return self.state in _OK


@attrs.frozen
class CreateResult:
    """The result of one request of a bulk create.

    ``workload`` is the workload as created, or as last seen when it was waited for (also when the
    wait failed); None when it was not created, or when the server's answer was lost: then
    ``error`` is an :class:`~workload_async.errors.OutcomeUnknownError` saying how to find out
    whether it exists (the create is never sent twice).
    """

    request: CreateWorkload
    state: BulkState
    workload: Workload | None = None
    error: WorkloadAPIError | None = None

    @property
    def ok(self) -> bool:
        """True when it was created (and, if waited for, is running)."""
        return self.state in _OK

    @property
    def workload_id(self) -> str | None:
        """The id of the created workload; None when none is known to exist."""
        return None if self.workload is None else self.workload.id


@attrs.frozen
class DeleteResult:
    """The result of a bulk delete for one id: ``deleted``, or ``failed`` with the ``error``
    (a :class:`~workload_async.errors.NotFoundError` when there was nothing by that id)."""

    id: str
    state: BulkState
    error: WorkloadAPIError | None = None

    @property
    def ok(self) -> bool:
        """True when it was deleted."""
        return self.state in _OK


R = TypeVar("R")
#: ``progress(done, total, result)`` is called once per item as its result is known.
Progress = Callable[[int, int, R], None]


class _Sending(Generic[R]):
    """What every bulk call shares: results in the order they come, progress, a refused token."""

    def __init__(self, total: int, progress: Progress[R] | None, closed: Callable[[], bool]) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        self.closed = closed
        self.refused: AuthenticationError | None = None  # the token the server rejected: send no more

    def record(self, result: R) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, result)

    def failure(self, exc: Exception) -> WorkloadAPIError:
        """The error of the tree a failed request stands for (see the module)."""
        if isinstance(exc, WorkloadAPIError):
            error = exc
        elif self.closed():
            error = ClientClosedError(f"the client was closed while this request ran ({type(exc).__name__})")
            error.__cause__ = exc
        else:
            raise exc
        if isinstance(error, AuthenticationError) and self.refused is None:
            self.refused = error
        return error

    async def each(self, concurrency: int, send: Callable[[int], Awaitable[None]]) -> None:
        """``send(i)`` for every item, in order, with at most ``concurrency`` (>= 1) running."""
        indexes = iter(range(self.total))

        async def worker() -> None:
            for index in indexes:
                await send(index)

        async with asyncio.TaskGroup() as group:
            for _ in range(min(concurrency, self.total)):
                group.create_task(worker())


class _Watching:
    """Waits handed to the poller as their items' requests return, each settled by a callback."""

    def __init__(self) -> None:
        self._waiters: list[tuple[Waiter, Callable[[WaitOutcome], None]]] = []

    def watch(self, waiter: Waiter, settled: Callable[[WaitOutcome], None]) -> None:
        def done(_: object) -> None:
            if not waiter.future.cancelled():
                settled(outcome_of(waiter))

        self._waiters.append((waiter, settled))
        waiter.future.add_done_callback(done)

    async def finish(self, waits: Waits | None) -> None:
        """Return once every wait has settled and been recorded (recording is idempotent), the
        first few failed ones diagnosed (see :mod:`.diagnosis`: the errors are the results')."""
        if self._waiters:
            await asyncio.wait([waiter.future for waiter, _ in self._waiters])
        for waiter, settled in self._waiters:  # whatever a callback has not recorded yet
            if not waiter.future.cancelled():
                settled(outcome_of(waiter))
        if waits is not None and self._waiters:
            await waits.diagnose_many(waiter for waiter, _ in self._waiters)

    def cancel(self) -> None:
        for waiter, _ in self._waiters:
            waiter.future.cancel()


def deadline_after(clock: Clock, timeout: float | None) -> float | None:
    """The deadline of a bulk call that does not wait: ``timeout`` seconds from now, or none."""
    if timeout is None:
        return None
    return clock.monotonic() + check_seconds(timeout, "timeout", zero=True)


def _waited(outcome: WaitOutcome) -> BulkState:
    if outcome.error is None:
        return BulkState.REACHED
    return BulkState.TIMED_OUT if isinstance(outcome.error, WaitTimeoutError) else BulkState.FAILED


async def run_bulk(
    ids: Iterable[str],
    call: Callable[[str, float | None], Awaitable[Operation]],
    *,
    concurrency: int,
    waits: Waits | None,
    target: WorkloadStatus,
    deadline: float | None,
    progress: Progress[BulkResult] | None,
    closed: Callable[[], bool] = lambda: False,
) -> dict[str, BulkResult]:
    """Run ``call`` (a start or a stop) for every id; optionally wait for ``target``.

    Never raises because of one workload, nor when the client is closed meanwhile: each gets its
    own :class:`BulkResult`, and a start or stop the server accepted keeps its ``operation`` even
    when its wait could not run.
    """
    unique = check_ids(ids)
    results: dict[str, BulkResult] = {}
    sending: _Sending[BulkResult] = _Sending(len(unique), progress, closed)
    watching = _Watching()

    def record(result: BulkResult) -> None:
        if result.workload_id not in results:
            results[result.workload_id] = result
            sending.record(result)

    async def send(index: int) -> None:
        workload_id = unique[index]
        if sending.refused is not None:
            record(BulkResult(workload_id, BulkState.FAILED, error=sending.refused))
            return
        try:
            operation = await call(workload_id, deadline)
        except Exception as exc:
            record(BulkResult(workload_id, BulkState.FAILED, error=sending.failure(exc)))
            return
        if waits is None:
            state = BulkState.ACCEPTED if operation.accepted else BulkState.ALREADY
            record(BulkResult(workload_id, state, operation=operation))
            return
        try:
            waiter = waits.register(workload_id, target, deadline)
        except WorkloadAPIError as exc:  # the client closed after the server accepted
            record(BulkResult(workload_id, BulkState.FAILED, operation=operation, error=exc))
            return
        watching.watch(waiter, settles(operation))

    def settles(operation: Operation) -> Callable[[WaitOutcome], None]:
        return lambda o: record(BulkResult(o.workload_id, _waited(o), operation, o.workload, o.error))

    try:
        await sending.each(concurrency, send)
        await watching.finish(waits)
    finally:
        watching.cancel()
    return {workload_id: results[workload_id] for workload_id in unique}


async def run_creates(
    requests: Sequence[CreateWorkload],
    create: Callable[[int, float | None], Awaitable[Workload]],
    *,
    concurrency: int,
    waits: Waits | None,
    deadline: float | None,
    progress: Progress[CreateResult] | None,
    closed: Callable[[], bool] = lambda: False,
) -> list[CreateResult]:
    """Run ``create(index, deadline)`` for every request (each is sent once: a create is never
    repeated); optionally wait for each created workload to be running. One
    :class:`CreateResult` per request, in order; never raises because one failed."""
    results: list[CreateResult | None] = [None] * len(requests)
    sending: _Sending[CreateResult] = _Sending(len(requests), progress, closed)
    watching = _Watching()

    def record(index: int, result: CreateResult) -> None:
        if results[index] is None:
            results[index] = result
            sending.record(result)

    async def send(index: int) -> None:
        request = requests[index]
        if sending.refused is not None:
            record(index, CreateResult(request, BulkState.FAILED, error=sending.refused))
            return
        try:
            workload = await create(index, deadline)
        except Exception as exc:
            record(index, CreateResult(request, BulkState.FAILED, error=sending.failure(exc)))
            return
        if waits is None:
            record(index, CreateResult(request, BulkState.CREATED, workload))
            return
        try:
            waiter = waits.register(workload.id, WorkloadStatus.RUNNING, deadline)
        except WorkloadAPIError as exc:  # the client closed after the server created it
            record(index, CreateResult(request, BulkState.FAILED, workload, exc))
            return
        watching.watch(waiter, settles(index, workload))

    def settles(index: int, created: Workload) -> Callable[[WaitOutcome], None]:
        request = requests[index]
        return lambda o: record(index, CreateResult(request, _waited(o), o.workload or created, o.error))

    try:
        await sending.each(concurrency, send)
        await watching.finish(waits)
    finally:
        watching.cancel()
    return [result for result in results if result is not None]


async def run_deletes(
    ids: Iterable[str],
    delete: Callable[[str, float | None], Awaitable[None]],
    *,
    concurrency: int,
    deadline: float | None,
    progress: Progress[DeleteResult] | None,
    closed: Callable[[], bool] = lambda: False,
    what: str = "workload",
) -> dict[str, DeleteResult]:
    """Run ``delete(id, deadline)`` for every id (an id given twice is deleted once). One
    :class:`DeleteResult` per id, in the order given; never raises because one failed."""
    unique = check_ids(ids, f"{what}_ids")
    results: dict[str, DeleteResult] = {}
    sending: _Sending[DeleteResult] = _Sending(len(unique), progress, closed)

    def record(result: DeleteResult) -> None:
        results[result.id] = result
        sending.record(result)

    async def send(index: int) -> None:
        resource_id = unique[index]
        if sending.refused is not None:
            record(DeleteResult(resource_id, BulkState.FAILED, sending.refused))
            return
        try:
            await delete(resource_id, deadline)
        except Exception as exc:
            record(DeleteResult(resource_id, BulkState.FAILED, sending.failure(exc)))
            return
        record(DeleteResult(resource_id, BulkState.DELETED))

    await sending.each(concurrency, send)
    return {resource_id: results[resource_id] for resource_id in unique}

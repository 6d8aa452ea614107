"""The bulk methods of ``client.workloads``: ``create_many``, ``start_many``, ``stop_many`` and
``delete_many``.

Mixed into :class:`~.workloads.WorkloadsManager`, which sets ``_t``, ``_waits``,
``_max_connections`` and ``_requests``: each item is one request of
:class:`~.workload_requests.WorkloadRequests` (what the one-workload methods send too), run by the
bulk engine of :mod:`.._waiting.bulk`. Arguments are checked, every request included, before
anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .._http.transport import Transport
from .._models.arguments import check_concurrency, check_flag, check_ids, check_progress
from .._models.checks import check_create_workload
from .._models.enums import WorkloadStatus
from .._models.inputs import CreateWorkload
from .._models.outputs import Operation, Workload
from .._waiting.bulk import (
    BulkResult,
    CreateResult,
    DeleteResult,
    Progress,
    deadline_after,
    run_bulk,
    run_creates,
    run_deletes,
)
from .._waiting.waits import DEFAULT, Default, Waits
from .workload_requests import WorkloadRequests

__all__ = ["BulkMethods"]


class BulkMethods:
    """Many workloads at once (see the module)."""

    _t: Transport
    _waits: Waits
    _max_connections: int
    _requests: WorkloadRequests

    async def create_many(
        self,
        requests: Iterable[CreateWorkload],
        *,
        concurrency: int = 32,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        progress: Progress[CreateResult] | None = None,
    ) -> list[CreateResult]:
        """Create a workload for each :class:`~workload_async.CreateWorkload`, with at most
        ``concurrency`` requests in flight (never more than the connection pool allows); with
        ``wait=True``, also wait for each to be running.

        Returns one :class:`~workload_async.CreateResult` per request, in the order given (the same
        request twice creates two workloads), and never raises because one failed. A create is
        never sent twice: when its answer is lost, that request's ``error`` is an
        :class:`~workload_async.errors.OutcomeUnknownError` saying how to check whether it
        exists. ``timeout`` bounds the whole call, waits included (the client's ``wait_timeout``
        by default, as for :meth:`start_many`). ``progress(done, total, result)`` is called once
        per request as its result is known.

        Raises ``TypeError``/``ValueError`` naming the request (``requests[3].artifact_id``), before
        anything is sent, for any request the server is bound to refuse::

            requests = [CreateWorkload(name=f"web-{n}", artifact_id=artifact.id) for n in range(100)]
            results = await client.workloads.create_many(requests, wait=True, timeout=600)
            ids = [r.workload_id for r in results if r.ok]
        """
        if isinstance(requests, CreateWorkload):
            raise TypeError("requests must be a collection of CreateWorkload: pass [request]")
        if isinstance(requests, str | bytes | Mapping) or not isinstance(requests, Iterable):
            raise TypeError(f"requests must be a collection of CreateWorkload, got {type(requests).__name__}")
        given = list(requests)
        importances = [check_create_workload(r, f"requests[{i}]") for i, r in enumerate(given)]
        check_concurrency(concurrency)
        check_flag(wait, "wait")
        check_progress(progress)
        deadline = self._waits.deadline_for(timeout, None)

        async def create(index: int, deadline: float | None) -> Workload:
            return await self._requests.create(given[index], importances[index], deadline=deadline)

        work = run_creates(
            given,
            create,
            concurrency=min(concurrency, self._max_connections),
            waits=self._waits if wait else None,
            deadline=deadline,
            progress=progress,
            closed=lambda: self._t.closed,
        )
        return await self._t.observe.bulk("workloads.create", wait, work)

    async def start_many(
        self,
        workload_ids: Iterable[str],
        *,
        concurrency: int = 32,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        progress: Progress[BulkResult] | None = None,
    ) -> dict[str, BulkResult]:
        """Start many workloads with at most ``concurrency`` requests in flight (never more than the
        connection pool allows); with ``wait=True``, also wait for each to be running.

        Returns one :class:`~workload_async.BulkResult` per workload, in the order given, and never
        raises because one workload failed. ``timeout`` bounds the whole call.
        """
        return await self._bulk(
            "workloads.start", workload_ids, WorkloadStatus.RUNNING, concurrency, wait, timeout, progress
        )

    async def stop_many(
        self,
        workload_ids: Iterable[str],
        *,
        concurrency: int = 32,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        progress: Progress[BulkResult] | None = None,
    ) -> dict[str, BulkResult]:
        """Stop many workloads, like :meth:`start_many`; with ``wait=True`` waits for ``stopped``.

        Returns one :class:`~workload_async.BulkResult` per workload, in the order given, and never
        raises because one workload failed::

            results = await client.workloads.stop_many(ids, concurrency=16, wait=True, timeout=300)
            failed = [r for r in results.values() if not r.ok]
        """
        return await self._bulk(
            "workloads.stop", workload_ids, WorkloadStatus.STOPPED, concurrency, wait, timeout, progress
        )

    async def _bulk(
        self,
        route: str,
        workload_ids: Iterable[str],
        target: WorkloadStatus,
        concurrency: int,
        wait: bool,
        timeout: float | Default | None,
        progress: Progress[BulkResult] | None,
    ) -> dict[str, BulkResult]:
        ids = check_ids(workload_ids)
        check_concurrency(concurrency)
        check_flag(wait, "wait")
        check_progress(progress)
        deadline = self._waits.deadline_for(timeout, None)

        async def call(workload_id: str, deadline: float | None) -> Operation:
            return await self._requests.operation(route, workload_id, deadline)

        work = run_bulk(
            ids,
            call,
            concurrency=min(check_concurrency(concurrency), self._max_connections),
            waits=self._waits if wait else None,
            target=target,
            deadline=deadline,
            progress=progress,
            closed=lambda: self._t.closed,
        )
        return await self._t.observe.bulk(route, wait, work)

    async def delete_many(
        self,
        workload_ids: Iterable[str],
        *,
        concurrency: int = 32,
        timeout: float | None = None,
        progress: Progress[DeleteResult] | None = None,
    ) -> dict[str, DeleteResult]:
        """Delete many workloads (running ones are stopped first, by the server) with at most
        ``concurrency`` requests in flight; their artifacts stay.

        Returns one :class:`~workload_async.DeleteResult` per id, in the order given (an id given
        twice is deleted once), and never raises because one failed: an unknown id is ``failed``
        with its :class:`~workload_async.errors.NotFoundError`. ``timeout`` bounds the whole call
        (no limit of its own by default: each request has the client's); ``progress(done, total,
        result)`` is called once per id as its result is known.
        Raises ``TypeError``/``ValueError`` for a bad id or ``concurrency``, before anything is
        sent::

            results = await client.workloads.delete_many(ids, progress=lambda d, t, r: print(d, t))
            left = [r.id for r in results.values() if not r.ok]
        """
        ids = check_ids(workload_ids)
        check_concurrency(concurrency)
        check_progress(progress)

        async def delete(workload_id: str, deadline: float | None) -> None:
            await self._requests.delete(workload_id, deadline=deadline)

        work = run_deletes(
            ids,
            delete,
            concurrency=min(concurrency, self._max_connections),
            deadline=deadline_after(self._t.clock, timeout),
            progress=progress,
            closed=lambda: self._t.closed,
        )
        return await self._t.observe.bulk("workloads.delete", False, work)

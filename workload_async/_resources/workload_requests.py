"""The requests of one workload that create, start or stop, and delete it.

:class:`WorkloadRequests` sends them for both callers: ``client.workloads``' one-workload methods and
each item of its bulk methods (:mod:`.workload_bulk`), so neither half of the manager calls the
other. It sends what it is given: the callers check their arguments first.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

from .._http.transport import Transport
from .._models.enums import Importance, WorkloadStatus
from .._models.inputs import CreateWorkload
from .._models.outputs import Operation, Workload
from ..errors import ConflictError
from .exactly_once import leaving
from .workload_create import create_body, made_for_it

__all__ = ["WorkloadRequests"]


#: 11.5 answers a start 409 unless stopped: in these statuses that means "already up", a no-op
_UP = frozenset(
    {
        WorkloadStatus.SUBMITTED,
        WorkloadStatus.INITIALIZING,
        WorkloadStatus.PROVISIONING,
        WorkloadStatus.LAUNCHING,
        WorkloadStatus.WARMING,
        WorkloadStatus.RUNNING,
    }
)


class WorkloadRequests:
    """Create, read, start or stop, and delete one workload (see the module)."""

    def __init__(
        self, transport: Transport, asked: Callable[[str, WorkloadStatus], None] | None = None
    ) -> None:
        self._t = transport
        #: Told of each status change this client asked for (a create, a start, a stop), so that a
        #: wait soon after gives a status that has not moved yet its grace.
        self._asked = asked or (lambda workload_id, target: None)

    async def create(
        self,
        request: CreateWorkload,
        importance: Importance | None,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
    ) -> Workload:
        """Create the workload ``request`` describes (already checked; ``importance`` as checked).

        The POST is retried only when it provably did not reach the server; when its answer is
        lost, :class:`~workload_async.errors.OutcomeUnknownError` says how to find out. What the
        dialect needs done first is :func:`.workload_create.create_body`'s; an error after it made
        an artifact names that artifact (``left_behind``).
        """
        deadline = self._t.deadline_for(timeout, deadline)
        dialect = await self._t.get_dialect()
        body, made = await create_body(
            self._t,
            dialect,
            name=request.name,
            description=request.description,
            importance=importance,
            artifact=request.artifact,
            artifact_id=request.artifact_id,
            runtime=request.runtime,
            deadline=deadline,
        )
        left = nullcontext() if made is None else leaving(made, made_for_it(made, locked=True))
        async with left:
            response = await self._t.call(
                "POST", "workloads.create", json_body=body, retry="create", deadline=deadline
            )
        created = response.parse(Workload)
        if created.id:
            self._asked(created.id, WorkloadStatus.RUNNING)  # a new workload starts at once
        return created

    async def get(self, workload_id: str, *, timeout: float | None = None) -> Workload:
        """One workload."""
        return (await self._t.call("GET", "workloads.get", workload_id, timeout=timeout)).parse(Workload)

    async def operation(
        self, route: str, workload_id: str, deadline: float | None = None, timeout: float | None = None
    ) -> Operation:
        """A start or stop (``route``) of one workload, and what the server said of it."""
        operation = await self._operation(route, workload_id, deadline, timeout)
        target = WorkloadStatus.RUNNING if route == "workloads.start" else WorkloadStatus.STOPPED
        self._asked(workload_id, target)
        return operation

    async def _operation(
        self, route: str, workload_id: str, deadline: float | None, timeout: float | None
    ) -> Operation:
        try:
            response = await self._t.call("POST", route, workload_id, deadline=deadline, timeout=timeout)
        except ConflictError:
            dialect = self._t.dialect
            if (
                route != "workloads.start"
                or dialect is None
                or not dialect.has("start conflicts unless stopped")
            ):
                raise
            current = await self.get(workload_id)  # 409 means "not stopped": up is a no-op, stopping is not
            if current.status not in _UP:
                raise
            return Operation(
                workload_id=workload_id, status=f"Workload is already {current.status.value}", accepted=False
            )
        body = response.parse(Operation) if response.body.strip() else Operation()
        accepted = response.status == 202
        if body.accepted == accepted and body.workload_id:
            return body  # the usual answer, as it came
        return Operation(
            workload_id=body.workload_id or workload_id,
            status=body.status,
            track_via=body.track_via,
            accepted=accepted,
        )

    async def delete(
        self, workload_id: str, *, timeout: float | None = None, deadline: float | None = None
    ) -> None:
        """Delete one workload."""
        await self._t.call("DELETE", "workloads.delete", workload_id, timeout=timeout, deadline=deadline)

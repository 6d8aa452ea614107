"""The requests of one workload that create, start or stop, and delete it.

:class:`WorkloadRequests` sends them for both callers: ``client.workloads``' one-workload methods and
each item of its bulk methods (:mod:`.workload_bulk`), so neither half of the manager calls the
other. It sends what it is given: the callers check their arguments first.
"""

from __future__ import annotations

from typing import Any

import attrs

from .._dialects.dialect import Dialect
from .._http.transport import Transport
from .._models.enums import Importance, WorkloadStatus
from .._models.inputs import CreateWorkload
from .._models.outputs import Operation, Workload
from ..errors import ConflictError

__all__ = ["WorkloadRequests"]


@attrs.frozen
class _Named:
    id: str
    name: str | None = None


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

    def __init__(self, transport: Transport) -> None:
        self._t = transport

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
        lost, :class:`~workload_async.errors.OutcomeUnknownError` says how to find out.
        """
        dialect = await self._t.get_dialect()
        body = await self._create_body(dialect, request, importance, deadline)
        response = await self._t.call(
            "POST", "workloads.create", json_body=body, retry="create", timeout=timeout, deadline=deadline
        )
        return response.parse(Workload)

    async def _create_body(
        self, dialect: Dialect, request: CreateWorkload, importance: Importance | None, deadline: float | None
    ) -> dict[str, Any]:
        """A create's body in the client's dialect, with what that dialect needs done first: a name
        where one is required (the artifact's, as v2.41 servers default it), and an inline artifact
        that should be locked created and locked where a create cannot lock it (11.5 servers make
        inline artifacts drafts)."""
        name, artifact_id = request.name, request.artifact_id
        if name is None and artifact_id is not None and dialect.has("workload names required"):
            name = (
                (await self._t.call("GET", "artifacts.get", artifact_id, deadline=deadline))
                .parse(_Named)
                .name
            )
        body = dialect.create_body(
            name=name,
            description=request.description,
            importance=importance,
            artifact=request.artifact,
            artifact_id=artifact_id,
            runtime=request.runtime,
        )
        inline = body.get("artifact")
        if (
            inline is not None
            and inline.get("status") == dialect.lock_word
            and not dialect.has("lock on create")
        ):
            created = await self._t.call(
                "POST", "artifacts.create", json_body=inline, retry="create", deadline=deadline
            )
            locked = await self._t.call(
                "PATCH",
                "artifacts.update",
                created.parse(_Named).id,
                json_body={"status": dialect.lock_word},
                deadline=deadline,
            )
            artifact_id = locked.parse(_Named).id
            body = dict(("artifactId", artifact_id) if k == "artifact" else (k, v) for k, v in body.items())
        return body

    async def get(self, workload_id: str, *, timeout: float | None = None) -> Workload:
        """One workload."""
        return (await self._t.call("GET", "workloads.get", workload_id, timeout=timeout)).parse(Workload)

    async def operation(
        self, route: str, workload_id: str, deadline: float | None = None, timeout: float | None = None
    ) -> Operation:
        """A start or stop (``route``) of one workload, and what the server said of it."""
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

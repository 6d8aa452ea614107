"""``client.workloads``: create, read, start, stop, delete, wait for and invoke workloads."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal, overload

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.arguments import (
    check_choice,
    check_choices,
    check_flag,
    check_id,
    check_ids,
    check_text,
    check_timeout,
)
from .._models.checks import check_create_workload, check_input_artifact, check_runtime
from .._models.enums import Importance, WorkloadStatus
from .._models.inputs import CreateWorkload, InputArtifact, WorkloadRuntime
from .._models.outputs import Operation, Workload
from .._policies import PollPolicy
from .._waiting.waits import DEFAULT, Default, Waits, check_poll
from .invoke import InvokeMixin
from .workload_bulk import BulkMethods
from .workload_logs import LogsMixin
from .workload_protons import ProtonMethods
from .workload_replacements import ReplacementMethods
from .workload_requests import WorkloadRequests
from .workload_settings import SettingsMethods
from .workload_stats import StatsMethods
from .workload_waits import WaitMethods

__all__ = ["WorkloadsManager"]


_Params = list[tuple[str, str]]


class WorkloadsManager(
    BulkMethods,
    SettingsMethods,
    ReplacementMethods,
    StatsMethods,
    ProtonMethods,
    InvokeMixin,
    LogsMixin,
    WaitMethods,
):
    """Everything about workloads. Reached as ``client.workloads``.

    ``invoke(workload_id, path, ...)`` and ``stream(workload_id, path, ...)`` call the workload's
    application through the API gateway; ``logs(workload_id, ...)`` and
    ``follow_logs(workload_id, ...)`` read its log. ``update``, ``settings``, ``update_settings``,
    ``replace``, ``replacement``, ``cancel_replacement``, ``wait_for_replacement``, ``promote``,
    ``history``, ``events``, ``stats``, ``stats_series``, ``fleet_stats``, ``protons``, ``proton``,
    ``proton_status`` and ``diagnose`` exist on API 11.5 only.
    """

    _invoke_route = "workloads.invoke"
    _id_name = "workload_id"

    def __init__(self, transport: Transport, waits: Waits, max_connections: int) -> None:
        self._t = transport
        self._waits = waits
        self._max_connections = max_connections
        self._requests = WorkloadRequests(transport, asked=waits.asked)

    # -- CRUD -------------------------------------------------------------------------------

    async def create(
        self,
        *,
        name: str | None = None,
        artifact: InputArtifact | None = None,
        artifact_id: str | None = None,
        runtime: WorkloadRuntime | None = None,
        description: str | None = None,
        importance: Importance | str | None = None,
        timeout: float | None = None,
    ) -> Workload:
        """Create a workload from an inline ``artifact`` or an existing ``artifact_id``; it starts at once.

        On API 11.5 a workload needs a name (the artifact's name when not given), containers'
        resource requests are sent in the runtime, and ``description`` and ``importance`` may be
        set (a v2.41 client refuses those two).

        ``timeout`` bounds the whole call in seconds, retries included (as on every call).
        Raises ``ValueError`` (nothing sent) unless exactly one of ``artifact``/``artifact_id`` is
        given or for input the contract (or the client's API generation) forbids;
        :class:`~workload_async.errors.NotFoundError` for an unknown artifact id;
        :class:`~workload_async.errors.ConflictError` when a draft artifact already backs a live
        workload (v2.41); :class:`~workload_async.errors.UnprocessableEntityError`;
        :class:`~workload_async.errors.OutcomeUnknownError` when the request was sent but no answer
        came (it may exist: list by ``name`` before creating again). On 11.5, where an inline
        locked artifact is created and locked first, an error after that names the artifact it
        left (in its message and ``left_behind``).
        """
        check_text(name, "name", optional=True, limit=5000, one_line=True)
        if (artifact is None) == (artifact_id is None):
            raise ValueError("pass exactly one of artifact= or artifact_id=")
        if artifact is not None:
            check_input_artifact(artifact)
        if artifact_id is not None:
            check_id(artifact_id, "artifact_id")
        if runtime is not None:
            check_runtime(runtime)
        check_text(description, "description", optional=True, empty=True)
        chosen = None if importance is None else check_choice(importance, Importance, "importance")
        check_timeout(timeout)
        request = CreateWorkload(
            name=name,
            artifact=artifact,
            artifact_id=artifact_id,
            runtime=runtime,
            description=description,
            importance=chosen,
        )
        return await self._requests.create(request, check_create_workload(request), timeout=timeout)

    async def get(self, workload_id: str, *, timeout: float | None = None) -> Workload:
        """One workload. Raises :class:`~workload_async.errors.NotFoundError` if it does not exist."""
        return await self._requests.get(check_id(workload_id, "workload_id"), timeout=check_timeout(timeout))

    def list(
        self,
        *,
        ids: Iterable[str] | None = None,
        search: str | None = None,
        sort: str | None = None,
        status: WorkloadStatus | str | Iterable[WorkloadStatus | str] | None = None,
        importance: Importance | str | Iterable[Importance | str] | None = None,
        artifact_id: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        timeout: float | None = None,
    ) -> AsyncPager[Workload]:
        """Workloads, fetched lazily page by page: ``async for w in client.workloads.list(...)``.

        ``ids`` keeps only those (any number: split into calls of 100), ``search`` matches a
        substring of the name (case-insensitive), ``sort`` is passed to the server as given (v2.41
        knows ``name``, ``createdAt``, ``updatedAt`` and ``status``, with ``-`` in front for
        descending; an unknown key is the server's 422). ``offset`` skips that many matches, to
        resume a listing; ``timeout`` bounds the fetch of each page, retries included.

        On API 11.5 the server filters too: ``status`` keeps workloads in that status (one, or
        any of several), ``importance`` those of that importance (one or several), and
        ``artifact_id`` those running that artifact. A v2.41 client raises
        :class:`~workload_async.errors.UnsupportedFeatureError` for them (at once when its
        generation is known, else when the iteration starts); a value the SDK does not know is a
        ``ValueError`` naming the argument, before anything is sent.

        Nothing is sent until the iteration starts; a page that cannot be fetched raises from the
        error tree there, and an unreadable item raises
        :class:`~workload_async.errors.ResponseDecodeError` when it is reached::

            async for workload in client.workloads.list(search="canary", sort="-updatedAt"):
                print(workload.name, workload.status)
            stuck = await client.workloads.list(status=["provisioning", "launching"]).collect()
        """
        params: list[tuple[str, str]] = []
        search = check_text(search, "search", optional=True, empty=True, limit=1000, one_line=True)
        if search is not None:
            params.append(("search", search))
        sort = check_text(sort, "sort", optional=True, limit=200, one_line=True)
        if sort is not None:
            params.append(("sort", sort))
        filters: list[tuple[str, str]] = []
        if status is not None:
            filters += [("status", s) for s in check_choices(status, WorkloadStatus, "status")]
        if importance is not None:
            filters += [("importance", i) for i in check_choices(importance, Importance, "importance")]
        if artifact_id is not None:
            filters.append(("artifactId", check_id(artifact_id, "artifact_id")))
        id_list = None if ids is None else check_ids(ids, "ids")
        return AsyncPager(
            self._t,
            "workloads.list",
            Workload,
            params=params if not filters else self._filtered(params + filters, "workload list filters"),
            page_size=page_size,
            offset=offset,
            ids=id_list,
            timeout=check_timeout(timeout),
        )

    def _filtered(self, params: _Params, feature: str) -> Callable[[Dialect], _Params]:
        """``params``, once the client's generation is known to have ``feature`` (asked now when
        it is known, else when the listing starts)."""
        if self._t.dialect is not None:
            self._t.dialect.require(feature)

        def in_dialect(dialect: Dialect) -> _Params:
            dialect.require(feature)
            return params

        return in_dialect

    @overload
    async def start(
        self,
        workload_id: str,
        *,
        wait: Literal[False] = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation: ...

    @overload
    async def start(
        self,
        workload_id: str,
        *,
        wait: Literal[True],
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Workload: ...

    async def start(
        self,
        workload_id: str,
        *,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation | Workload:
        """Start a ``stopped`` or ``errored`` workload.

        Returns the :class:`~workload_async.Operation` (``accepted`` False when it was already on its
        way up or running); with ``wait=True``, waits and returns the running
        :class:`~workload_async.Workload`. ``timeout`` bounds the whole call, the wait included
        (the client's ``wait_timeout`` with ``wait=True``; no limit of its own otherwise).
        Raises :class:`~workload_async.errors.ConflictError`
        while it is ``stopping``, and with ``wait=True`` whatever :meth:`wait` raises.
        """
        return await self._transition(
            "workloads.start", WorkloadStatus.RUNNING, workload_id, wait, timeout, poll
        )

    @overload
    async def stop(
        self,
        workload_id: str,
        *,
        wait: Literal[False] = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation: ...

    @overload
    async def stop(
        self,
        workload_id: str,
        *,
        wait: Literal[True],
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Workload: ...

    async def stop(
        self,
        workload_id: str,
        *,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> Operation | Workload:
        """Stop a workload (a no-op, ``accepted`` False, when already ``stopping``/``stopped``).

        With ``wait=True``, waits and returns the stopped :class:`~workload_async.Workload`.
        ``timeout`` as for :meth:`start`. Raises :class:`~workload_async.errors.NotFoundError` for
        an unknown id, and with ``wait=True`` whatever :meth:`wait` raises::

            stopped = await client.workloads.stop(workload_id, wait=True, timeout=120)
        """
        return await self._transition(
            "workloads.stop", WorkloadStatus.STOPPED, workload_id, wait, timeout, poll
        )

    async def _transition(
        self,
        route: str,
        target: WorkloadStatus,
        workload_id: str,
        wait: bool,
        timeout: float | Default | None,
        poll: PollPolicy | None,
    ) -> Operation | Workload:
        check_id(workload_id, "workload_id")
        check_flag(wait, "wait")
        check_poll(poll)
        if not wait:
            call_timeout = None if timeout is DEFAULT else check_timeout(timeout)
            return await self._requests.operation(route, workload_id, timeout=call_timeout)
        deadline = self._waits.deadline_for(timeout, None)  # one deadline for the call and the wait
        await self._requests.operation(route, workload_id, deadline)
        return await self._waits.wait(workload_id, target, None, deadline, poll)

    async def delete(self, workload_id: str, *, timeout: float | None = None) -> None:
        """Delete a workload (a running one is stopped first); its artifact stays.

        Raises :class:`~workload_async.errors.NotFoundError` if it does not exist.
        """
        await self._requests.delete(check_id(workload_id, "workload_id"), timeout=check_timeout(timeout))

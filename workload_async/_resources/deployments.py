"""``client.deployments``: stable, named fronts of workloads, with traffic stats."""

from __future__ import annotations

from collections.abc import Iterable

from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.arguments import check_choice, check_flag, check_id, check_ids, check_text, check_timeout
from .._models.converter import wire_fields
from .._models.enums import Importance
from .._models.outputs import Deployment, DeploymentStats
from .invoke import InvokeMixin

__all__ = ["DeploymentsManager"]


class DeploymentsManager(InvokeMixin):
    """Create, read, update and delete deployments; read their stats; ``invoke`` and ``stream``
    call the deployed application (and count in its stats)."""

    _invoke_route = "deployments.invoke"
    _id_name = "deployment_id"

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def create(
        self,
        *,
        name: str,
        workload_id: str,
        description: str | None = None,
        importance: Importance | str | None = None,
        timeout: float | None = None,
    ) -> Deployment:
        """Deploy a workload whose artifact is registered.

        ``timeout`` bounds the whole call in seconds, retries included (as on every call).
        Raises :class:`~workload_async.errors.NotFoundError` for an unknown workload,
        :class:`~workload_async.errors.UnprocessableEntityError` when its artifact is a draft and
        :class:`~workload_async.errors.OutcomeUnknownError` when it was sent but no answer came.
        """
        check_text(name, "name", limit=5000, one_line=True)
        check_id(workload_id, "workload_id")
        check_text(description, "description", optional=True, empty=True)
        chosen = None if importance is None else check_choice(importance, Importance, "importance")
        check_timeout(timeout)
        body = wire_fields(name=name, workload_id=workload_id, description=description, importance=chosen)
        response = await self._t.call(
            "POST", "deployments.create", json_body=body, retry="create", timeout=timeout
        )
        return response.parse(Deployment)

    async def get(self, deployment_id: str, *, timeout: float | None = None) -> Deployment:
        """One deployment. Raises :class:`~workload_async.errors.NotFoundError` if it does not exist."""
        response = await self._t.call(
            "GET", "deployments.get", check_id(deployment_id, "deployment_id"), timeout=check_timeout(timeout)
        )
        return response.parse(Deployment)

    def list(
        self,
        *,
        search: str | None = None,
        workload_ids: Iterable[str] | None = None,
        with_workload: bool = False,
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        timeout: float | None = None,
    ) -> AsyncPager[Deployment]:
        """Deployments, fetched lazily page by page: ``async for d in client.deployments.list(...)``.

        ``search`` keeps those whose name contains it; ``workload_ids`` keeps the deployments of
        those workloads (sent as repeated ``wid=``, 100 a call); ``with_workload=True`` asks the
        server to embed each deployment's workload (:attr:`~workload_async.Deployment.workload`);
        ``offset`` skips that many matches, to resume a listing; ``timeout`` bounds the fetch of
        each page, retries included.
        """
        params: list[tuple[str, str]] = []
        search = check_text(search, "search", optional=True, empty=True, limit=1000, one_line=True)
        if search is not None:
            params.append(("search", search))
        if check_flag(with_workload, "with_workload"):
            params.append(("workloadDetails", "true"))
        wids = None if workload_ids is None else check_ids(workload_ids, "workload_ids")
        return AsyncPager(
            self._t,
            "deployments.list",
            Deployment,
            params=params,
            page_size=page_size,
            ids=wids,
            ids_key="wid",
            offset=offset,
            timeout=check_timeout(timeout),
        )

    async def update(
        self,
        deployment_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        importance: Importance | str | None = None,
        timeout: float | None = None,
    ) -> Deployment:
        """Change a deployment's name, description and/or importance; return it.

        Raises ``ValueError`` when none is given, :class:`~workload_async.errors.NotFoundError`
        for an unknown id and :class:`~workload_async.errors.UnprocessableEntityError` for a value
        the server refuses.
        """
        check_id(deployment_id, "deployment_id")
        check_text(name, "name", optional=True, limit=5000, one_line=True)
        check_text(description, "description", optional=True, empty=True)
        chosen = None if importance is None else check_choice(importance, Importance, "importance")
        check_timeout(timeout)
        body = wire_fields(name=name, description=description, importance=chosen)
        if not body:
            raise ValueError("update needs name=, description= or importance=")
        response = await self._t.call(
            "PATCH",
            "deployments.update",
            deployment_id,
            json_body=body,
            timeout=timeout,
        )
        return response.parse(Deployment)

    async def delete(self, deployment_id: str, *, timeout: float | None = None) -> None:
        """Delete a deployment; its workload lives on.

        Raises :class:`~workload_async.errors.NotFoundError` for an unknown id.
        """
        await self._t.call(
            "DELETE",
            "deployments.delete",
            check_id(deployment_id, "deployment_id"),
            timeout=check_timeout(timeout),
        )

    async def stats(self, deployment_id: str, *, timeout: float | None = None) -> DeploymentStats:
        """Traffic figures counted over the calls made through the deployment's invoke route.

        Raises :class:`~workload_async.errors.NotFoundError` for an unknown id::

            stats = await client.deployments.stats(deployment_id)
            print(stats.metrics.total_requests, stats.metrics.response_time)
        """
        response = await self._t.call(
            "GET",
            "deployments.stats",
            check_id(deployment_id, "deployment_id"),
            timeout=check_timeout(timeout),
        )
        return response.parse(DeploymentStats)

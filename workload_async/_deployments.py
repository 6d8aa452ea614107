"""``client.deployments``: stable, named fronts of workloads, with traffic stats."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from ._enums import Importance
from ._http import Params, Response, StreamingResponse, Transport
from ._invoke import _MISSING, Invoker
from ._models import Deployment, DeploymentStats
from ._pagination import MAX_PAGE_SIZE, AsyncPager
from ._validation import check_id

__all__ = ["DeploymentsManager"]


class DeploymentsManager:
    """Create, read, update and delete deployments; read their stats; invoke them."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport
        self._invoker = Invoker(transport, "deployments.invoke", "deployment_id")

    async def create(
        self,
        *,
        name: str,
        workload_id: str,
        description: str | None = None,
        importance: Importance | str | None = None,
    ) -> Deployment:
        """Deploy a workload whose artifact is registered.

        Raises :class:`~workload_async.errors.NotFoundError` for an unknown workload and
        :class:`~workload_async.errors.UnprocessableEntityError` when its artifact is a draft.
        """
        if not name:
            raise ValueError("name must be a non-empty string")
        body: dict[str, Any] = {"name": name, "workloadId": check_id(workload_id, "workload_id")}
        if description is not None:
            body["description"] = description
        if importance is not None:
            body["importance"] = Importance(importance).value
        response = await self._t.call("POST", "deployments.create", json_body=body, retry="create")
        return response.parse(Deployment)

    async def get(self, deployment_id: str) -> Deployment:
        """One deployment. Raises :class:`~workload_async.errors.NotFoundError` if it does not exist."""
        response = await self._t.call("GET", "deployments.get", check_id(deployment_id, "deployment_id"))
        return response.parse(Deployment)

    def list(self, *, search: str | None = None, page_size: int = MAX_PAGE_SIZE) -> AsyncPager[Deployment]:
        """Deployments whose name contains ``search``, fetched lazily page by page."""
        params = [("search", search)] if search is not None else []
        return AsyncPager(self._t, "deployments.list", Deployment, params=params, page_size=page_size)

    async def update(
        self,
        deployment_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        importance: Importance | str | None = None,
    ) -> Deployment:
        """Change a deployment's name, description and/or importance."""
        body: dict[str, Any] = {}
        if name is not None:
            body["name"] = name
        if description is not None:
            body["description"] = description
        if importance is not None:
            body["importance"] = Importance(importance).value
        if not body:
            raise ValueError("update needs name=, description= or importance=")
        response = await self._t.call(
            "PATCH", "deployments.update", check_id(deployment_id, "deployment_id"), json_body=body
        )
        return response.parse(Deployment)

    async def delete(self, deployment_id: str) -> None:
        """Delete a deployment; its workload lives on."""
        await self._t.call("DELETE", "deployments.delete", check_id(deployment_id, "deployment_id"))

    async def stats(self, deployment_id: str) -> DeploymentStats:
        """Traffic figures counted over the calls made through the deployment's invoke route."""
        response = await self._t.call("GET", "deployments.stats", check_id(deployment_id, "deployment_id"))
        return response.parse(DeploymentStats)

    async def invoke(
        self,
        deployment_id: str,
        path: str = "",
        *,
        method: str = "GET",
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        json: Any = _MISSING,
        data: bytes | str | None = None,
        raise_for_status: bool = False,
    ) -> Response:
        """Call the deployment's application at ``path``; returns its response whatever its status
        (``raise_for_status=True`` raises the error tree for a non-2xx one)."""
        return await self._invoker.invoke(
            deployment_id,
            path,
            method=method,
            params=params,
            headers=headers,
            json=json,
            data=data,
            raise_for_status=raise_for_status,
        )

    def stream(
        self,
        deployment_id: str,
        path: str = "",
        *,
        method: str = "GET",
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        json: Any = _MISSING,
        data: bytes | str | None = None,
    ) -> AbstractAsyncContextManager[StreamingResponse]:
        """``async with deployments.stream(id, "events") as r: async for e in r.iter_events()``."""
        return self._invoker.stream(
            deployment_id, path, method=method, params=params, headers=headers, json=json, data=data
        )

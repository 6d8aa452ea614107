"""``client.artifacts``: what workloads run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.checks import check_concurrency, check_id, check_ids, check_input_artifact
from .._models.converter import wire_fields
from .._models.enums import ArtifactStatus
from .._models.inputs import InputArtifact
from .._models.outputs import Artifact
from .._waiting.bulk import DeleteResult, Progress, deadline_after, run_deletes

__all__ = ["ArtifactsManager"]


class ArtifactsManager:
    """Create, read, edit, register (lock) and delete artifacts; ``clone`` on API 11.5."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    async def create(self, artifact: InputArtifact, *, timeout: float | None = None) -> Artifact:
        """Create an artifact (a draft unless ``artifact.status`` is ``registered``/``locked``: then
        it is locked, by a second call on API 11.5, whose servers create drafts only).

        ``timeout`` bounds the whole call in seconds, retries included (as on every call).
        Raises ``ValueError`` for input the contract (or the client's API generation) forbids,
        before sending; :class:`~workload_async.errors.UnprocessableEntityError` for what the
        server rejects; :class:`~workload_async.errors.OutcomeUnknownError` when it was sent but no
        answer came.
        """
        check_input_artifact(artifact)
        dialect = await self._t.get_dialect()
        body = dialect.artifact_body(artifact)
        response = await self._t.call(
            "POST", "artifacts.create", json_body=body, retry="create", timeout=timeout
        )
        created = response.parse(Artifact)
        wants_lock = artifact.status is not None and ArtifactStatus(artifact.status).is_locked
        if wants_lock and not created.is_locked:
            return await self.register(created.id, timeout=timeout)
        return created

    async def get(self, artifact_id: str, *, timeout: float | None = None) -> Artifact:
        """One artifact. Raises :class:`~workload_async.errors.NotFoundError` if it does not exist."""
        response = await self._t.call(
            "GET", "artifacts.get", check_id(artifact_id, "artifact_id"), timeout=timeout
        )
        return response.parse(Artifact)

    def list(
        self,
        *,
        search: str | None = None,
        status: ArtifactStatus | str | None = None,
        type: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        timeout: float | None = None,
    ) -> AsyncPager[Artifact]:
        """Artifacts whose name contains ``search``, optionally only ``draft`` or locked ones
        (``registered`` and ``locked`` both ask for locked ones in either API generation), and on
        API 11.5 only those of a ``type`` (``service``, ``nim``, ...; a v2.41 client raises
        :class:`~workload_async.errors.UnsupportedFeatureError`).

        Returns an :class:`~workload_async.AsyncPager`: ``async for`` it, or ``await .collect()``.
        ``offset`` skips that many matches, to resume a listing.
        ``timeout`` bounds the fetch of each page, retries included. Fetching a page raises from
        the error tree::

            drafts = await client.artifacts.list(search="app", status="draft").collect()
        """
        params: list[tuple[str, str]] = []
        if search is not None:
            params.append(("search", search))
        if type is not None:
            if not isinstance(type, str) or not type.strip():
                raise ValueError(f"type must be a non-empty string such as 'service', got {type!r}")
            params.append(("type", type))
            if self._t.dialect is not None:
                self._t.dialect.require("artifact type filter")

        def in_dialect(dialect: Dialect) -> list[tuple[str, str]]:
            if type is not None:
                dialect.require("artifact type filter")
            return params if status is None else [*params, ("status", dialect.artifact_status(status))]

        return AsyncPager(
            self._t,
            "artifacts.list",
            Artifact,
            params=in_dialect,
            page_size=page_size,
            offset=offset,
            timeout=timeout,
        )

    async def replace(
        self, artifact_id: str, artifact: InputArtifact, *, timeout: float | None = None
    ) -> Artifact:
        """Replace a draft artifact entirely (``PUT``), spec included.

        Raises :class:`~workload_async.errors.ConflictError` when it is registered (immutable) on
        API v2.41, :class:`~workload_async.errors.PermissionDeniedError` when it is locked on 11.5
        (the server answers 403).
        """
        check_input_artifact(artifact)
        dialect = await self._t.get_dialect()
        response = await self._t.call(
            "PUT",
            "artifacts.replace",
            check_id(artifact_id, "artifact_id"),
            json_body=dialect.artifact_body(artifact),
            timeout=timeout,
        )
        return response.parse(Artifact)

    async def update(
        self,
        artifact_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        timeout: float | None = None,
    ) -> Artifact:
        """Change a draft's name and/or description (``PATCH``).

        Raises :class:`~workload_async.errors.ConflictError` when it is registered (v2.41),
        :class:`~workload_async.errors.PermissionDeniedError` when it is locked (11.5).
        """
        body = wire_fields(name=name, description=description)
        if not body:
            raise ValueError("update needs name= or description=")
        return await self._patch(artifact_id, body, timeout)

    async def register(self, artifact_id: str, *, timeout: float | None = None) -> Artifact:
        """Register (lock) an artifact: it gets a ``version`` and becomes immutable and undeletable.

        Sends the client's generation's word (``registered`` on v2.41, ``locked`` on 11.5).
        Raises :class:`~workload_async.errors.ConflictError` when it is already locked (v2.41),
        :class:`~workload_async.errors.PermissionDeniedError` on 11.5.
        """
        dialect = await self._t.get_dialect()
        return await self._patch(artifact_id, {"status": dialect.lock_word}, timeout)

    async def clone(self, artifact_id: str, *, name: str, timeout: float | None = None) -> Artifact:
        """A new draft with the same spec as artifact ``artifact_id``, named ``name`` (API 11.5).

        Raises :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown id::

            draft = await client.artifacts.clone(artifact.id, name=f"{artifact.name}-next")
        """
        dialect = await self._t.get_dialect()
        dialect.require("artifact clones")
        if not name:
            raise ValueError("name must be a non-empty string")
        response = await self._t.call(
            "POST",
            "artifacts.clone",
            check_id(artifact_id, "artifact_id"),
            json_body={"name": name},
            timeout=timeout,
        )
        return response.parse(Artifact)

    async def _patch(self, artifact_id: str, body: dict[str, Any], timeout: float | None) -> Artifact:
        response = await self._t.call(
            "PATCH", "artifacts.update", check_id(artifact_id, "artifact_id"), json_body=body, timeout=timeout
        )
        return response.parse(Artifact)

    async def delete(self, artifact_id: str, *, timeout: float | None = None) -> None:
        """Delete a draft artifact no live workload uses.

        Raises :class:`~workload_async.errors.ConflictError` when it is registered or in use,
        :class:`~workload_async.errors.NotFoundError` when it does not exist.
        """
        await self._t.call(
            "DELETE", "artifacts.delete", check_id(artifact_id, "artifact_id"), timeout=timeout
        )

    async def delete_many(
        self,
        artifact_ids: Iterable[str],
        *,
        concurrency: int = 32,
        timeout: float | None = None,
        progress: Progress[DeleteResult] | None = None,
    ) -> dict[str, DeleteResult]:
        """Delete many draft artifacts with at most ``concurrency`` requests in flight (never more
        than the connection pool allows), like ``client.workloads.delete_many``.

        Returns one :class:`~workload_async.DeleteResult` per id, in the order given, and never
        raises because one failed: a registered artifact, or one a live workload uses, is
        ``failed`` with its :class:`~workload_async.errors.ConflictError`, an unknown id with its
        :class:`~workload_async.errors.NotFoundError`. ``timeout`` bounds the whole call (no limit
        of its own by default). Raises ``TypeError``/``ValueError`` for a bad id or
        ``concurrency``, before anything is sent.
        """
        ids = check_ids(artifact_ids, "artifact_ids", "artifact_id")
        check_concurrency(concurrency)

        async def delete(artifact_id: str, deadline: float | None) -> None:
            await self._t.call("DELETE", "artifacts.delete", artifact_id, deadline=deadline)

        work = run_deletes(
            ids,
            delete,
            concurrency=min(concurrency, self._t.pool.connections_per_host),
            deadline=deadline_after(self._t.clock, timeout),
            progress=progress,
            closed=lambda: self._t.closed,
            what="artifact",
        )
        return await self._t.observe.bulk("artifacts.delete", False, work)

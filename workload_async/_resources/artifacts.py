"""``client.artifacts``: what workloads run (image builds are in :mod:`.artifact_builds`)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import aclosing
from typing import Any

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.arguments import (
    check_choice,
    check_concurrency,
    check_id,
    check_ids,
    check_progress,
    check_text,
    check_timeout,
)
from .._models.checks import check_input_artifact
from .._models.converter import wire_fields
from .._models.enums import ArtifactStatus
from .._models.inputs import InputArtifact
from .._models.outputs import Artifact
from .._waiting.bulk import DeleteResult, Progress, deadline_after, run_deletes
from .._waiting.waits import Waits
from ..errors import OutcomeUnknownError, WorkloadAPIError
from .artifact_builds import BuildMethods
from .exactly_once import leaving, once_in_effect, unknown

__all__ = ["ArtifactsManager", "lock"]


async def lock(transport: Transport, artifact_id: str, deadline: float | None) -> Artifact:
    """Lock an artifact in the client's dialect, exactly once in effect: after a lost answer the
    artifact is read back, and the lock sent again only while it is still a draft (so a lock that
    was made is never reported as refused)."""
    dialect = await transport.get_dialect()

    async def send() -> Artifact:
        response = await transport.call(
            "PATCH",
            "artifacts.update",
            artifact_id,
            json_body={"status": dialect.lock_word},
            retry="create",
            deadline=deadline,
        )
        return response.parse(Artifact)

    async def read() -> Artifact:
        return (await transport.call("GET", "artifacts.get", artifact_id, deadline=deadline)).parse(Artifact)

    return await once_in_effect(transport, send, read, lambda artifact: artifact.is_locked, deadline)


class ArtifactsManager(BuildMethods):
    """Create, read, edit, register (lock) and delete artifacts; ``clone`` and image builds
    (``build``, ``builds``, ``get_build``, ``build_logs``, ``wait_for_builds``) on API 11.5."""

    def __init__(self, transport: Transport, waits: Waits) -> None:
        self._t = transport
        self._waits = waits

    async def create(self, artifact: InputArtifact, *, timeout: float | None = None) -> Artifact:
        """Create an artifact (a draft unless ``artifact.status`` is ``registered``/``locked``: then
        it is locked, by a second call on API 11.5, whose servers create drafts only).

        ``timeout`` bounds the whole call in seconds, retries included (as on every call).
        Raises ``ValueError`` for input the contract (or the client's API generation) forbids,
        before sending; :class:`~workload_async.errors.UnprocessableEntityError` for what the
        server rejects; :class:`~workload_async.errors.OutcomeUnknownError` when it was sent but no
        answer came. When the lock of the second call fails, the error names the draft it left
        (``left_behind``).
        """
        check_input_artifact(artifact)
        deadline = self._t.deadline_for(timeout)
        dialect = await self._t.get_dialect()
        body = dialect.artifact_body(artifact)
        response = await self._t.call(
            "POST", "artifacts.create", json_body=body, retry="create", deadline=deadline
        )
        created = response.parse(Artifact)
        wants_lock = artifact.status is not None and ArtifactStatus(artifact.status).is_locked
        if wants_lock and not created.is_locked:
            what = f"artifact {created.id}, created as a draft: lock it with register({created.id!r})"
            async with leaving(created.id, what):
                return await lock(self._t, created.id, deadline)
        return created

    async def get(self, artifact_id: str, *, timeout: float | None = None) -> Artifact:
        """One artifact. Raises :class:`~workload_async.errors.NotFoundError` if it does not exist."""
        response = await self._t.call(
            "GET", "artifacts.get", check_id(artifact_id, "artifact_id"), timeout=check_timeout(timeout)
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
        search = check_text(search, "search", optional=True, empty=True, limit=1000, one_line=True)
        if search is not None:
            params.append(("search", search))
        wanted = None if status is None else check_choice(status, ArtifactStatus, "status")
        if type is not None:
            params.append(("type", check_text(type, "type", limit=200, one_line=True) or ""))
            if self._t.dialect is not None:
                self._t.dialect.require("artifact type filter")

        def in_dialect(dialect: Dialect) -> list[tuple[str, str]]:
            if type is not None:
                dialect.require("artifact type filter")
            return params if wanted is None else [*params, ("status", dialect.artifact_status(wanted))]

        return AsyncPager(
            self._t,
            "artifacts.list",
            Artifact,
            params=in_dialect,
            page_size=page_size,
            offset=offset,
            timeout=check_timeout(timeout),
        )

    async def replace(
        self, artifact_id: str, artifact: InputArtifact, *, timeout: float | None = None
    ) -> Artifact:
        """Replace a draft artifact entirely (``PUT``), spec included.

        Raises :class:`~workload_async.errors.ConflictError` when it is registered (immutable) on
        API v2.41, :class:`~workload_async.errors.PermissionDeniedError` when it is locked on 11.5
        (the server answers 403).
        """
        check_id(artifact_id, "artifact_id")
        check_input_artifact(artifact)
        check_timeout(timeout)
        dialect = await self._t.get_dialect()
        response = await self._t.call(
            "PUT",
            "artifacts.replace",
            artifact_id,
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
        check_id(artifact_id, "artifact_id")
        check_text(name, "name", optional=True, limit=5000, one_line=True)
        check_text(description, "description", optional=True, empty=True)
        check_timeout(timeout)
        body = wire_fields(name=name, description=description)
        if not body:
            raise ValueError("update needs name= or description=")
        return await self._patch(artifact_id, body, timeout)

    async def register(self, artifact_id: str, *, timeout: float | None = None) -> Artifact:
        """Register (lock) an artifact: it gets a ``version`` and becomes immutable and undeletable.

        Sends the client's generation's word (``registered`` on v2.41, ``locked`` on 11.5), exactly
        once in effect: after a lost answer the artifact is read back and the lock sent again only
        while it is still a draft. Raises :class:`~workload_async.errors.ConflictError` (or, on
        11.5 servers, :class:`~workload_async.errors.PermissionDeniedError`) when it was already
        locked, and :class:`~workload_async.errors.UnprocessableEntityError` (11.5) when an image
        it builds from source is not built yet.
        """
        check_id(artifact_id, "artifact_id")
        return await lock(self._t, artifact_id, self._t.deadline_for(timeout))

    async def clone(self, artifact_id: str, *, name: str, timeout: float | None = None) -> Artifact:
        """A new draft with the same spec as artifact ``artifact_id``, named ``name`` (API 11.5).

        Made exactly once: when the answer is lost, the artifacts named ``name`` say whether the
        clone was made (give clones names of their own to make this certain).

        Raises :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client,
        :class:`~workload_async.errors.NotFoundError` for an unknown id and
        :class:`~workload_async.errors.OutcomeUnknownError` when the answer was lost and the
        artifacts of that name cannot tell::

            draft = await client.artifacts.clone(artifact.id, name=f"{artifact.name}-next")
        """
        check_id(artifact_id, "artifact_id")
        check_text(name, "name", limit=5000, one_line=True)
        deadline = self._t.deadline_for(timeout)
        dialect = await self._t.get_dialect()
        dialect.require("artifact clones")
        try:
            response = await self._t.call(
                "POST",
                "artifacts.clone",
                artifact_id,
                json_body={"name": name},
                retry="create",
                deadline=deadline,
            )
        except OutcomeUnknownError as lost:
            return await self._clone_made(lost, name, deadline)
        return response.parse(Artifact)

    async def _clone_made(self, lost: OutcomeUnknownError, name: str, deadline: float | None) -> Artifact:
        how = f"list client.artifacts.list(search={name!r}) before cloning again"
        named: list[Artifact] = []
        try:
            pager = AsyncPager(
                self._t, "artifacts.list", Artifact, params=[("search", name)], deadline=deadline
            )
            async with aclosing(pager.__aiter__()) as artifacts:
                named = [a async for a in artifacts if a.name == name]
        except WorkloadAPIError as exc:
            raise unknown(lost, "artifacts", f"listing them failed too ({exc}); {how}") from None
        if len(named) == 1 and not named[0].is_locked:
            return named[0]
        found = ", ".join(a.id for a in named) or "none"
        raise unknown(lost, "artifacts", f"the artifacts named {name!r} ({found}) cannot tell; {how}")

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
            "DELETE", "artifacts.delete", check_id(artifact_id, "artifact_id"), timeout=check_timeout(timeout)
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
        ids = check_ids(artifact_ids, "artifact_ids")
        check_concurrency(concurrency)
        check_progress(progress)

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

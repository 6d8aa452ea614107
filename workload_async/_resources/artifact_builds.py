"""``client.artifacts``' image builds (API 11.5): ``build``, ``builds``, ``get_build``,
``build_logs`` and ``wait_for_builds``.

A container whose ``image_build_config`` says how to build its image from source has no image
until a build of it completes; ``build`` starts one build per such container, exactly once (after
a lost answer the artifact's builds list says what it started, see :mod:`.exactly_once`). Waits
for builds poll the artifact's builds list on the client's one poller, one call a round for every
build of the artifact (:mod:`.._waiting.builds_wait`); ``BUILT`` (not yet pushed) is not done.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import attrs

from .._dialects.dialect import Dialect
from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.activity import Build, BuildLogLine
from .._models.arguments import check_id, check_ids
from .._models.json import from_json
from .._policies import PollPolicy
from .._waiting.waits import DEFAULT, Default, Waits, check_poll, limits
from ..errors import BuildFailedError, OutcomeUnknownError, WorkloadAPIError
from .exactly_once import newest, since, unknown

__all__ = ["BuildMethods"]

log = logging.getLogger("workload_async")
#: Lines of a failed build's log its error carries.
LOG_TAIL = 20


@attrs.frozen
class _Started:
    build_ids: tuple[str, ...] = ()


def _log_line(text: str) -> BuildLogLine:
    """One line of a build log: read as JSON when it is a JSON object, else its own message."""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        try:
            return attrs.evolve(from_json(BuildLogLine, parsed), text=text)
        except ValueError:
            pass
    return BuildLogLine(message=text, text=text)


class BuildMethods:
    """Image builds (see the module); mixed into :class:`~.artifacts.ArtifactsManager`, which sets
    ``_t`` and ``_waits``."""

    _t: Transport
    _waits: Waits

    async def _builds_here(self) -> Dialect:
        dialect = await self._t.get_dialect()
        dialect.require("image builds")
        return dialect

    async def build(
        self,
        artifact_id: str,
        *,
        wait: bool = False,
        timeout: float | Default | None = DEFAULT,
        poll: PollPolicy | None = None,
    ) -> tuple[Build, ...]:
        """Build the images of a draft artifact from source (API 11.5): one build for each
        container with an ``image_build_config``; return the builds started.

        With ``wait=True`` it waits, on the client's shared poller, until every one is
        ``COMPLETED`` (``BUILT`` is not: the image is not pushed yet) and returns them as they
        ended; each container's ``image_uri`` is then set (``client.artifacts.get``), and the
        artifact can be locked and run. ``timeout`` bounds the whole call, the wait included (the
        client's ``wait_timeout`` with ``wait=True``; no limit of its own otherwise).

        The request is made exactly once: when its answer is lost, the artifact's builds say
        which it started, and those are returned.

        Raises ``ValueError`` (nothing sent) for a bad id or timeout;
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client;
        :class:`~workload_async.errors.NotFoundError` for an unknown artifact;
        :class:`~workload_async.errors.UnprocessableEntityError` for a locked artifact or one
        with nothing to build; :class:`~workload_async.errors.OutcomeUnknownError` when the
        answer was lost and the builds list cannot tell; with ``wait=True``
        :class:`~workload_async.errors.BuildFailedError` (with the tail of the failed build's
        log) and :class:`~workload_async.errors.WaitTimeoutError`::

            builds = await client.artifacts.build(artifact.id, wait=True, timeout=1800)
            artifact = await client.artifacts.get(artifact.id)  # its image_uri is set
        """
        check_id(artifact_id, "artifact_id")
        check_poll(poll)
        deadline, call_timeout = limits(self._waits, wait, timeout)
        await self._builds_here()
        if deadline is None and call_timeout is not None:
            deadline = self._t.deadline_for(call_timeout)
        marker = await newest(self._t, "artifacts.builds", (artifact_id,), Build, deadline)
        try:
            response = await self._t.call(
                "POST", "artifacts.build", artifact_id, json_body={}, retry="create", deadline=deadline
            )
        except OutcomeUnknownError as lost:
            started = await self._recover(lost, artifact_id, marker, deadline)
        else:
            started = await self._started(artifact_id, response.parse(_Started).build_ids, marker, deadline)
        if not wait or not started:
            return started
        return await self._await_builds(artifact_id, tuple(b.id for b in started), deadline, poll)

    async def _started(
        self, artifact_id: str, ids: tuple[str, ...], marker: str | None, deadline: float | None
    ) -> tuple[Build, ...]:
        """The builds a start answered with, as the artifact's builds list shows them; when that
        list cannot be read, they were started all the same: their ids, status unknown."""
        try:
            made = await since(self._t, "artifacts.builds", (artifact_id,), Build, marker, deadline)
        except WorkloadAPIError as exc:
            log.info("builds %s of artifact %s were started; reading them failed: %s",
                     ", ".join(ids), artifact_id, exc)  # fmt: skip
            made = []
        by_id = {b.id: b for b in made}
        return tuple(by_id.get(i) or Build(id=i, artifact_id=artifact_id) for i in ids)

    async def _recover(
        self, lost: OutcomeUnknownError, artifact_id: str, marker: str | None, deadline: float | None
    ) -> tuple[Build, ...]:
        how = f"look in client.artifacts.builds({artifact_id!r}) before building again"
        try:
            made = await since(self._t, "artifacts.builds", (artifact_id,), Build, marker, deadline)
        except WorkloadAPIError as exc:
            raise unknown(lost, "builds", f"reading the builds failed too ({exc}); {how}") from None
        if not made:
            raise unknown(lost, "builds", f"the artifact shows no build started since; {how}")
        log.info("the answer to %s %s was lost; the artifact shows it started builds %s",
                 lost.method, lost.url, ", ".join(b.id for b in made))  # fmt: skip
        return tuple(reversed(made))  # in the order they were started

    def builds(
        self, artifact_id: str, *, page_size: int = MAX_PAGE_SIZE, timeout: float | None = None
    ) -> AsyncPager[Build]:
        """An artifact's image builds, newest first, fetched lazily (API 11.5).

        ``timeout`` bounds the fetch of each page. Raises ``ValueError`` for a bad id and
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client; fetching a
        page raises from the error tree::

            async for build in client.artifacts.builds(artifact.id):
                print(build.id, build.status)
        """
        check_id(artifact_id, "artifact_id")
        if self._t.dialect is not None:
            self._t.dialect.require("image builds")
        return AsyncPager(
            self._t, "artifacts.builds", Build, page_size=page_size, route_ids=(artifact_id,), timeout=timeout
        )

    async def get_build(self, artifact_id: str, build_id: str, *, timeout: float | None = None) -> Build:
        """One image build of an artifact (API 11.5).

        Raises ``ValueError`` for a bad id or timeout,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown artifact or build.
        """
        check_id(artifact_id, "artifact_id")
        check_id(build_id, "build_id")
        deadline = self._t.deadline_for(timeout)
        await self._builds_here()
        response = await self._t.call("GET", "artifacts.get_build", artifact_id, build_id, deadline=deadline)
        return response.parse(Build)

    async def build_logs(
        self, artifact_id: str, build_id: str, *, timeout: float | None = None
    ) -> list[BuildLogLine]:
        """The log of an image build so far, oldest line first (API 11.5): each line read into a
        :class:`~workload_async.BuildLogLine` where the server wrote it as JSON, kept as its own
        ``message`` where it did not (a tool's plain output).

        Raises ``ValueError`` for a bad id or timeout,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown artifact or build::

            for line in await client.artifacts.build_logs(artifact.id, build.id):
                print(line)
        """
        check_id(artifact_id, "artifact_id")
        check_id(build_id, "build_id")
        deadline = self._t.deadline_for(timeout)
        await self._builds_here()
        response = await self._t.call("GET", "artifacts.build_logs", artifact_id, build_id, deadline=deadline)
        return [_log_line(line.strip()) for line in response.text().splitlines() if line.strip()]

    async def wait_for_builds(
        self,
        artifact_id: str,
        build_ids: Iterable[str],
        *,
        timeout: float | Default | None = DEFAULT,
        deadline: float | None = None,
        poll: PollPolicy | None = None,
    ) -> tuple[Build, ...]:
        """Wait until every build in ``build_ids`` of the artifact is ``COMPLETED`` (API 11.5) and
        return them, in that order. Every wait for builds of one artifact costs one call a round,
        on the client's shared poller; ``timeout``/``deadline`` as for
        :meth:`~workload_async.WorkloadsManager.wait`.

        Raises ``ValueError`` for no ids, a bad id or timeout;
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client;
        :class:`~workload_async.errors.BuildFailedError` as soon as one ends ``FAILED`` or
        ``CANCELLED`` (with the tail of its log);
        :class:`~workload_async.errors.NotFoundError` for a build the artifact does not list (or
        an unknown artifact); :class:`~workload_async.errors.WaitTimeoutError` at the deadline.
        """
        check_id(artifact_id, "artifact_id")
        ids = check_ids(build_ids, "build_ids")
        if not ids:
            raise ValueError("build_ids must name at least one build")
        end = self._waits.deadline_for(timeout, deadline)
        check_poll(poll)
        await self._builds_here()
        return await self._await_builds(artifact_id, tuple(ids), end, poll)

    async def _await_builds(
        self, artifact_id: str, build_ids: tuple[str, ...], deadline: float | None, poll: PollPolicy | None
    ) -> tuple[Build, ...]:
        waiter = self._waits.register_builds(artifact_id, build_ids, deadline, poll)
        try:
            return await waiter.future
        except BuildFailedError as failed:
            tail: tuple[str, ...] = ()
            try:
                lines = await self.build_logs(artifact_id, failed.build.id)
                tail = tuple(str(line) for line in lines[-LOG_TAIL:])
            except WorkloadAPIError as exc:
                log.warning("the log of failed build %s could not be read: %s", failed.build.id, exc)
            raise BuildFailedError(build=failed.build, log_tail=tail, builds=failed.builds) from None

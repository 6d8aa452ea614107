"""Waits for image builds (API 11.5), served by the client's one poller as a second kind of target.

A workload wait is polled in batches: up to 100 workload ids a call. A build belongs to an
artifact, and an artifact's builds are listed by one call (``GET artifacts/{id}/builds/``, newest
first, 100 a page), so a wait for builds polls its :class:`ArtifactBuilds` target: every build
wait of one artifact, however many builds each waits for, shares one call a round. The poller
keeps such targets beside the workload ids, on the same schedule, deadlines and ``close()``; what
an answer means is :func:`~.waiter.judge_builds`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import attrs

from .._http.pagination import follow
from .._http.transport import Transport
from .._models.activity import Build
from .._models.enums import BuildStatus
from .._models.outputs import Page
from ..errors import BuildFailedError, NotFoundError, WaitTimeoutError, WorkloadAPIError
from .poll_calls import Rulings, again_later, ended
from .waiter import Pending, judge_builds

__all__ = ["ArtifactBuilds", "BuildsCall", "BuildsWaiter"]

log = logging.getLogger("workload_async")
#: Builds a call asks for a page (the list route's largest page).
PAGE = 100
#: Pages a call follows at most looking for the builds it waits for (newest first: they are on
#: the first page unless a hundred newer builds of the artifact came since).
MAX_PAGES = 10


@attrs.frozen
class ArtifactBuilds:
    """The builds of one artifact, as the poller polls them: one call a round for every wait."""

    artifact_id: str

    def call(self, transport: Transport, waiters: list[BuildsWaiter], started: float) -> BuildsCall:
        """The call of one round for ``waiters`` (the waits of this artifact's builds)."""
        return BuildsCall(transport, self.artifact_id, waiters, started)


@attrs.define(eq=False, kw_only=True)
class BuildsWaiter(Pending):
    """One wait for some builds of one artifact; its future gets the builds, in the order of
    ``build_ids``, once every one is ``COMPLETED``."""

    artifact_id: str
    build_ids: tuple[str, ...]
    future: asyncio.Future[tuple[Build, ...]]
    #: The builds as last seen, by id.
    last: dict[str, Build] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        self.key = ArtifactBuilds(self.artifact_id)

    @property
    def subject(self) -> str:
        """How errors name what the wait is for."""
        which = ", ".join(self.build_ids)
        return f"build{'s' if len(self.build_ids) > 1 else ''} {which} of artifact {self.artifact_id}"

    def observe(self, builds: dict[str, Build], now: float) -> None:
        """Take one answer: note each change, then settle the future unless still pending."""
        self.polls += 1
        self.strikes = 0
        self.last_error = None
        for build_id in self.build_ids:
            build = builds.get(build_id)
            before = self.last.get(build_id)
            if build is None:
                continue
            if before is None or before.status != build.status:
                was = f"{before.status.value} -> " if before is not None else ""
                log.info(
                    "build %s of artifact %s %s%s (%.1fs)",
                    build_id,
                    self.artifact_id,
                    was,
                    build.status.value,
                    now - self.started,
                )
            self.last[build_id] = build
        verdict = judge_builds({i: b.status for i, b in builds.items()}, self.build_ids)
        if verdict == "reached":
            self.future.set_result(tuple(self.last[i] for i in self.build_ids))
        elif verdict == "failed":
            failed = next(
                self.last[i] for i in self.build_ids if i in self.last and self.last[i].status.is_failure
            )
            self.fail(BuildFailedError(build=failed, builds=tuple(self.last.values())))

    def time_out(self, now: float, held_by: BaseException | None = None) -> None:
        """Settle the future with :class:`~workload_async.errors.WaitTimeoutError` naming the builds."""
        seen = ", ".join(f"{i} {b.status.value}" for i, b in self.last.items()) or None
        self.fail(
            WaitTimeoutError(
                workload_id="",
                workload=None,
                elapsed=now - self.started,
                polls=self.polls,
                target=BuildStatus.COMPLETED.value,
                last_error=self.last_error or held_by,
                subject=self.subject,
                last_status=seen,
            )
        )


class BuildsCall:
    """One round's call for the builds of one artifact: the newest page (and the next ones, while
    a build waited for is not on them), and what it means for each wait."""

    __slots__ = ("artifact_id", "requests", "started", "transport", "waiters")

    def __init__(
        self, transport: Transport, artifact_id: str, waiters: list[BuildsWaiter], started: float
    ) -> None:
        self.transport = transport
        self.artifact_id = artifact_id
        self.waiters = waiters
        self.started = started
        self.requests = 0

    async def fetch(self) -> dict[str, Build]:
        """The artifact's builds by id, as far as the pages hold one waited for. The poller polls
        again on failure, so the call itself is not retried."""
        transport = self.transport
        await transport.get_dialect()
        wanted = {i for w in self.waiters for i in w.build_ids}
        first = transport.url("artifacts.builds", self.artifact_id)
        url: Any = first.with_query([("limit", str(PAGE))])
        builds: dict[str, Build] = {}
        for _ in range(MAX_PAGES):
            response = await transport.send("GET", url, retry="never", route="artifacts.builds")
            self.requests += 1
            page = response.parse(Page[Build])
            builds.update((b.id, b) for b in page.data if b.id not in builds)
            if wanted <= builds.keys() or not page.next or not page.data:
                break
            url = follow(page.next, url, transport.base, first.raw_path)
        return builds

    def rule(self, builds: dict[str, Build], now: float) -> Rulings:
        """Hand the builds to each wait; fail one whose build is still not listed after its poll
        policy's ``stale_grace`` (a build id of another artifact, or none at all)."""
        rulings = Rulings(answered=True)
        for waiter in self.waiters:
            if waiter.future.done():
                continue
            missing = [i for i in waiter.build_ids if i not in builds]
            if missing and now - waiter.started >= waiter.policy.stale_grace:
                waiter.fail(self._unknown(missing[0]))
            else:
                waiter.observe(builds, now)
            if waiter.future.done():
                rulings.left.append(waiter)
                continue
            policy = waiter.policy
            if waiter.interval < policy.cap:
                waiter.interval = policy.interval(waiter.polls)
            interval = policy.jittered(waiter.interval) if policy.jitter else waiter.interval
            rulings.again.append((waiter, max(self.started + interval, now + 0.5 * interval)))
        return rulings

    def rule_failure(self, exc: WorkloadAPIError, now: float) -> Rulings:
        """The call failed: as a failed status call (see :func:`~.poll_calls.again_later`)."""
        rulings = again_later(exc, self.waiters, now, self.transport.retry.max_retry_after)
        if not ended(exc):
            log.warning("builds poll of artifact %s failed: %s", self.artifact_id, exc)
        return rulings

    def _unknown(self, build_id: str) -> NotFoundError:
        dialect = self.transport.dialect
        path = (
            dialect.path("artifacts.builds", self.artifact_id) if dialect is not None else "artifacts.builds"
        )
        return NotFoundError(
            f"build {build_id} is not a build of artifact {self.artifact_id}",
            status=404,
            method="GET",
            url=path,
        )

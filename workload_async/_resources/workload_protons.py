"""``client.workloads``' protons (API 11.5): the running instances of a workload, and the status
snapshot of one, down to its replicas' containers (``api-live.md`` §3).

A v2.41 client raises :class:`~workload_async.errors.UnsupportedFeatureError` (the manager asks
the client's dialect), after the arguments were checked and before anything is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.arguments import check_id
from .._models.enums import ReplacementStatus
from .._waiting.diagnosis import describe

if TYPE_CHECKING:  # imported where used: a program that never asks for protons never loads them
    from .._models.protons import Proton, ProtonSnapshot


@attrs.frozen
class _Rollout:
    """What :meth:`ProtonMethods.diagnose` reads of the replacement a workload shows."""

    status: ReplacementStatus = ReplacementStatus.UNKNOWN
    candidate_proton_ids: tuple[str, ...] = ()


@attrs.frozen
class _Active:
    proton_id: str | None = None
    replacement: _Rollout | None = None


__all__ = ["ProtonMethods"]


class ProtonMethods:
    """The protons of ``client.workloads`` (see the module); the manager sets ``_t``."""

    _t: Transport

    def protons(
        self,
        workload_id: str,
        *,
        page_size: int = MAX_PAGE_SIZE,
        offset: int = 0,
        timeout: float | None = None,
    ) -> AsyncPager[Proton]:
        """The workload's protons, newest first, fetched lazily (API 11.5): the ``active`` one
        serving it, a ``candidate`` while a settings replacement brings one up, and those that
        served before (no role).

        ``offset`` skips that many; ``timeout`` bounds the fetch of each page, retries included.
        Raises ``ValueError`` for a bad id, ``page_size`` or ``offset``,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client (at once when
        the client's generation is known, else when the iteration starts); fetching a page raises
        from the error tree::

            active = [p async for p in client.workloads.protons(workload_id) if p.role == "active"]
        """
        wid = check_id(workload_id, "workload_id")
        if self._t.dialect is not None:
            self._t.dialect.require("protons")
        from .._models.protons import Proton

        return AsyncPager(
            self._t,
            "workloads.protons",
            Proton,
            page_size=page_size,
            offset=offset,
            route_ids=(wid,),
            timeout=timeout,
        )

    async def proton(self, workload_id: str, proton_id: str, *, timeout: float | None = None) -> Proton:
        """One proton of the workload (API 11.5).

        Raises ``ValueError`` for an empty id, :class:`~workload_async.errors.UnsupportedFeatureError`
        on a v2.41 client and :class:`~workload_async.errors.NotFoundError` for an unknown workload
        or proton.
        """
        ids = check_id(workload_id, "workload_id"), check_id(proton_id, "proton_id")
        (await self._t.get_dialect()).require("protons")
        response = await self._t.call("GET", "workloads.proton", *ids, timeout=timeout)
        from .._models.protons import Proton

        return response.parse(Proton)

    async def proton_status(
        self, workload_id: str, proton_id: str, *, timeout: float | None = None
    ) -> ProtonSnapshot | None:
        """The latest status of a proton's replicas and containers (API 11.5); None before the
        proton's first status update (the server answers 204 while it is just submitted).

        This is where a start that does not come up says why: a container ``waiting`` with no
        restarts (its image cannot be pulled), ``waiting`` with restarts (a crash loop),
        ``terminated`` (killed, e.g. for its memory), and the summary in
        ``overall_status.summary``. Raises ``ValueError`` for an empty id,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown workload or proton::

            workload = await client.workloads.get(workload_id)
            snapshot = await client.workloads.proton_status(workload_id, workload.proton_id)
        """
        ids = check_id(workload_id, "workload_id"), check_id(proton_id, "proton_id")
        (await self._t.get_dialect()).require("protons")
        response = await self._t.call("GET", "workloads.proton_status", *ids, timeout=timeout)
        if response.status == 204 or not response.body.strip():
            return None
        from .._models.protons import ProtonSnapshot

        return response.parse(ProtonSnapshot)

    async def diagnose(self, workload_id: str, *, timeout: float | None = None) -> str | None:
        """Why the workload is where it is, in one line, as a failed wait says it (API 11.5):
        ``container app: image pull back-off (registry.example.com/app:1 not found), 0 restarts``.

        It reads the workload (for its active proton) and that proton's status snapshot: two
        calls, for the workloads a batch of waits left undiagnosed (see
        :class:`~workload_async.errors.WaitError`'s ``diagnosis``); of a healthy workload it gives
        the monitor's summary (``running: All replicas are running and ready``). While the
        workload goes through a replacement it reads the candidate proton instead, the version
        coming up (``candidate: container app: ...``), as a replacement's wait does. Returns None
        when the proton has not reported yet or its snapshot says nothing. ``timeout`` bounds each
        call.
        Raises ``ValueError`` for an empty id,
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown workload::

            for outcome in outcomes.values():
                if not outcome.ok and outcome.error.diagnosis is None:
                    print(outcome.workload_id, await client.workloads.diagnose(outcome.workload_id))
        """
        wid = check_id(workload_id, "workload_id")
        (await self._t.get_dialect()).require("protons")
        active = (await self._t.call("GET", "workloads.get", wid, timeout=timeout)).parse(_Active)
        rollout = active.replacement
        if rollout is not None and not rollout.status.is_settled and rollout.candidate_proton_ids:
            snapshot = await self.proton_status(wid, rollout.candidate_proton_ids[0], timeout=timeout)
            text = None if snapshot is None else describe(snapshot)
            return None if text is None else f"candidate: {text}"
        if active.proton_id is None:
            return None
        snapshot = await self.proton_status(wid, active.proton_id, timeout=timeout)
        return None if snapshot is None else describe(snapshot)

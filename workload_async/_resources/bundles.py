"""``client.bundles``: the compute bundles a workload's runtime can name."""

from __future__ import annotations

from collections.abc import Iterable

from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
from .._models.arguments import check_id, check_strings, check_text, check_timeout
from .._models.outputs import ComputeBundle

__all__ = ["BundlesManager"]


class BundlesManager:
    """The catalogue of compute bundles (``mlops/compute/bundles``). Reached as ``client.bundles``.

    A bundle's ``id`` is what :class:`~workload_async.ResourceBundle` names in a
    :class:`~workload_async.WorkloadRuntime`; the server refuses (422) an id it does not know.
    """

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def list(
        self,
        *,
        use_cases: Iterable[str] | None = None,
        entity_type: str | None = None,
        entity_id: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        timeout: float | None = None,
    ) -> AsyncPager[ComputeBundle]:
        """The bundles on offer, fetched lazily: ``async for b in client.bundles.list(...)``.

        ``use_cases`` keeps bundles meant for those uses (``"workload"``, ``"customModel"``,
        ``"customApplication"``); ``entity_type``/``entity_id`` ask for the bundles available to
        one entity, where the server limits them. ``timeout`` bounds the fetch of each page,
        retries included.

        Raises ``TypeError``/``ValueError`` naming the argument at once (``use_cases`` given as a
        string rather than a list, for one); fetching a page raises from the error tree::

            small = [b async for b in client.bundles.list(use_cases=["workload"]) if not b.gpu_count]
        """
        params: list[tuple[str, str]] = []
        if use_cases is not None:
            params += [("useCases", use_case) for use_case in check_strings(use_cases, "use_cases")]
        entity_type = check_text(entity_type, "entity_type", optional=True, limit=200, one_line=True)
        if entity_type is not None:
            params.append(("entityType", entity_type))
        if entity_id is not None:
            params.append(("entityId", check_id(entity_id, "entity_id")))
        return AsyncPager(
            self._t,
            "bundles.list",
            ComputeBundle,
            params=params,
            page_size=page_size,
            timeout=check_timeout(timeout),
        )

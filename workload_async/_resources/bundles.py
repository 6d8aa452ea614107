"""``client.bundles``: the compute bundles a workload's runtime can name."""

from __future__ import annotations

from collections.abc import Iterable

from .._http.pagination import MAX_PAGE_SIZE, AsyncPager
from .._http.transport import Transport
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

        Raises ``ValueError`` at once when ``use_cases`` is a string rather than a list; fetching a
        page raises from the error tree::

            small = [b async for b in client.bundles.list(use_cases=["workload"]) if not b.gpu_count]
        """
        params: list[tuple[str, str]] = []
        if use_cases is not None:
            if isinstance(use_cases, str):
                raise ValueError(f"use_cases must be a list of use cases, got the string {use_cases!r}")
            for use_case in use_cases:
                if not isinstance(use_case, str) or not use_case:
                    raise ValueError(f"use_cases must hold non-empty strings, got {use_case!r}")
                params.append(("useCases", use_case))
        if entity_type is not None:
            params.append(("entityType", entity_type))
        if entity_id is not None:
            params.append(("entityId", entity_id))
        return AsyncPager(
            self._t, "bundles.list", ComputeBundle, params=params, page_size=page_size, timeout=timeout
        )

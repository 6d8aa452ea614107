"""``client.workloads``' traffic figures (API 11.5): one workload's, one metric's time series, and
the fleet's (``api-live.md`` §6).

Each checks its arguments before anything is sent, then asks the client's dialect: a v2.41
client raises :class:`~workload_async.errors.UnsupportedFeatureError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from .._http.transport import Transport
from .._models.arguments import check_choices, check_id, check_ids, check_moment, check_text
from .._models.converter import wire_fields
from .._models.enums import Importance, WorkloadStatus

if TYPE_CHECKING:  # imported where used: a program that never asks for figures never loads them
    from .._models.activity import WorkloadStats
    from .._models.stats import FleetStats, MetricSeries

__all__ = ["METRICS", "RESOLUTIONS", "StatsMethods"]

#: The metrics :meth:`StatsMethods.stats_series` reads.
METRICS = (
    "totalRequests",
    "requestsOverN",
    "requestsPerMinute",
    "concurrentRequests",
    "responseTime",
    "totalErrorRate",
)
#: The bucket widths of a series: a minute, five, an hour, a day, a week, a month.
RESOLUTIONS = ("PT1M", "PT5M", "PT1H", "P1D", "P7D", "P1M")

Query = list[tuple[str, str]]


def _window(start: datetime | None, end: datetime | None) -> Query:
    for name, value in (("start", start), ("end", end)):
        if value is not None:
            check_moment(value, name)  # a naive one is refused: one rule everywhere
    if start is not None and end is not None and start > end:
        raise ValueError(f"start ({start.isoformat()}) is after end ({end.isoformat()})")
    return [(key, str(value)) for key, value in wire_fields(start_time=start, end_time=end).items()]


def _figures(
    proton_id: str | None, response_time_quantile: float | None, slow_requests_threshold: int | None
) -> Query:
    """The queries of how the figures are counted, checked."""
    query: Query = []
    if proton_id is not None:
        query.append(("protonId", check_id(proton_id, "proton_id")))
    q = response_time_quantile
    if q is not None:
        if isinstance(q, bool) or not isinstance(q, int | float):
            raise TypeError(f"response_time_quantile must be a number, got {type(q).__name__}")
        if not 0 <= q <= 1:  # NaN too
            raise ValueError(f"response_time_quantile must be between 0 and 1 (0.95 is p95), got {q!r}")
        query.append(("responseTimeQuantile", f"{q:g}"))
    slow = slow_requests_threshold
    if slow is not None:
        if isinstance(slow, bool) or not isinstance(slow, int):
            raise TypeError(f"slow_requests_threshold must be whole milliseconds, got {slow!r}")
        if slow < 0:
            raise ValueError(f"slow_requests_threshold must be >= 0 milliseconds, got {slow}")
        query.append(("slowRequestsThreshold", str(slow)))
    return query


class StatsMethods:
    """The traffic figures of ``client.workloads`` (see the module); the manager sets ``_t``."""

    _t: Transport

    async def _require(self, feature: str) -> None:
        (await self._t.get_dialect()).require(feature)

    async def stats(
        self,
        workload_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        proton_id: str | None = None,
        response_time_quantile: float | None = None,
        slow_requests_threshold: int | None = None,
        timeout: float | None = None,
    ) -> WorkloadStats:
        """Traffic figures of the workload's invoke route between ``start`` and ``end`` (API 11.5).

        ``start`` and ``end`` are aware datetimes (the server's default window when left out).
        The figures are those of one proton, the active one unless ``proton_id`` names another;
        ``response_time`` is the ``response_time_quantile`` of the response times (the server's
        default is the median, 0.5; 0.95 is p95), and a request is slow past
        ``slow_requests_threshold`` milliseconds (the server's default is 2000). ``timeout``
        bounds the call, retries included.

        Raises ``TypeError``/``ValueError`` naming an argument that is wrong (nothing sent),
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown workload or proton::

            stats = await client.workloads.stats(workload_id, response_time_quantile=0.95)
            print(stats.metrics.total_requests, "requests, p95", stats.metrics.response_time, "ms")
        """
        wid = check_id(workload_id, "workload_id")
        params = _window(start, end) + _figures(proton_id, response_time_quantile, slow_requests_threshold)
        await self._require("workload stats")
        response = await self._t.call("GET", "workloads.stats", wid, params=params or None, timeout=timeout)
        from .._models.activity import WorkloadStats

        return response.parse(WorkloadStats)

    async def stats_series(
        self,
        workload_id: str,
        metric: str,
        *,
        resolution: str = "P1D",
        start: datetime | None = None,
        end: datetime | None = None,
        proton_id: str | None = None,
        response_time_quantile: float | None = None,
        slow_requests_threshold: int | None = None,
        timeout: float | None = None,
    ) -> MetricSeries:
        """One metric of the workload over time, in buckets of ``resolution`` (API 11.5).

        ``metric`` is one of ``totalRequests``, ``requestsOverN`` (requests slower than the
        threshold), ``requestsPerMinute``, ``concurrentRequests``, ``responseTime``,
        ``totalErrorRate``; ``resolution`` one of ``PT1M``, ``PT5M``, ``PT1H``, ``P1D`` (the
        default), ``P7D``, ``P1M``. The other arguments are those of :meth:`stats`.

        Raises ``TypeError``/``ValueError`` naming an argument that is wrong (nothing sent),
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client and
        :class:`~workload_async.errors.NotFoundError` for an unknown workload or proton.
        """
        wid = check_id(workload_id, "workload_id")
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {', '.join(METRICS)}, got {metric!r}")
        if resolution not in RESOLUTIONS:
            raise ValueError(f"resolution must be one of {', '.join(RESOLUTIONS)}, got {resolution!r}")
        params = [
            ("resolution", resolution),
            *_window(start, end),
            *_figures(proton_id, response_time_quantile, slow_requests_threshold),
        ]
        await self._require("workload stats")
        response = await self._t.call(
            "GET", "workloads.stats_series", wid, metric, params=params, timeout=timeout
        )
        from .._models.stats import MetricSeries

        return response.parse(MetricSeries)

    async def fleet_stats(
        self,
        *,
        ids: Iterable[str] | None = None,
        search: str | None = None,
        status: WorkloadStatus | str | Iterable[WorkloadStatus | str] | None = None,
        importance: Importance | str | Iterable[Importance | str] | None = None,
        artifact_id: str | None = None,
        timeout: float | None = None,
    ) -> FleetStats:
        """The traffic figures of every workload the filters keep, together (API 11.5): how many
        there are and how many are active, their requests, error rate, response time and
        concurrent requests, each with the server's trend.

        The filters are those of :meth:`list`. Raises ``TypeError``/``ValueError`` naming a
        filter that is wrong (nothing sent) and
        :class:`~workload_async.errors.UnsupportedFeatureError` on a v2.41 client::

            fleet = await client.workloads.fleet_stats(importance=["high", "critical"])
        """
        params: Query = []
        if ids is not None:
            params += [("ids", i) for i in check_ids(ids, "ids")]
        search = check_text(search, "search", optional=True, empty=True, limit=1000, one_line=True)
        if search is not None:
            params.append(("search", search))
        if status is not None:
            params += [("status", s) for s in check_choices(status, WorkloadStatus, "status")]
        if importance is not None:
            params += [("importance", i) for i in check_choices(importance, Importance, "importance")]
        if artifact_id is not None:
            params.append(("artifactId", check_id(artifact_id, "artifact_id")))
        await self._require("fleet stats")
        response = await self._t.call("GET", "workloads.fleet_stats", params=params or None, timeout=timeout)
        from .._models.stats import FleetStats

        return response.parse(FleetStats)

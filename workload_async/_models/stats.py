"""Traffic figures only the 11.5 generation answers beyond one workload's: the fleet's, and one
metric's time series (``api-live.md`` §6)."""

from __future__ import annotations

from typing import Any

import attrs

from .outputs import StatsPeriod

__all__ = [
    "FleetConcurrency",
    "FleetErrorRate",
    "FleetRequests",
    "FleetResponseTime",
    "FleetStats",
    "FleetWorkloads",
    "MetricSeries",
    "SeriesSummary",
]


@attrs.frozen
class FleetWorkloads:
    """How many workloads the figures cover, and how many of them are active."""

    total: int = 0
    active: int = 0


@attrs.frozen
class FleetRequests:
    """Requests through the workloads' invoke routes; ``trend`` is the server's change
    indicator (positive: increasing)."""

    total: int = 0
    succeeded: int = 0
    failed: int = 0
    trend: float = 0.0


@attrs.frozen
class FleetErrorRate:
    """The share of failed requests, as a percentage, and its trend."""

    rate: float = 0.0
    trend: float = 0.0


@attrs.frozen
class FleetResponseTime:
    """The response time in milliseconds, and its trend."""

    millis: int = 0
    trend: float = 0.0


@attrs.frozen
class FleetConcurrency:
    """Requests in flight, and their trend."""

    count: int = 0
    trend: float = 0.0


@attrs.frozen
class FleetStats:
    """The figures of every workload a listing's filters keep (API 11.5), as
    ``client.workloads.fleet_stats(...)`` returns them::

        fleet = await client.workloads.fleet_stats(importance="critical")
        print(fleet.workloads.active, "of", fleet.workloads.total, "up;", fleet.error_rate.rate, "% errors")
    """

    workloads: FleetWorkloads = attrs.field(factory=FleetWorkloads)
    requests: FleetRequests = attrs.field(factory=FleetRequests)
    error_rate: FleetErrorRate = attrs.field(factory=FleetErrorRate)
    response_time: FleetResponseTime = attrs.field(factory=FleetResponseTime)
    concurrent_requests: FleetConcurrency = attrs.field(factory=FleetConcurrency)


@attrs.frozen
class SeriesSummary:
    """Which proton a series is of, and the time window it covers."""

    proton_id: str | None = None
    period: StatsPeriod = attrs.field(factory=StatsPeriod)


@attrs.frozen
class MetricSeries:
    """One metric of a workload over time (API 11.5), in buckets of the resolution asked for.

    The description leaves a bucket's fields open, so each is the server's JSON object as it
    came (the emulator's: ``start``, ``end`` and ``value``)::

        series = await client.workloads.stats_series(workload_id, "totalRequests", resolution="PT1H")
        for bucket in series.buckets:
            print(bucket.get("start"), bucket.get("value"))
    """

    metric: str | None = None
    summary: SeriesSummary = attrs.field(factory=SeriesSummary)
    buckets: tuple[dict[str, Any], ...] = ()

"""Traffic figures (``api-11.5.md`` §2, ``api-live.md`` §6): one workload's, a metric's time
series, and the fleet's.

They count the calls that went through a workload's invoke route. A workload's figures are those
of one proton (the active one unless ``protonId`` names another): the calls made while it served.
Counts and milliseconds are integers, rates are fractions of 1 (the fleet's error rate is a
percentage, as the description says).
"""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from .._invoke import Handler
from .._records import WorkloadRec
from .._state import state_of, user_of
from .._store import Store, StoreError
from .._web import json_response, query_error, time_query, timestamp
from .listing import matching_workloads
from .replacements import first_proton, phases

__all__ = ["FLEET_ROUTES", "METRICS", "RESOLUTIONS", "STATS_ROUTES", "active_spans"]

#: The metrics a time series is read for.
METRICS = (
    "totalRequests",
    "requestsOverN",
    "requestsPerMinute",
    "concurrentRequests",
    "responseTime",
    "totalErrorRate",
)
#: A series' bucket width, by ``resolution`` (a month is 30 days: emulator's choice).
RESOLUTIONS = {"PT1M": 60, "PT5M": 300, "PT1H": 3600, "P1D": 86400, "P7D": 7 * 86400, "P1M": 30 * 86400}
#: At most this many buckets in one series (emulator's choice: a finer resolution over a long
#: window is 422).
MOST_BUCKETS = 10_000
#: The fleet's figures cover the last day; their trend compares it with the day before
#: (emulator's choice).
FLEET_WINDOW = 86400.0

Call = tuple[float, float, int]  # when it ended (clock time), how long it took (ms), its status


def active_spans(store: Store, w: WorkloadRec) -> list[tuple[str, float, float]]:
    """Each proton that served the workload, with when it began and stopped serving (``inf``:
    it still does), oldest first."""
    spans = []
    current, since = first_proton(store, w)[0], w.created
    for r, phase in phases(store, w):
        state, when = phase.status, phase.since
        if state == "completed":
            spans.append((current, since, when))
            current, since = r.candidate_proton_id, when
    spans.append((current, since, math.inf))
    return spans


def _number(request: web.Request, name: str, default: float, *, whole: bool, most: float | None) -> float:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = float(int(raw)) if whole else float(raw)
    except ValueError:
        value = math.nan
    if not (value >= 0 and (most is None or value <= most)):
        kind = "an integer >= 0" if whole else f"a number between 0 and {most:g}"
        raise query_error(name, f"Input should be {kind}")
    return value


def _moment(request: web.Request, store: Store, name: str, default: float) -> float:
    when = time_query(request, name)
    return default if when is None else default + (when - store.wall(default)).total_seconds()


def _window(request: web.Request, store: Store, w: WorkloadRec) -> tuple[str, float, float, list[Call]]:
    """The proton asked for (the active one by default), the window, and the calls made in it
    while that proton served."""
    spans = active_spans(store, w)
    proton_id = request.query.get("protonId") or spans[-1][0]
    served = [(start, end) for pid, start, end in spans if pid == proton_id]
    if not served and proton_id not in _proton_ids(store, w):
        raise StoreError(404, f"Proton {proton_id} not found")
    start = _moment(request, store, "startTime", w.created)
    end = _moment(request, store, "endTime", store.now())
    calls = [c for c in w.calls if start <= c[0] <= end and any(a <= c[0] < b for a, b in served)]
    return proton_id, start, end, calls


def _proton_ids(store: Store, w: WorkloadRec) -> set[str]:
    ids = {w.proton_id}
    for r in store.replacements.get(w.id, []):
        ids.add(r.candidate_proton_id)
    return ids


def quantile(values: list[float], q: float) -> int:
    """The ``q`` quantile of ``values`` by nearest rank, in whole milliseconds (0 for none)."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return round(ordered[rank - 1])


def peak_concurrency(calls: list[Call]) -> int:
    """The most calls in flight at once."""
    edges = sorted([(t - ms / 1000, 1) for t, ms, _ in calls] + [(t, -1) for t, _, _ in calls])
    peak = level = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def _metrics(calls: list[Call], seconds: float, q: float, slow_ms: float, in_flight: int) -> dict[str, Any]:
    total = len(calls)
    server = sum(1 for _, _, s in calls if s >= 500)
    user = sum(1 for _, _, s in calls if 400 <= s < 500)
    return {
        "totalRequests": total,
        "requestsPerMinute": round(total / max(seconds / 60.0, 1 / 60.0)),
        "concurrentRequests": in_flight,
        "responseTime": quantile([ms for _, ms, _ in calls], q),
        "serverErrors": server,
        "userErrors": user,
        "slowRequests": sum(1 for _, ms, _ in calls if ms > slow_ms),
        "serverErrorRate": round(server / total, 4) if total else 0.0,
        "userErrorRate": round(user / total, 4) if total else 0.0,
        "totalErrorRate": round((server + user) / total, 4) if total else 0.0,
    }


def _workload(request: web.Request) -> tuple[Store, WorkloadRec]:
    store = state_of(request).store
    return store, store.workload(user_of(request), request.match_info["id"])


async def workload_stats(request: web.Request) -> web.Response:
    """``GET workloads/{id}/stats``: the proton's figures over the window."""
    store, w = _workload(request)
    q = _number(request, "responseTimeQuantile", 0.5, whole=False, most=1.0)
    slow = _number(request, "slowRequestsThreshold", 2000, whole=True, most=None)
    proton_id, start, end, calls = _window(request, store, w)
    in_flight = w.in_flight if proton_id == active_spans(store, w)[-1][0] else 0
    return json_response(
        {
            "period": {"start": timestamp(store, start), "end": timestamp(store, end)},
            "metrics": _metrics(calls, end - start, q, slow, in_flight),
        }
    )


def _bucket_value(metric: str, calls: list[Call], seconds: float, q: float, slow_ms: float) -> float:
    if metric == "totalRequests":
        return len(calls)
    if metric == "requestsOverN":
        return sum(1 for _, ms, _ in calls if ms > slow_ms)
    if metric == "requestsPerMinute":
        return round(len(calls) / max(seconds / 60.0, 1 / 60.0))
    if metric == "concurrentRequests":
        return peak_concurrency(calls)
    if metric == "responseTime":
        return quantile([ms for _, ms, _ in calls], q)
    errors = sum(1 for _, _, s in calls if s >= 400)
    return round(errors / len(calls), 4) if calls else 0.0


async def metric_series(request: web.Request) -> web.Response:
    """``GET workloads/{id}/stats/{metric}``: the metric in buckets of ``resolution`` (a day by
    default), each ``{start, end, value}``."""
    store, w = _workload(request)
    metric = request.match_info["metric"]
    if metric not in METRICS:
        raise StoreError(
            422,
            [
                {
                    "loc": ["path", "metric_name"],
                    "msg": f"Input should be one of {', '.join(METRICS)}",
                    "type": "enum",
                }
            ],
        )
    resolution = request.query.get("resolution", "P1D")
    if resolution not in RESOLUTIONS:
        raise query_error("resolution", f"Input should be one of {', '.join(RESOLUTIONS)}", "enum")
    q = _number(request, "responseTimeQuantile", 0.5, whole=False, most=1.0)
    slow = _number(request, "slowRequestsThreshold", 2000, whole=True, most=None)
    proton_id, start, end, calls = _window(request, store, w)
    width = RESOLUTIONS[resolution]
    count = max(1, math.ceil((end - start) / width))
    if count > MOST_BUCKETS:
        raise query_error("resolution", f"{resolution} makes more than {MOST_BUCKETS} buckets of this window")
    buckets = []
    for i in range(count):
        low, high = start + i * width, min(end, start + (i + 1) * width)
        inside = [c for c in calls if low <= c[0] < high or (i == count - 1 and c[0] == high)]
        buckets.append(
            {
                "start": timestamp(store, low),
                "end": timestamp(store, high),
                "value": _bucket_value(metric, inside, high - low, q, slow),
            }
        )
    period = {"start": timestamp(store, start), "end": timestamp(store, end)}
    return json_response(
        {"metric": metric, "summary": {"protonId": proton_id, "period": period}, "buckets": buckets}
    )


def _trend(now: float, before: float) -> float:
    """The relative change from the day before to the last day (0.0 when there was nothing)."""
    return round((now - before) / before, 4) if before else 0.0


async def fleet_stats(request: web.Request) -> web.Response:
    """``GET workloads/stats``: the figures of every workload the list's filters keep, over the
    last day, with their trend against the day before."""
    store = state_of(request).store
    fleet = matching_workloads(request)
    now = store.now()
    recent = [c for w in fleet for c in w.calls if now - FLEET_WINDOW < c[0] <= now]
    older = [c for w in fleet for c in w.calls if now - 2 * FLEET_WINDOW < c[0] <= now - FLEET_WINDOW]

    def failed(calls: list[Call]) -> int:
        return sum(1 for _, _, s in calls if s >= 400)

    def rate(calls: list[Call]) -> float:
        return round(100 * failed(calls) / len(calls), 2) if calls else 0.0

    def millis(calls: list[Call]) -> int:
        return quantile([ms for _, ms, _ in calls], 0.5)

    return json_response(
        {
            "workloads": {
                "total": len(fleet),
                "active": sum(1 for w in fleet if store.phase(w, now)[0] == "running"),
            },
            "requests": {
                "total": len(recent),
                "succeeded": len(recent) - failed(recent),
                "failed": failed(recent),
                "trend": _trend(len(recent), len(older)),
            },
            "errorRate": {"rate": rate(recent), "trend": _trend(rate(recent), rate(older))},
            "responseTime": {"millis": millis(recent), "trend": _trend(millis(recent), millis(older))},
            "concurrentRequests": {"count": sum(w.in_flight for w in fleet), "trend": 0.0},
        }
    )


FLEET_ROUTES: list[tuple[str, str, str, Handler]] = [
    ("GET", "/workloads/stats", "workloads.fleet_stats", fleet_stats),
]
STATS_ROUTES: list[tuple[str, str, str, Handler]] = [
    ("GET", "/workloads/{id}/stats", "workloads.stats", workload_stats),
    ("GET", "/workloads/{id}/stats/{metric}", "workloads.stats_series", metric_series),
]

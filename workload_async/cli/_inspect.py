"""The commands that look into workloads on API 11.5: ``workloads protons|proton-status|diagnose|
stats|stats-series|fleet-stats``, and the list filters the live service has (``workloads list
--status/--importance/--artifact-id``, ``artifacts list --type``). On a v2.41 client they exit 1
with the client's ``UnsupportedFeatureError``, which names the feature and the generation."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any

from .. import Client, Importance, WorkloadStatus
from ._logs import parse_moment
from ._output import EXIT, Printer

__all__ = [
    "INSPECT_ACTIONS",
    "add_inspect_commands",
    "add_list_filters",
    "artifact_filters",
    "run_inspect",
    "workload_filters",
]

INSPECT_ACTIONS = frozenset({"protons", "proton-status", "diagnose", "stats", "stats-series", "fleet-stats"})
PROTON_COLUMNS = ("id", "role", "status", "artifactId", "runningSince")
CONTAINER_COLUMNS = ("replica", "phase", "container", "status", "ready", "restarts", "image")
BUCKET_COLUMNS = ("start", "end", "value")
_METRICS = (
    "totalRequests",
    "requestsOverN",
    "requestsPerMinute",
    "concurrentRequests",
    "responseTime",
    "totalErrorRate",
)
_RESOLUTIONS = ("PT1M", "PT5M", "PT1H", "P1D", "P7D", "P1M")
_STATUSES = tuple(s.value for s in WorkloadStatus)
_IMPORTANCE = tuple(i.value for i in Importance)


def _quantile(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1 (0.95 is p95), got {text!r}")
    return value


def _millis(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected whole milliseconds >= 0, got {text!r}")
    return int(text)


def add_list_filters(
    workloads_list: argparse.ArgumentParser, artifacts_list: argparse.ArgumentParser
) -> None:
    """The filters of ``workloads list`` and ``artifacts list`` only API 11.5 has."""
    _workload_filter_options(workloads_list)
    artifacts_list.add_argument("--type", help="only artifacts of this type: service, nim, ... (API 11.5)")


def _workload_filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--status",
        action="append",
        type=str.lower,
        choices=_STATUSES,
        dest="statuses",
        metavar="STATUS",
        help="only workloads in this status (repeatable; API 11.5)",
    )
    p.add_argument(
        "--importance",
        action="append",
        type=str.lower,
        choices=_IMPORTANCE,
        dest="importances",
        metavar="IMPORTANCE",
        help="only workloads of this importance (repeatable; API 11.5)",
    )
    p.add_argument(
        "--artifact-id", dest="filter_artifact_id", help="only workloads running this artifact (API 11.5)"
    )


def workload_filters(args: argparse.Namespace) -> dict[str, Any]:
    """The ``client.workloads.list`` filters the options asked for (none when not given)."""
    filters: dict[str, Any] = {}
    if getattr(args, "statuses", None):
        filters["status"] = args.statuses
    if getattr(args, "importances", None):
        filters["importance"] = args.importances
    if getattr(args, "filter_artifact_id", None):
        filters["artifact_id"] = args.filter_artifact_id
    return filters


def artifact_filters(args: argparse.Namespace) -> dict[str, Any]:
    """The ``client.artifacts.list`` filters the options asked for."""
    return {"type": args.type} if getattr(args, "type", None) else {}


def _figure_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--proton-id", help="the figures of this proton (default: the active one)")
    p.add_argument(
        "--quantile", type=_quantile, help="the response time's quantile (default 0.5; 0.95 is p95)"
    )
    p.add_argument("--slow-ms", type=_millis, help="a request is slow past this many ms (default 2000)")
    p.add_argument("--since", help="from then on (10m, 2h, 1d: that long ago, or a time)")
    p.add_argument("--until", help="up to then (a duration ago, or a time)")


def add_inspect_commands(workloads: Any) -> None:
    """Register the commands that look into workloads (API 11.5)."""
    workloads.add_parser("protons", help="a workload's protons, newest first (API 11.5)").add_argument("id")
    p = workloads.add_parser(
        "proton-status",
        help="a proton's replicas and containers (API 11.5)",
        description="The latest status of a proton's replicas and their containers: waiting, "
        "running or terminated, ready, restarts. Without PROTON_ID, the workload's active proton.",
    )
    p.add_argument("id")
    p.add_argument("proton_id", nargs="?", metavar="PROTON_ID")
    workloads.add_parser(
        "diagnose", help="why a workload is not running, in one line (API 11.5)"
    ).add_argument("id")
    p = workloads.add_parser("stats", help="traffic stats of a workload (API 11.5)")
    p.add_argument("id")
    _figure_options(p)
    p = workloads.add_parser("stats-series", help="one metric of a workload over time (API 11.5)")
    p.add_argument("id")
    p.add_argument("metric", choices=_METRICS)
    p.add_argument("--resolution", choices=_RESOLUTIONS, default="P1D", help="bucket width (default P1D)")
    _figure_options(p)
    p = workloads.add_parser("fleet-stats", help="traffic stats of many workloads together (API 11.5)")
    p.add_argument("--search")
    _workload_filter_options(p)


def _moment(value: str | None, option: str, now: datetime) -> datetime | None:
    if value is None:
        return None
    moment = parse_moment(value, option)
    return now - moment if isinstance(moment, timedelta) else moment


def _figures(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    now = client.clock.now()
    return {
        "start": _moment(args.since, "--since", now),
        "end": _moment(args.until, "--until", now),
        "proton_id": args.proton_id,
        "response_time_quantile": args.quantile,
        "slow_requests_threshold": args.slow_ms,
    }


async def _proton_status(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    wl = client.workloads
    proton_id = args.proton_id or (await wl.get(args.id)).proton_id
    if proton_id is None:
        raise ValueError(f"workload {args.id} names no active proton; give PROTON_ID")
    snapshot = await wl.proton_status(args.id, proton_id)
    if snapshot is None:
        printer.note(f"proton {proton_id} has not reported a status yet")
        if printer.output == "json":
            printer.one(None)
        return EXIT["ok"]
    if printer.output == "json":
        printer.one(snapshot)
        return EXIT["ok"]
    overall = snapshot.overall_status
    printer.note(f"proton {proton_id}: {overall.state.value}: {overall.summary or ''}".rstrip(": "))
    rows = [
        {
            "replica": replica.name,
            "phase": replica.status,
            "container": container.name,
            "status": container.status,
            "ready": container.ready,
            "restarts": container.restart_count,
            "image": container.image,
        }
        for replica in snapshot.replicas
        for container in replica.containers
    ]
    printer.many(rows, CONTAINER_COLUMNS)
    return EXIT["ok"]


async def run_inspect(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run one of :data:`INSPECT_ACTIONS`."""
    wl = client.workloads
    if args.action == "protons":
        printer.many(await wl.protons(args.id).collect(), PROTON_COLUMNS)
    elif args.action == "proton-status":
        return await _proton_status(client, args, printer)
    elif args.action == "diagnose":
        diagnosis = await wl.diagnose(args.id)
        if printer.output == "json":
            printer.one({"id": args.id, "diagnosis": diagnosis})
        elif diagnosis is None:
            printer.note(
                f"workload {args.id}: nothing to say (its proton reports nothing wrong, or nothing yet)"
            )
        else:
            print(diagnosis, file=printer.out)
    elif args.action == "stats":
        printer.one(await wl.stats(args.id, **_figures(client, args)))
    elif args.action == "stats-series":
        series = await wl.stats_series(
            args.id, args.metric, resolution=args.resolution, **_figures(client, args)
        )
        if printer.output == "json":
            printer.one(series)
        else:
            printer.many(list(series.buckets), BUCKET_COLUMNS)
    else:
        printer.one(await wl.fleet_stats(search=args.search, **workload_filters(args)))
    return EXIT["ok"]

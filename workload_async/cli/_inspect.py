"""Running the commands that look into workloads on API 11.5: ``workloads protons|proton-status|
diagnose|stats|stats-series|fleet-stats``, and the list filters the live service has (``workloads
list --status/--importance/--artifact-id``, ``artifacts list --type``); their arguments are in
:mod:`._parser.workloads`. On a v2.41 client they exit 1 with the client's
``UnsupportedFeatureError``, which names the feature and the generation."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from typing import Any

from .. import Client
from ._output import EXIT, Printer

__all__ = ["artifact_filters", "run_inspect", "workload_filters"]

PROTON_COLUMNS = ("id", "role", "status", "artifactId", "runningSince")
CONTAINER_COLUMNS = ("replica", "phase", "container", "status", "ready", "restarts", "image")
BUCKET_COLUMNS = ("start", "end", "value")


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


def _moment(value: timedelta | datetime | None, now: datetime) -> datetime | None:
    """``--since`` or ``--until`` as parsed (a duration ago, or a time) as a time."""
    return now - value if isinstance(value, timedelta) else value


def _figures(client: Client, args: argparse.Namespace) -> dict[str, Any]:
    now = client.clock.now()
    return {
        "start": _moment(args.since, now),
        "end": _moment(args.until, now),
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

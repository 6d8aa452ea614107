"""``workloads logs`` (read or follow a workload's log) and ``bundles list`` (the compute bundles)."""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta
from typing import Any

from .. import Client, LogRecord, WorkloadStatus
from ._output import EXIT, Printer

__all__ = ["parse_moment", "run_bundles", "run_logs"]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
BUNDLE_COLUMNS = ("id", "name", "cpuCount", "memoryGiB", "gpuCount", "gpuType", "useCases")


def parse_moment(value: str, option: str) -> timedelta | datetime:
    """``10m``, ``1h30m``, ``2d`` (that long ago) or an RFC 3339 time such as ``2026-06-10T08:00:00Z``."""
    text = value.strip()
    if text and _DURATION.sub("", text) == "":
        return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in _DURATION.findall(text)))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{option} {value!r} is neither a duration (30s, 10m, 2h, 1d, 1h30m) "
            "nor a time (2026-06-10T08:00:00Z)"
        ) from None
    if moment.tzinfo is None:  # one rule everywhere: a time without a zone could be local or UTC
        raise ValueError(
            f"{option} {value!r} has no time zone: write it with one, as 2026-06-10T08:00:00Z "
            "(UTC) or 2026-06-10T10:00:00+02:00"
        )
    return moment


def _line(record: LogRecord) -> str:
    stamp = (
        record.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        if record.timestamp
        else "-"
    )
    head = f"{stamp}  {(record.level or '-'):<8} {record.message or ''}"
    if not record.stacktrace:
        return head
    return "\n".join([head, *(f"    {line}" for line in record.stacktrace.splitlines())])


def _show(printer: Printer, record: LogRecord) -> None:
    if printer.quiet:
        print(record.message or "", file=printer.out, flush=True)
    else:
        printer.event(record, _line(record))


async def run_logs(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Print the log of ``args.id``; with ``--follow``, keep printing what comes."""
    since = parse_moment(args.since, "--since") if args.since else None
    filters: dict[str, Any] = {"level": args.level, "includes": args.include, "excludes": args.exclude}
    if not args.follow:
        if args.until_settled:
            raise ValueError("--until-settled goes with --follow")
        if args.tail is not None and args.tail < 1:
            raise ValueError(f"--tail must be at least 1, got {args.tail}")
        until = parse_moment(args.until, "--until") if args.until else None
        pager = client.workloads.logs(args.id, since=since, until=until, page_size=1000, **filters)
        newest_first = await pager.collect(args.tail)
        for record in reversed(newest_first):
            _show(printer, record)
        return EXIT["ok"]
    if args.until or args.tail is not None:
        raise ValueError("--until and --tail do not go with --follow")
    follow = client.workloads.follow_logs(args.id, since=since, until_settled=args.until_settled, **filters)
    async for record in follow:
        _show(printer, record)
    if args.until_settled:
        status: WorkloadStatus = (await client.workloads.get(args.id)).status
        return EXIT["failed"] if status.is_failure else EXIT["ok"]
    return EXIT["ok"]  # pragma: no cover - following without --until-settled ends by Ctrl-C


async def run_bundles(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run ``bundles list``."""
    bundles = await client.bundles.list(use_cases=args.use_cases).collect()
    if printer.output == "json" or printer.quiet:
        printer.many(bundles, BUNDLE_COLUMNS)
        return EXIT["ok"]
    rows = [
        {
            "id": b.id,
            "name": b.name,
            "cpuCount": f"{b.cpu_count:g}" if b.cpu_count is not None else None,
            "memoryGiB": f"{b.memory_bytes / 1024**3:g}" if b.memory_bytes is not None else None,
            "gpuCount": b.gpu_count,
            "gpuType": b.gpu_type,
            "useCases": ",".join(b.use_cases),
        }
        for b in bundles
    ]
    printer.many(rows, BUNDLE_COLUMNS)
    return EXIT["ok"]

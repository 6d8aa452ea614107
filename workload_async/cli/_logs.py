"""``workloads logs`` (read or follow a workload's log) and ``bundles list`` (the compute bundles)."""

from __future__ import annotations

import argparse
from typing import Any

from .. import Client, LogRecord, WorkloadStatus
from ._output import EXIT, Printer

__all__ = ["run_bundles", "run_logs"]

BUNDLE_COLUMNS = ("id", "name", "cpuCount", "memoryGiB", "gpuCount", "gpuType", "useCases")


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
    """Print the log of ``args.id``; with ``--follow``, keep printing what comes. ``--since`` and
    ``--until`` are parsed (a ``timedelta`` ago or a ``datetime``), and the options that do not go
    together were refused, as the command line was parsed."""
    filters: dict[str, Any] = {"level": args.level, "includes": args.include, "excludes": args.exclude}
    if not args.follow:
        pager = client.workloads.logs(args.id, since=args.since, until=args.until, page_size=1000, **filters)
        newest_first = await pager.collect(args.tail)
        for record in reversed(newest_first):
            _show(printer, record)
        return EXIT["ok"]
    follow = client.workloads.follow_logs(
        args.id, since=args.since, until_settled=args.until_settled, **filters
    )
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

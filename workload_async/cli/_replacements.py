"""The replacement commands (API 11.5): ``workloads replace|replacement|cancel-replacement``.

``replace --wait`` says which replacement it started before it waits (so an interrupted wait
leaves nothing nobody can name), shows a one-line progress of the rollout's steps on a terminal,
and exits as the other waits do: 3 when the replacement failed, 4 at the timeout.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from .. import Client, ReplacementConfig, WorkloadRuntime
from ..errors import WorkloadAPIError
from ._output import EXIT, Printer

__all__ = ["run_replacement"]

#: The steps a rollout shows, in order, for its progress line.
STEPS = ("submitted", "initializing", "staged", "promoting", "finalizing", "completed")


async def run_replacement(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run ``workloads replace``, ``replacement`` or ``cancel-replacement``."""
    wl = client.workloads
    if args.action == "replacement":
        shown = await wl.replacement(args.id)
        if shown is None:
            printer.note(f"workload {args.id} has no replacement in progress")
            return EXIT["ok"]
        printer.one(shown)
    elif args.action == "cancel-replacement":
        canceled = await wl.cancel_replacement(args.id)
        if canceled is None:
            printer.note(f"workload {args.id} had no replacement to cancel")
            return EXIT["ok"]
        printer.one(canceled)
    else:
        return await _replace(client, args, printer)
    return EXIT["ok"]


async def _replace(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    runtime = None if args.replicas is None else WorkloadRuntime(replica_count=args.replicas)
    config = None
    if args.warmup_minutes is not None or args.keep_old_minutes is not None:
        config = ReplacementConfig(
            warmup_duration_minutes=args.warmup_minutes, keep_old_version_minutes=args.keep_old_minutes
        )
    deadline = client.deadline(args.timeout) if args.wait else None  # the whole command's limit
    started = await client.workloads.replace(args.id, args.artifact_id, runtime=runtime, config=config)
    if not args.wait:
        printer.one(started)
        return EXIT["ok"]
    printer.note(f"replacement {started.id} of workload {args.id} started; waiting for it to end")
    progress = printer.progress("rolling out", len(STEPS))
    watcher = asyncio.create_task(_follow(client, args.id, progress)) if progress.enabled else None
    try:
        done = await client.workloads.wait_for_replacement(
            args.id, started.id, timeout=None, deadline=deadline
        )
    finally:
        if watcher is not None:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
    progress.update(len(STEPS))
    printer.one(done)
    return EXIT["ok"]


async def _follow(client: Client, workload_id: str, progress: Any) -> None:
    """Move the progress line along the rollout's steps (a terminal only; a read a second)."""
    while True:
        await client.clock.sleep(1.0)
        try:
            shown = await client.workloads.replacement(workload_id)
        except WorkloadAPIError:  # the wait reports failures; the progress line only shows
            continue
        if shown is not None and shown.status.value in STEPS:
            progress.update(STEPS.index(shown.status.value))

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
from ._options import seconds
from ._output import EXIT, Printer

__all__ = ["REPLACEMENT_ACTIONS", "add_replacement_commands", "run_replacement"]

REPLACEMENT_ACTIONS = frozenset({"replace", "replacement", "cancel-replacement"})
#: The steps a rollout shows, in order, for its progress line.
STEPS = ("submitted", "initializing", "staged", "promoting", "finalizing", "completed")


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of minutes, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def add_replacement_commands(workloads: Any) -> None:
    """Register the replacement commands on ``workloads``."""
    p = workloads.add_parser(
        "replace",
        help="roll another artifact onto a running workload (API 11.5)",
        description="Roll artifact ARTIFACT_ID onto a running workload with a rolling replacement: the "
        "new version starts beside the old one, which serves until the switch. A draft replaces a "
        "draft, a locked artifact a locked one. One asked for while another runs waits its turn.",
    )
    p.add_argument("id")
    p.add_argument("--artifact-id", required=True, help="the artifact to roll onto the workload")
    p.add_argument(
        "--replicas", type=int, help="the new version's replica count (default: the current one's)"
    )
    p.add_argument(
        "--warmup-minutes", type=_minutes, help="minutes the new version warms up before the switch"
    )
    p.add_argument("--keep-old-minutes", type=_minutes, help="minutes the old version is kept after it")
    p.add_argument("--wait", action="store_true", help="wait until the rollout completed")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds to wait at most (default 1800)")
    workloads.add_parser(
        "replacement", help="the replacement a workload is going through, if any (API 11.5)"
    ).add_argument("id")
    workloads.add_parser(
        "cancel-replacement",
        help="cancel a workload's replacement in progress; the old version serves (API 11.5)",
    ).add_argument("id")


async def run_replacement(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run one of :data:`REPLACEMENT_ACTIONS`."""
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
    if args.replicas is not None and args.replicas < 1:
        raise ValueError(f"--replicas must be at least 1, got {args.replicas}")
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

"""The image build commands (API 11.5): ``artifacts build|builds``.

``build --wait`` names the builds it started before it waits, shows how many completed on a
terminal, and exits as the other waits do: 3 when a build failed (its log's last lines on
stderr), 4 at the timeout. ``--logs`` prints each build's log on stderr: as it stands, or, with
``--wait``, once the build ended.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence

from .. import Build, Client
from ..errors import BuildFailedError, WorkloadAPIError
from ._output import EXIT, Printer

__all__ = ["BUILD_COLUMNS", "run_build"]

BUILD_COLUMNS = ("id", "name", "status", "createdAt", "updatedAt")


async def run_build(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run one of :data:`BUILD_ACTIONS`."""
    artifacts = client.artifacts
    if args.action == "builds":
        printer.many(await artifacts.builds(args.id).collect(args.limit), BUILD_COLUMNS)
        return EXIT["ok"]
    deadline = client.deadline(args.timeout) if args.wait else None  # the whole command's limit
    started = await artifacts.build(args.id)
    if not args.wait:
        printer.many(started, BUILD_COLUMNS)
        if args.logs:
            await _print_logs(client, args.id, started, printer)
        return EXIT["ok"]
    printer.note(f"builds {', '.join(b.id for b in started)} of artifact {args.id} started; waiting for them")
    progress = printer.progress("building", len(started))
    ended: dict[str, Build] = {}
    waits = {
        asyncio.ensure_future(artifacts.wait_for_builds(args.id, [b.id], timeout=None, deadline=deadline)): b
        for b in started
    }
    try:
        for finished in asyncio.as_completed(waits):
            (build,) = await finished
            ended[build.id] = build
            progress.update(len(ended))
    except BuildFailedError as failed:
        if args.logs:
            await _print_logs(client, args.id, [failed.build], printer)
        raise
    finally:
        for wait in waits:
            wait.cancel()
        await asyncio.gather(*waits, return_exceptions=True)
    builds = [ended[b.id] for b in started]
    printer.many(builds, BUILD_COLUMNS)
    if args.logs:
        await _print_logs(client, args.id, builds, printer)
    return EXIT["ok"]


async def _print_logs(client: Client, artifact_id: str, builds: Sequence[Build], printer: Printer) -> None:
    for build in builds:
        try:
            lines = await client.artifacts.build_logs(artifact_id, build.id)
        except WorkloadAPIError as exc:
            printer.note(f"the log of build {build.id} could not be read: {exc}")
            continue
        for line in lines:
            printer.note(f"{build.id[:8]} | {line}")

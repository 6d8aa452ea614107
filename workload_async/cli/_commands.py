"""Running the resource commands: ``workloads``, ``artifacts`` and ``deployments``.

Their arguments are in :mod:`._parser`; an action that names a runner of its own there
(``workloads logs``, ``workloads invoke``, ...) is run by that, not by these.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from .. import (
    Client,
    Container,
    CreateResult,
    CreateWorkload,
    DeleteResult,
    InputArtifact,
    ResourceRequest,
    WorkloadRuntime,
    WorkloadStatus,
    from_json,
    gib,
    to_json,
)
from ..errors import WorkloadFailedError
from ._inspect import artifact_filters, workload_filters
from ._output import EXIT, Printer, Progress, exit_code_for
from ._parser.common import IMAGE_DEFAULTS

__all__ = ["run_artifacts", "run_deployments", "run_workloads"]

WORKLOAD_COLUMNS = ("id", "name", "status", "artifactId", "updatedAt")
ARTIFACT_COLUMNS = ("id", "name", "status", "version", "updatedAt")
DEPLOYMENT_COLUMNS = ("id", "name", "status", "workloadId", "importance")
CREATED_COLUMNS = ("id", "name", "result", "status", "error")


def _artifact_from(args: argparse.Namespace) -> InputArtifact:
    """The artifact of ``--file`` or of ``--image`` (which of them, and with which options, was
    checked as the command line was parsed)."""
    for name, default in IMAGE_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    if args.file is not None:
        try:
            return from_json(InputArtifact, args.file.read_text())
        except OSError as exc:
            raise ValueError(f"--file {args.file}: cannot read it: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise ValueError(f"--file {args.file}: {exc}") from None
    container = Container(
        image_uri=args.image,
        port=None if args.no_port else args.port,
        resource_request=ResourceRequest(cpu=args.cpu, memory=gib(args.memory_gib)),
    )
    return InputArtifact.single(args.name or args.image.rsplit("/", 1)[-1], container)


async def _bulk(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    progress = printer.progress({"start": "starting", "stop": "stopping"}[args.action], len(set(args.ids)))
    method = client.workloads.start_many if args.action == "start" else client.workloads.stop_many
    results = await method(
        args.ids,
        concurrency=args.concurrency,
        wait=args.wait,
        timeout=args.timeout,
        progress=lambda done, _total, result: progress.update(done, result.ok),
    )
    rows = [
        {
            "id": r.workload_id,
            "result": r.state.value,
            "status": r.workload.status.value if r.workload else None,
            "error": str(r.error) if r.error else None,
            "diagnosis": getattr(r.error, "diagnosis", None),
        }
        for r in results.values()
    ]
    printer.many(rows, ("id", "result", "status", "error"))
    errors = [r.error for r in results.values() if r.error is not None]
    return max((exit_code_for(e) for e in errors), default=EXIT["ok"])


async def run_workloads(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    wl = client.workloads
    if args.action == "list":
        listing = wl.list(search=args.search, sort=args.sort, **workload_filters(args))
        printer.many(await listing.collect(args.limit), WORKLOAD_COLUMNS)
    elif args.action == "get":
        printer.one(await wl.get(args.id))
    elif args.action == "create":
        if args.count is not None or args.from_file is not None:
            return await _create_many(client, args, printer)
        runtime = WorkloadRuntime(replica_count=args.replicas) if args.replicas is not None else None
        if args.artifact_id:
            created = await wl.create(name=args.name, artifact_id=args.artifact_id, runtime=runtime)
        else:
            created = await wl.create(name=args.name, artifact=_artifact_from(args), runtime=runtime)
        if not args.wait or printer.quiet:
            printer.one(created)  # with -q, the id is all there is to say: at once
        if not args.wait:
            return EXIT["ok"]
        # The id first, at once: an interrupted wait must not leave a workload nobody can name.
        printer.note(f"created workload {created.id}; waiting until it is running")
        running = await wl.wait(created.id, timeout=args.timeout)
        if not printer.quiet:
            printer.one(running)
    elif args.action in ("start", "stop"):
        return await _bulk(client, args, printer)
    elif args.action == "delete":
        return await _delete_many(wl.delete_many, args, printer)
    elif args.action == "wait":
        progress = printer.progress(f"waiting for {args.until}", len(set(args.ids)))
        outcomes = {}
        async for outcome in wl.as_completed(
            args.ids, until=WorkloadStatus(args.until), timeout=args.timeout
        ):
            outcomes[outcome.workload_id] = outcome
            progress.update(len(outcomes), outcome.ok)
        rows = [
            {
                "id": o.workload_id,
                "status": o.workload.status.value if o.workload else None,
                "error": str(o.error) if o.error else None,
                "diagnosis": getattr(o.error, "diagnosis", None),
            }
            for o in outcomes.values()
        ]
        printer.many(rows, ("id", "status", "error"))
        return max((exit_code_for(o.error) for o in outcomes.values() if o.error), default=EXIT["ok"])
    elif args.action == "watch":
        last = None
        async for change in wl.watch(args.id, timeout=args.timeout):
            last = change
            seen = to_json(change, keep_defaults=True)  # timestamps as every other command writes them
            event = {"id": change.id, "status": seen["status"], "updatedAt": seen.get("updatedAt")}
            printer.event(event, f"{event['updatedAt'] or '-'}  {change.id}  {change.status.value}")
        if last is not None and last.status.is_failure:
            printer.error(WorkloadFailedError(workload=last))  # why, and its last log lines
            return EXIT["failed"]
        return EXIT["ok"]
    return EXIT["ok"]


def _suffixed(base: str, count: int) -> list[str]:
    """``web-1`` to ``web-N``, the numbers padded to one width so that the names sort as numbered."""
    width = len(str(count))
    return [f"{base}-{n:0{width}d}" for n in range(1, count + 1)]


def _read_specs(path: Path) -> tuple[list[CreateWorkload], list[int]]:
    """The workloads of a JSON Lines file (``-``: stdin), one :class:`CreateWorkload` a line, and
    the number of the line each came from."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text()
    except OSError as exc:
        raise ValueError(f"--from-file {path}: cannot read it: {exc.strerror or exc}") from None
    specs, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                specs.append(from_json(CreateWorkload, line))
            except ValueError as exc:
                raise ValueError(f"--from-file {path} line {number}: {exc}") from None
            lines.append(number)
    if not specs:
        raise ValueError(f"--from-file {path}: no workload in it (one JSON object a line)")
    return specs, lines


def _many_requests(args: argparse.Namespace) -> tuple[list[CreateWorkload], list[int] | None]:
    """The workloads ``create --count`` or ``create --from-file`` asks for, and for a file the
    number of each one's line."""
    if args.from_file is not None:
        return _read_specs(args.from_file)
    runtime = WorkloadRuntime(replica_count=args.replicas) if args.replicas is not None else None
    if args.artifact_id:
        names = _suffixed(args.name, args.count)
        return [
            CreateWorkload(name=name, artifact_id=args.artifact_id, runtime=runtime) for name in names
        ], None
    artifact = _artifact_from(args)  # each workload gets its own, as one create would
    return [
        CreateWorkload(name=name, artifact=artifact, runtime=runtime)
        for name in _suffixed(args.name or artifact.name, args.count)
    ], None


_REQUEST_AT = re.compile(r"^requests\[(?P<index>\d+)\](?P<field>(?:\.\w+|\[\d+\])*)")


def _in_the_file(message: str, path: Path, lines: list[int]) -> str | None:
    """A refusal of ``requests[i].runtime.replica_count`` as the file says it: ``--from-file PATH
    line N: runtime.replicaCount`` (None when the message names no request)."""
    at = _REQUEST_AT.match(message)
    if at is None or int(at["index"]) >= len(lines):
        return None
    field = re.sub(r"_([a-z0-9])", lambda m: m[1].upper(), at["field"]).removeprefix(".")
    return (
        f"--from-file {path} line {lines[int(at['index'])]}: {field or 'the workload'}{message[at.end() :]}"
    )


async def _create_many(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """``workloads create --count N`` or ``--from-file``: a row per workload, the worst exit code."""
    requests, lines = _many_requests(args)
    progress = printer.progress("creating", len(requests))
    try:
        results = await client.workloads.create_many(
            requests,
            concurrency=args.concurrency,
            wait=args.wait,
            timeout=args.timeout,
            progress=_advance(progress),
        )
    except (TypeError, ValueError) as exc:  # a request refused before anything was sent
        told = _in_the_file(str(exc), args.from_file, lines) if lines is not None else None
        if told is None or type(exc) not in (TypeError, ValueError):
            raise
        raise type(exc)(told) from None
    rows = [
        {
            "id": r.workload_id,
            "name": r.workload.name if r.workload else r.request.name,
            "result": r.state.value,
            "status": r.workload.status.value if r.workload else None,
            "error": str(r.error) if r.error else None,
        }
        for r in results
    ]
    if printer.quiet:  # the ids of the workloads made, one a line; why the others were not, on stderr
        printer.many([row for row in rows if row["id"]], CREATED_COLUMNS)
        for result in results:
            if result.workload is None and result.error is not None:
                printer.error(result.error)
    else:
        printer.many(rows, CREATED_COLUMNS)
    return max((exit_code_for(r.error) for r in results if r.error), default=EXIT["ok"])


def _advance(progress: Progress) -> Callable[[int, int, CreateResult | DeleteResult], None]:
    return lambda done, _total, result: progress.update(done, result.ok)


async def _delete_many(
    delete_many: Callable[..., Awaitable[dict[str, DeleteResult]]], args: argparse.Namespace, printer: Printer
) -> int:
    """Delete every id given, ``--concurrency`` at once; then say which are gone (stdout) and why
    the others are not (stderr), in the order given. The worst exit code wins."""
    progress = printer.progress("deleting", len(set(args.ids)))
    results = await delete_many(args.ids, concurrency=args.concurrency, progress=_advance(progress))
    for resource_id, result in results.items():
        if result.error is not None:
            printer.error(result.error)
        else:
            printer.deleted(resource_id)
    return max((exit_code_for(r.error) for r in results.values() if r.error), default=EXIT["ok"])


async def run_artifacts(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    ar = client.artifacts
    if args.action == "list":
        listing = ar.list(search=args.search, status=args.status, **artifact_filters(args))
        printer.many(await listing.collect(), ARTIFACT_COLUMNS)
    elif args.action == "get":
        printer.one(await ar.get(args.id))
    elif args.action == "create":
        printer.one(await ar.create(_artifact_from(args)))
    elif args.action == "replace":
        printer.one(await ar.replace(args.id, _artifact_from(args)))
    elif args.action == "update":
        printer.one(await ar.update(args.id, name=args.name, description=args.description))
    elif args.action == "register":
        printer.one(await ar.register(args.id))
    elif args.action == "delete":
        return await _delete_many(ar.delete_many, args, printer)
    return EXIT["ok"]


async def run_deployments(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    dp = client.deployments
    if args.action == "list":
        listing = dp.list(
            search=args.search, workload_ids=args.workload_ids, with_workload=args.with_workload
        )
        printer.many(await listing.collect(), DEPLOYMENT_COLUMNS)
    elif args.action == "get":
        printer.one(await dp.get(args.id))
    elif args.action == "create":
        printer.one(
            await dp.create(
                name=args.name,
                workload_id=args.workload_id,
                description=args.description,
                importance=args.importance,
            )
        )
    elif args.action == "update":
        printer.one(
            await dp.update(args.id, name=args.name, description=args.description, importance=args.importance)
        )
    elif args.action == "delete":
        await dp.delete(args.id)
        printer.deleted(args.id)
    elif args.action == "stats":
        printer.one(await dp.stats(args.id))
    return EXIT["ok"]

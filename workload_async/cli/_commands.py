"""The resource commands: ``workloads``, ``artifacts`` and ``deployments``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .. import (
    Client,
    Container,
    InputArtifact,
    ResourceRequest,
    WorkloadRuntime,
    WorkloadStatus,
    from_json,
    gib,
    to_json,
)
from ..errors import WorkloadAPIError, WorkloadFailedError
from ._inspect import (
    INSPECT_ACTIONS,
    add_inspect_commands,
    add_list_filters,
    artifact_filters,
    run_inspect,
    workload_filters,
)
from ._invoke import add_invoke_options, run_invoke
from ._logs import add_bundles_command, add_logs_command, run_bundles, run_logs
from ._options import needs_one, positive, seconds
from ._output import EXIT, Printer, exit_code_for
from ._workload_settings import (
    WORKLOAD_ACTIONS,
    add_artifact_clone,
    add_workload_commands,
    run_artifact_clone,
    run_workload,
)

__all__ = ["add_resource_commands", "run_resource_command"]

WORKLOAD_COLUMNS = ("id", "name", "status", "artifactId", "updatedAt")
ARTIFACT_COLUMNS = ("id", "name", "status", "version", "updatedAt")
DEPLOYMENT_COLUMNS = ("id", "name", "status", "workloadId", "importance")


#: The container of ``--image``, and its defaults: nothing to say with ``--file`` or ``--artifact-id``.
_IMAGE_ONLY = {"port": 8080, "no_port": False, "cpu": 1.0, "memory_gib": 1.0}


def _artifact_options(p: argparse.ArgumentParser, *, workload: bool = False) -> None:
    source = p.add_mutually_exclusive_group()
    if workload:
        source.add_argument("--artifact-id", help="an existing artifact")
        p.add_argument("--name", help="the workload's name (and its new artifact's, with --image)")
    else:
        p.add_argument("--name", help="the artifact's name (with --image)")
    source.add_argument("--file", type=Path, help="an InputArtifact as JSON (the API's camelCase form)")
    source.add_argument("--image", help="container image URI of a one-container artifact")
    port = p.add_mutually_exclusive_group()
    port.add_argument("--port", type=int, help="the --image container's port (default 8080)")
    port.add_argument(
        "--no-port",
        action="store_true",
        default=None,
        help="the --image container exposes no port (it runs but cannot be invoked)",
    )
    p.add_argument("--cpu", type=positive, help="the --image container's CPU cores (default 1)")
    p.add_argument("--memory-gib", type=positive, help="the --image container's memory in GiB (default 1)")


def _image_only_given(args: argparse.Namespace) -> str:
    """The ``--image`` container's options given, as a phrase ("--cpu is", "--cpu and --port are")."""
    given = ["--" + name.replace("_", "-") for name in _IMAGE_ONLY if getattr(args, name) is not None]
    if len(given) > 1:
        return f"{', '.join(given[:-1])} and {given[-1]} are"
    return f"{given[0]} is" if given else ""


def _artifact_from(args: argparse.Namespace) -> InputArtifact:
    if args.file is None and not args.image:
        where = "--artifact-id, " if hasattr(args, "artifact_id") else ""
        raise ValueError(f"give {where}--file, or --image (with --name) for a one-container artifact")
    given = _image_only_given(args)
    if given and not args.image:
        raise ValueError(f"{given} for the container of --image; a --file describes its own")
    if args.file is not None and args.name is not None and not hasattr(args, "artifact_id"):
        raise ValueError("--name names the artifact of --image; a --file names its own")
    for name, default in _IMAGE_ONLY.items():
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


def _wait_options(p: argparse.ArgumentParser, wait_flag: bool = True) -> None:
    if wait_flag:
        p.add_argument("--wait", action="store_true", help="wait until the workloads get there")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds to wait at most (default 1800)")


def add_resource_commands(sub: Any) -> None:
    """Register ``workloads``, ``artifacts`` and ``deployments`` on the top-level subparsers."""
    w = sub.add_parser("workloads", help="create, start, stop, wait for and invoke workloads").add_subparsers(
        dest="action", required=True
    )
    p = w.add_parser("list", help="list workloads")
    p.add_argument("--search")
    p.add_argument("--sort", help="name, createdAt, updatedAt or status; '-' prefix for descending (-name)")
    p.add_argument("--limit", type=int, help="show at most this many")
    workloads_list = p
    w.add_parser("get", help="show one workload").add_argument("id")
    p = w.add_parser("create", help="create (and start) a workload")
    _artifact_options(p, workload=True)
    p.add_argument("--replicas", type=int, help="replica count")
    _wait_options(p)
    for action in ("start", "stop"):
        p = w.add_parser(action, help=f"{action} workloads")
        p.add_argument("ids", nargs="+", metavar="ID")
        p.add_argument("--concurrency", type=int, default=32)
        _wait_options(p)
    w.add_parser("delete", help="delete workloads").add_argument("ids", nargs="+", metavar="ID")
    p = w.add_parser("wait", help="wait until workloads are running (or stopped)")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--until", choices=("running", "stopped"), default="running")
    _wait_options(p, wait_flag=False)
    p = w.add_parser("watch", help="print each status change of a workload until it settles")
    p.add_argument("id")
    _wait_options(p, wait_flag=False)
    add_invoke_options(w.add_parser("invoke", help="call a workload's application"))
    add_logs_command(w)
    add_workload_commands(w)
    add_inspect_commands(w)

    a = sub.add_parser("artifacts", help="manage artifacts").add_subparsers(dest="action", required=True)
    p = a.add_parser("list", help="list artifacts")
    p.add_argument("--search")
    p.add_argument("--status", choices=("draft", "registered", "locked"))
    add_list_filters(workloads_list, p)
    a.add_parser("get", help="show one artifact").add_argument("id")
    p = a.add_parser("create", help="create an artifact")
    _artifact_options(p)
    p = a.add_parser("replace", help="replace a draft artifact (PUT)")
    p.add_argument("id")
    _artifact_options(p)
    p = a.add_parser("update", help="rename or describe a draft artifact")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    a.add_parser("register", help="register (lock) an artifact").add_argument("id")
    a.add_parser("delete", help="delete a draft artifact").add_argument("id")
    add_artifact_clone(a)

    d = sub.add_parser("deployments", help="manage deployments").add_subparsers(dest="action", required=True)
    p = d.add_parser("list", help="list deployments")
    p.add_argument("--search")
    p.add_argument(
        "--workload-id",
        action="append",
        dest="workload_ids",
        metavar="ID",
        help="only the deployments of this workload (repeatable)",
    )
    p.add_argument("--with-workload", action="store_true", help="embed each deployment's workload (JSON)")
    d.add_parser("get", help="show one deployment").add_argument("id")
    p = d.add_parser("create", help="deploy a workload")
    p.add_argument("--name", required=True)
    p.add_argument("--workload-id", required=True)
    p.add_argument("--description")
    p.add_argument("--importance", choices=("critical", "high", "moderate", "low"))
    p = d.add_parser("update", help="change a deployment")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--importance", choices=("critical", "high", "moderate", "low"))
    d.add_parser("delete", help="delete a deployment").add_argument("id")
    d.add_parser("stats", help="traffic stats of a deployment").add_argument("id")
    add_invoke_options(d.add_parser("invoke", help="call a deployment's application"))
    add_bundles_command(sub)


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


async def _workloads(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    wl = client.workloads
    if args.action == "list":
        if args.limit is not None and args.limit < 1:
            raise ValueError(f"--limit must be at least 1, got {args.limit}")
        listing = wl.list(search=args.search, sort=args.sort, **workload_filters(args))
        printer.many(await listing.collect(args.limit), WORKLOAD_COLUMNS)
    elif args.action == "get":
        printer.one(await wl.get(args.id))
    elif args.action == "create":
        runtime = WorkloadRuntime(replica_count=args.replicas) if args.replicas is not None else None
        if args.artifact_id:
            if given := _image_only_given(args):
                raise ValueError(f"{given} for the container of --image, not of an existing artifact")
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
        return await _delete_each(wl, args.ids, printer)
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
    elif args.action == "invoke":
        return await run_invoke(client, wl, args, printer)
    elif args.action == "logs":
        return await run_logs(client, args, printer)
    elif args.action in WORKLOAD_ACTIONS:
        return await run_workload(client, args, printer)
    elif args.action in INSPECT_ACTIONS:
        return await run_inspect(client, args, printer)
    return EXIT["ok"]


async def _delete_each(manager: Any, ids: list[str], printer: Printer) -> int:
    """Delete each id in turn, reporting each failure and going on; the worst exit code wins."""
    code = EXIT["ok"]
    for resource_id in ids:
        try:
            await manager.delete(resource_id)
        except WorkloadAPIError as exc:
            printer.error(exc)
            code = max(code, exit_code_for(exc))
        else:
            printer.deleted(resource_id)
    return code


async def _artifacts(client: Client, args: argparse.Namespace, printer: Printer) -> int:
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
        needs_one(args, "--name", "--description")
        printer.one(await ar.update(args.id, name=args.name, description=args.description))
    elif args.action == "register":
        printer.one(await ar.register(args.id))
    elif args.action == "delete":
        await ar.delete(args.id)
        printer.deleted(args.id)
    elif args.action == "clone":
        return await run_artifact_clone(client, args, printer)
    return EXIT["ok"]


async def _deployments(client: Client, args: argparse.Namespace, printer: Printer) -> int:
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
        needs_one(args, "--name", "--description", "--importance")
        printer.one(
            await dp.update(args.id, name=args.name, description=args.description, importance=args.importance)
        )
    elif args.action == "delete":
        await dp.delete(args.id)
        printer.deleted(args.id)
    elif args.action == "stats":
        printer.one(await dp.stats(args.id))
    elif args.action == "invoke":
        return await run_invoke(client, dp, args, printer)
    return EXIT["ok"]


async def run_resource_command(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run a parsed ``workloads|artifacts|deployments|bundles`` command; return its exit code."""
    handlers = {
        "workloads": _workloads,
        "artifacts": _artifacts,
        "deployments": _deployments,
        "bundles": run_bundles,
    }
    return await handlers[args.command](client, args, printer)

"""The commands of what the 11.5 generation adds: ``workloads update|settings|update-settings|
promote|history|events`` and ``artifacts clone`` (``stats`` and the rest that look into a
workload are in :mod:`._inspect`). On a v2.41 client they exit 1 with the
client's ``UnsupportedFeatureError``, which names the feature and the generation."""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from .. import Client, GroupRuntime, Importance, ResourceBundle, WorkloadRuntime, from_json, to_json
from ._options import needs_one, seconds
from ._output import EXIT, Printer

__all__ = [
    "WORKLOAD_ACTIONS",
    "add_artifact_clone",
    "add_workload_commands",
    "run_artifact_clone",
    "run_workload",
]

WORKLOAD_ACTIONS = frozenset({"update", "settings", "update-settings", "promote", "history", "events"})
REPLACEMENT_COLUMNS = ("id", "status", "message", "createdAt", "switchedAt")
EVENT_COLUMNS = ("timestamp", "eventType", "actorId", "details")


def add_workload_commands(workloads: Any) -> None:
    """Register the 11.5 ``workloads`` commands."""
    p = workloads.add_parser("update", help="rename, describe or reprioritise a workload (API 11.5)")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--importance", choices=[i.value for i in Importance])
    workloads.add_parser("settings", help="show a workload's runtime settings (API 11.5)").add_argument("id")
    p = workloads.add_parser(
        "update-settings",
        help="redeploy a workload onto new settings, rolling (API 11.5)",
        description="Redeploy a workload onto new runtime settings with a rolling replacement. "
        "The settings given change the workload's current ones and the rest are kept (--replicas "
        "replaces autoscaling); with --replace they are the whole new runtime. See 'workloads "
        "settings ID' for the current ones.",
    )
    p.add_argument("id")
    p.add_argument("--group", help="the container group to set (default: the artifact's only one)")
    p.add_argument("--replicas", type=int, help="replica count")
    p.add_argument("--bundle", help="a resource bundle id (see 'workload-async bundles')")
    p.add_argument(
        "--replace", action="store_true", help="send only the settings given; the others are dropped"
    )
    p.add_argument("--wait", action="store_true", help="wait until the replacement completed")
    p.add_argument("--timeout", type=seconds, default=1800.0, help="seconds to wait at most (default 1800)")
    workloads.add_parser("promote", help="lock a running workload's draft artifact (API 11.5)").add_argument(
        "id"
    )
    workloads.add_parser("history", help="a workload's settings replacements (API 11.5)").add_argument("id")
    workloads.add_parser("events", help="a workload's events, newest first (API 11.5)").add_argument("id")


def add_artifact_clone(artifacts: Any) -> None:
    """Register ``artifacts clone``."""
    p = artifacts.add_parser("clone", help="a new draft with an artifact's spec (API 11.5)")
    p.add_argument("id")
    p.add_argument("--name", required=True, help="the new artifact's name")


async def _runtime(client: Client, args: argparse.Namespace) -> WorkloadRuntime:
    if args.replicas is None and args.bundle is None:
        raise ValueError("update-settings needs --replicas and/or --bundle")
    if not args.replace:
        return await _changed(client, args)
    if args.group is not None:
        bundles = None if args.bundle is None else (args.bundle,)
        group = GroupRuntime(name=args.group, replica_count=args.replicas, resource_bundles=bundles)
        return WorkloadRuntime(container_groups=(group,))
    resources = None if args.bundle is None else (ResourceBundle(args.bundle),)
    return WorkloadRuntime(replica_count=args.replicas, resources=resources)


async def _changed(client: Client, args: argparse.Namespace) -> WorkloadRuntime:
    """The workload's current settings, one group changed as the options say."""
    current = await client.workloads.settings(args.id)
    groups = [_carried(group, args.id) for group in (current.container_groups if current else None) or ()]
    name = args.group
    if name is None and len(groups) > 1:
        names = ", ".join(group.name or "default" for group in groups)
        raise ValueError(
            f"workload {args.id} has {len(groups)} container groups ({names}): name one with --group"
        )
    if name is None:
        name = groups[0].name if groups else None
    at = next((i for i, g in enumerate(groups) if (g.name or "default") == (name or "default")), len(groups))
    group = groups[at] if at < len(groups) else GroupRuntime(name=name)
    if args.replicas is not None:
        group = attrs.evolve(group, replica_count=args.replicas, autoscaling=None)
    if args.bundle is not None:
        group = attrs.evolve(group, resource_bundles=(args.bundle,))
    groups[at : at + 1] = [group]
    return WorkloadRuntime(container_groups=tuple(groups))


def _carried(reported: Any, workload_id: str) -> GroupRuntime:
    """A group's settings as the server reports them, in the form a request sends them."""
    try:
        return from_json(GroupRuntime, to_json(reported))
    except ValueError as exc:
        raise ValueError(
            f"the current settings of workload {workload_id} cannot be carried over ({exc}); "
            "give the whole new runtime with --replace"
        ) from None


async def run_workload(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run one of :data:`WORKLOAD_ACTIONS`."""
    wl = client.workloads
    if args.action == "update":
        needs_one(args, "--name", "--description", "--importance")
        printer.one(
            await wl.update(args.id, name=args.name, description=args.description, importance=args.importance)
        )
    elif args.action == "settings":
        printer.one(await wl.settings(args.id))
    elif args.action == "update-settings":
        runtime = await _runtime(client, args)
        deadline = client.deadline(args.timeout) if args.wait else None  # the whole command's limit
        replacement = await wl.update_settings(args.id, runtime)
        if not args.wait:
            printer.one(replacement)
            return EXIT["ok"]
        printer.note(f"replacement {replacement.id} of workload {args.id} started; waiting for it to end")
        printer.one(await wl.wait_for_replacement(args.id, replacement.id, timeout=None, deadline=deadline))
    elif args.action == "promote":
        printer.one(await wl.promote(args.id))
    elif args.action == "history":
        printer.many(await wl.history(args.id).collect(), REPLACEMENT_COLUMNS)
    else:
        printer.many(await wl.events(args.id).collect(), EVENT_COLUMNS)
    return EXIT["ok"]


async def run_artifact_clone(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run ``artifacts clone``."""
    printer.one(await client.artifacts.clone(args.id, name=args.name))
    return EXIT["ok"]

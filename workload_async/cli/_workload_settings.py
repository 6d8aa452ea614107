"""The commands of what the 11.5 generation adds: ``workloads update|settings|update-settings|
promote|history|events`` and ``artifacts clone`` (``stats`` and the rest that look into a
workload are in :mod:`._inspect`). On a v2.41 client they exit 1 with the
client's ``UnsupportedFeatureError``, which names the feature and the generation."""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from .. import Client, GroupRuntime, ResourceBundle, WorkloadRuntime, from_json, to_json
from ._output import EXIT, Printer

__all__ = ["run_artifact_clone", "run_workload"]

REPLACEMENT_COLUMNS = ("id", "status", "message", "createdAt", "switchedAt")
EVENT_COLUMNS = ("timestamp", "eventType", "actorId", "details")


async def _runtime(client: Client, args: argparse.Namespace) -> WorkloadRuntime:
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
    """Run ``workloads update|settings|update-settings|promote|history|events``."""
    wl = client.workloads
    if args.action == "update":
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

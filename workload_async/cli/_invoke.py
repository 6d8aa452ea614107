"""``workloads invoke`` and ``deployments invoke``: call an application through the API gateway and
print its answer, telling the application's own errors from the platform's."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from .. import Client, WorkloadStatus
from ..errors import NotFoundError
from ._output import EXIT, Printer

__all__ = ["run_deployment_invoke", "run_invoke", "run_workload_invoke"]


class PlatformAnswer(Exception):
    """An invoke answered by the platform's gateway, not by the application (unknown id, not running)."""


async def _read_data(data: str | None) -> str | None:
    if data is None or not data.startswith("@"):
        return data
    try:
        return await asyncio.to_thread(Path(data[1:]).read_text)
    except OSError as exc:
        raise ValueError(f"-d {data}: cannot read {data[1:]!r}: {exc.strerror or exc}") from None


async def _whose_answer(client: Client, manager: Any, resource_id: str, status: int) -> str:
    """Whether a failed invoke was answered by the platform's gateway or by the application.

    The gateway answers 404 for an unknown id, and 503 for one that is not running or whose primary
    container exposes no port; the application may answer either itself, so ask the API about the
    resource."""
    if status not in (404, 503):
        return "application"
    try:
        resource = await manager.get(resource_id)
    except NotFoundError:
        return "platform"
    if status == 503 and getattr(resource, "status", None) != WorkloadStatus.RUNNING:
        return "platform"
    if status == 503 and await _exposes_no_port(
        client, getattr(resource, "workload_id", None) or resource_id
    ):
        return "platform"
    return "application"


async def _exposes_no_port(client: Client, workload_id: str) -> bool:
    """True when the primary containers of the workload's artifact have no port to invoke."""
    artifact_id = (await client.workloads.get(workload_id)).artifact_id
    spec = (await client.artifacts.get(artifact_id)).spec if artifact_id else None
    primaries = [c for g in spec.container_groups for c in g.containers if c.primary] if spec else []
    return bool(primaries) and all(c.port is None for c in primaries)


def _split_pairs(texts: list[str], sep: str, option: str, form: str) -> list[tuple[str, str]]:
    """Each ``Name: value`` (or ``name=value``) split in two. One without ``sep`` or a name before
    it is refused by its place among the option's values, never quoted: it may be a secret typed
    without its separator."""
    pairs = []
    for place, text in enumerate(texts, 1):
        name, found, value = text.partition(sep)
        if not found or not name.strip():
            which = f"{option} #{place}" if len(texts) > 1 else option
            why = f"no {sep!r} in it" if not found else f"nothing before the {sep!r}"
            raise ValueError(f"{which}: expected {form}, got {why} (the value is not repeated here)")
        pairs.append((name.strip(), value.strip() if sep == ":" else value))
    return pairs


async def run_invoke(client: Client, manager: Any, args: argparse.Namespace, printer: Printer) -> int:
    """Call the application of ``args.id`` through ``manager`` (workloads or deployments) and print
    its answer; an answer of the platform's gateway goes to stderr, as an error."""
    headers = dict(_split_pairs(args.header, ":", "-H", "'Name: value'"))
    params = _split_pairs(args.query, "=", "--query", "NAME=VALUE")
    data = await _read_data(args.data)
    if args.json:
        headers.setdefault("Content-Type", "application/json")
    method = args.method or ("GET" if data is None else "POST")  # as curl does
    response = await manager.invoke(
        args.id, args.path, method=method, data=data, headers=headers, params=params or None
    )
    answered_by = (
        "application" if response.ok else await _whose_answer(client, manager, args.id, response.status)
    )
    if answered_by == "platform":
        # not the application's output: nothing on stdout, the platform's reason on stderr
        printer.error(
            PlatformAnswer(
                f"the platform answered {response.status} for {args.id} "
                f"(the application was not reached): {response.text().strip()}"
            )
        )
        return EXIT["error"]
    if printer.output == "json":
        printer.one(
            {
                "status": response.status,
                "answeredBy": answered_by,
                "headers": dict(response.headers),
                "body": response.text(),
            }
        )
    else:
        print(response.text(), file=printer.out)
    if not response.ok:
        print(f"the application answered {response.status}", file=sys.stderr)
    return EXIT["ok"] if response.ok else EXIT["error"]


async def run_workload_invoke(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run ``workloads invoke``."""
    return await run_invoke(client, client.workloads, args, printer)


async def run_deployment_invoke(client: Client, args: argparse.Namespace, printer: Printer) -> int:
    """Run ``deployments invoke``."""
    return await run_invoke(client, client.deployments, args, printer)

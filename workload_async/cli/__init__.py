"""The ``workload-async`` command line: the same client, for people and shell scripts.

Exit codes: 0 success, 1 an API or connection error, 2 a usage error, 3 a workload failed
(``errored``/``terminated``), 4 a wait timed out, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from .._client import Client, package_version
from ..errors import WorkloadAPIError
from ._commands import add_resource_commands, run_resource_command
from ._demo import run_demo
from ._output import EXIT, Printer, exit_code_for
from ._serve import add_emulator_command, serve_emulator

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workload-async",
        description="Manage DataRobot workloads, artifacts and deployments (API v2.41).",
        epilog="Endpoint and token come from --endpoint/--token or DATAROBOT_ENDPOINT/DATAROBOT_API_TOKEN. "
        "Exit codes: 0 ok, 1 API error, 2 usage, 3 workload failed, 4 timeout.",
    )
    parser.add_argument("--endpoint", help="API root, e.g. https://app.datarobot.com/api/v2")
    parser.add_argument(
        "--token", help="API token (prefer DATAROBOT_API_TOKEN: flags show up in process lists)"
    )
    parser.add_argument("--version", action="version", version=f"workload-async {package_version()}")
    parser.add_argument("-o", "--output", choices=("text", "json"), default="text")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log requests (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser("demo", help="run a fleet through its lifecycle on the embedded emulator")
    demo.add_argument("--fleet", type=int, default=200, help="how many workloads (default 200)")
    demo.add_argument("--startup-seconds", type=float, default=1.5)
    add_emulator_command(sub)
    add_resource_commands(sub)
    return parser


async def _run(args: argparse.Namespace, printer: Printer) -> int:
    if args.command == "demo":
        if args.fleet < 4:
            raise ValueError("--fleet must be at least 4")
        return await run_demo(sys.stdout, fleet=args.fleet, startup_seconds=args.startup_seconds)
    if args.command == "emulator":
        return await serve_emulator(args)
    async with Client(args.endpoint, args.token) as client:
        return await run_resource_command(client, args, printer)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    args = _parser().parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    printer = Printer(output=args.output)
    try:
        return asyncio.run(_run(args, printer))
    except KeyboardInterrupt:
        return EXIT["interrupted"]
    except ValueError as exc:  # bad input, caught before anything was sent
        printer.error(exc)
        return EXIT["usage"]
    except WorkloadAPIError as exc:
        printer.error(exc)
        return exit_code_for(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

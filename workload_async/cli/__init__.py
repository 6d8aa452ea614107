"""The ``workload-async`` command line: the same client, for people and shell scripts.

Exit codes: 0 success, 1 an API or connection error, 2 a usage error, 3 a workload failed
(``errored``/``terminated``), 4 a wait timed out, 130 interrupted, 141 the reader of the output
went away (``| head``), as for a process stopped by SIGPIPE.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from .. import Client
from ..errors import WorkloadAPIError
from ._commands import add_resource_commands, run_resource_command
from ._demo import run_demo
from ._options import (
    VersionAction,
    add_common_options,
    add_everywhere,
    attach_dash_values,
    enable_completion,
    plain_warnings,
    seconds,
    setup_logging,
)
from ._output import EXIT, Printer, exit_code_for
from ._parser import Parser
from ._serve import add_emulator_command, serve_emulator

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="workload-async",
        description="Manage DataRobot workloads, artifacts and deployments (API v2.41 or 11.5).",
        epilog="Endpoint and token come from one place, taken whole: --endpoint with --token, else the "
        "file $DATAROBOT_CONFIG_FILE names, else DATAROBOT_ENDPOINT with DATAROBOT_API_TOKEN, else "
        "~/.config/datarobot/drconfig.yaml. "
        "Exit codes: 0 ok, 1 API error, 2 usage, 3 workload failed, 4 timeout.",
    )
    _add_connection(parser, top=True)
    parser.add_argument("--version", action=VersionAction)
    add_common_options(parser, top=True)
    _add_api_version(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser("demo", help="run a fleet through its lifecycle on the embedded emulator")
    demo.add_argument("--fleet", type=int, default=200, help="how many workloads (default 200)")
    demo.add_argument("--startup-seconds", type=seconds, default=1.5)
    add_emulator_command(sub)
    add_resource_commands(sub)
    add_everywhere(parser, lambda p: add_common_options(p, top=False))
    add_everywhere(parser, lambda p: _add_api_version(p, top=False))
    add_everywhere(parser, lambda p: _add_connection(p, top=False))
    return parser


def _add_connection(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``--endpoint`` and ``--token``, before the command or after it (not on ``demo``, which
    serves its own emulator, nor on ``emulator``, whose ``--token`` is the one it requires)."""
    if "--token" in p._option_string_actions or p.prog.endswith(" demo"):
        return
    default = None if top else argparse.SUPPRESS
    p.add_argument("--endpoint", default=default, help="API root, e.g. https://app.datarobot.com/api/v2")
    p.add_argument(
        "--token",
        default=default,
        help="API token (prefer DATAROBOT_API_TOKEN: flags show up in process lists)",
    )


def _add_api_version(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``--api-version`` on every command (``emulator`` has its own, for what it serves)."""
    if "--api-version" in p._option_string_actions:
        return
    p.add_argument(
        "--api-version",
        choices=("v2.41", "11.5", "auto"),
        default=None if top else argparse.SUPPRESS,
        help="the Workload API generation to speak (default: the api_version of the endpoint's "
        "config file, or $DATAROBOT_WORKLOAD_API_VERSION beside $DATAROBOT_ENDPOINT, else v2.41; "
        "auto asks the server)",
    )


async def _run(args: argparse.Namespace, printer: Printer) -> int:
    if args.command in ("demo", "emulator") and (args.endpoint or args.token):
        own = "; the emulator's own token is 'emulator --token T'" if args.command == "emulator" else ""
        raise ValueError(f"--endpoint and --token are for commands that call an API, not {args.command}{own}")
    if args.command == "demo":
        if args.fleet < 4:
            raise ValueError("--fleet must be at least 4")
        if args.output == "json" or args.quiet:
            raise ValueError("the demo prints a walk-through for people: it takes neither -o json nor -q")
        if args.api_version == "auto":
            raise ValueError("the demo serves an emulator of one generation: --api-version v2.41 or 11.5")
        return await run_demo(
            sys.stdout,
            fleet=args.fleet,
            startup_seconds=args.startup_seconds,
            api_version=args.api_version or "v2.41",
        )
    if args.command == "emulator":
        return await serve_emulator(args)
    async with Client(args.endpoint, args.token, api_version=args.api_version) as client:
        return await run_resource_command(client, args, printer)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = _parser()
    enable_completion(parser)
    args = parser.parse_args(attach_dash_values(sys.argv[1:] if argv is None else argv))
    setup_logging(args.verbose)
    printer = Printer(output=args.output, quiet=args.quiet)
    try:
        with plain_warnings():
            return asyncio.run(_run(args, printer))
    except KeyboardInterrupt:
        return EXIT["interrupted"]
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as a process killed by SIGPIPE would,
        # and point stdout at nothing so that the interpreter's last flush has nowhere to fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT["broken_pipe"]
    except ValueError as exc:  # bad input, caught before anything was sent
        printer.error(exc)
        return EXIT["usage"]
    except WorkloadAPIError as exc:
        printer.error(exc)
        return exit_code_for(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

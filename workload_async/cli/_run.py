"""Running a parsed command: logging, the printer, the client, and exit codes for what went wrong.

Imported by :func:`~workload_async.cli.main` once the command line has been parsed; the module that
runs the command (named by :func:`~._options.runs`) is imported here.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import sys
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TextIO, cast

from ..errors import WorkloadAPIError
from ._output import EXIT, Printer, exit_code_for

__all__ = ["plain_warnings", "run_parsed", "runner_of", "setup_logging"]


def setup_logging(verbose: int) -> None:
    """``-v``: each request of the SDK (method, path, status, time) on stderr; ``-vv``: everything."""
    if not verbose:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        return
    logging.basicConfig(
        level=logging.DEBUG if verbose > 1 else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("workload_async").setLevel(logging.DEBUG)


Runner = Callable[..., Awaitable[int]]


def runner_of(args: argparse.Namespace) -> Runner:
    """The function that runs the parsed command (``"module:function"``, see :func:`~._options.runs`)."""
    module, _, function = args.runner.partition(":")
    return cast(Runner, getattr(importlib.import_module(f".{module}", __package__), function))


async def _run(args: argparse.Namespace, printer: Printer) -> int:
    run = runner_of(args)
    if not args.calls_api:
        return await run(args)
    from .. import Client  # only a command that calls the API imports the client

    async with Client(args.endpoint, args.token, api_version=args.api_version) as client:
        return await run(client, args, printer)


@contextmanager
def plain_warnings() -> Iterator[None]:
    """Show the SDK's warnings (a setting that is not used) as ``warning: ...`` lines on stderr,
    once each, with no source line and no category, for the duration of a command."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        print(f"warning: {message}", file=sys.stderr, flush=True)

    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = show
        yield


def run_parsed(args: argparse.Namespace) -> int:
    """Run a parsed command line; returns the exit code. No traceback reaches the user for what
    they can cause: bad input exits 2, an API error 1 (3 for a failed workload, 4 for a timeout)."""
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

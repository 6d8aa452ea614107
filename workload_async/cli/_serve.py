"""``workload-async emulator``: serve the emulated API on a port until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

from ..emulator import Emulator
from ._parser.local import DEFAULT_EMULATOR_TOKEN, emulator_token

__all__ = ["serve_emulator"]


async def serve_emulator(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly (``--allow-remote`` with the public token
    was refused as the command line was parsed)."""
    emulator = Emulator(
        host=args.host,
        port=args.port,
        token=emulator_token(args),
        startup_seconds=args.startup_seconds,
        stop_seconds=args.stop_seconds,
        jitter=args.jitter,
        allow_remote=args.allow_remote,
        log_requests=not args.quiet,
        api_version=args.emulator_api_version or _top_level_version(args),
    )
    import logging

    logging.getLogger("workload_async.emulator").setLevel(logging.INFO)
    try:
        await emulator.start()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        reason = exc.strerror or str(exc)
        print(f"error: cannot serve on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        print(
            f"workload-async emulator serving {emulator.url} (API {emulator.api_version}; Ctrl-C to stop)",
            file=sys.stderr,
            flush=True,
        )
        print(f"  export DATAROBOT_ENDPOINT={emulator.url}", file=sys.stderr, flush=True)
        print(f"  {_token_line(args)}", file=sys.stderr, flush=True)
        await stop.wait()
        print("stopping", file=sys.stderr, flush=True)
    finally:
        await emulator.close()
    return 0


def _token_line(args: argparse.Namespace) -> str:
    """How a client gets the token: the public default is shown, a token of one's own is not."""
    if args.emulator_token:
        return "export DATAROBOT_API_TOKEN=...  # the --token given"
    if os.environ.get("DATAROBOT_API_TOKEN"):
        return "# clients send $DATAROBOT_API_TOKEN, already set here"
    return f"export DATAROBOT_API_TOKEN={DEFAULT_EMULATOR_TOKEN}"


def _top_level_version(args: argparse.Namespace) -> str:
    """``workload-async --api-version 11.5 emulator`` means the same as ``emulator --api-version 11.5``."""
    chosen = getattr(args, "api_version", None)
    return chosen if chosen in ("v2.41", "11.5") else "v2.41"

"""``workload-async emulator``: serve the emulated API on a port until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from typing import Any

from ..emulator import Emulator
from ._options import fraction, seconds

__all__ = ["DEFAULT_EMULATOR_TOKEN", "add_emulator_command", "serve_emulator"]

DEFAULT_EMULATOR_TOKEN = "emulator-token"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0 picks a free one), got {port}")
    return port


def add_emulator_command(sub: Any) -> None:
    """Register ``emulator`` on the top-level subparsers."""
    p = sub.add_parser("emulator", help="serve the Workload API locally from memory")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (loopback unless --allow-remote)")
    p.add_argument("--port", type=_port, default=8080, help="0-65535; 0 picks a free port (default 8080)")
    p.add_argument(
        "--token",
        dest="emulator_token",
        help=f"the token clients must send (default: $DATAROBOT_API_TOKEN, else {DEFAULT_EMULATOR_TOKEN!r})",
    )
    p.add_argument("--startup-seconds", type=seconds, default=2.0, help="create/start to running (default 2)")
    p.add_argument("--stop-seconds", type=seconds, default=1.0, help="stop to stopped (default 1)")
    p.add_argument("--jitter", type=fraction, default=0.0, help="± fraction spread of phase durations")
    p.add_argument(
        "--api-version",
        dest="emulator_api_version",
        choices=("v2.41", "11.5"),
        default=None,
        help="the generation of the API to serve (default v2.41)",
    )
    p.add_argument("--allow-remote", action="store_true", help="allow binding a non-loopback address")
    p.add_argument("--quiet", action="store_true", help="do not log each request")


async def serve_emulator(args: argparse.Namespace) -> int:
    """Serve until SIGINT or SIGTERM, then close cleanly."""
    token = args.emulator_token or os.environ.get("DATAROBOT_API_TOKEN") or DEFAULT_EMULATOR_TOKEN
    if args.allow_remote and token == DEFAULT_EMULATOR_TOKEN:
        raise ValueError(
            f"--allow-remote needs a token of your own (--token or $DATAROBOT_API_TOKEN): "
            f"{DEFAULT_EMULATOR_TOKEN!r} is public, and the token also guards the /_emulator control routes"
        )
    emulator = Emulator(
        host=args.host,
        port=args.port,
        token=token,
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

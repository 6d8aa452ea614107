"""The commands that call no API: ``demo`` and ``emulator`` (run by :mod:`.._demo` and :mod:`.._serve`)."""

from __future__ import annotations

import argparse
import os

from .._options import checks, fraction, runs, seconds, whole

__all__ = [
    "DEFAULT_EMULATOR_TOKEN",
    "DEMO_HELP",
    "EMULATOR_HELP",
    "add_demo_arguments",
    "add_emulator_arguments",
    "emulator_token",
]

DEMO_HELP = "run a fleet through its lifecycle on the embedded emulator"
EMULATOR_HELP = "serve the Workload API locally from memory"

DEFAULT_EMULATOR_TOKEN = "emulator-token"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0-65535 (0 picks a free one), got {port}")
    return port


def _fleet(text: str) -> int:
    return whole(text, 4, "3 of the fleet crash on purpose, and one must run")


def _check_demo(args: argparse.Namespace) -> None:
    """What the demo cannot do, wherever the option was given (``-o json demo`` too)."""
    if args.output == "json" or args.quiet:
        raise ValueError("the demo prints a walk-through for people: it takes neither -o json nor -q")
    if args.api_version == "auto":
        raise ValueError("the demo serves an emulator of one generation: --api-version v2.41 or 11.5")


def add_demo_arguments(demo: argparse.ArgumentParser) -> None:
    """The arguments of ``demo``."""
    demo.add_argument("--fleet", type=_fleet, default=200, help="how many workloads, 4 or more (default 200)")
    demo.add_argument("--startup-seconds", type=seconds, default=1.5)
    checks(demo, _check_demo)
    runs(demo, "_demo:run_demo_command", calls_api=False)


def emulator_token(args: argparse.Namespace) -> str:
    """The token ``emulator`` requires: ``--token``, else ``$DATAROBOT_API_TOKEN``, else the default."""
    return args.emulator_token or os.environ.get("DATAROBOT_API_TOKEN") or DEFAULT_EMULATOR_TOKEN


def _check_emulator(args: argparse.Namespace) -> None:
    if args.allow_remote and emulator_token(args) == DEFAULT_EMULATOR_TOKEN:
        raise ValueError(
            f"--allow-remote needs a token of your own (--token or $DATAROBOT_API_TOKEN): "
            f"{DEFAULT_EMULATOR_TOKEN!r} is public, and the token also guards the /_emulator control routes"
        )


def add_emulator_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``emulator``."""
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
    checks(p, _check_emulator)
    runs(p, "_serve:serve_emulator", calls_api=False)

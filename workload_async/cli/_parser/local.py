"""The commands that call no API: ``demo`` and ``emulator`` (run by :mod:`.._demo` and :mod:`.._serve`)."""

from __future__ import annotations

import argparse

from .._options import fraction, runs, seconds

__all__ = [
    "DEFAULT_EMULATOR_TOKEN",
    "DEMO_HELP",
    "EMULATOR_HELP",
    "add_demo_arguments",
    "add_emulator_arguments",
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


def add_demo_arguments(demo: argparse.ArgumentParser) -> None:
    """The arguments of ``demo``."""
    demo.add_argument("--fleet", type=int, default=200, help="how many workloads (default 200)")
    demo.add_argument("--startup-seconds", type=seconds, default=1.5)
    runs(demo, "_demo:run_demo_command", calls_api=False)


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
    runs(p, "_serve:serve_emulator", calls_api=False)

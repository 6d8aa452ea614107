"""What builds the command line's parser: every command's arguments, and the function that runs it.

Everything in this package is light: it imports ``argparse``, the standard library and
:mod:`.._options`, never the SDK, so that ``--help``, ``--version``, shell completion and argument
errors cost no more than the parser. A command names the function that runs it with
:func:`~.._options.runs` (``"module:function"`` of the command line's package); that module, and
with it the SDK, is imported only once the command line has been parsed and the command is run.
``tests/cli/test_light_parser.py`` holds both halves of the rule.
"""

from __future__ import annotations

import argparse

from .._options import VersionAction, add_common_options, add_everywhere
from . import artifacts, bundles, deployments, local, workloads

__all__ = ["build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The ``workload-async`` parser, every command included."""
    parser = argparse.ArgumentParser(
        prog="workload-async",
        description="Manage DataRobot workloads, artifacts and deployments (API v2.41 or 11.5).",
        epilog="Endpoint and token come from --endpoint/--token, DATAROBOT_ENDPOINT/DATAROBOT_API_TOKEN, "
        "or ~/.config/datarobot/drconfig.yaml ($DATAROBOT_CONFIG_FILE). "
        "Exit codes: 0 ok, 1 API error, 2 usage, 3 workload failed, 4 timeout.",
    )
    _add_connection(parser, top=True)
    parser.add_argument("--version", action=VersionAction)
    add_common_options(parser, top=True)
    _add_api_version(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    local.add_demo_command(sub)
    local.add_emulator_command(sub)
    workloads.add_workloads_command(sub)
    artifacts.add_artifacts_command(sub)
    deployments.add_deployments_command(sub)
    bundles.add_bundles_command(sub)
    add_everywhere(parser, lambda p: add_common_options(p, top=False))
    add_everywhere(parser, lambda p: _add_api_version(p, top=False))
    add_everywhere(parser, lambda p: _add_connection(p, top=False))
    return parser


def _add_connection(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``--endpoint`` and ``--token``, before the command or after it (not on the commands that call
    no API: ``demo`` serves its own emulator, and ``emulator``'s ``--token`` is the one it requires)."""
    if "--token" in p._option_string_actions or p.get_default("calls_api") is False:
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
        help="the Workload API generation to speak (default: $DATAROBOT_WORKLOAD_API_VERSION, "
        "the config file's api_version, else v2.41; auto asks the server)",
    )

"""What builds the command line's parser: every command's arguments, and the function that runs it.

Everything in this package is light: it imports ``argparse``, the standard library and
:mod:`.._options`, never the SDK, so that ``--help``, ``--version``, shell completion and argument
errors cost no more than the parser. A command names the function that runs it with
:func:`~.._options.runs` (``"module:function"`` of the command line's package); that module, and
with it the SDK, is imported only once the command line has been parsed and the command is run.
``tests/cli/test_light_parser.py`` holds both halves of the rule.

What the types of single options cannot see (options that need or exclude each other, options
given before the command) is checked by :func:`check_parsed` once the whole command line is
parsed, still before the SDK is imported, and refused as argparse refuses the rest: the
command's usage and exit 2.

The parser is built for the words given: a command's arguments (and its actions') are added only
when its name is among them, so ``workloads get --help`` builds the ``workloads`` command alone;
the others are listed by name and help line. With no words, every command is built whole.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence

from .._options import VersionAction, add_common_options, add_everywhere
from . import artifacts, bundles, deployments, local, workloads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = ["COMMANDS", "Parser", "build_parser", "check_parsed"]

#: Each command: its help line, and the function that adds its arguments (or its actions) to it.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "demo": (local.DEMO_HELP, local.add_demo_arguments),
    "emulator": (local.EMULATOR_HELP, local.add_emulator_arguments),
    "workloads": (workloads.HELP, workloads.add_arguments),
    "artifacts": (artifacts.HELP, artifacts.add_arguments),
    "deployments": (deployments.HELP, deployments.add_arguments),
    "bundles": (bundles.HELP, bundles.add_arguments),
}


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size()`` says it (``$COLUMNS``, else the
    terminal's, else 80), without importing shutil, which costs more than building the parser."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help, as wide as argparse makes it (two columns less than the terminal)."""

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        width = _columns() - 2 if width is None else width
        super().__init__(prog, indent_increment, max_help_position, width)


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help needs no shutil, and whose errors add the nearest command
    or option when one is mistyped (``workloads lsit`` … did you mean ``'list'``?); its commands'
    parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        hint = _suggestion(message, self)
        super().error(f"{message}; did you mean {hint!r}?" if hint else message)

    def parse_args(  # type: ignore[override]  # always a namespace: the command line has no extras
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """Parse as argparse does, but report an unknown option from the parser of the command it
        was given to (its usage, and an option of that command suggested), not the top level's."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            _chosen(self, parsed).error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed


def _chosen(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the innermost command ``parsed`` went through (``workloads`` → ``list``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            child = action.choices.get(getattr(parsed, action.dest, None) or "")
            if child is not None:
                return _chosen(child, parsed)
    return parser


_CHOICE = re.compile(r"invalid choice: '(?P<given>[^']*)' \(choose from (?P<choices>.*)\)")
_UNKNOWN = re.compile(r"unrecognized arguments: (?P<given>.*)")


def _suggestion(message: str, parser: argparse.ArgumentParser) -> str | None:
    """The nearest command (for an invalid choice) or option (for an unrecognized one), if any."""
    choice = _CHOICE.search(message)
    if choice is not None:
        return _nearest(choice["given"], re.findall(r"'([^']*)'", choice["choices"]))
    unknown = _UNKNOWN.search(message)
    if unknown is not None:
        options = sorted(_options(parser))
        for given in unknown["given"].split():
            if given.startswith("--") and given.partition("=")[0] not in options:
                return _nearest(given.partition("=")[0], options)
    return None


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """The options ``parser`` itself takes (an unknown option is reported by the parser of the
    command it was given to: see :meth:`Parser.parse_args`)."""
    return {name for action in parser._actions for name in action.option_strings}


def _nearest(given: str, names: list[str]) -> str | None:
    import difflib  # only when a command line is mistyped: the parser itself stays light

    found = difflib.get_close_matches(given, names, n=1, cutoff=0.6)
    return found[0] if found else None


def build_parser(words: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """The ``workload-async`` parser: whole, or with only the commands named in ``words`` (the
    command line about to be parsed) built beyond their name and help line."""
    wanted = None if words is None else set(words)
    parser = Parser(
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
    for name, (help_line, add_arguments) in COMMANDS.items():
        if wanted is None or name in wanted:
            command = sub.add_parser(name, help=help_line)
            add_arguments(command)
            _add_everywhere(command)
        else:  # never parsed (its name is not on the command line): listed in the help only
            sub.add_parser(name, help=help_line, add_help=False)
    return parser


def check_parsed(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Run the checks of the parsed command (:func:`~.._options.checks`); refuse the command line
    with the command's usage and exit 2 when one fails, as argparse refuses what it checks itself.
    A command that calls no API (``demo``, ``emulator``) refuses ``--endpoint`` and ``--token``
    given before it."""
    command = parser
    while True:  # the parser of the command that ran: ``workloads logs``, ``demo``...
        group = next((a for a in command._actions if isinstance(a, argparse._SubParsersAction)), None)
        name = None if group is None else getattr(args, group.dest, None)
        if group is None or name not in group.choices:
            break
        command = group.choices[name]
    try:
        if not args.calls_api and (args.endpoint or args.token):
            own = "; the emulator's own token is 'emulator --token T'" if args.command == "emulator" else ""
            raise ValueError(
                f"--endpoint and --token are for commands that call an API, not {args.command}{own}"
            )
        for check in getattr(args, "checks", ()):
            check(args)
    except ValueError as refused:
        command.error(str(refused))


def _add_everywhere(command: argparse.ArgumentParser) -> None:
    """The options every command takes, on ``command`` or on each of its actions."""
    adds: list[Callable[[argparse.ArgumentParser], None]] = [
        lambda p: add_common_options(p, top=False),
        lambda p: _add_api_version(p, top=False),
        lambda p: _add_connection(p, top=False),
    ]
    for add in adds:
        if any(isinstance(action, argparse._SubParsersAction) for action in command._actions):
            add_everywhere(command, add)
        else:
            add(command)


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

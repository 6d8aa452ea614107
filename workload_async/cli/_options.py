"""Options every command takes, wherever they are written, and what the parser needs around them.

``-o/--output``, ``-q/--quiet`` and ``-v/--verbose`` are accepted before the command and after it
(``workload-async workloads list -o json``): :func:`add_everywhere` adds them to every subcommand,
including those registered later by other modules, with defaults that do not override the
top-level value unless given. :func:`runs` names the function that runs a command.

Light, as the parser is (see :mod:`._parser`): the standard library only.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence

TYPE_CHECKING = False  # typing itself costs the parser more than the parser costs
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

__all__ = [
    "VersionAction",
    "add_common_options",
    "add_everywhere",
    "attach_dash_values",
    "count",
    "enable_completion",
    "fraction",
    "needs_one",
    "path",
    "positive",
    "runs",
    "seconds",
]


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def needs_one(args: argparse.Namespace, *options: str) -> None:
    """Raise ``ValueError`` naming ``options`` (``--name`` ...) unless at least one was given."""
    if all(getattr(args, o.lstrip("-").replace("-", "_")) is None for o in options):
        listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]
        raise ValueError(f"{args.action} needs {listed}")


def seconds(text: str) -> float:
    """An option's value as seconds: a finite number >= 0 (argparse names the option)."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


def count(text: str) -> int:
    """An option's value as a whole number >= 1 (how many, how many at once)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text!r}")
    return value


def path(text: str) -> Path:
    """An option's value as a path (``pathlib`` is imported only when one is given)."""
    from pathlib import Path

    return Path(text)


def positive(text: str) -> float:
    """An option's value as a finite number > 0 (CPU cores, GiB)."""
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """An option's value as a fraction in [0, 1)."""
    value = _number(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def runs(p: argparse.ArgumentParser, runner: str, *, calls_api: bool = True) -> None:
    """Name the function that runs the command ``p`` parses, as ``"module:function"`` of the command
    line's package (``"_commands:run_workloads"``); its module is imported only when the command
    runs. On a group (``workloads``) it runs every action that does not name its own.

    A command that calls the API runs as ``async def run(client, args, printer) -> int`` with an
    open :class:`~workload_async.Client`; one with ``calls_api=False`` (``demo``, ``emulator``) as
    ``async def run(args) -> int``, and refuses ``--endpoint`` and ``--token``.
    """
    p.set_defaults(runner=runner, calls_api=calls_api)


#: Options whose value may itself start with ``-`` (``--sort -name``, as the help writes it).
DASH_VALUE_OPTIONS = frozenset({"--sort"})


def add_common_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``-o``, ``-q`` and ``-v``; below the top level they leave the namespace alone unless given."""

    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    def add_argument(*names: str, **kwargs: Any) -> None:
        # a command that already has one of these (``emulator --quiet``) keeps its own
        if not any(name in p._option_string_actions for name in names):
            p.add_argument(*names, **kwargs)

    add_argument(
        "-o", "--output", choices=("text", "json"), default=default("text"), help="text (default) or json"
    )
    add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default(False),
        help="print ids only, one a line (for xargs); no progress or remarks",
    )
    add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        help="log each request to stderr (-vv: also aiohttp and asyncio debug)",
    )


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from dict.fromkeys(action.choices.values())  # aliases map to the same parser


def add_everywhere(parser: argparse.ArgumentParser, add: Callable[[argparse.ArgumentParser], None]) -> None:
    """Call ``add`` on every command parser below ``parser`` that has no subcommands of its own."""
    for child in _subparsers(parser):
        if any(True for _ in _subparsers(child)):
            add_everywhere(child, add)
        else:
            add(child)


def attach_dash_values(argv: Sequence[str]) -> list[str]:
    """``--sort -name`` → ``--sort=-name``: argparse would take ``-name`` for an option."""
    out: list[str] = []
    it = iter(argv)
    for arg in it:
        if arg in DASH_VALUE_OPTIONS:
            value = next(it, None)
            if value is not None and value.startswith("-") and not value.startswith("--"):
                out.append(f"{arg}={value}")
                continue
            out.append(arg)
            if value is not None:
                out.append(value)
            continue
        out.append(arg)
    return out


class VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (it costs import time)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the version and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        import workload_async

        print(f"workload-async {workload_async.__version__}")
        parser.exit()


def enable_completion(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit, when argcomplete is installed and asking.

    Install the ``completion`` extra, then ``eval "$(register-python-argcomplete workload-async)"``.
    """
    if "_ARGCOMPLETE" not in os.environ:
        return
    try:
        import argcomplete
    except ImportError:  # pragma: no cover - the extra is not installed
        print("shell completion needs: pip install 'workload-async[completion]'", file=sys.stderr)
        return
    argcomplete.autocomplete(parser)


def minutes(text: str) -> int:
    """A whole number of minutes >= 0, as an option's type."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of minutes, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value

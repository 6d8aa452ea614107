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
import re
import sys
from collections.abc import Callable, Iterator, Sequence

TYPE_CHECKING = False  # typing itself costs the parser more than the parser costs
if TYPE_CHECKING:
    from datetime import datetime, timedelta
    from pathlib import Path
    from typing import Any

    Check = Callable[[argparse.Namespace], None]

__all__ = [
    "VersionAction",
    "add_common_options",
    "add_everywhere",
    "attach_dash_values",
    "checks",
    "count",
    "enable_completion",
    "fraction",
    "moment",
    "needs_one",
    "path",
    "positive",
    "runs",
    "seconds",
    "whole",
]


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def checks(p: argparse.ArgumentParser, *functions: Check) -> None:
    """Check the command line ``p`` parses as a whole, once it is parsed and before anything of the
    SDK is imported (:func:`~._parser.check_parsed`): what one option's ``type=`` cannot see, such
    as options that need or exclude each other. Each function raises ``ValueError`` naming the
    options to refuse the command line (argparse's usage message, exit 2), and may put a value in
    the form the command runs with (``-H`` as pairs)."""
    p.set_defaults(checks=(*(p.get_default("checks") or ()), *functions))


def needs_one(*options: str) -> Check:
    """A check (see :func:`checks`) refusing a command line that gives none of ``options``."""

    def check(args: argparse.Namespace) -> None:
        if all(getattr(args, o.lstrip("-").replace("-", "_")) is None for o in options):
            listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]
            raise ValueError(f"{args.action} needs {listed}")

    return check


def seconds(text: str) -> float:
    """An option's value as seconds: a finite number >= 0 (argparse names the option)."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


def whole(text: str, minimum: int, why: str = "") -> int:
    """``text`` as a whole number >= ``minimum`` (``why`` says why, in the refusal's parentheses)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < minimum:
        because = f" ({why})" if why else ""
        raise argparse.ArgumentTypeError(f"expected a number >= {minimum}{because}, got {text!r}")
    return value


def count(text: str) -> int:
    """An option's value as a whole number >= 1 (how many, how many at once, at most how many)."""
    return whole(text, 1)


#: The most workloads one ``create --count`` makes (each is a request built before the first is sent).
MOST_CREATED = 100_000


def how_many(text: str) -> int:
    """``create --count``'s value: a whole number from 1 to :data:`MOST_CREATED`."""
    value = whole(text, 1)
    if value > MOST_CREATED:
        raise argparse.ArgumentTypeError(
            f"expected at most {MOST_CREATED:,} workloads a command, got {text!r} (run it again for more)"
        )
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


_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def moment(text: str) -> timedelta | datetime:
    """An option's value as a moment: a duration (``10m``, ``1h30m``, ``2d``: that long ago, as a
    ``timedelta``) or an RFC 3339 time with its zone (``2026-06-10T08:00:00Z``, as a ``datetime``).
    ``datetime`` is imported only when one is given."""
    from datetime import datetime, timedelta

    value = text.strip()
    if value and _DURATION.sub("", value) == "":
        return timedelta(seconds=sum(float(n) * _UNITS[u] for n, u in _DURATION.findall(value)))
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a duration (30s, 10m, 2h, 1d, 1h30m) nor a time (2026-06-10T08:00:00Z)"
        ) from None
    if when.tzinfo is None:  # one rule everywhere: a time without a zone could be local or UTC
        raise argparse.ArgumentTypeError(
            f"{text!r} has no time zone: write it with one, as 2026-06-10T08:00:00Z (UTC) "
            "or 2026-06-10T10:00:00+02:00"
        )
    return when


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

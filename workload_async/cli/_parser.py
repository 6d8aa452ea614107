"""The command line's argument parser: argparse's, suggesting the nearest command or option when
one is mistyped (``workloads lsit`` → did you mean ``list``?)."""

from __future__ import annotations

import argparse
import difflib
import re
from typing import NoReturn

__all__ = ["Parser"]

_CHOICE = re.compile(r"invalid choice: '(?P<given>[^']*)' \(choose from (?P<choices>.*)\)")
_UNKNOWN = re.compile(r"unrecognized arguments: (?P<given>.*)")


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors add the nearest command or option, when one is near."""

    def error(self, message: str) -> NoReturn:
        hint = _suggestion(message, self)
        super().error(f"{message}; did you mean {hint!r}?" if hint else message)


def _suggestion(message: str, parser: argparse.ArgumentParser) -> str | None:
    choice = _CHOICE.search(message)
    if choice is not None:
        choices = re.findall(r"'([^']*)'", choice["choices"])
        return _nearest(choice["given"], choices)
    unknown = _UNKNOWN.search(message)
    if unknown is not None:
        options = sorted(_options(parser))
        for given in unknown["given"].split():
            if given.startswith("--"):
                return _nearest(given.partition("=")[0], options)
    return None


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option of ``parser`` and of its commands (argparse reports an unknown option of a
    command from the top-level parser)."""
    names: set[str] = set()
    for action in parser._actions:
        names.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                names |= _options(child)
    return names


def _nearest(given: str, names: list[str]) -> str | None:
    found = difflib.get_close_matches(given, names, n=1, cutoff=0.6)
    return found[0] if found else None

"""The ``workload-async`` command line: the same client, for people and shell scripts.

Exit codes: 0 success, 1 an API or connection error, 2 a usage error, 3 a workload failed
(``errored``/``terminated``), 4 a wait timed out, 130 interrupted, 141 the reader of the output
went away (``| head``), as for a process stopped by SIGPIPE.

Two halves: :mod:`._parser` builds the parser and imports nothing of the SDK, so ``--help``,
``--version``, completion and argument errors (a value out of range, options that need or exclude
each other) are answered before the SDK (and aiohttp) is imported; :mod:`._run` runs the parsed
command, importing the module that runs it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ._options import attach_dash_values, enable_completion
from ._parser import build_parser, check_parsed

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    words = list(sys.argv[1:] if argv is None else argv)
    completing = os.environ.get("COMP_LINE", "").split() if "_ARGCOMPLETE" in os.environ else []
    parser = build_parser([*words, *completing])  # only the commands named are built whole
    enable_completion(parser)
    args = parser.parse_args(attach_dash_values(words))
    check_parsed(parser, args)  # what the options' types cannot see alone, still without the SDK
    from ._run import run_parsed  # the SDK is imported here, once there is a command to run

    return run_parsed(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

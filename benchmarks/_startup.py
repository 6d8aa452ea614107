"""What starting costs: importing the SDK, and the command line's ``--help``, each in fresh
interpreters taking turns with its baseline.

- ``import_ratio``: ``from workload_async import Client`` (what a program imports to do anything:
  ``import workload_async`` alone imports none of the package's modules, ``import_package_ms``)
  against ``import aiohttp``, timed inside the interpreter.
- ``cli_help_over_python``: ``workload-async --help`` (the installed console script) against
  ``python -c pass``, each timed as a whole process; ``argparse_help_over_python`` is what
  ``argparse`` alone costs, a parser with the same six commands printing its help.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ._turns import ratio_figures

__all__ = ["run_cli_help", "run_import_time"]

#: A bare argparse command line shaped like the top of ``workload-async``, printing its help.
ARGPARSE_HELP = """
import argparse
p = argparse.ArgumentParser(prog="x", description="d", epilog="e")
for option in ("--endpoint", "--token", "--api-version"):
    p.add_argument(option, help="h")
for option in ("--version", "--quiet", "--verbose", "--output"):
    p.add_argument(option, action="store_true", help="h")
sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
for name in ("demo", "emulator", "workloads", "artifacts", "deployments", "bundles"):
    sub.add_parser(name, help=f"the {name} command")
p.print_help()
"""


def _env() -> dict[str, str]:
    # As after any pip install: bytecode cached. (Some shells set PYTHONDONTWRITEBYTECODE, which
    # would make an editable checkout compile its sources on every start and time the compiler.)
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_env()
    ).stdout
    return float(out)


def run_import_time(quick: bool) -> dict[str, float]:
    """Import times in fresh interpreters, taking turns (aiohttp, SDK, SDK, aiohttp, ...)."""
    statements = {"sdk": "from workload_async import Client", "aiohttp": "import aiohttp"}
    _import_seconds(statements["sdk"])  # write the bytecode caches once
    seconds: dict[str, list[float]] = {"sdk": [], "aiohttp": [], "package": []}
    for i in range(15 if quick else 31):
        for name in ("sdk", "aiohttp") if i % 2 else ("aiohttp", "sdk"):
            seconds[name].append(_import_seconds(statements[name]))
        seconds["package"].append(_import_seconds("import workload_async"))
    sdk, aiohttp = seconds["sdk"], seconds["aiohttp"]
    return {
        "import_sdk_ms": statistics.median(sdk) * 1000,
        "import_aiohttp_ms": statistics.median(aiohttp) * 1000,
        "import_package_ms": statistics.median(seconds["package"]) * 1000,
        **ratio_figures("import_ratio", [s / a for s, a in zip(sdk, aiohttp, strict=True)]),
    }


def _process_seconds(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env())
    return time.perf_counter() - started


def run_cli_help(quick: bool) -> dict[str, float]:
    """``workload-async --help``, ``python -c pass`` and bare argparse's help, taking turns."""
    script = Path(sys.executable).with_name("workload-async")
    cli = (
        [str(script), "--help"] if script.exists() else [sys.executable, "-m", "workload_async.cli", "--help"]
    )
    contenders = {
        "python": [sys.executable, "-c", "pass"],
        "cli": cli,
        "argparse": [sys.executable, "-c", ARGPARSE_HELP],
    }
    for argv in contenders.values():
        _process_seconds(argv)  # bytecode caches written, files in the page cache
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    order = list(contenders)
    for i in range(21 if quick else 41):
        for name in order[i % 3 :] + order[: i % 3]:  # each goes first as often
            seconds[name].append(_process_seconds(contenders[name]))
    python = seconds["python"]
    return {
        "cli_help_ms": statistics.median(seconds["cli"]) * 1000,
        "python_start_ms": statistics.median(python) * 1000,
        **ratio_figures("cli_help_over_python", [c / p for c, p in zip(seconds["cli"], python, strict=True)]),
        **ratio_figures(
            "argparse_help_over_python", [a / p for a, p in zip(seconds["argparse"], python, strict=True)]
        ),
    }

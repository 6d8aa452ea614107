"""``bundles list`` (run by :mod:`.._logs`)."""

from __future__ import annotations

import argparse

from .._options import runs

__all__ = ["HELP", "add_arguments"]

HELP = "the compute bundles a runtime can name"


def add_arguments(group: argparse.ArgumentParser) -> None:
    """``bundles list`` and its arguments."""
    b = group.add_subparsers(dest="action", required=True)
    p = b.add_parser("list", help="list compute bundles")
    p.add_argument(
        "--use-case",
        action="append",
        dest="use_cases",
        help="only bundles for this use (workload, customModel, customApplication); repeatable",
    )
    runs(group, "_logs:run_bundles")

"""``bundles list`` (run by :mod:`.._logs`)."""

from __future__ import annotations

from typing import Any

from .._options import runs

__all__ = ["add_bundles_command"]


def add_bundles_command(sub: Any) -> None:
    """Register ``bundles list`` on the top-level subparsers."""
    group = sub.add_parser("bundles", help="the compute bundles a runtime can name")
    b = group.add_subparsers(dest="action", required=True)
    p = b.add_parser("list", help="list compute bundles")
    p.add_argument(
        "--use-case",
        action="append",
        dest="use_cases",
        help="only bundles for this use (workload, customModel, customApplication); repeatable",
    )
    runs(group, "_logs:run_bundles")

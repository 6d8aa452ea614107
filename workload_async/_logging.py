"""The package's logger, silent until the application configures logging.

A library's log lines reach stderr only when the application wants them (it configures logging,
or sets ``WORKLOAD_ASYNC_LOG``): without a handler of its own on ``workload_async``, Python's
last-resort handler would print every warning (each retry). The modules that log import this one,
so the ``NullHandler`` is in place before their first line; ``import workload_async`` itself
imports nothing.
"""

from __future__ import annotations

import logging

__all__ = ["PACKAGE_LOGGER"]

PACKAGE_LOGGER = logging.getLogger("workload_async")
if not any(isinstance(h, logging.NullHandler) for h in PACKAGE_LOGGER.handlers):
    PACKAGE_LOGGER.addHandler(logging.NullHandler())

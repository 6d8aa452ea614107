"""A local emulator of the DataRobot Workload API: v2.41, or 11.5 with ``Emulator(api_version="11.5")``.

``async with Emulator() as emu:`` serves the whole API from memory on a free loopback port, with a
lifecycle driven by a clock (share a :class:`~workload_async.FakeClock` with the client to make
minutes pass in milliseconds), auth with several users and read-only tokens, the contract's
validation and error shapes, a built-in echo application behind the invoke routes, fault
injection and request counters. Installing the package also gives pytest the
``workload_emulator`` and ``workload_client`` fixtures.
"""

from ._emulator import Emulator
from ._faults import Fault
from ._store import CRASH_IMAGE

__all__ = ["CRASH_IMAGE", "Emulator", "Fault"]

"""The performance suite: ``python -m benchmarks [--quick]``.

Every figure is a ratio against a baseline measured in the same run on the same machine (raw
aiohttp, a naive per-workload polling loop, ``import aiohttp``), so shared, noisy machines still
give comparable numbers. The emulator runs in a separate process so client and server do not
share an event loop.
"""

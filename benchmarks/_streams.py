"""Reading a stream: server-sent events parsed from one large body, per event, at two sizes.

A parser linear in the stream's length spends the same time per event at both sizes
(``sse_growth_16x`` near 1); one that rescans what it has buffered spends sixteen times as much
per event on a body sixteen times as long.
"""

from __future__ import annotations

import time

from workload_async._http.sse import SSEParser


def _seconds(events: int) -> float:
    body = b"".join(b'id: %d\ndata: {"n": %d}\n\n' % (i, i) for i in range(events))
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        parsed = SSEParser().feed(body)
        best = min(best, time.perf_counter() - started)
    assert len(parsed) == events
    return best


def run_streams(quick: bool) -> dict[str, float]:
    small, large = (10_000, 160_000) if quick else (20_000, 320_000)
    per_small = _seconds(small) / small
    per_large = _seconds(large) / large
    return {
        f"sse_us_per_event_{small}": per_small * 1e6,
        f"sse_us_per_event_{large}": per_large * 1e6,
        "sse_growth_16x": per_large / per_small,
    }

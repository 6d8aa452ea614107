"""Ratios taken in turns: each round runs both contenders, one after the other, alternating which
goes first; a ratio is the median of the rounds' ratios, and its spread says how far apart they were.
"""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable, Sequence

__all__ = ["ratio_figures", "turns"]


def ratio_figures(key: str, ratios: Sequence[float]) -> dict[str, float]:
    """``key``: the median of the rounds' ratios; ``key_spread``: their interquartile range (the
    middle half of the rounds lies within it), which says how far one round strays on this machine
    while a noisy round or two cannot move it."""
    q1, _, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios[0],) * 3
    return {key: statistics.median(ratios), f"{key}_spread": q3 - q1}


async def turns(
    rounds: int, first: Callable[[], Awaitable[float]], second: Callable[[], Awaitable[float]]
) -> tuple[list[float], list[float]]:
    """``rounds`` rounds of ``first()`` and ``second()`` (each a figure of one run), the second
    going first in every other round; their figures, round by round."""
    ones: list[float] = []
    twos: list[float] = []
    for i in range(rounds):
        if i % 2:
            ones.append(await first())
            twos.append(await second())
        else:
            twos.append(await second())
            ones.append(await first())
    return ones, twos

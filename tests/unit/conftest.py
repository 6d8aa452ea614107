"""Unit tests fake the socket with aioresponses.

aiohttp 3.14 made ``ClientResponse``'s ``stream_writer`` argument required and aioresponses 0.7.x
does not pass it yet (pnuckowski/aioresponses#289). Until it does, the fixture below hands
aioresponses a response class that supplies a finished writer. It changes the test library only,
never workload_async.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any
from unittest import mock

import aiohttp
import aioresponses.core
import pytest
from aioresponses import aioresponses as AioResponses

_NEEDS_WRITER = "stream_writer" in inspect.signature(aiohttp.ClientResponse.__init__).parameters


class _CompatResponse(aiohttp.ClientResponse):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if _NEEDS_WRITER:
            kwargs.setdefault("stream_writer", mock.Mock(output_size=0))
        super().__init__(*args, **kwargs)


@pytest.fixture
def mock_http(monkeypatch: pytest.MonkeyPatch) -> Iterator[AioResponses]:
    """aioresponses, active for the test; unmatched requests raise ``ClientConnectionError``."""
    monkeypatch.setattr(aioresponses.core, "ClientResponse", _CompatResponse)
    with AioResponses() as m:
        yield m

"""Calling the application inside a workload or deployment, through the API's gateway."""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from ._http import Params, Response, StreamingResponse, Transport
from ._validation import check_id

__all__ = ["Invoker"]

_MISSING: Any = object()


def _body(
    json: Any, data: bytes | str | None, headers: Mapping[str, str] | None
) -> tuple[bytes | None, dict[str, str]]:
    out_headers = dict(headers or {})
    if json is not _MISSING and data is not None:
        raise ValueError("pass either json= or data=, not both")
    if json is not _MISSING:
        out_headers.setdefault("Content-Type", "application/json")
        return jsonlib.dumps(json).encode(), out_headers
    if isinstance(data, str):
        return data.encode(), out_headers
    return data, out_headers


class Invoker:
    """Sends requests to ``endpoints/<kind>/<id>/<path>`` on the client's own API origin."""

    def __init__(self, transport: Transport, route: str, what: str) -> None:
        self._transport = transport
        self._route = route
        self._what = what

    async def invoke(
        self,
        resource_id: str,
        path: str = "",
        *,
        method: str = "GET",
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        json: Any = _MISSING,
        data: bytes | str | None = None,
        raise_for_status: bool = False,
        timeout_deadline: float | None = None,
    ) -> Response:
        """Send one request to the application and return its complete response."""
        check_id(resource_id, self._what)
        body, all_headers = _body(json, data, headers)
        url = self._transport.url(self._route, resource_id, tail=path)
        response = await self._transport.send(
            method.upper(),
            url,
            params=params,
            data=body,
            headers=all_headers,
            retry="never",
            deadline=timeout_deadline,
            raise_for_status=False,
        )
        if raise_for_status:
            response.raise_for_status()
        return response

    @asynccontextmanager
    async def stream(
        self,
        resource_id: str,
        path: str = "",
        *,
        method: str = "GET",
        params: Params = None,
        headers: Mapping[str, str] | None = None,
        json: Any = _MISSING,
        data: bytes | str | None = None,
    ) -> AsyncIterator[StreamingResponse]:
        """Open a request to the application and read its body as it arrives."""
        check_id(resource_id, self._what)
        body, all_headers = _body(json, data, headers)
        url = self._transport.url(self._route, resource_id, tail=path)
        async with self._transport.stream(
            method.upper(), url, params=params, data=body, headers=all_headers
        ) as response:
            yield response

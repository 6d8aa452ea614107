"""Status-only reading of a page of workloads, for the poller.

A status poll needs three fields of each workload: ``id``, ``status`` and ``statusDetails``. They
are read straight from the decoded JSON; the full :class:`~workload_async.Workload` is built (by
:func:`read_workload`) only for the workloads whose wait needs it. One unreadable item is an error
of its own and never spoils the rest of the page.
"""

from __future__ import annotations

from typing import Any

import attrs

from .._http.responses import Response
from .._models.converter import DecodeProblem, structure
from .._models.enums import ReplacementStatus, WorkloadStatus
from .._models.outputs import Workload
from ..errors import ResponseDecodeError

__all__ = ["StatusPage", "read_shown", "read_status_page", "read_workload"]

_KNOWN: dict[Any, WorkloadStatus] = dict(WorkloadStatus._value2member_map_)


@attrs.define(eq=False)
class StatusPage:
    """What a status poll's page says.

    ``items`` maps each readable id to ``(status, statusDetails, item)``; ``broken`` maps an id
    whose status could not be read to its error; ``anonymous`` holds the errors of items without
    a readable id (they may be any of the ids asked for).
    """

    items: dict[str, tuple[WorkloadStatus, Any, Any]] = attrs.field(factory=dict)
    broken: dict[str, ResponseDecodeError] = attrs.field(factory=dict)
    anonymous: list[ResponseDecodeError] = attrs.field(factory=list)
    next: str | None = None
    size: int = 0


def _decode_error(response: Response, problems: list[str], workload_id: str = "") -> ResponseDecodeError:
    which = f"workload {workload_id}" if workload_id else "a workload"
    return ResponseDecodeError(
        f"{which} in the status page is not readable",
        method=response.method,
        url=response.url,
        problems=problems,
    )


def _status(value: Any) -> WorkloadStatus:
    if value is None:
        return WorkloadStatus.UNKNOWN
    known = _KNOWN.get(value) if type(value) is str else None
    if known is not None:
        return known
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return WorkloadStatus(value)


def read_status_page(response: Response) -> StatusPage:
    """Read id, status and statusDetails of each item; raises :class:`ResponseDecodeError` when the
    page itself (not one item) cannot be read."""
    body = response._api_json()
    if type(body) is not dict:
        raise _envelope_error(response, f"expected a JSON object, got {type(body).__name__}")
    data = body.get("data")
    if data is None:
        data = []
    elif type(data) is not list:
        raise _envelope_error(response, f"Page.data: expected a list, got {type(data).__name__}")
    link = body.get("next")
    page = StatusPage(next=link if type(link) is str and link else None, size=len(data))
    items, known = page.items, _KNOWN
    for index, item in enumerate(data):
        if type(item) is not dict:
            page.anonymous.append(
                _decode_error(
                    response, [f"Page.data[{index}]: expected an object, got {type(item).__name__}"]
                )
            )
            continue
        workload_id = item.get("id") or item.get("workloadId")
        if type(workload_id) is not str:
            page.anonymous.append(
                _decode_error(response, [f"Page.data[{index}].id: missing or not a string"])
            )
            continue
        raw = item.get("status")
        status = known.get(raw) if type(raw) is str else None  # the usual case, without a call
        if status is None:
            try:
                status = _status(raw)
            except (TypeError, ValueError) as exc:
                page.broken[workload_id] = _decode_error(response, [f"Workload.status: {exc}"], workload_id)
                continue
        items[workload_id] = (status, item.get("statusDetails"), item)
    return page


def _envelope_error(response: Response, problem: str) -> ResponseDecodeError:
    return ResponseDecodeError(
        "response is not a valid Page", method=response.method, url=response.url, problems=[problem]
    )


def read_workload(workload_id: str, item: Any, response: Response) -> Workload:
    """The full model of one item; :class:`ResponseDecodeError` names each field that did not fit."""
    try:
        return structure(item, Workload)
    except DecodeProblem as exc:
        raise _decode_error(response, exc.problems, workload_id) from exc
    except RecursionError as exc:
        raise _decode_error(response, ["Workload: nested too deeply to read"], workload_id) from exc


def read_shown(item: Any) -> tuple[ReplacementStatus, str | None] | None:
    """What a workload item shows of its replacement (API 11.5): its status and id (when the
    server sends one), or None for ``null`` or no field. A record whose status is missing or not a
    string reads as ``unknown``: still in progress."""
    shown = item.get("replacement") if type(item) is dict else None
    if type(shown) is not dict:
        return None
    raw, shown_id = shown.get("status"), shown.get("id")
    status = ReplacementStatus(raw) if type(raw) is str else ReplacementStatus.UNKNOWN
    return status, shown_id if type(shown_id) is str and shown_id else None

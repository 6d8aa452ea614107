"""Why a wait is stuck: one line read from the workload's active proton (or, for a replacement,
its candidate), added to the error.

When a wait times out, or its workload goes ``errored``, the status alone says little
("last status seen: launching"). DataRobot's own troubleshooting reads the active proton's status
snapshot: which container is waiting or terminated, how often it restarted, and the monitor's
summary; mid-replacement, the ``candidate`` proton's, for that is the one coming up.
:class:`Diagnoser` does that with **one** extra call, on API 11.5 only (v2.41 has no protons),
and never raises: when the snapshot cannot be read the error simply has no diagnosis.

- The proton is the one the last status answer named (``protonId``): one call to its status
  snapshot. When no answer named one, the one call reads the workload's events instead, for the
  newest ``warning`` (the cluster's own words: reason, message, container).
- A wait for the end of a replacement that times out, or ends ``errored`` or ``failed``, reads the
  replacement's candidate proton instead (its id from the replacement's record; the events when
  the record names none), and the diagnosis says so: ``candidate: container app: image pull
  back-off (...)``. One still waiting its turn behind another says so with no call at all
  (:func:`behind`). A canceled one is not diagnosed: someone chose it.
- A wait whose polls were failing (the server unreachable or refusing) gets no diagnosis: the
  error already says why, and one more call would fail the same way.
- Many waits at once (``wait_many``, ``as_completed``, bulk starts and stops with ``wait=True``)
  diagnose at most :data:`PER_BATCH` failures each, in the order they settle; so thousands of
  workloads timing out together cost ten calls, not thousands. Every diagnosis of a client also
  goes through one gate (at most :data:`AT_ONCE` calls in flight) and one budget (at most
  :data:`BUDGET` calls, refilled at :data:`REFILL_PER_SECOND` on the client's clock): past it, an
  error goes undiagnosed rather than adding load to a server that may be struggling. A
  diagnosis call is never retried and is bounded by :data:`CALL_TIMEOUT` seconds (or the
  request timeout, if shorter).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._clock import Clock
from .._http.transport import Transport
from .._models.converter import structure
from ..errors import ReplacementFailedError, WaitError, WaitTimeoutError, WorkloadFailedError

if TYPE_CHECKING:  # read only when a wait fails on 11.5: imported there
    from .._models.protons import ContainerState, ProtonSnapshot

__all__ = [
    "AT_ONCE",
    "BUDGET",
    "CALL_TIMEOUT",
    "PER_BATCH",
    "Diagnoser",
    "behind",
    "describe",
    "describe_event",
]

log = logging.getLogger("workload_async")

#: The most failures one call of ``wait_many``/``as_completed``/a bulk wait diagnoses.
PER_BATCH = 10
#: The most diagnosis calls of one client in flight at once.
AT_ONCE = 4
#: The most diagnosis calls one client makes in a burst; the budget refills at
#: :data:`REFILL_PER_SECOND` (30 a minute).
BUDGET = 30.0
REFILL_PER_SECOND = 0.5
#: The longest a diagnosis call may take, in seconds.
CALL_TIMEOUT = 5.0
#: The longest diagnosis kept (the error's message carries it).
MOST_CHARS = 200

#: How a cluster's reason reads in a diagnosis.
_PHRASES = {
    "imagepullbackoff": "image pull back-off",
    "errimagepull": "image pull error",
    "invalidimagename": "invalid image name",
    "crashloopbackoff": "crash loop back-off",
    "oomkilled": "OOM killed",
    "createcontainerconfigerror": "container config error",
    "containercreating": "container creating",
    "error": "error",
}
_REASON = re.compile(r"\s*([A-Za-z][A-Za-z0-9]*)\s*:\s*(.*)", re.S)
_WARNING_TYPES = frozenset({"warning"})
#: The endings of a replacement a diagnosis can explain (a canceled one was someone's choice).
_DIAGNOSED_REPLACEMENTS = frozenset({"errored", "failed"})


def _split(summary: str | None) -> tuple[str | None, str]:
    """``"ImagePullBackOff: x not found"`` -> ``("ImagePullBackOff", "x not found")``; a summary
    that does not start with a reason word is all detail."""
    text = " ".join((summary or "").split())
    match = _REASON.fullmatch(text)
    if match is not None and (match.group(1).lower() in _PHRASES or match.group(1)[0].isupper()):
        return match.group(1), match.group(2)
    return None, text


def _phrase(reason: str | None, container: ContainerState | None) -> str:
    if reason is not None:
        return _PHRASES.get(reason.lower(), reason)
    if container is None:
        return "not ready"
    if container.status == "terminated":
        return "terminated"
    if container.status == "waiting" and container.restart_count:
        return "restarting"
    return container.status or "not ready"


def _telling(snapshot: ProtonSnapshot) -> ContainerState | None:
    """The container that says most of why: terminated, then waiting and restarting, then
    waiting, then not ready."""
    containers = [c for replica in snapshot.replicas for c in replica.containers]
    for test in (
        lambda c: c.status == "terminated",
        lambda c: c.status == "waiting" and c.restart_count > 0,
        lambda c: c.status == "waiting",
        lambda c: c.ready is False,
    ):
        found = [c for c in containers if test(c)]
        if found:
            return max(found, key=lambda c: c.restart_count)
    return None


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MOST_CHARS else flat[: MOST_CHARS - 1] + "…"


def describe(snapshot: ProtonSnapshot) -> str | None:
    """A proton's snapshot in one line, e.g. ``container app: image pull back-off
    (registry.example.com/app:1 not found), 0 restarts``; None when it says nothing useful."""
    reason, detail = _split(snapshot.overall_status.summary)
    container = _telling(snapshot)
    if container is not None:
        phrase = _phrase(reason, container)
        image = container.image or ""
        if image and "image" in phrase and image not in detail:
            detail = f"{image}: {detail}" if detail else image
        restarts = container.restart_count
        why = f" ({detail})" if detail else ""
        name = container.name or "?"
        return _clip(f"container {name}: {phrase}{why}, {restarts} restart{'' if restarts == 1 else 's'}")
    unmet = [
        (replica.name or "?", condition.type)
        for replica in snapshot.replicas
        for condition in replica.conditions
        if condition.met is False and condition.type
    ]
    if unmet:
        name, condition = unmet[0]
        why = f" ({detail})" if detail else ""
        return _clip(f"replica {name}: {condition} not met{why}")
    if detail:
        state = snapshot.overall_status.state.value
        return _clip(
            f"{state}: {detail}" if reason is None else f"{state}: {_phrase(reason, None)} ({detail})"
        )
    return None


def behind(replacement_id: str, shown: tuple[str, str | None] | None) -> str | None:
    """Why a wait for replacement ``replacement_id`` is stuck when the workload last showed
    another one (``shown``: its status and id), ahead of it in line; None otherwise."""
    if shown is None or shown[1] is None or shown[1] == replacement_id:
        return None
    return f"waiting its turn behind replacement {shown[1]} ({shown[0]})"


def describe_event(event: dict[str, Any]) -> str | None:
    """A ``warning`` event in one line (its reason, message and container), or None."""
    raw = event.get("details")
    details: dict[str, Any] = raw if isinstance(raw, dict) else {}
    reason = details.get("reason") or event.get("reason")
    message = details.get("message") or event.get("message")
    container = details.get("container")
    if not (reason or message):
        return None
    phrase = _PHRASES.get(str(reason).lower(), str(reason)) if reason else "warning"
    why = f" ({message})" if message else ""
    head = f"container {container}: " if container else ""
    return _clip(f"{head}{phrase}{why}")


def _is_warning(event: Any) -> bool:
    if not isinstance(event, dict):
        return False
    details = event.get("details")
    kinds = {str(event.get("eventType", "")).lower(), str(event.get("type", "")).lower()}
    if isinstance(details, dict):
        kinds.add(str(details.get("type", "")).lower())
    return bool(kinds & _WARNING_TYPES)


class Diagnoser:
    """Diagnoses the failed waits of one client (see the module): one gate, one budget."""

    def __init__(self, transport: Transport, clock: Clock) -> None:
        self._t = transport
        self._clock = clock
        self._gate = asyncio.Semaphore(AT_ONCE)
        self._tokens = BUDGET
        self._filled_at = clock.monotonic()
        #: diagnosis calls made (for tests and benchmarks)
        self.calls = 0

    def _spend(self) -> bool:
        now = self._clock.monotonic()
        self._tokens = min(BUDGET, self._tokens + (now - self._filled_at) * REFILL_PER_SECOND)
        self._filled_at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def wanted(self, error: BaseException) -> bool:
        """True when ``error`` is a wait that a diagnosis could explain: a timeout whose polls
        were answered, a failed workload, or a replacement that errored or failed, on a
        generation with protons."""
        dialect = self._t.dialect
        if dialect is None or not dialect.has("protons") or self._t.closed:
            return False
        if isinstance(error, WaitTimeoutError):
            return error.last_error is None and error.diagnosis is None
        if isinstance(error, ReplacementFailedError):
            return error.replacement.status.value in _DIAGNOSED_REPLACEMENTS and error.diagnosis is None
        return isinstance(error, WorkloadFailedError) and error.diagnosis is None

    async def annotate(self, error: BaseException, proton_id: str | None, *, candidate: bool = False) -> None:
        """Add a diagnosis to ``error`` when it wants one and one can be read; never raises.

        ``proton_id`` is the proton to read (the active one the error's workload names when
        None); with ``candidate``, a replacement's candidate, and the diagnosis says so (the
        workload's events when None: its active proton is not the one coming up)."""
        if not isinstance(error, WaitError) or not self.wanted(error):
            return
        workload = error.workload
        proton = proton_id
        if proton is None and not candidate:
            proton = workload.proton_id if workload is not None else None
        text = await self._read(error.workload_id, proton)
        if text is not None:
            error._diagnosed(f"candidate: {text}" if candidate and proton is not None else text)

    async def annotate_many(self, failures: Iterable[tuple[BaseException, str | None]]) -> None:
        """Diagnose at most :data:`PER_BATCH` of ``failures`` (error, proton id), in order."""
        chosen = [(e, p) for e, p in failures if self.wanted(e)][:PER_BATCH]
        await asyncio.gather(*(self.annotate(error, proton) for error, proton in chosen))

    async def _read(self, workload_id: str, proton_id: str | None) -> str | None:
        if not self._spend():
            log.debug("no diagnosis of workload %s: the client's diagnosis budget is spent", workload_id)
            return None
        async with self._gate:
            self.calls += 1
            timeout = min(self._t.timeout, CALL_TIMEOUT)
            try:
                if proton_id:
                    response = await self._t.call(
                        "GET",
                        "workloads.proton_status",
                        workload_id,
                        proton_id,
                        retry="never",
                        timeout=timeout,
                    )
                    if response.status == 204 or not response.body.strip():
                        return None
                    from .._models.protons import ProtonSnapshot

                    return describe(structure(response.json(), ProtonSnapshot))
                response = await self._t.call(
                    "GET",
                    "workloads.events",
                    workload_id,
                    params=[("limit", "10")],
                    retry="never",
                    timeout=timeout,
                )
                body = response.json()
                events = body.get("data") if isinstance(body, dict) else None
                warning = next((e for e in events or () if _is_warning(e)), None)
                return None if warning is None else describe_event(warning)
            except Exception as exc:  # a diagnosis never fails a wait: the error says what it can
                log.debug("no diagnosis of workload %s: %s", workload_id, exc)
            return None

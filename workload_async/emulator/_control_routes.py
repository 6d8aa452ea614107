"""The ``/_emulator`` routes: each calls the one implementation of its action in
:class:`~._control.Controls`.

The routes reset the store, inject faults and mint tokens, so they answer only the emulator's own
token (``Authorization: Bearer <emu.token>``), and a request with a body must say
``Content-Type: application/json``: a cross-site form or ``text/plain`` POST gets nowhere. A bad
value answers 422 with ``detail``, an unknown workload or artifact 404.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._control import TIMINGS, Controls, NoSuchRecord, RealClock
from ._faults import Fault
from ._store import StoreError

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = ["add_control_routes"]


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


def _bad(message: str) -> web.HTTPUnprocessableEntity:
    return web.HTTPUnprocessableEntity(text=json.dumps({"detail": message}), content_type="application/json")


async def _read(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        raise _bad("body is not JSON") from None
    except RecursionError:
        raise _bad("body is nested too deeply") from None
    if not isinstance(body, dict):
        raise _bad("body must be a JSON object")
    return body


_Control = Callable[[web.Request], Awaitable[web.Response]]


def _guarded(state: EmulatorState, handler: _Control) -> _Control:
    """``handler``, answering only the emulator's token and JSON bodies, and turning an action's
    refusal into its answer: 422 for a bad value, 404 for an unknown workload."""

    async def guarded(request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expected = state.control_token
        if scheme != "Bearer" or not expected or not secrets.compare_digest(token.strip(), expected):
            return _json(
                {"detail": "control routes need the emulator's token (Authorization: Bearer ...)"}, 401
            )
        if request.body_exists and request.content_type != "application/json":
            return _json(
                {"detail": f"Content-Type must be application/json, got {request.content_type}"}, 415
            )
        try:
            return await handler(request)
        except (TypeError, ValueError) as exc:
            return _json({"detail": str(exc)}, 422)
        except NoSuchRecord as exc:
            return _json({"detail": str(exc.args[0])}, 404)
        except StoreError as exc:
            return _json({"detail": exc.detail}, exc.status)
        except RealClock as exc:
            return _json({"detail": str(exc)}, 409)

    return guarded


def _only(body: dict[str, Any], *allowed: str) -> None:
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ValueError(f"unknown fields: {unknown}; known: {sorted(allowed)}")


def add_control_routes(app: web.Application, state: EmulatorState) -> None:
    """Register the control routes on ``app``, each calling :class:`Controls`."""
    controls = Controls(state)
    default_message = "failed by the emulator's control route"

    async def reset(request: web.Request) -> web.Response:
        controls.reset()
        return _json({"reset": True})

    async def counters(request: web.Request) -> web.Response:
        return _json(controls.counters())

    async def reset_counters(request: web.Request) -> web.Response:
        controls.reset_counters()
        return _json({"reset": True})

    async def list_faults(request: web.Request) -> web.Response:
        return _json({"faults": [f.to_json() for f in state.faults.rules]})

    async def add_fault(request: web.Request) -> web.Response:
        fault = controls.add_fault(Fault.from_json(await _read(request)))
        return _json(fault.to_json(), 201)

    async def clear_faults(request: web.Request) -> web.Response:
        controls.clear_faults()
        return web.Response(status=204)

    async def timings(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, *TIMINGS)
        return _json(controls.set_timings(**{TIMINGS[wire]: value for wire, value in body.items()}))

    async def fail_workload(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "message")
        rec = controls.fail_workload(request.match_info["id"], body.get("message", default_message))
        return _json({"id": rec.id, "status": state.store.phase(rec)[0]})

    async def write_log(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "message", "level", "spanId", "traceId", "stacktrace")
        rec = controls.write_log(
            request.match_info["id"],
            body.get("message"),  # type: ignore[arg-type]  # checked by the action
            body.get("level", "INFO"),
            span_id=body.get("spanId"),
            trace_id=body.get("traceId"),
            stacktrace=body.get("stacktrace"),
        )
        return _json({"id": rec.id, "records": len(rec.log.entries)}, 201)

    async def fail_a_replacement(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "message", "status")
        status = body.get("status", "errored")
        replacement = controls.fail_replacement(
            request.match_info["id"], body.get("message", default_message), status
        )
        return _json({"id": replacement.id, "status": status})

    def holding(
        hold: Callable[[str, str], None], release: Callable[[str], None]
    ) -> tuple[_Control, _Control]:
        """The routes that hold something's progress at a status (``{"at": ...}``) and release it."""

        async def held(request: web.Request) -> web.Response:
            body = await _read(request)
            _only(body, "at")
            hold(request.match_info["id"], body.get("at"))  # type: ignore[arg-type]  # checked by the action
            return _json({"id": request.match_info["id"], "heldAt": body.get("at")})

        async def released(request: web.Request) -> web.Response:
            release(request.match_info["id"])
            return web.Response(status=204)

        return held, released

    hold_replacements, release_replacements = holding(
        controls.hold_replacements, controls.release_replacements
    )
    hold_builds, release_builds = holding(controls.hold_builds, controls.release_builds)

    async def fail_builds(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "message", "buildId", "status")
        failed = controls.fail_builds(
            request.match_info["id"],
            body.get("message", default_message),
            build_id=body.get("buildId"),
            status=body.get("status", "FAILED"),
        )
        return _json({"buildIds": [b.id for b in failed], "status": body.get("status", "FAILED")})

    async def play_failure(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "kind", "container", "message", "candidate")
        failure = controls.play_failure(
            request.match_info["id"],
            body.get("kind"),  # type: ignore[arg-type]  # checked by the action
            container=body.get("container"),
            message=body.get("message"),
            candidate=body.get("candidate", False),
        )
        if failure is None:  # the candidates': each plays its own
            return _json({"kind": body["kind"], "candidate": True}, 201)
        return _json(
            {
                "kind": failure.kind,
                "container": failure.container,
                "image": failure.image,
                "message": failure.message,
            },
            201,
        )

    async def clear_failure(request: web.Request) -> web.Response:
        controls.clear_failure(request.match_info["id"])
        return web.Response(status=204)

    async def fail_image(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "image", "kind")
        return _json({"images": controls.fail_image(body.get("image"), body.get("kind"))})  # type: ignore[arg-type]

    async def add_user(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "token", "email", "readOnly")
        token, user = controls.add_user(
            body.get("token"), read_only=body.get("readOnly", False), email=body.get("email")
        )
        return _json({"token": token, "id": user.id, "readOnly": user.read_only}, 201)

    async def advance(request: web.Request) -> web.Response:
        body = await _read(request)
        _only(body, "seconds")
        return _json({"monotonic": controls.advance(body.get("seconds", 0))})

    routes: list[tuple[str, str, _Control]] = [
        ("POST", "/_emulator/reset", reset),
        ("GET", "/_emulator/counters", counters),
        ("POST", "/_emulator/counters/reset", reset_counters),
        ("GET", "/_emulator/faults", list_faults),
        ("POST", "/_emulator/faults", add_fault),
        ("DELETE", "/_emulator/faults", clear_faults),
        ("PUT", "/_emulator/timings", timings),
        ("POST", "/_emulator/workloads/{id}/fail", fail_workload),
        ("POST", "/_emulator/workloads/{id}/logs", write_log),
        ("POST", "/_emulator/workloads/{id}/fail-replacement", fail_a_replacement),
        ("PUT", "/_emulator/workloads/{id}/replacement-hold", hold_replacements),
        ("DELETE", "/_emulator/workloads/{id}/replacement-hold", release_replacements),
        ("POST", "/_emulator/artifacts/{id}/fail-builds", fail_builds),
        ("PUT", "/_emulator/artifacts/{id}/build-hold", hold_builds),
        ("DELETE", "/_emulator/artifacts/{id}/build-hold", release_builds),
        ("POST", "/_emulator/workloads/{id}/failure", play_failure),
        ("DELETE", "/_emulator/workloads/{id}/failure", clear_failure),
        ("PUT", "/_emulator/failing-images", fail_image),
        ("POST", "/_emulator/users", add_user),
        ("POST", "/_emulator/clock/advance", advance),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, _guarded(state, handler))

"""Running the emulator: in-process on a free loopback port, or as a standalone server."""

from __future__ import annotations

import ipaddress
import random
import secrets
from collections import Counter
from typing import Any

from aiohttp import web

from .._clock import Clock, SystemClock
from ._app import make_app
from ._control import Controls, number
from ._faults import Fault
from ._records import Timings, User, new_id
from ._state import API_PREFIX, REQUEST_LOG_SIZE, EmulatorState
from ._store import Store

__all__ = ["API_VERSIONS", "Emulator"]

#: The generations of the API the emulator serves: v2.41 (the default) and 11.5.
API_VERSIONS = ("v2.41", "11.5")


def _check_options(given: dict[str, Any]) -> None:
    """``TypeError``/``ValueError`` naming the first argument of the constructor that is wrong."""
    for name in ("startup_seconds", "stop_seconds", "build_seconds", "draft_ttl_seconds"):
        number(name, given[name])
    number("jitter", given["jitter"], below=1.0)
    for name in ("allow_remote", "log_requests"):
        if not isinstance(given[name], bool):
            raise TypeError(f"{name} must be True or False, got {type(given[name]).__name__}")
    if not isinstance(given["host"], str) or not given["host"].strip():
        raise TypeError(f"host must be a host name or address, got {given['host']!r}")
    port = given["port"]
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"port must be a whole number, got {type(port).__name__}")
    if not 0 <= port <= 65535:
        raise ValueError(f"port must be between 0 and 65535, got {port}")
    token = given["token"]
    if token is not None and (not isinstance(token, str) or not token.strip() or not token.isprintable()):
        raise TypeError("token must be a non-empty string of printable characters, or None")
    seed = given["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"seed must be a whole number or None, got {type(seed).__name__}")
    clock = given["clock"]
    if clock is not None and not all(
        callable(getattr(clock, m, None)) for m in ("monotonic", "now", "sleep")
    ):
        raise TypeError(f"clock must be a Clock (monotonic, now and sleep), got {type(clock).__name__}")
    size = given["request_log_size"]
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"request_log_size must be a whole number, got {type(size).__name__}")
    if size < 0:
        raise ValueError(f"request_log_size must be >= 0, got {size}")
    if not isinstance(given["api_version"], str):
        raise TypeError(f"api_version must be a string, got {type(given['api_version']).__name__}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Emulator:
    """The Workload API served from memory, for tests, demos and offline development.

    ``async with Emulator(startup_seconds=2.0, stop_seconds=1.0) as emu:`` binds 127.0.0.1 on a
    free port; ``emu.url`` is the API root (``http://127.0.0.1:PORT/api/v2``) and ``emu.token`` a
    valid token. Pass the same :class:`~workload_async.FakeClock` to the emulator and the client
    to run minutes of lifecycle in milliseconds. ``jitter`` spreads phase durations by ± that
    fraction so a fleet does not move in lockstep. It refuses to bind a non-loopback host unless
    ``allow_remote=True``. ``api_version="11.5"`` serves the newer generation of the API (its
    routes, shapes and rules, replacements and image builds as the live service plays them)
    instead of v2.41; ``build_seconds`` is how long an image build takes there.

    Raises ``ValueError`` for a non-loopback ``host`` without ``allow_remote=True``, an unknown
    ``api_version``, negative timings or a ``jitter`` outside [0, 1), and ``TypeError`` naming an
    argument of the wrong type. ``request_log_size`` bounds :attr:`request_log` (the oldest
    requests go first)::

        clock = FakeClock()
        async with Emulator(clock=clock, startup_seconds=30) as emu:
            async with Client(emu.url, emu.token, clock=clock) as client:
                workload = await client.workloads.create(artifact=artifact)
                await client.workloads.wait(workload.id)  # 30 emulated seconds, no real ones
            assert emu.counts["workloads.create"] == 1
    """

    def __init__(
        self,
        *,
        startup_seconds: float = 2.0,
        stop_seconds: float = 1.0,
        jitter: float = 0.0,
        draft_ttl_seconds: float = 8 * 3600.0,
        build_seconds: float = 4.0,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        seed: int | None = None,
        allow_remote: bool = False,
        log_requests: bool = False,
        api_version: str = "v2.41",
        request_log_size: int = REQUEST_LOG_SIZE,
    ) -> None:
        _check_options(locals())
        if not _is_loopback(host) and not allow_remote:
            raise ValueError(
                f"host {host!r} is not loopback: the emulator serves loopback only unless allow_remote=True "
                "(--allow-remote on the command line)"
            )
        if api_version not in API_VERSIONS:
            raise ValueError(f"api_version must be one of {', '.join(API_VERSIONS)}, got {api_version!r}")
        rng = random.Random(seed)
        self.clock: Clock = clock or SystemClock()
        self.store = Store(
            clock=self.clock,
            timings=Timings(
                startup_seconds=startup_seconds,
                stop_seconds=stop_seconds,
                jitter=jitter,
                draft_ttl_seconds=draft_ttl_seconds,
                build_seconds=build_seconds,
            ),
            rng=rng,
            api_version=api_version,
        )
        self.state = EmulatorState(store=self.store, log_requests=log_requests)
        self.state.bound_request_log(request_log_size)
        self.state.faults.rng = random.Random(rng.random())
        self.token = token or secrets.token_hex(20)
        self.state.control_token = self.token
        self.store.users[self.token] = User(id=new_id(), email="owner@emulator.local")
        self.host = host
        self.port = port
        self._controls = Controls(self.state)
        self._runner: web.AppRunner | None = None

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API root, ``http://HOST:PORT/api/v2``; raises ``RuntimeError`` before it is started."""
        if self._runner is None:
            raise RuntimeError("the emulator is not running; use 'async with Emulator() as emu'")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{API_PREFIX}"

    @property
    def api_version(self) -> str:
        """The generation of the API this emulator serves: ``"v2.41"`` or ``"11.5"``."""
        return self.store.api_version

    @property
    def base_url(self) -> str:
        """The server root (control routes live under ``/_emulator``; they answer only
        ``Authorization: Bearer <token>`` with this emulator's :attr:`token`)."""
        return self.url.removesuffix(API_PREFIX)

    def app(self) -> web.Application:
        """A new aiohttp application over this emulator's state (for custom runners)."""
        return make_app(self.state)

    async def start(self) -> None:
        """Bind and serve; the bound port is then in :attr:`port`."""
        if self._runner is not None:
            return
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self.port = int(runner.addresses[0][1])
        self._runner = runner

    async def close(self) -> None:
        """Stop serving and close every connection."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- control ----------------------------------------------------------------------------

    def add_user(self, token: str | None = None, *, read_only: bool = False, email: str | None = None) -> str:
        """Add a token with its own user (who sees only its own resources); return the token."""
        return self._controls.add_user(token, read_only=read_only, email=email)[0]

    def add_fault(self, kind: str = "status", route: str = "*", **options: Any) -> Fault:
        """Add a fault rule (see :class:`~workload_async.emulator.Fault` for the kinds and options)
        and return it; rules are checked in the order they were added.

        Raises ``ValueError`` for an unknown ``kind`` or a value out of range, and ``TypeError``
        for an unknown option or a value of the wrong type::

            emu.add_fault("status", route="workloads.list", status=429, retry_after=2, times=1)
        """
        return self._controls.add_fault(Fault(kind=kind, route=route, **options))

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._controls.clear_faults()

    def fail_workload(self, workload_id: str, message: str = "failed by the emulator") -> None:
        """Send a workload to ``errored`` now, with ``message`` in its status details (as a crash
        would); raises ``KeyError`` for an unknown id::

            emu.fail_workload(workload.id, "OOMKilled")
            with pytest.raises(WorkloadFailedError):
                await client.workloads.wait(workload.id)
        """
        self._controls.fail_workload(workload_id, message)

    def write_log(
        self,
        workload_id: str,
        message: str,
        level: str = "INFO",
        *,
        span_id: str | None = None,
        trace_id: str | None = None,
        stacktrace: str | None = None,
    ) -> None:
        """Write a record to a workload's log now, as its application would; raises ``ValueError``
        for an unknown ``level`` and ``KeyError`` for an unknown id."""
        self._controls.write_log(
            workload_id, message, level, span_id=span_id, trace_id=trace_id, stacktrace=stacktrace
        )

    def play_failure(
        self,
        workload_id: str,
        kind: str,
        *,
        container: str | None = None,
        message: str | None = None,
        candidate: bool = False,
    ) -> None:
        """Make a workload play what a cluster shows when something goes wrong, from now on:

        - ``"image_pull_backoff"``: its image cannot be pulled; the start never gets past
          ``launching`` (``initializing`` on v2.41), so a wait for ``running`` times out;
        - ``"crash_loop"``: its container exits once up and is restarted with a growing back-off;
          it goes ``errored``;
        - ``"oom_kill"``: its container is killed for its memory (exit code 137); it goes
          ``errored``.

        ``container`` names the container (the primary one by default); ``message`` is the
        cluster's words (a likely one by default). The failure shows in the workload's
        ``statusDetails``, its log, and on API 11.5 in its protons and a ``warning`` event; it
        plays in the start under way or from the next start, and stays through restarts until
        :meth:`clear_failure`. Raises ``ValueError`` for an unknown kind or container and
        ``KeyError`` for an unknown id::

            emu.play_failure(workload.id, "image_pull_backoff")
            with pytest.raises(WaitTimeoutError) as timed_out:
                await client.workloads.wait(workload.id, timeout=60)
            assert "image pull back-off" in timed_out.value.diagnosis

        ``candidate=True`` (API 11.5) makes the candidates of the workload's replacements play it
        instead, while the workload goes on serving its old version: the one in progress and
        those asked for until :meth:`clear_failure`. A candidate that cannot pull its images keeps
        its replacement ``initializing`` (a wait for it times out); one that crashes or is killed
        errors it. It shows in the candidate proton's status snapshot and a ``warning`` event.
        ``container`` names a container of the candidate's artifact (its primary one when it has
        none of that name)::

            emu.play_failure(workload.id, "image_pull_backoff", candidate=True)
            with pytest.raises(WaitTimeoutError) as timed_out:
                await client.workloads.replace(workload.id, v2.id, wait=True, timeout=60)
            assert timed_out.value.diagnosis.startswith("candidate: ")
        """
        self._controls.play_failure(
            workload_id, kind, container=container, message=message, candidate=candidate
        )

    def clear_failure(self, workload_id: str) -> None:
        """Stop playing a workload's failure and its candidates' (see :meth:`play_failure`), as
        when its cause is fixed: a start the failure held goes on at once (the cluster's retry
        pulls the image, the restarted container stays up), so does a candidate that could not
        pull its images, and the next starts and candidates go well. Raises ``KeyError`` for an
        unknown id."""
        self._controls.clear_failure(workload_id)

    def fail_image(self, image: str, kind: str | None = "image_pull_backoff") -> None:
        """Make every start of a workload whose container runs ``image`` (exactly that URI) play
        failure ``kind`` (see :meth:`play_failure`), and on API 11.5 every candidate of a
        replacement asked for from now whose artifact runs it; ``kind=None`` forgets the image.
        Raises ``ValueError`` for an unknown kind::

            emu.fail_image("registry.example.com/app:2")   # that tag was never pushed
        """
        self._controls.fail_image(image, kind)

    def fail_replacement(
        self, workload_id: str, message: str = "failed by the emulator", *, status: str = "errored"
    ) -> None:
        """End the replacement in progress of a workload (11.5) now in ``status`` (``errored`` or
        ``failed``) with ``message``; the workload keeps its old version. Raises ``KeyError`` for
        an unknown workload and ``ValueError`` for another status."""
        self._controls.fail_replacement(workload_id, message, status)

    def hold_replacements(self, workload_id: str, at: str) -> None:
        """Hold a workload's replacements (11.5) at status ``at`` (``submitted``,
        ``initializing``, ``staged``, ``promoting``, ``finalizing`` or ``completed``, where the
        completed one stays shown) until :meth:`release_replacements`: those in progress that
        have not passed it, and those asked for meanwhile. Raises ``KeyError`` for an unknown
        workload and ``ValueError`` for another status::

            emu.hold_replacements(workload.id, at="staged")
            replacement = await client.workloads.replace(workload.id, artifact.id)
            ...  # the rollout stays staged, as long as the test likes
            emu.release_replacements(workload.id)
        """
        self._controls.hold_replacements(workload_id, at)

    def release_replacements(self, workload_id: str) -> None:
        """Let a workload's held replacements move on from now; raises ``KeyError`` for an
        unknown workload."""
        self._controls.release_replacements(workload_id)

    def fail_builds(
        self,
        artifact_id: str,
        message: str = "failed by the emulator",
        *,
        build_id: str | None = None,
        status: str = "FAILED",
    ) -> None:
        """End an artifact's image builds still running (11.5), or only ``build_id``, now in
        ``status`` (``FAILED`` or ``CANCELLED``), ``message`` the last line of their logs.
        Raises ``KeyError`` for an unknown artifact or build and ``ValueError`` for another
        status. (A ``provided`` Dockerfile at ``emulator/fail.Dockerfile`` fails its builds by
        itself.)"""
        self._controls.fail_builds(artifact_id, message, build_id=build_id, status=status)

    def hold_builds(self, artifact_id: str, at: str) -> None:
        """Hold an artifact's image builds (11.5) at status ``at`` (``PENDING``, ``IN_PROGRESS``,
        ``BUILT`` or ``COMPLETED``) until :meth:`release_builds`: those running that have not
        passed it, and those started meanwhile. Raises ``KeyError`` for an unknown artifact and
        ``ValueError`` for another status."""
        self._controls.hold_builds(artifact_id, at)

    def release_builds(self, artifact_id: str) -> None:
        """Let an artifact's held builds move on from now; raises ``KeyError`` for an unknown
        artifact."""
        self._controls.release_builds(artifact_id)

    def status_of(self, workload_id: str) -> str:
        """A workload's status right now, as the API would report it (``"initializing"``,
        ``"running"``, ...); raises ``KeyError`` for an unknown id."""
        return self.store.phase(self._controls.workload(workload_id))[0]

    def set_timings(self, **timings: float) -> None:
        """Change ``startup_seconds``, ``stop_seconds``, ``jitter``, ``draft_ttl_seconds`` or
        ``build_seconds`` from now on (phases already under way keep their timings); raises
        ``ValueError`` for another name or a value that is negative, not finite, or (``jitter``)
        not below 1, and changes nothing then."""
        self._controls.set_timings(**timings)

    def reset(self) -> None:
        """Forget every resource, fault and counter (tokens stay)."""
        self._controls.reset()

    @property
    def counts(self) -> Counter[str]:
        """Requests per route name (``workloads.list``, ``workloads.get``, ``invoke.workload``, ...)."""
        return self.state.counts

    @property
    def max_in_flight(self) -> Counter[str]:
        """The most requests that were in flight at once, per route name (``"*"`` for all)."""
        return self.state.max_in_flight

    @property
    def request_log(self) -> list[tuple[float, str, int]]:
        """``(clock time, route name, status)`` of the API requests (status 0: dropped), oldest
        first: the last ``request_log_size`` of them (100,000 by default; ``counts`` counts
        every request)."""
        return list(self.state.request_log)

    def reset_counters(self) -> None:
        """Zero the request counters and the request log."""
        self._controls.reset_counters()

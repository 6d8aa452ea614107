"""Exactly once, under a fault soak on every route of both generations.

Every route fails about a fifth of its calls (5xx, 429, with and without ``Retry-After``, dropped
before or after acting), and the calls that start or change something lose their answer after
acting a sixth of the time more. Each life creates and locks artifacts and creates workloads; on
11.5 it also clones, rolls a workload onto the clone, changes its settings, promotes it, and
builds an image from source. After each call the test asks the emulator what really happened:

- no change is made twice (no duplicate artifact, workload, clone, replacement or build);
- no call that changes something raises for a change that was made, but for an
  ``OutcomeUnknownError`` when reading the server's state failed as well (the retry budget spent
  by the soak, say): that error says where to look, and the test looks there, as a user would;
- a create that left an artifact behind names it in its error (by id, or by the name to list
  when the listing failed too);
- the waits of the rollouts and builds end as the server says.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from tests.e2e.test_fault_soak import FAILURE_FAULTS  # the same faults as the fleet's soak
from workload_async import (
    APIStatusError,
    Artifact,
    ArtifactStatus,
    Build,
    Client,
    CodeRef,
    Container,
    DataRobotCodeRef,
    Dockerfile,
    FakeClock,
    ImageBuildConfig,
    InputArtifact,
    OutcomeUnknownError,
    Replacement,
    TransportError,
    Workload,
    WorkloadAPIError,
    WorkloadRuntime,
)
from workload_async.emulator import Emulator

LIVES = 24
CHANGES = (
    "workloads.create",
    "artifacts.create",
    "artifacts.update",
    "artifacts.clone",
    "workloads.promote",
    "workloads.replace",
    "workloads.update_settings",
    "artifacts.build",
)
T = TypeVar("T")


class Ledger:
    """What the test saw, and what it found wrong."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()  # a change call raised; nothing had been made
        self.unknown: Counter[str] = Counter()  # a create said its outcome was unknown
        self.unread: Counter[str] = Counter()  # a change was made, and the state could not be read
        self.wrong: list[str] = []

    def fault(self, what: str) -> None:
        self.wrong.append(what)


def app(name: str, *, status: ArtifactStatus | None = None, source: bool = False) -> InputArtifact:
    if source:
        config = ImageBuildConfig(Dockerfile.provided(), CodeRef(DataRobotCodeRef("c" * 24, "d" * 24)))
        return InputArtifact.single(name, Container(port=8080, image_build_config=config), status=status)
    return InputArtifact.single(
        name, Container(image_uri="registry.example.com/app:1", port=8080), status=status
    )


def named(emu: Emulator, name: str) -> list[Any]:
    return [a for a in emu.store.artifacts.values() if a.name == name]


def unread(exc: BaseException) -> bool:
    """True for an ``OutcomeUnknownError`` raised because reading the server's state failed too."""
    return isinstance(exc, OutcomeUnknownError) and (
        "failed too" in str(exc) or isinstance(exc.__cause__, WorkloadAPIError)
    )


async def change(
    ledger: Ledger,
    op: str,
    call: Callable[[], Awaitable[T]],
    made: Callable[[], int],
    found: Callable[[], T],
) -> T:
    """Make a change until it is made: after each failure the server must show nothing made
    (``made()`` counts it), unless the error said the outcome is unknown because the state could
    not be read: then ``found()`` is what looking, as the error says, finds; once made, exactly
    one."""
    for _ in range(12):
        ledger.calls[op] += 1
        try:
            result = await call()
        except (APIStatusError, TransportError) as exc:
            if made() and unread(exc):
                ledger.unread[op] += 1
                result = found()
            elif made():
                ledger.fault(f"{op} raised {type(exc).__name__} for a change that was made: {exc}")
                raise
            else:
                ledger.refused[op] += 1
                continue
        if made() != 1:
            ledger.fault(f"{op} made {made()} changes")
        return result
    raise AssertionError(f"{op} was never made in 12 tries")


async def create(
    ledger: Ledger, op: str, call: Callable[[], Awaitable[T]], lookup: Callable[[], Awaitable[T | None]]
) -> T:
    """A create: after ``OutcomeUnknownError`` look it up by name, as the failure-modes guide says."""
    for _ in range(12):
        ledger.calls[op] += 1
        try:
            return await call()
        except OutcomeUnknownError:
            ledger.unknown[op] += 1
            found = await look(lookup)
            if found is not None:
                return found
        except (APIStatusError, TransportError):
            ledger.refused[op] += 1
    raise AssertionError(f"{op} was never made in 12 tries")


async def look(lookup: Callable[[], Awaitable[T | None]]) -> T | None:
    """Look for what a create may have made, as the error says, until the listing answers (the
    soak fails some of the listings too): creating again before knowing could make a duplicate."""
    for _ in range(12):
        try:
            return await lookup()
        except (APIStatusError, TransportError):
            continue
    raise AssertionError("the listing never answered in 12 tries")


async def by_name(client: Client, name: str) -> Artifact | None:
    found = [a for a in await client.artifacts.list(search=name).collect() if a.name == name]
    assert len(found) <= 1, found
    return found[0] if found else None


async def workload_named(client: Client, name: str) -> Workload | None:
    found = [w for w in await client.workloads.list(search=name).collect() if w.name == name]
    assert len(found) <= 1, found
    return found[0] if found else None


async def life(client: Client, emu: Emulator, i: int, ledger: Ledger) -> None:
    """One workload's life (see the module)."""
    name = f"life{i:03d}x"
    art = await create(ledger, "artifacts.create", lambda: client.artifacts.create(app(f"a-{name}")),
                       lambda: by_name(client, f"a-{name}"))  # fmt: skip
    await change(
        ledger, "artifacts.register", lambda: client.artifacts.register(art.id),
        lambda: int(emu.store.artifacts[art.id].status != "draft"), lambda: art,
    )  # fmt: skip
    await create(ledger, "workloads.create", lambda: client.workloads.create(name=f"w-{name}", artifact_id=art.id),
                 lambda: workload_named(client, f"w-{name}"))  # fmt: skip
    # an inline artifact to lock: on 11.5 three calls (create, lock, create the workload)
    left: set[str] = set()
    advised: set[str | None] = set()  # names an error said to list, when it could not tell the id

    async def inline() -> Workload:
        try:
            return await client.workloads.create(
                name=f"x-{name}", artifact=app(f"ia-{name}", status=ArtifactStatus.REGISTERED)
            )
        except WorkloadAPIError as exc:
            left.update(exc.left_behind)
            if unread(exc) and isinstance(exc, OutcomeUnknownError) and exc.resource == "artifacts":
                advised.add(exc.name)
            raise

    await create(ledger, "workloads.create inline", inline, lambda: workload_named(client, f"x-{name}"))
    used = {w.artifact_id for w in emu.store.workloads.values()}
    for orphan in (a for a in named(emu, f"ia-{name}") if a.id not in used):
        if orphan.id not in left and orphan.name not in advised:
            ledger.fault(f"artifact {orphan.id} was left behind and no error named it")
    if emu.api_version == "11.5":
        await rollout(client, emu, name, ledger)


async def rollout(client: Client, emu: Emulator, name: str, ledger: Ledger) -> None:
    """Clone, replace, change the settings, promote, build: each exactly once (11.5)."""
    draft = await create(ledger, "artifacts.create", lambda: client.artifacts.create(app(f"d-{name}")),
                         lambda: by_name(client, f"d-{name}"))  # fmt: skip
    wl = await create(ledger, "workloads.create", lambda: client.workloads.create(name=f"r-{name}", artifact_id=draft.id),
                      lambda: workload_named(client, f"r-{name}"))  # fmt: skip
    await client.workloads.wait(wl.id, timeout=600)
    clone = await change(ledger, "artifacts.clone", lambda: client.artifacts.clone(draft.id, name=f"d2-{name}"),
                         lambda: len(named(emu, f"d2-{name}")),
                         lambda: Artifact(id=named(emu, f"d2-{name}")[0].id, name=f"d2-{name}"))  # fmt: skip

    def replacements(candidate: str | None = None) -> int:
        return sum(
            1
            for r in emu.store.replacements.get(wl.id, [])
            if candidate is None or r.candidate_artifact_id == candidate
        )

    def newest_replacement() -> Replacement:
        return Replacement(id=emu.store.replacements[wl.id][-1].id, workload_id=wl.id)

    started = await change(ledger, "workloads.replace", lambda: client.workloads.replace(wl.id, clone.id),
                           lambda: replacements(clone.id), newest_replacement)  # fmt: skip
    done = await client.workloads.wait_for_replacement(wl.id, started.id, timeout=600)
    if done.artifact_id != clone.id:
        ledger.fault(f"the rollout of {wl.id} ended on {done.artifact_id}, not {clone.id}")
    before = replacements()
    settings = await change(
        ledger, "workloads.update_settings",
        lambda: client.workloads.update_settings(wl.id, WorkloadRuntime(replica_count=2)),
        lambda: replacements() - before, newest_replacement,
    )  # fmt: skip
    await client.workloads.wait_for_replacement(wl.id, settings.id, timeout=600)
    await change(ledger, "workloads.promote", lambda: client.workloads.promote(wl.id),
                 lambda: int(emu.store.artifacts[clone.id].status == "locked"), lambda: wl)  # fmt: skip
    source = await create(ledger, "artifacts.create", lambda: client.artifacts.create(app(f"s-{name}", source=True)),
                          lambda: by_name(client, f"s-{name}"))  # fmt: skip
    builds = await change(ledger, "artifacts.build", lambda: client.artifacts.build(source.id),
                          lambda: len(emu.store.builds.get(source.id, [])),
                          lambda: tuple(Build(id=b.id, artifact_id=source.id) for b in emu.store.builds[source.id]))  # fmt: skip
    await client.artifacts.wait_for_builds(source.id, [b.id for b in builds], timeout=600)


@pytest.mark.parametrize("seed", [5])
async def test_changes_are_made_exactly_once_under_a_fault_soak(api_version: str, seed: int) -> None:
    clock = FakeClock()
    ledger = Ledger()
    async with Emulator(clock=clock, startup_seconds=2.0, seed=seed, api_version=api_version) as emu:
        for fault in FAILURE_FAULTS:
            emu.add_fault(route="*", rate=0.025, **fault)  # type: ignore[arg-type]
        for route in CHANGES:  # more lost answers where they matter
            emu.add_fault("drop_after", route=route, rate=0.15)
        emu.add_fault("latency", route="*", rate=0.2, seconds=0.5)
        async with Client(emu.url, emu.token, clock=clock, api_version=api_version) as client:
            gate = asyncio.Semaphore(12)

            async def one(i: int) -> None:
                async with gate:
                    await life(client, emu, i, ledger)

            await asyncio.gather(*(one(i) for i in range(LIVES)))
        assert ledger.wrong == []
        names = Counter(w.name for w in emu.store.workloads.values())
        assert set(names.values()) == {1}, names  # no duplicate workload
        artifacts = Counter(a.name for a in emu.store.artifacts.values())
        duplicated = {n: c for n, c in artifacts.items() if c > 1 and not n.startswith("ia-")}
        assert duplicated == {}
        lost = sum(f.hits for f in emu.state.faults.rules if f.kind == "drop_after")
        assert lost >= LIVES // 2  # the soak did lose answers of changes that were made
        if api_version == "11.5":
            for wl in (w for w in emu.store.workloads.values() if w.name.startswith("r-")):
                assert len(emu.store.replacements[wl.id]) == 2  # one rollout, one settings change
            assert all(len(b) == 1 for b in emu.store.builds.values())
            assert ledger.calls["workloads.replace"] > LIVES  # some were refused and made again
    leftovers = {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}
    assert leftovers == set()

"""Every public entry point refuses a bad argument at the door.

The table is ``tests/bad_arguments.py``: one row per manager method, function and constructor.
For each bad value of each parameter the call must raise ``TypeError`` or ``ValueError`` naming
the parameter, at the call (a coroutine when awaited), before any request is sent; and what the
client shares (its poller, its pool, its retry budget) must still serve a valid call right after.
No other exception (an ``AttributeError``, an ``OverflowError``, aiohttp's or yarl's) may come out.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from enum import Enum
from typing import Any

import attrs
import pytest

import workload_async
from tests.bad_arguments import (
    CLIENT_ROWS,
    EXEMPT,
    FUNCTION_ROWS,
    MANAGER_ROWS,
    MODEL_ROWS,
    OMIT,
    ModelRow,
    Ref,
    Row,
)
from workload_async import (
    ArtifactStatus,
    AsyncPager,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    SessionPool,
    WorkloadAPIError,
    WorkloadRuntime,
    emulator,
)
from workload_async._resources.artifacts import ArtifactsManager
from workload_async._resources.bundles import BundlesManager
from workload_async._resources.deployments import DeploymentsManager
from workload_async._resources.workloads import WorkloadsManager
from workload_async.emulator import Emulator

MANAGERS = {
    "workloads": WorkloadsManager,
    "artifacts": ArtifactsManager,
    "deployments": DeploymentsManager,
    "bundles": BundlesManager,
}
GENERATIONS = ("v2.41", "11.5")


# -- the table covers the public surface ---------------------------------------------------


def _public_methods(cls: type) -> dict[str, Callable[..., Any]]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") and not isinstance(member, type)
    }


def _parameters(function: Callable[..., Any]) -> set[str]:
    return {
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if name != "self" and parameter.kind not in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL)
    }


ROWS = {r.name: r for r in [*MANAGER_ROWS, *CLIENT_ROWS, *FUNCTION_ROWS]}


def test_every_public_manager_method_has_a_row_naming_each_of_its_parameters() -> None:
    missing, unnamed = [], []
    for manager, cls in MANAGERS.items():
        for name, method in _public_methods(cls).items():
            found = ROWS.get(f"{manager}.{name}")
            if found is None:
                missing.append(f"{manager}.{name}")
            elif _parameters(method) != set(found.args):
                unnamed.append(f"{manager}.{name}: {sorted(_parameters(method) ^ set(found.args))}")
    assert missing == [], f"add a row to tests/bad_arguments.py for each of {missing}"
    assert unnamed == [], f"a row names other parameters than its method has: {unnamed}"


def _public_classes() -> dict[str, type]:
    found = {}
    for module in (workload_async, emulator):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and not issubclass(value, BaseException | Enum):
                found[name] = value  # exceptions and enums are the SDK's to make, not the users'
    return found


def test_every_public_class_and_function_has_a_row_or_says_why_not() -> None:
    covered = set(ROWS) | {m.cls.__name__ for m in MODEL_ROWS} | {e.name for e in EXEMPT}
    functions = {
        name
        for name in workload_async.__all__
        if inspect.isfunction(getattr(workload_async, name)) and name != "package_version"
    }
    missing = sorted((set(_public_classes()) | functions) - covered)
    assert missing == [], f"add a row (or an Exempt line) to tests/bad_arguments.py for each of {missing}"
    for name, cls in _public_classes().items():
        if name in ROWS:
            assert _parameters(cls) == set(ROWS[name].args), f"{name}: its row names other parameters"
    client_methods = {f"Client.{n}" for n, m in _public_methods(Client).items() if _parameters(m)}
    assert client_methods - set(ROWS) == set(), "each Client method that takes arguments needs a row"


# -- a world to call into --------------------------------------------------------------------


@attrs.define
class World:
    emu: Emulator
    client: Client
    refs: dict[str, Any]

    def requests(self) -> int:
        return sum(self.emu.counts.values())

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            return self.refs[value.name]
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    async def probe(self) -> None:
        """Valid calls through what the client shares: the pool, the poller, the retry budget."""
        assert self.client.poller.pending == 0, "a bad call left a wait in the poller"
        await self.client.workloads.get(self.refs["probe"])
        workload = await self.client.workloads.wait(self.refs["probe"], timeout=60)
        assert workload.status == "running"


@asynccontextmanager
async def world(api_version: str) -> AsyncIterator[World]:
    clock = FakeClock()
    async with (
        Emulator(clock=clock, startup_seconds=2.0, stop_seconds=1.0, seed=1, api_version=api_version) as emu,
        Client(emu.url, emu.token, clock=clock, api_version=api_version) as client,
    ):
        art = InputArtifact.single("echo", Container(image_uri="registry.example.com/echo:1", port=8080))
        locked = await client.artifacts.create(attrs.evolve(art, status=ArtifactStatus.REGISTERED))
        running = await client.workloads.create(name="running", artifact_id=locked.id)
        probe = await client.workloads.create(name="probe", artifact_id=locked.id)
        for workload in (running, probe):
            await client.workloads.wait(workload.id)
        refs: dict[str, Any] = {
            "running": running.id,
            "probe": probe.id,
            "draft": (await client.artifacts.create(art)).id,
        }
        if api_version == "v2.41":
            refs["deployment"] = (await client.deployments.create(name="front", workload_id=running.id)).id
        else:
            replacement = await client.workloads.update_settings(running.id, WorkloadRuntime(replica_count=2))
            refs["replacement"] = replacement.id
        yield World(emu, client, refs)


def _entry(name: str, client: Client | None) -> Callable[..., Any]:
    head, _, tail = name.partition(".")
    if head in MANAGERS:
        assert client is not None
        return getattr(getattr(client, head), tail)  # type: ignore[no-any-return]
    if head == "Client" and tail:
        assert client is not None
        return getattr(client, tail)  # type: ignore[no-any-return]
    owner = getattr(workload_async, head, None) or getattr(emulator, head)
    if tail:
        return getattr(owner(), tail)  # type: ignore[no-any-return]
    return owner  # type: ignore[no-any-return]


async def _refused(entry: Callable[..., Any], kwargs: dict[str, Any], where: str) -> Exception:
    """The ``TypeError``/``ValueError`` the call raised at the door; fails on anything else."""
    result: Any = None
    try:
        result = entry(**kwargs)
        if inspect.isawaitable(result):
            await result
    except WorkloadAPIError as exc:
        pytest.fail(f"{where}: went past the door: {type(exc).__name__}: {exc}")
    except (TypeError, ValueError) as exc:
        return exc
    except BaseException as exc:
        pytest.fail(f"{where}: a deep error, {type(exc).__name__}: {exc}")
    if hasattr(result, "aclose"):
        await result.aclose()
    pytest.fail(f"{where}: accepted at the call ({type(result).__name__})")


async def _good_call(entry: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    """The row's good arguments pass the door (the server may still say no)."""
    try:
        result = entry(**kwargs)
        if inspect.isawaitable(result):
            await result
        elif isinstance(result, AsyncPager):
            await result.first_page()
        elif isinstance(result, AbstractAsyncContextManager):
            async with result:
                pass
        elif hasattr(result, "__anext__"):
            try:
                await result.__anext__()
            finally:
                await result.aclose()
    except WorkloadAPIError:
        pass  # the server's answer: the arguments were fine


async def _run_row(row: Row, w: World | None) -> int:
    """Every bad value of every parameter of ``row``; returns how many calls were refused."""
    client = w.client if w is not None else None
    entry = _entry(row.name, client)
    good = {name: arg.good for name, arg in row.args.items() if arg.good is not OMIT}
    if w is not None:
        good = {name: w.resolve(value) for name, value in good.items()}
    refused = 0
    for parameter, arg in row.args.items():
        for label, bad in arg.bad:
            where = f"{row.name}({parameter}={label})"
            before = w.requests() if w is not None else 0
            budget = client._transport.budget.tokens if client is not None else 0.0
            error = await _refused(entry, {**good, parameter: bad}, where)
            assert parameter in str(error), f"{where}: the message does not name {parameter}: {error}"
            if w is not None:
                assert w.requests() == before, f"{where}: a request was sent"
                assert client is not None and client._transport.budget.tokens == budget
                await w.probe()
            refused += 1
    if w is not None:
        await _good_call(entry, good)
    return refused


def _with_generations(rows: list[Any]) -> list[Any]:
    return [
        pytest.param(r, v, id=f"{getattr(r, 'name', None) or r.cls.__name__}-{v}")
        for r in rows
        for v in GENERATIONS
        if r.only in (None, v)
    ]


@pytest.mark.parametrize(("row", "generation"), _with_generations(MANAGER_ROWS))
async def test_a_manager_method_refuses_each_bad_argument_before_sending(row: Row, generation: str) -> None:
    async with world(generation) as w:
        assert await _run_row(row, w) > 0


@pytest.mark.parametrize("row", CLIENT_ROWS, ids=[r.name for r in CLIENT_ROWS])
async def test_the_client_refuses_each_bad_argument_and_leaves_a_shared_pool_alone(row: Row) -> None:
    async with world("v2.41") as w, SessionPool() as pool:
        if row.name == "Client":
            row = attrs.evolve(row, args={**row.args, "pool": attrs.evolve(row.args["pool"], good=pool)})
            row = attrs.evolve(
                row, args={**row.args, "endpoint": attrs.evolve(row.args["endpoint"], good=w.emu.url)}
            )
            row = attrs.evolve(
                row, args={**row.args, "token": attrs.evolve(row.args["token"], good=w.emu.token)}
            )
        assert await _run_row(row, w) > 0
        async with Client(w.emu.url, w.emu.token, pool=pool, clock=w.client.clock) as other:
            assert (await other.workloads.get(w.refs["probe"])).id == w.refs["probe"]


@pytest.mark.parametrize("row", FUNCTION_ROWS, ids=[r.name for r in FUNCTION_ROWS])
async def test_a_function_or_constructor_refuses_each_bad_argument(row: Row) -> None:
    assert await _run_row(row, None) > 0


def _arms(hint: Any) -> set[Any]:
    """The types a field's annotation allows, unions opened (``int | None`` is int and None)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return {arm for part in typing.get_args(hint) for arm in _arms(part)}
    return {typing.get_origin(hint) or hint}


def _bad_field_values(model: ModelRow) -> list[tuple[str, str, Any]]:
    """(field, label, bad instance) for each field of the model, drawn from its annotation."""
    out = []
    hints = typing.get_type_hints(model.cls)
    for field in attrs.fields(model.cls):
        arms = _arms(hints[field.name])
        bad: list[tuple[str, Any]] = [("an object", object())]
        if arms & {int, float} and str not in arms:
            bad += [("a string", "12"), ("a bool", True)]
        if str in arms and not arms & {int, float}:
            bad.append(("a number", 12345))
        if float in arms:
            bad.append(("NaN", float("nan")))
        if tuple in arms:
            bad.append(("a lone string", "abc"))
        if type(None) not in arms:
            bad.append(("None", None))
        for label, value in bad:
            try:
                instance = attrs.evolve(model.good, **{field.name: value})
            except (TypeError, ValueError):
                continue  # refused when made: even earlier than the door
            out.append((field.name, label, instance))
    return out


@pytest.mark.parametrize(("model", "generation"), _with_generations(MODEL_ROWS))
async def test_a_request_model_with_a_bad_field_is_refused_before_sending(
    model: ModelRow, generation: str
) -> None:
    async with world(generation) as w:
        base = InputArtifact.single("a", Container(image_uri="img", port=8080))

        def sending(value: Any) -> tuple[Callable[..., Any], dict[str, Any]]:
            """The call that sends ``value`` as a user would, and its arguments."""
            if model.send == "requests":
                return w.client.workloads.create_many, {"requests": value}
            if model.send == "artifact":
                return w.client.workloads.create, {"artifact": value}
            return w.client.workloads.create, {"artifact": base, "runtime": value}

        send, kwargs = sending(model.wrap(model.good))
        await _good_call(send, kwargs)
        cases = _bad_field_values(model)
        assert cases
        for field, label, instance in cases:
            where = f"{model.cls.__name__}.{field}={label}"
            send, kwargs = sending(model.wrap(instance))
            before = w.requests()
            error = await _refused(send, kwargs, where)
            assert field in str(error), f"{where}: the message does not name {field}: {error}"
            assert w.requests() == before, f"{where}: a request was sent"
        await w.probe()

"""Where the CPU of one ``get`` goes, layer by layer, against raw aiohttp in the same run.

Each contender makes the same ``GET console/workloads/{id}/`` calls, 64 at once, and the figure is
its process CPU per call (``time.process_time``; the emulator runs in a child process):

- ``raw``: an aiohttp session of its own and ``json.loads``, as in ``get_ratio_c64``;
- ``send_once``: the SDK's one attempt (its session, headers, timeout, the body read whole), and
  ``json.loads`` of the body, as raw does;
- ``send``: the transport's call (the retry loop, the retry budget, the observer), and
  ``json.loads``;
- ``sdk``: ``client.workloads.get`` (the route table, the JSON reading and the model).

The contenders take turns, so all see the same machine, and the figures are medians. Apart from
the calls, two figures of the model alone, in this process: building a ``Workload`` from decoded
JSON against ``json.loads`` of its text, and the ``__init__`` of a frozen attrs class shaped like
it against the same class not frozen (what leaving frozen models would save).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import timeit
from collections.abc import Awaitable, Callable

import aiohttp
import attrs
from yarl import URL

from workload_async import Client, Workload, from_json

from ._fleet import make_fleet
from ._server import EmulatorProcess

Call = Callable[[], Awaitable[object]]


async def _cpu_per_call(call: Call, total: int, concurrency: int) -> float:
    remaining = iter(range(total))

    async def worker() -> None:
        for _ in remaining:
            await call()

    cpu = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (time.process_time() - cpu) / total


def _model_figures(body: bytes) -> dict[str, float]:
    data = json.loads(body)
    number = 5000
    build = min(timeit.repeat(lambda: from_json(Workload, data), number=number, repeat=5)) / number
    loads = min(timeit.repeat(lambda: json.loads(body), number=number, repeat=5)) / number
    names = [f"f{i}" for i in range(16)]  # a Workload's number of fields, all set as an answer sets them
    fields = {n: attrs.field(default=None) for n in names}
    frozen = attrs.make_class("Frozen", fields, frozen=True, slots=True)  # as the models are
    plain = attrs.make_class("Plain", {n: attrs.field(default=None) for n in names}, slots=True)
    kwargs = dict.fromkeys(names, "x")
    frozen_init = min(timeit.repeat(lambda: frozen(**kwargs), number=number, repeat=5)) / number
    plain_init = min(timeit.repeat(lambda: plain(**kwargs), number=number, repeat=5)) / number
    return {
        "model_build_us": build * 1e6,
        "model_over_json_loads": build / loads,
        "frozen_init_saving_us": (frozen_init - plain_init) * 1e6,
    }


async def run_layers(quick: bool) -> dict[str, float]:
    rounds, total = (5, 1500) if quick else (9, 3000)
    async with (
        EmulatorProcess(startup_seconds=3600, stop_seconds=0) as emu,
        Client(emu.url, emu.token) as client,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session,
    ):
        (one,) = await make_fleet(client, 1)
        url = URL(f"{emu.url}/console/workloads/{one}/")
        headers = {"Authorization": f"Bearer {emu.token}", "Accept": "application/json"}
        transport = client.workloads._t  # the layers under the public call
        await client.workloads.get(one)  # the dialect known, the session open

        async def raw() -> object:
            async with session.get(url, headers=headers) as response:
                return json.loads(await response.read())

        # the layers below the public call read the body as raw does, so all do the same work
        async def send_once() -> object:
            response = await transport._send_once(
                "GET", url, "x", params=None, data=None, headers=transport._plain_headers, deadline=None
            )
            return json.loads(response.body)

        path = f"console/workloads/{one}/"  # as the public call passes it (and errors name it)

        async def send() -> object:
            return json.loads((await transport.send("GET", url, route="workloads.get", path=path)).body)

        async def sdk() -> object:
            return await client.workloads.get(one)

        contenders: dict[str, Call] = {"raw": raw, "send_once": send_once, "send": send, "sdk": sdk}
        for call in contenders.values():
            await _cpu_per_call(call, 200, 64)
        cpu: dict[str, list[float]] = {name: [] for name in contenders}
        for i in range(rounds):
            order = list(contenders.items())
            for name, call in order if i % 2 == 0 else reversed(order):
                cpu[name].append(await _cpu_per_call(call, total, 64))
        body = (await transport.send("GET", url)).body
    figures = {f"get_cpu_us_{name}": statistics.median(values) * 1e6 for name, values in cpu.items()}
    raw_us = figures["get_cpu_us_raw"]
    for name in ("send_once", "send", "sdk"):
        figures[f"get_cpu_raw_over_{name}"] = raw_us / figures[f"get_cpu_us_{name}"]
    figures.update(_model_figures(body))
    return figures

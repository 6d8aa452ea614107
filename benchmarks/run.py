"""Run the suite, print a table, and end with one JSON line holding every figure."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time

from workload_async._http.json_read import NO_ORJSON_ENV, reader_name

from ._airflow import run_deferred_waits
from ._bulk import run_bulk_create_delete
from ._calls import run_calls
from ._emulator_speed import run_emulator_speed
from ._layers import run_layers
from ._scale import run_wait_scale
from ._shipping import run_shipping_counts
from ._startup import run_cli_help, run_import_time
from ._streams import run_streams
from ._waiting import run_list_memory, run_waiting

#: The targets, as (key, comparison, bound).
TARGETS = [
    ("get_ratio_c1", ">=", 0.9),
    ("get_ratio_c64", ">=", 0.95),
    ("list_ratio", ">=", 0.9),
    # the default install (no orjson), measured only where the speedups extra is installed
    ("get_ratio_c64_default_install", ">=", 0.9),
    ("list_ratio_default_install", ">=", 0.9),
    ("bulk_start_ratio", ">=", 0.95),
    ("bulk_start_ratio_5000", ">=", 0.95),
    ("bulk_create_ratio", ">=", 0.95),
    ("bulk_delete_ratio", ">=", 0.95),
    ("naive_over_sdk_requests_1000", ">=", 20.0),
    ("wait_overshoot_seconds_1000", "<=", 0.5),  # one poll interval of the benchmark's polling
    ("wait_memory_mb_10000", "<", 50.0),
    ("wait_round_cpu_us_per_workload_100000", "<=", 10.0),
    ("wait_round_over_floor_10000", "<=", 1.0),  # with orjson (extra speedups); 1.25 without
    ("wait_round_over_floor_100000", "<=", 1.0),
    ("wait_memory_kb_per_wait_100000", "<=", 1.5),
    ("import_ratio", "<=", 1.15),
    ("cli_help_over_python", "<=", 2.0),
    ("emulator_list_page_ms_p50_10000", "<", 10.0),
    ("emulator_status_change_ms_p50_10000", "<", 10.0),
    ("per_trigger_over_shared_calls_1000", ">=", 20.0),  # only where the airflow extra is installed
    ("replacement_status_calls_per_round_1000", "<=", 10.0),  # ⌈N/100⌉
    ("build_status_calls_per_round_100", "<=", 1.0),  # one per artifact
    ("build_status_calls_per_round_100_over_10_artifacts", "<=", 10.0),
    ("sse_growth_16x", "<=", 2.0),  # linear in the stream's length: the same time per event
]
KEYS = [
    "get_ratio_c1",
    "get_ratio_c64",
    "list_ratio",
    "get_ratio_c64_default_install",
    "list_ratio_default_install",
    "bulk_start_ratio",
    "bulk_create_ratio",
    "bulk_delete_ratio",
    "poll_requests_per_workload_1000",
    "naive_over_sdk_requests_1000",
    "wait_overshoot_seconds_1000",
    "wait_memory_mb_10000",
    "wait_round_cpu_us_per_workload_1000",
    "wait_round_cpu_us_per_workload_10000",
    "wait_round_cpu_us_per_workload_100000",
    "wait_round_floor_us_per_workload_100000",
    "wait_round_over_floor_10000",
    "wait_round_over_floor_100000",
    "wait_memory_mb_1000",
    "wait_memory_mb_100000",
    "wait_register_seconds_20000",
    "import_ratio",
    "cli_help_ms",
    "cli_help_over_python",
    "replacement_status_calls_per_round_1000",
    "build_status_calls_per_round_100",
]


#: Measured again without orjson when it is installed: the default install's figures.
DEFAULT_INSTALL_KEYS = ["get_ratio_c1", "get_ratio_c64", "list_ratio"]


def _default_install_figures(quick: bool) -> dict[str, float]:
    """The call ratios again in a child process that keeps orjson out."""
    argv = [sys.executable, "-m", "benchmarks", "--only", "calls", *(["--quick"] if quick else [])]
    out = subprocess.run(
        argv, check=True, capture_output=True, text=True, env={**os.environ, NO_ORJSON_ENV: "1"}
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    found = {f"{key}_default_install": figures[key] for key in DEFAULT_INSTALL_KEYS}
    found.update({f"{key}_default_install_spread": figures[f"{key}_spread"] for key in DEFAULT_INSTALL_KEYS})
    return found


def _verdict(value: float, op: str, bound: float) -> str:
    ok = {">=": value >= bound, "<=": value <= bound, "<": value < bound}[op]
    return "ok" if ok else "MISSED"


async def _suite(quick: bool, only: set[str]) -> dict[str, float]:
    figures: dict[str, float] = {}
    if not only or "calls" in only:
        figures.update(await run_calls(quick))
    if not only or "layers" in only:
        figures.update(await run_layers(quick))
    if not only or "bulk" in only:
        figures.update(await run_bulk_create_delete(quick))
    if not only or "import" in only:
        figures.update(await asyncio.to_thread(run_import_time, quick))
    if not only or "cli" in only:
        figures.update(await asyncio.to_thread(run_cli_help, quick))
    if not only or "waiting" in only:
        figures.update(await run_waiting([100, 1000] if quick else [100, 1000, 5000]))
    if not only or "memory" in only:
        figures.update(await run_list_memory())
    if not only or "scale" in only:
        figures.update(await run_wait_scale([1000, 10_000] if quick else [1000, 10_000, 100_000]))
    if not only or "emulator" in only:
        figures.update(await run_emulator_speed(samples=100 if quick else 300))
    if not only or "airflow" in only:
        figures.update(await run_deferred_waits(1000))
    if not only or "shipping" in only:
        figures.update(await run_shipping_counts())
    if not only or "streams" in only:
        figures.update(await asyncio.to_thread(run_streams, quick))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs (about five minutes on 2 cores)")
    parts = [
        "calls",
        "layers",
        "bulk",
        "import",
        "cli",
        "waiting",
        "memory",
        "scale",
        "emulator",
        "airflow",
        "shipping",
        "streams",
    ]
    parser.add_argument("--only", action="append", default=[], choices=parts)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    figures = asyncio.run(_suite(args.quick, set(args.only)))
    reader = reader_name()  # as the package decided, in this process
    if reader == "orjson" and (not args.only or "calls" in args.only):
        figures.update(_default_install_figures(args.quick))
    print(
        f"workload-async benchmarks ({'quick' if args.quick else 'full'}) on {platform.machine()}, "
        f"Python {platform.python_version()}, API answers read by {reader}, "
        f"{time.perf_counter() - started:.0f}s"
    )
    width = max(len(k) for k in figures)
    targets = {key: (op, bound) for key, op, bound in TARGETS}
    for key, value in figures.items():
        if key.endswith("_spread") and key.removesuffix("_spread") in figures:
            continue  # printed beside its ratio
        line = f"  {key:<{width}}  {value:12.3f}"
        spread = figures.get(f"{key}_spread")
        if spread is not None:
            line += f"  (spread {spread:.3f})"
        if key in targets:
            op, bound = targets[key]
            line += f"   target {op} {bound:g}: {_verdict(value, op, bound)}"
        print(line)
    summary = {key: round(figures[key], 4) for key in KEYS if key in figures}
    summary.update({k: round(v, 4) for k, v in figures.items() if k not in summary})
    print(json.dumps(summary, separators=(",", ":")))
    return 0

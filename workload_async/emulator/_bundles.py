"""The emulator's fixed catalogue of compute bundles, and the check of runtimes that name them."""

from __future__ import annotations

from typing import Any

__all__ = ["CATALOGUE", "bundle_problems", "matches_use_cases", "resolved_view"]

_GIB = 1024**3
_ALL_USES = ["customModel", "customApplication", "workload"]
_GPU_USES = ["customModel", "workload"]


def _bundle(
    bundle_id: str,
    name: str,
    cpus: float,
    memory_gib: float,
    uses: list[str],
    gpu: tuple[int, str, int] | None = None,
) -> dict[str, Any]:
    gpu_count, gpu_type, gpu_memory_gib = gpu if gpu is not None else (0, None, 0)
    return {
        "id": bundle_id,
        "name": name,
        "description": f"{name}: {cpus:g} CPU, {memory_gib:g} GiB memory"
        + (f", {gpu_count} x {gpu_type}" if gpu_type else ""),
        "cpuCount": cpus,
        "memoryBytes": int(memory_gib * _GIB),
        "gpuCount": gpu_count,
        "gpuType": gpu_type,
        "gpuMemoryBytes": gpu_memory_gib * _GIB if gpu_type else None,
        "useCases": uses,
    }


#: What ``GET mlops/compute/bundles/`` lists, in this order.
CATALOGUE: tuple[dict[str, Any], ...] = (
    _bundle("cpu.nano", "CPU nano", 0.25, 0.5, _ALL_USES),
    _bundle("cpu.small", "CPU small", 1, 2, _ALL_USES),
    _bundle("cpu.medium", "CPU medium", 2, 8, _ALL_USES),
    _bundle("cpu.large", "CPU large", 8, 32, _ALL_USES),
    _bundle("gpu.l4.small", "GPU L4 small", 4, 16, _GPU_USES, (1, "NVIDIA-L4", 24)),
    _bundle("gpu.a10g.medium", "GPU A10G medium", 8, 32, _GPU_USES, (1, "NVIDIA-A10G", 24)),
)


def matches_use_cases(bundle: dict[str, Any], use_cases: list[str]) -> bool:
    """True when ``use_cases`` is empty or the bundle serves any of them (the emulator's choice)."""
    return not use_cases or any(u in bundle["useCases"] for u in use_cases)


def bundle_problems(
    runtime: dict[str, Any], known: dict[str, dict[str, Any]], loc: tuple[str | int, ...]
) -> list[dict[str, Any]]:
    """A 422 problem for each ``runtime.resources[].resourceBundleId`` not in ``known``."""
    return [
        {
            "loc": [*loc, "resources", i, "resourceBundleId"],
            "msg": f"Unknown resource bundle {r['resourceBundleId']!r}; "
            "GET mlops/compute/bundles/ lists the known ones",
            "type": "value_error",
        }
        for i, r in enumerate(runtime.get("resources") or [])
        if r.get("resourceBundleId") not in known
    ]


def resolved_view(bundle: dict[str, Any]) -> dict[str, Any]:
    """A bundle as the 11.5 generation names it in ``runtime.containerGroups[].resolvedBundle``."""
    out = {k: bundle[k] for k in ("id", "cpuCount", "memoryBytes", "gpuCount")}
    if bundle["gpuType"]:
        maker, _, label = str(bundle["gpuType"]).partition("-")
        out.update(gpuMaker=maker.lower(), gpuTypeLabel=label)
    return out

"""What differs between the generations of the Workload API a client can speak: a :class:`Dialect`.

A dialect holds the route table, the names of list parameters (``sort`` is ``orderBy`` on 11.5),
the word that locks an artifact, which features exist, and how the user's request models are
written on the wire. Resource code names routes and features; it never asks which generation it
speaks. The two dialects are :mod:`.v2_41` and :mod:`.v11_5` (written as a change of v2.41);
:mod:`.versions` chooses one, or asks the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._models.enums import ArtifactStatus
from .._models.inputs import InputArtifact, WorkloadRuntime
from ..errors import UnsupportedFeatureError
from .routes import RouteParts, route_path

__all__ = ["FEATURE_HINTS", "Dialect"]

#: What to do instead, by the name of a feature a generation lacks.
FEATURE_HINTS = {
    "deployments": "on 11.5 a workload's own endpoint is what one invokes "
    "(client.workloads.invoke; the command line's workloads invoke)",
    "settings replacements": "on v2.41 stop the workload and start it again",
    "workload settings": "on v2.41 a workload's runtime is in client.workloads.get(id).runtime "
    "(the command line's workloads get)",
    "replacements": "on v2.41 stop the workload, create one on the new artifact and start it",
    "image builds": "on v2.41 build the image yourself and give its image_uri",
}


_ROUTE_FEATURES = {
    "workloads.update": "workload updates",
    "workloads.settings": "workload settings",
    "workloads.update_settings": "settings replacements",
    "workloads.promote": "promote",
    "workloads.history": "history",
    "workloads.events": "events",
    "workloads.stats": "workload stats",
    "workloads.stats_series": "workload stats",
    "workloads.fleet_stats": "fleet stats",
    "workloads.protons": "protons",
    "workloads.proton": "protons",
    "workloads.proton_status": "protons",
    "artifacts.clone": "artifact clones",
    "workloads.replace": "replacements",
    "workloads.replacement": "replacements",
    "workloads.cancel_replacement": "replacements",
    "artifacts.build": "image builds",
    "artifacts.builds": "image builds",
    "artifacts.get_build": "image builds",
    "artifacts.build_logs": "image builds",
}


@attrs.frozen
class Dialect:
    """One generation of the API, as a client speaks it."""

    name: str
    routes: RouteParts = attrs.field(repr=False)
    #: the SDK's name of a list parameter -> the wire's
    params: Mapping[str, str] = attrs.field(repr=False)
    lock_word: str
    features: frozenset[str] = attrs.field(repr=False)
    #: the request body of a workload create
    create_body: Callable[..., dict[str, Any]] = attrs.field(repr=False)
    #: the request body of an artifact create or replace
    artifact_body: Callable[[InputArtifact], dict[str, Any]] = attrs.field(repr=False)
    #: the request body of a settings change (11.5 only)
    settings_body: Callable[[WorkloadRuntime], dict[str, Any]] = attrs.field(repr=False)

    def path(self, route: str, *ids: str, tail: str = "") -> str:
        """The encoded path of ``route`` in this dialect's table."""
        if route not in self.routes:
            feature = "deployments" if route.startswith("deployments.") else _ROUTE_FEATURES.get(route, route)
            raise UnsupportedFeatureError(feature, self.name, FEATURE_HINTS.get(feature, ""))
        return route_path(route, *ids, table=self.routes, tail=tail)

    def has(self, feature: str) -> bool:
        """True when this generation has ``feature``."""
        return feature in self.features

    def require(self, feature: str) -> None:
        """Raise :class:`~workload_async.errors.UnsupportedFeatureError` unless ``feature`` exists here."""
        if feature not in self.features:
            raise UnsupportedFeatureError(feature, self.name, FEATURE_HINTS.get(feature, ""))

    def param(self, name: str) -> str:
        """The wire name of list parameter ``name``."""
        return self.params.get(name, name)

    def artifact_status(self, status: ArtifactStatus | str) -> str:
        """``status`` in this dialect's words (``registered`` and ``locked`` both mean locked)."""
        value = ArtifactStatus(status)
        return self.lock_word if value.is_locked else value.value

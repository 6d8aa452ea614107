"""Bad arguments for every public entry point: one row per method, function and constructor.

A :class:`Row` names an entry point (``workloads.get`` is ``client.workloads.get``; a bare name is
a public class or function of the package or its emulator) and gives each of its parameters an
:class:`Arg`: the bad values to try, and a good value when the parameter has no default. The
tests (``tests/e2e/test_bad_arguments.py``) call the entry point once per bad value, the other
arguments good, and ask for a ``TypeError`` or ``ValueError`` naming the parameter, raised at the
call (for a coroutine, when it is awaited), with no request sent and nothing shared damaged.

A :class:`ModelRow` covers a request model: the bad values of each field are drawn from its
type annotations, and the model is sent the way a user sends it (inside an artifact or a
runtime), where the SDK checks it. An :class:`Exempt` row says why an entry point takes no bad
input (a model the server sends, read tolerantly).

Adding a public method, function or class? Add its row here: a test fails, naming it, until
every public one has a row and every parameter of a method its :class:`Arg`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import attrs

from workload_async import ArtifactSpec as Spec
from workload_async import (
    Autoscaling,
    Capabilities,
    CodeRef,
    Container,
    ContainerGroup,
    ContainerResources,
    CreateWorkload,
    CredentialEnvironmentVariable,
    DataRobotCodeRef,
    Dockerfile,
    EnvironmentVariable,
    GroupRuntime,
    ImageBuildConfig,
    InputArtifact,
    ProbeConfig,
    ReplacementConfig,
    ResourceAllocation,
    ResourceBundle,
    ResourceRequest,
    ScalingMetricType,
    ScalingPolicy,
    SeccompProfile,
    SecurityContext,
    Workload,
    WorkloadRuntime,
    WorkloadStatus,
)

NAN, INF = float("nan"), float("inf")
HUGE = "x" * 200_000
OMIT: Any = object()  # a parameter left at its default in the good call


@attrs.frozen
class Ref:
    """A resource the test world made: ``running``, ``probe``, ``draft``, ``deployment``,
    ``replacement``, resolved when the row runs."""

    name: str


@attrs.frozen
class Arg:
    """A parameter: its bad values (label, value), and its good value (``OMIT``: the default)."""

    bad: tuple[tuple[str, Any], ...]
    good: Any = OMIT

    def __call__(self, good: Any) -> Arg:
        """The same bad values with a good value (for a parameter without a default)."""
        return Arg(self.bad, good)

    def minus(self, *labels: str) -> Arg:
        """Without the bad values of these labels (where they are good for this parameter)."""
        return Arg(tuple(b for b in self.bad if b[0] not in labels), self.good)

    def plus(self, **bad: Any) -> Arg:
        """With more bad values (where they are bad for this parameter)."""
        return Arg((*self.bad, *bad.items()), self.good)


def kind(**bad: Any) -> Arg:
    """A parameter's bad values, by label."""
    return Arg(tuple(bad.items()))


class _Circle(dict[str, Any]):
    pass


CIRCLE = _Circle()
CIRCLE["self"] = CIRCLE

# -- the kinds of parameter ------------------------------------------------------------------

ID = kind(
    none=None,
    number=42,
    bytes=b"w1",
    empty="",
    blank="  ",
    line_break="a\r\nb",
    nul="a\x00b",
    huge=HUGE,
    list=["w1"],
)
OPTIONAL_ID = ID.minus("none")
IDS = kind(
    a_string="abc",
    number=42,
    mapping={"a": "b"},
    none_inside=[None],
    empty_inside=[""],
    line_break_inside=["a\nb"],
    huge_inside=[HUGE],
)
OPTIONAL_IDS = IDS
TIMEOUT = kind(nan=NAN, inf=INF, minus_inf=-INF, negative=-1, zero=0, string="5", bool=True, list=[5])
WAIT_TIMEOUT = TIMEOUT.minus("zero")  # 0 is a wait that gives up at once
DEADLINE = kind(nan=NAN, inf=INF, minus_inf=-INF, string="soon", bool=True, list=[1])
POLL = kind(string="fast", number=5, mapping={"initial": 1})
UNTIL = kind(unknown="started", number=5, not_a_target=WorkloadStatus.ERRORED, empty="")
FLAG = kind(string="yes", number=1, none=None)
PAGE_SIZE = kind(zero=0, negative=-1, huge=10**9, fraction=1.5, string="10", nan=NAN, bool=True, none=None)
OFFSET = kind(negative=-1, fraction=1.5, string="1", nan=NAN, bool=True, none=None)
QUERY = kind(number=42, bytes=b"x", line_break="a\nb", nul="a\x00", huge=HUGE, list=["x"])
NAME = kind(none=None, empty="", blank="  ", number=42, line_break="a\nb", huge=HUGE)
OPTIONAL_NAME = NAME.minus("none")
DESCRIPTION = kind(number=42, nul="a\x00b", huge="x" * 1_000_000, list=["x"])
IMPORTANCE = kind(unknown="galactic", number=5, empty="")
STRINGS = kind(a_string="abc", number=5, number_inside=[1], empty_inside=[""], nul_inside=["a\x00"])
MOMENT = kind(
    naive=datetime(2026, 1, 1), string="2026-01-01", number=5, negative=timedelta(-1), too_far=timedelta.max
)
DATETIME = kind(naive=datetime(2026, 1, 1), string="2026-01-01", number=5)
LEVEL = kind(unknown="verbose", number=5, empty="")
CONCURRENCY = kind(zero=0, negative=-1, fraction=1.5, string="4", nan=NAN, none=None)
RETURN_WHEN = kind(unknown="sometimes", number=5, none=None)
PROGRESS = kind(string="bar", number=5)
APP_PATH = kind(
    number=42,
    none=None,
    dots="../x",
    encoded_dots="%2e%2e/x",
    mixed_dots="a/%2E./b",
    line_break="a\r\nb",
    huge=HUGE,
)
METHOD = kind(space="GE T", empty="", number=42, line_break="GET\r\n", none=None)
PARAMS = kind(
    string="a=b",
    number=42,
    number_name={1: "x"},
    nested={"a": {"b": 1}},
    triple=[("a", "b", "c")],
    nan={"a": NAN},
    none_value={"a": None},
)
HEADERS = kind(
    string="X: y",
    number_value={"X": 1},
    bad_name={"Bad Name": "v"},
    line_break={"X": "a\r\nb"},
    pairs=[("X", "y")],
)
JSON = kind(nan={"a": NAN}, inf=[INF], object=object(), circle=CIRCLE)
DATA = kind(number=42, list=["x"], mapping={"a": 1})
HEARTBEAT = kind(zero=0, negative=-1, nan=NAN, string="5")
ARTIFACT = kind(
    string="x",
    mapping={"name": "x"},
    number=5,
    no_groups=InputArtifact(name="x", spec=Spec(container_groups=())),
    no_name=InputArtifact.single("", Container(image_uri="img", port=8080)),
)
RUNTIME = kind(
    string="x",
    number=5,
    zero_replicas=WorkloadRuntime(replica_count=0),
    text_replicas=WorkloadRuntime(replica_count="2"),  # type: ignore[arg-type]
)
ARTIFACT_STATUS = kind(unknown="frozen", number=5)
AFTER = kind(unknown="yesterday", number=5, naive="2026-01-01T00:00:00#1", zero="2026-01-01T00:00:00+00:00#0")
SECONDS = kind(nan=NAN, inf=INF, negative=-1, string="5", bool=True)
STATUSES = kind(
    unknown="sleepy", number=5, empty_list=[], none_inside=[None], unknown_inside=["running", "x"]
)
IMPORTANCES = kind(unknown="galactic", number=5, empty_list=[], none_inside=[None])
METRIC = kind(unknown="latency", number=5, none=None, empty="")
RESOLUTION = kind(unknown="P2D", number=5, none=None)
QUANTILE = kind(nan=NAN, above_one=1.5, negative=-0.1, string="0.5", bool=True)
SLOW_MS = kind(negative=-1, fraction=1.5, string="100", bool=True)
CONFIG = kind(
    mapping={"warmupDurationMinutes": 1},
    string="x",
    negative=ReplacementConfig(warmup_duration_minutes=-1),
)
REQUESTS = kind(
    a_string="abc",
    number=5,
    mapping_inside=[{"name": "x"}],
    no_artifact=[CreateWorkload(name="x")],
    bad_importance=[CreateWorkload(name="x", artifact_id="a" * 24, importance="galactic")],  # type: ignore[arg-type]
)
A_BUILD = "b" * 24
A_PROTON = "c" * 24


class _NotCallableHooks:
    on_request = 5


ART = InputArtifact.single("echo", Container(image_uri="registry.example.com/echo:1", port=8080))
RUNTIME_2 = WorkloadRuntime(replica_count=2)


@attrs.frozen
class Row:
    """An entry point and an :class:`Arg` for each of its parameters. ``only`` names the one API
    generation that has it."""

    name: str
    args: dict[str, Arg]
    only: str | None = None


def row(entry: str, only: str | None = None, /, **args: Arg) -> Row:
    return Row(entry, args, only)


def invoke_rows(manager: str, only: str | None) -> list[Row]:
    """``invoke``, ``stream`` and ``websocket`` of a manager whose resources have an application."""
    target = ID(Ref("running"))
    call = {"path": APP_PATH, "params": PARAMS, "headers": HEADERS}
    return [
        row(
            f"{manager}.invoke",
            only,
            resource_id=target,
            **call,
            method=METHOD,
            json=JSON,
            data=DATA,
            raise_for_status=FLAG,
            timeout=TIMEOUT,
        ),
        row(
            f"{manager}.stream",
            only,
            resource_id=target,
            **call,
            method=METHOD,
            json=JSON,
            data=DATA,
            timeout=TIMEOUT,
            read_timeout=TIMEOUT,
        ),
        row(f"{manager}.websocket", only, resource_id=target, **call, heartbeat=HEARTBEAT, timeout=TIMEOUT),
    ]


WAIT = {"timeout": WAIT_TIMEOUT, "deadline": DEADLINE, "poll": POLL}
LOG_FILTERS = {
    "level": LEVEL,
    "includes": STRINGS,
    "excludes": STRINGS,
    "span_id": OPTIONAL_ID,
    "trace_id": OPTIONAL_ID,
}

MANAGER_ROWS: list[Row] = [
    # -- client.workloads
    row(
        "workloads.create",
        name=OPTIONAL_NAME,
        artifact=ARTIFACT(ART),
        artifact_id=OPTIONAL_ID,
        runtime=RUNTIME,
        description=DESCRIPTION,
        importance=IMPORTANCE,
        timeout=TIMEOUT,
    ),
    row("workloads.get", workload_id=ID(Ref("running")), timeout=TIMEOUT),
    row(
        "workloads.list",
        ids=OPTIONAL_IDS,
        search=QUERY,
        sort=QUERY,
        status=STATUSES,
        importance=IMPORTANCES,
        artifact_id=OPTIONAL_ID,
        page_size=PAGE_SIZE,
        offset=OFFSET,
        timeout=TIMEOUT,
    ),
    row(
        "workloads.create_many",
        requests=REQUESTS([CreateWorkload(name="many", artifact=ART)]),
        concurrency=CONCURRENCY,
        wait=FLAG,
        timeout=WAIT_TIMEOUT,
        progress=PROGRESS,
    ),
    row(
        "workloads.delete_many",
        workload_ids=IDS([Ref("running")]),
        concurrency=CONCURRENCY,
        timeout=WAIT_TIMEOUT,
        progress=PROGRESS,
    ),
    row("workloads.start", workload_id=ID(Ref("running")), wait=FLAG, timeout=WAIT_TIMEOUT, poll=POLL),
    row("workloads.stop", workload_id=ID(Ref("running")), wait=FLAG, timeout=WAIT_TIMEOUT, poll=POLL),
    row("workloads.delete", workload_id=ID(Ref("running")), timeout=TIMEOUT),
    *(
        row(
            f"workloads.{name}",
            workload_ids=IDS([Ref("running")]),
            concurrency=CONCURRENCY,
            wait=FLAG,
            timeout=WAIT_TIMEOUT,
            progress=PROGRESS,
        )
        for name in ("start_many", "stop_many")
    ),
    row("workloads.wait", workload_id=ID(Ref("running")), until=UNTIL, **WAIT),
    row(
        "workloads.wait_many",
        workload_ids=IDS([Ref("running")]),
        until=UNTIL,
        return_when=RETURN_WHEN,
        **WAIT,
    ),
    row("workloads.as_completed", workload_ids=IDS([Ref("running")]), until=UNTIL, **WAIT),
    row("workloads.watch", workload_id=ID(Ref("running")), until=UNTIL, **WAIT),
    *invoke_rows("workloads", None),
    row(
        "workloads.logs",
        workload_id=ID(Ref("running")),
        since=MOMENT,
        until=MOMENT,
        **LOG_FILTERS,
        page_size=PAGE_SIZE,
        timeout=TIMEOUT,
    ),
    row(
        "workloads.follow_logs",
        workload_id=ID(Ref("running")),
        since=MOMENT,
        after=AFTER,
        until_settled=FLAG(True),
        **LOG_FILTERS,
        poll=POLL,
        timeout=TIMEOUT,
        deadline=DEADLINE,
    ),
    row(
        "workloads.update",
        "11.5",
        workload_id=ID(Ref("running")),
        name=OPTIONAL_NAME("renamed"),
        description=DESCRIPTION,
        importance=IMPORTANCE,
        timeout=TIMEOUT,
    ),
    row("workloads.settings", "11.5", workload_id=ID(Ref("running")), timeout=TIMEOUT),
    row(
        "workloads.update_settings",
        "11.5",
        workload_id=ID(Ref("running")),
        runtime=RUNTIME(RUNTIME_2),
        wait=FLAG,
        timeout=WAIT_TIMEOUT,
        poll=POLL,
    ),
    row(
        "workloads.wait_for_replacement",
        "11.5",
        workload_id=ID(Ref("running")),
        replacement_id=ID(Ref("replacement")),
        **WAIT,
    ),
    row("workloads.promote", "11.5", workload_id=ID(Ref("running")), timeout=TIMEOUT),
    *(
        row(
            f"workloads.{name}",
            "11.5",
            workload_id=ID(Ref("running")),
            page_size=PAGE_SIZE,
            offset=OFFSET,
            timeout=TIMEOUT,
        )
        for name in ("history", "events", "protons")
    ),
    row(
        "workloads.stats",
        "11.5",
        workload_id=ID(Ref("running")),
        start=DATETIME,
        end=DATETIME,
        proton_id=OPTIONAL_ID,
        response_time_quantile=QUANTILE,
        slow_requests_threshold=SLOW_MS,
        timeout=TIMEOUT,
    ),
    row(
        "workloads.stats_series",
        "11.5",
        workload_id=ID(Ref("running")),
        metric=METRIC("totalRequests"),
        resolution=RESOLUTION,
        start=DATETIME,
        end=DATETIME,
        proton_id=OPTIONAL_ID,
        response_time_quantile=QUANTILE,
        slow_requests_threshold=SLOW_MS,
        timeout=TIMEOUT,
    ),
    row(
        "workloads.fleet_stats",
        "11.5",
        ids=OPTIONAL_IDS,
        search=QUERY,
        status=STATUSES,
        importance=IMPORTANCES,
        artifact_id=OPTIONAL_ID,
        timeout=TIMEOUT,
    ),
    *(
        row(
            f"workloads.{name}",
            "11.5",
            workload_id=ID(Ref("running")),
            proton_id=ID(A_PROTON),
            timeout=TIMEOUT,
        )
        for name in ("proton", "proton_status")
    ),
    *(
        row(f"workloads.{name}", "11.5", workload_id=ID(Ref("running")), timeout=TIMEOUT)
        for name in ("replacement", "cancel_replacement", "diagnose")
    ),
    row(
        "workloads.replace",
        "11.5",
        workload_id=ID(Ref("running")),
        artifact_id=ID(Ref("draft")),
        runtime=RUNTIME,
        config=CONFIG,
        wait=FLAG,
        timeout=WAIT_TIMEOUT,
        poll=POLL,
    ),
    # -- client.artifacts
    row("artifacts.create", artifact=ARTIFACT(ART), timeout=TIMEOUT),
    row("artifacts.get", artifact_id=ID(Ref("draft")), timeout=TIMEOUT),
    row(
        "artifacts.list",
        search=QUERY,
        status=ARTIFACT_STATUS,
        type=QUERY,
        page_size=PAGE_SIZE,
        offset=OFFSET,
        timeout=TIMEOUT,
    ),
    row(
        "artifacts.delete_many",
        artifact_ids=IDS([Ref("draft")]),
        concurrency=CONCURRENCY,
        timeout=WAIT_TIMEOUT,
        progress=PROGRESS,
    ),
    row("artifacts.build", "11.5", artifact_id=ID(Ref("draft")), wait=FLAG, timeout=WAIT_TIMEOUT, poll=POLL),
    row("artifacts.builds", "11.5", artifact_id=ID(Ref("draft")), page_size=PAGE_SIZE, timeout=TIMEOUT),
    *(
        row(f"artifacts.{name}", "11.5", artifact_id=ID(Ref("draft")), build_id=ID(A_BUILD), timeout=TIMEOUT)
        for name in ("get_build", "build_logs")
    ),
    row(
        "artifacts.wait_for_builds",
        "11.5",
        artifact_id=ID(Ref("draft")),
        build_ids=IDS([A_BUILD]),
        **WAIT,
    ),
    row("artifacts.replace", artifact_id=ID(Ref("draft")), artifact=ARTIFACT(ART), timeout=TIMEOUT),
    row(
        "artifacts.update",
        artifact_id=ID(Ref("draft")),
        name=OPTIONAL_NAME("renamed"),
        description=DESCRIPTION,
        timeout=TIMEOUT,
    ),
    row("artifacts.register", artifact_id=ID(Ref("draft")), timeout=TIMEOUT),
    row("artifacts.clone", "11.5", artifact_id=ID(Ref("draft")), name=NAME("copy"), timeout=TIMEOUT),
    row("artifacts.delete", artifact_id=ID(Ref("draft")), timeout=TIMEOUT),
    # -- client.deployments
    row(
        "deployments.create",
        "v2.41",
        name=NAME("front"),
        workload_id=ID(Ref("running")),
        description=DESCRIPTION,
        importance=IMPORTANCE,
        timeout=TIMEOUT,
    ),
    row("deployments.get", "v2.41", deployment_id=ID(Ref("deployment")), timeout=TIMEOUT),
    row(
        "deployments.list",
        "v2.41",
        search=QUERY,
        workload_ids=OPTIONAL_IDS,
        with_workload=FLAG,
        page_size=PAGE_SIZE,
        offset=OFFSET,
        timeout=TIMEOUT,
    ),
    row(
        "deployments.update",
        "v2.41",
        deployment_id=ID(Ref("deployment")),
        name=OPTIONAL_NAME("renamed"),
        description=DESCRIPTION,
        importance=IMPORTANCE,
        timeout=TIMEOUT,
    ),
    row("deployments.delete", "v2.41", deployment_id=ID(Ref("deployment")), timeout=TIMEOUT),
    row("deployments.stats", "v2.41", deployment_id=ID(Ref("deployment")), timeout=TIMEOUT),
    *[
        attrs.evolve(r, args={**r.args, "resource_id": ID(Ref("deployment"))})
        for r in invoke_rows("deployments", "v2.41")
    ],
    # -- client.bundles
    row(
        "bundles.list",
        use_cases=STRINGS,
        entity_type=QUERY,
        entity_id=OPTIONAL_ID,
        page_size=PAGE_SIZE,
        timeout=TIMEOUT,
    ),
]

#: The client's own entry points: its constructor and the methods that take arguments.
CLIENT_ROWS: list[Row] = [
    row(
        "Client",
        endpoint=kind(
            number=42,
            empty_with_token="",
            ftp="ftp://h/api/v2",
            query="https://h/api/v2?x=1",
            user="https://u:p@h/api/v2",
            line_break="https://h/api/v2\r\nX: 1",
            token_like="drtok-5ecret",
        )("https://h.example.com/api/v2"),
        token=kind(number=42, space="a b", line_break="t\r\nX: 1", nul="t\x00")("t0ken"),
        timeout=SECONDS.plus(zero=0),
        retries=kind(negative=-1, huge=10**9, fraction=1.5, string="3", bool=True),
        max_connections=kind(zero=0, fraction=1.5, string="10", none=None, bool=True),
        pool=kind(string="pool", number=5),
        poll=POLL,
        wait_timeout=WAIT_TIMEOUT,
        clock=kind(string="now", number=5),
        hooks=kind(string="hooks", number=5, not_callable=_NotCallableHooks()),
        tracing=FLAG,
        tracer_provider=kind(string="otel", number=5),
        max_response_bytes=kind(zero=0, nan=NAN, fraction=1.5, string="1", none=None, bool=True),
        api_version=kind(unknown="12", number=11.5, empty=""),
        ssl_verify=kind(number=5, missing_bundle="/no/such/ca.pem", list=[True]),
        connect_timeout=SECONDS.plus(zero=0),
        user_agent_suffix=kind(number=5, line_break="a\r\nX: 1", huge=HUGE, empty=""),
    ),
    row(
        "Client.with_options",
        timeout=SECONDS.plus(zero=0),
        retries=kind(negative=-1, fraction=1.5, string="3", bool=True),
        poll=POLL,
        wait_timeout=WAIT_TIMEOUT,
    ),
    row("Client.deadline", seconds=SECONDS(5)),
]

#: Public functions and the constructors of public classes that take arguments.
FUNCTION_ROWS: list[Row] = [
    row(
        "from_json",
        cls=kind(number=5, string="Workload", none=None)(Workload),
        data=kind(
            not_json="{oops",
            deep="[" * 100_000,
            bytes=b"\xff",
            wrong_shape=[1, 2],
        )({"id": "w1", "status": "running"}),
    ),
    row(
        "to_json",
        value=kind(object=object(), nan=[NAN], circle=CIRCLE, complex_key={1j: 2})(Workload(id="w1")),
        keep_defaults=FLAG,
    ),
    row("gib", amount=SECONDS.minus("bool").plus(string="4", bool=True)(1)),
    row("mib", amount=SECONDS.minus("bool").plus(string="512", bool=True)(1)),
    row(
        "SessionPool",
        max_connections=kind(zero=0, fraction=1.5, string="10", none=None, bool=True),
        max_per_host=kind(negative=-1, fraction=1.5, string="1", none=None),
        keepalive_seconds=SECONDS.minus("bool").plus(none=None),
        trust_env=FLAG,
        ssl=kind(string="yes", number=1, none=None),
        trace_configs=kind(string="x", number=5, items=[object()]),
    ),
    row(
        "RetryPolicy",
        attempts=kind(zero=0, huge=10**9, fraction=1.5, string="3", nan=NAN, none=None),
        initial=SECONDS.plus(zero=0, none=None),
        factor=kind(below_one=0.5, nan=NAN, inf=INF, string="2", none=None),
        cap=SECONDS.plus(zero=0, none=None),
        jitter=kind(one=1, negative=-0.1, nan=NAN, string="0.1", none=None),
        max_retry_after=SECONDS.plus(zero=0, none=None),
        budget=kind(negative=-1, nan=NAN, inf=INF, string="5", none=None),
    ),
    row(
        "PollPolicy",
        initial=SECONDS.plus(zero=0, none=None),
        factor=kind(below_one=0.5, nan=NAN, inf=INF, string="2", none=None),
        cap=SECONDS.plus(zero=0, none=None),
        jitter=kind(one=1, negative=-0.1, nan=NAN, string="0.1", none=None),
        stale_grace=kind(negative=-1, nan=NAN, inf=INF, string="10", none=None),
    ),
    row("FakeClock", start=kind(naive=datetime(2026, 1, 1), string="2026-01-01", number=5)),
    row("FakeClock.advance", seconds=SECONDS(1)),
    row(
        "Emulator",
        startup_seconds=SECONDS.minus("bool").plus(none=None),
        stop_seconds=SECONDS.minus("bool").plus(none=None),
        jitter=kind(one=1, negative=-0.1, nan=NAN, string="0.1"),
        draft_ttl_seconds=SECONDS.minus("bool"),
        build_seconds=SECONDS.minus("bool"),
        clock=kind(string="now", number=5),
        host=kind(number=5, empty="", remote="example.com"),
        port=kind(negative=-1, huge=70_000, string="80", fraction=1.5),
        token=kind(number=5, empty="", line_break="a\nb"),
        seed=kind(string="1", fraction=1.5),
        allow_remote=FLAG,
        log_requests=FLAG,
        api_version=kind(unknown="12", number=11.5),
        request_log_size=kind(negative=-1, fraction=1.5, string="10", none=None),
    ),
    row(
        "Fault",
        kind=kind(unknown="explode", number=5),
        route=kind(number=5, empty=""),
        method=kind(number=5, empty=""),
        status=kind(low=99, high=600, string="503", fraction=503.5),
        retry_after=kind(negative=-1, nan=NAN, string="1"),
        rate=kind(above_one=1.5, negative=-0.1, nan=NAN, string="x"),
        times=kind(negative=-1, fraction=1.5, string="2"),
        seconds=kind(negative=-1, nan=NAN, inf=INF, string="1"),
        hits=kind(negative=-1, string="1"),
    ),
]


@attrs.frozen
class ModelRow:
    """A request model: a good instance, and how a user sends one (``wrap`` makes the artifact,
    or the runtime, that holds it). The bad values of each field come from its annotations."""

    cls: type
    good: Any
    send: str  # "artifact" or "runtime"
    wrap: Callable[[Any], Any]
    only: str | None = None


def _artifact_of(container: Container) -> InputArtifact:
    return InputArtifact.single("a", container)


def _container_with(name: str) -> Callable[[Any], InputArtifact]:
    return lambda value: _artifact_of(Container(image_uri="img", port=8080, **{name: value}))


def _group_runtime_with(name: str) -> Callable[[Any], WorkloadRuntime]:
    return lambda value: WorkloadRuntime(container_groups=[GroupRuntime(**{name: value})])


POLICY = ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, target=50, min_count=1, max_count=3)
MODEL_ROWS: list[ModelRow] = [
    ModelRow(InputArtifact, ART, "artifact", lambda value: value),
    ModelRow(Spec, ART.spec, "artifact", lambda value: InputArtifact(name="a", spec=value)),
    ModelRow(
        ContainerGroup,
        ART.spec.container_groups[0],
        "artifact",
        lambda value: InputArtifact(name="a", spec=Spec(container_groups=[value])),
    ),
    ModelRow(
        Container,
        Container(image_uri="img", port=8080, primary=True),
        "artifact",
        lambda value: InputArtifact(
            name="a", spec=Spec(container_groups=[ContainerGroup(containers=[value])])
        ),
    ),
    ModelRow(
        EnvironmentVariable,
        EnvironmentVariable(name="A", value="1"),
        "artifact",
        lambda v: _container_with("environment_vars")([v]),
    ),
    ModelRow(
        CredentialEnvironmentVariable,
        CredentialEnvironmentVariable(name="A", dr_credential_id="c1", key="k"),
        "artifact",
        lambda v: _container_with("environment_vars")([v]),
        only="11.5",
    ),
    ModelRow(
        ResourceRequest, ResourceRequest(cpu=1, memory=2**30), "artifact", _container_with("resource_request")
    ),
    ModelRow(ProbeConfig, ProbeConfig(path="/health"), "artifact", _container_with("readiness_probe")),
    ModelRow(SecurityContext, SecurityContext(), "artifact", _container_with("security_context")),
    ModelRow(
        Capabilities,
        Capabilities(drop=["ALL"]),
        "artifact",
        lambda v: _container_with("security_context")(SecurityContext(capabilities=v)),
    ),
    ModelRow(
        SeccompProfile,
        SeccompProfile(type="RuntimeDefault"),
        "artifact",
        lambda v: _container_with("security_context")(SecurityContext(seccomp_profile=v)),
    ),
    ModelRow(
        ImageBuildConfig,
        ImageBuildConfig(dockerfile=Dockerfile.provided()),
        "artifact",
        lambda v: _artifact_of(Container(port=8080, image_build_config=v)),
        only="11.5",
    ),
    ModelRow(
        Dockerfile,
        Dockerfile.provided(),
        "artifact",
        lambda v: _artifact_of(Container(port=8080, image_build_config=ImageBuildConfig(dockerfile=v))),
        only="11.5",
    ),
    ModelRow(
        CodeRef,
        CodeRef(DataRobotCodeRef("c1", "v1")),
        "artifact",
        lambda v: _artifact_of(
            Container(
                port=8080, image_build_config=ImageBuildConfig(dockerfile=Dockerfile.provided(), code_ref=v)
            )
        ),
        only="11.5",
    ),
    ModelRow(
        DataRobotCodeRef,
        DataRobotCodeRef("c1", "v1"),
        "artifact",
        lambda v: _artifact_of(
            Container(
                port=8080,
                image_build_config=ImageBuildConfig(dockerfile=Dockerfile.provided(), code_ref=CodeRef(v)),
            )
        ),
        only="11.5",
    ),
    ModelRow(CreateWorkload, CreateWorkload(name="many", artifact=ART), "requests", lambda value: [value]),
    ModelRow(WorkloadRuntime, RUNTIME_2, "runtime", lambda value: value),
    ModelRow(
        Autoscaling,
        Autoscaling(enabled=True, policies=[POLICY]),
        "runtime",
        lambda v: WorkloadRuntime(autoscaling=v),
    ),
    ModelRow(
        ScalingPolicy,
        POLICY,
        "runtime",
        lambda v: WorkloadRuntime(autoscaling=Autoscaling(enabled=True, policies=[v])),
    ),
    ModelRow(
        ResourceBundle,
        ResourceBundle(resource_bundle_id="cpu.small"),
        "runtime",
        lambda v: WorkloadRuntime(resources=[v]),
        only="v2.41",
    ),
    ModelRow(
        GroupRuntime,
        GroupRuntime(replica_count=1),
        "runtime",
        lambda v: WorkloadRuntime(container_groups=[v]),
        only="11.5",
    ),
    ModelRow(
        ContainerResources,
        ContainerResources(name="container-0"),
        "runtime",
        lambda v: _group_runtime_with("containers")([v]),
        only="11.5",
    ),
    ModelRow(
        ResourceAllocation,
        ResourceAllocation(cpu=1),
        "runtime",
        lambda v: _group_runtime_with("containers")(
            [ContainerResources(name="container-0", resource_allocation=v)]
        ),
        only="11.5",
    ),
]


@attrs.frozen
class Exempt:
    """A public class that takes no bad input from users, and why."""

    name: str
    why: str


_SENT = "a model the server sends, read tolerantly (strict where we write, tolerant where we read)"
EXEMPT: list[Exempt] = [
    *(
        Exempt(name, _SENT)
        for name in (
            "Artifact",
            "ArtifactRef",
            "ComputeBundle",
            "Creator",
            "Deployment",
            "DeploymentMetrics",
            "DeploymentStats",
            "LogRecord",
            "Operation",
            "Page",
            "Replacement",
            "ReplacementRef",
            "StatsPeriod",
            "StatusCondition",
            "StatusDetails",
            "Workload",
            "WorkloadEvent",
            "WorkloadMetrics",
            "WorkloadStats",
            "ReportedArtifactSpec",
            "ReportedAutoscaling",
            "ReportedContainer",
            "ReportedContainerGroup",
            "ReportedContainerResources",
            "ReportedEnvironmentVariable",
            "ReportedGroupRuntime",
            "ReportedProbe",
            "ReportedResourceBundle",
            "ReportedResourceRequest",
            "ReportedRuntime",
            "ReportedScalingPolicy",
            "ReportedSeccompProfile",
            "ReportedSecurityContext",
            "ResolvedBundle",
            "FieldError",
            "Build",
            "BuildLogLine",
            "ContainerBuild",
            "ContainerState",
            "FleetConcurrency",
            "FleetErrorRate",
            "FleetRequests",
            "FleetResponseTime",
            "FleetStats",
            "FleetWorkloads",
            "MetricSeries",
            "OverallStatus",
            "Proton",
            "ProtonSnapshot",
            "ProtonStatusDetails",
            "Replica",
            "ReplicaCondition",
            "ReportedCodeRef",
            "ReportedDataRobotCodeRef",
            "ReportedDockerfile",
            "ReportedImageBuildConfig",
            "SeriesSummary",
        )
    ),
    *(
        Exempt(name, "a record the SDK makes and hands out")
        for name in (
            "RequestEvent",
            "RetryEvent",
            "StatusChangeEvent",
            "BulkResult",
            "WaitOutcome",
            "ServerSentEvent",
            "Response",
            "StreamingResponse",
            "WebSocket",
            "AsyncPager",
            "CreateResult",
            "DeleteResult",
        )
    ),
    Exempt("SystemClock", "takes no arguments"),
    Exempt("ReplacementConfig", "checked where it is sent: replace(config=...), whose row tries bad ones"),
    Exempt("Clock", "a protocol: nothing to construct"),
    Exempt("Hooks", "a protocol: nothing to construct (Client(hooks=...) is checked)"),
]

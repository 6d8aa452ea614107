"""What an 11.5 client sends still validates: every request body and every query the SDK's public
API sends, against the schemas written from ``api-11.5.md`` and ``api-live.md``."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from workload_async import (
    ArtifactStatus,
    Autoscaling,
    Client,
    CodeRef,
    Container,
    ContainerResources,
    CredentialEnvironmentVariable,
    DataRobotCodeRef,
    Dockerfile,
    EnvironmentVariable,
    FakeClock,
    GroupRuntime,
    ImageBuildConfig,
    InputArtifact,
    ProbeConfig,
    ReplacementConfig,
    ReplacementFailedError,
    ResourceAllocation,
    ResourceBundle,
    ResourceRequest,
    ScalingMetricType,
    ScalingPolicy,
    SecurityContext,
    WaitTimeoutError,
    WorkloadRuntime,
    gib,
)

from .conftest import Recorded
from .schemas import BODIES, QUERIES
from .test_responses import check


def app(name: str, status: ArtifactStatus | str | None = None, **container: object) -> InputArtifact:
    box = Container(image_uri="registry.example.com/app:1", port=8080, name="app", **container)  # type: ignore[arg-type]
    return InputArtifact.single(name, box, status=status)


async def drive_the_public_api(client: Client, recorded: Recorded, clock: FakeClock) -> None:
    """A little of everything a user of the SDK does on API 11.5."""
    wl = client.workloads
    rich = app(
        "rich",
        environment_vars=[
            EnvironmentVariable("MODE", "fast"),
            CredentialEnvironmentVariable("KEY", dr_credential_id="c" * 24, key="apiToken"),
        ],
        readiness_probe=ProbeConfig(path="/ready", host="localhost", http_headers={"X": "1"}),
        security_context=SecurityContext(read_only_root_filesystem=True),
        resource_request=ResourceRequest(cpu=1, memory=gib(1)),
    )
    scaling = Autoscaling(True, [ScalingPolicy(ScalingMetricType.CPU_AVERAGE_UTILIZATION, 70, 1, 3)])
    first = await wl.create(
        name="rich", artifact=rich, runtime=WorkloadRuntime(autoscaling=scaling), importance="high"
    )
    await wl.wait(first.id)
    bounded = Autoscaling(
        True,
        [ScalingPolicy(ScalingMetricType.HTTP_REQUESTS_CONCURRENCY, 5)],
        min_replica_count=0,
        max_replica_count=2,
    )
    locked = await client.artifacts.create(app("locked", status=ArtifactStatus.LOCKED))
    second = await wl.create(
        name="second",
        artifact_id=locked.id,
        runtime=WorkloadRuntime(
            container_groups=[GroupRuntime(autoscaling=bounded, resource_bundles=["cpu.small"])]
        ),
        description="d",
    )
    await wl.create(
        name="plain",
        artifact=app("plain", status="draft"),
        runtime=WorkloadRuntime(resources=[ResourceBundle("cpu.medium")]),
    )
    await wl.update(first.id, description="scorer", importance="critical")
    await wl.settings(first.id)
    await wl.update_settings(
        first.id,
        WorkloadRuntime(
            container_groups=[
                GroupRuntime(
                    replica_count=2,
                    containers=[ContainerResources("app", ResourceAllocation(cpu=2, memory="1GB"))],
                )
            ]
        ),
        wait=True,
    )
    await wl.history(first.id, offset=0, page_size=5).collect()
    await wl.events(first.id, offset=1).collect()
    await wl.list(
        status=["running", "launching"], importance="critical", artifact_id=first.artifact_id, sort="-name"
    ).collect()
    await wl.list(ids=[first.id, second.id], search="r").collect()
    await wl.stats(
        first.id,
        start=clock.now() - timedelta(hours=1),
        end=clock.now(),
        response_time_quantile=0.95,
        slow_requests_threshold=100,
    )
    await wl.stats_series(
        first.id, "requestsOverN", resolution="PT1H", proton_id=(await wl.get(first.id)).proton_id
    )
    await wl.fleet_stats(status="running", importance=["high", "critical"], search="r")
    await wl.protons(first.id).collect()
    proton = (await wl.get(first.id)).proton_id
    assert proton is not None
    await wl.proton(first.id, proton)
    await wl.proton_status(first.id, proton)
    await wl.diagnose(first.id)
    await wl.logs(
        first.id, level="warn", since=timedelta(minutes=5), includes=["a"], excludes=["b"]
    ).collect()
    await wl.logs(first.id, level="ERROR", span_id="s", trace_id="t").collect()
    await wl.start(first.id)
    await wl.stop(first.id, wait=True)
    await wl.start_many([first.id], wait=True)
    await wl.promote(first.id)
    arts = client.artifacts
    draft = await arts.create(app("draft"))
    await arts.replace(draft.id, app("draft2"))
    await arts.update(draft.id, name="draft3", description="x")
    await arts.clone(draft.id, name="copy")
    await arts.list(search="draft", status="locked", type="service").collect()
    await arts.register(draft.id)
    await drive_rollouts_and_builds(client, clock)
    await client.bundles.list(use_cases=["workload"]).collect()
    recorded.emu.play_failure(second.id, "image_pull_backoff")
    with contextlib.suppress(WaitTimeoutError):
        await wl.wait(second.id, timeout=60)
    await wl.delete(second.id)


async def drive_rollouts_and_builds(client: Client, clock: FakeClock) -> None:
    """Build an artifact from source, roll it onto a workload, and every other rollout call."""
    wl, arts = client.workloads, client.artifacts
    source = InputArtifact.single(
        "from-source",
        Container(
            name="app",
            port=8080,
            image_build_config=ImageBuildConfig(
                dockerfile=Dockerfile.provided("./Dockerfile"),
                code_ref=CodeRef(DataRobotCodeRef("c" * 24, "d" * 24)),
            ),
        ),
    )
    generated = InputArtifact.single(
        "generated",
        Container(
            name="app",
            port=8080,
            image_build_config=ImageBuildConfig(
                dockerfile=Dockerfile.generated("e" * 24, "f" * 24, ["python", "app.py"])
            ),
        ),
    )
    await arts.create(generated)
    built = await arts.create(source)
    (build,) = await arts.build(built.id, wait=True)
    await arts.builds(built.id, page_size=5).collect()
    await arts.get_build(built.id, build.id)
    await arts.build_logs(built.id, build.id)
    rolled = await wl.create(name="rolled", artifact=app("v1"))
    await wl.wait(rolled.id)
    await wl.replace(
        rolled.id,
        built.id,
        runtime=WorkloadRuntime(container_groups=[GroupRuntime(replica_count=2)]),
        config=ReplacementConfig(warmup_duration_minutes=1, keep_old_version_minutes=0),
        wait=True,
    )
    v3 = await arts.create(app("v3"))
    started = await wl.replace(rolled.id, v3.id)
    clock.advance(0.6)
    await wl.replacement(rolled.id)
    await wl.cancel_replacement(rolled.id)
    with contextlib.suppress(ReplacementFailedError):
        await wl.wait_for_replacement(rolled.id, started.id)
    await wl.replace(rolled.id, v3.id, config=ReplacementConfig(), wait=True)


async def test_every_body_and_query_an_11_5_client_sends_validates(
    recorded: Recorded, clock: FakeClock
) -> None:
    async with Client(recorded.url, recorded.emu.token, clock=clock, api_version="11.5") as client:
        recorded.exchanges.clear()
        await drive_the_public_api(client, recorded, clock)
    sent_bodies = set()
    for exchange in recorded.exchanges:
        where = f"{exchange.method} {exchange.path}"
        assert exchange.route is not None, f"{where}: a path of no route"
        if exchange.route[1].startswith("/endpoints/"):
            continue
        body_schema = BODIES.get(exchange.route)
        if body_schema is None:
            assert exchange.sent is None, f"{where}: a body where the route takes none"
        else:
            check(body_schema, exchange.sent, f"{where} (body)")
            sent_bodies.add(exchange.route)
        query_schema = QUERIES.get(exchange.route, {"type": "object", "maxProperties": 0})
        check(query_schema, exchange.query, f"{where} (query)")
    assert sent_bodies == set(BODIES), "every route that takes a body was called"

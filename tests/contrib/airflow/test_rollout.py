"""Shipping a new version from Airflow: the replace and build operators start the work in the
task, defer, and their triggers wait in the triggerer's loop on the connection's shared client."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from typing import Any

import pytest
from airflow.exceptions import AirflowException

try:
    from airflow.sdk.exceptions import TaskDeferred
except ImportError:  # Airflow < 3.2: still in airflow.exceptions
    from airflow.exceptions import TaskDeferred  # type: ignore[no-redef,unused-ignore]

from tests.conftest import advance_a_round, until
from workload_async import (
    ArtifactSpec,
    Client,
    CodeRef,
    Container,
    ContainerGroup,
    DataRobotCodeRef,
    Dockerfile,
    FakeClock,
    ImageBuildConfig,
    InputArtifact,
    PollPolicy,
)
from workload_async.contrib.airflow import (
    BuildArtifactOperator,
    BuildsTrigger,
    ReplacementTrigger,
    ReplaceWorkloadOperator,
    SharedClients,
)
from workload_async.emulator import CRASH_IMAGE, Emulator

from .conftest import CONN_ID

pytestmark = [
    pytest.mark.usefixtures("on_fake_clock"),
    pytest.mark.parametrize("api_version", ["11.5"], indirect=True),
]


@pytest.fixture
def conn(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """A connection to the 11.5 emulator, its generation in the extras."""
    value = {
        "conn_type": "datarobot_workload",
        "host": emu.url,
        "password": emu.token,
        "extra": {"api_version": "11.5"},
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(value))
    return CONN_ID


def app(name: str, image: str = "registry.example.com/app:1") -> InputArtifact:
    return InputArtifact.single(name, Container(image_uri=image, port=8080))


def sourced(name: str, dockerfile: str = "./Dockerfile") -> ContainerGroup:
    """A group of one primary container named ``name``, built from source."""
    config = ImageBuildConfig(Dockerfile.provided(dockerfile), CodeRef(DataRobotCodeRef("c" * 24, "d" * 24)))
    container = Container(name=name, port=8080, primary=True, image_build_config=config)
    return ContainerGroup((container,), name)


def from_source(name: str, dockerfile: Dockerfile | None = None) -> InputArtifact:
    config = ImageBuildConfig(
        dockerfile or Dockerfile.provided(), CodeRef(DataRobotCodeRef("c" * 24, "d" * 24))
    )
    return InputArtifact.single(name, Container(port=8080, image_build_config=config))


async def running(client: Client, name: str = "svc") -> str:
    created = await client.workloads.create(name=name, artifact=app(f"{name}-v1"))
    return (await client.workloads.wait(created.id)).id


async def deferral(task: Any, context: dict[str, Any]) -> TaskDeferred:
    with pytest.raises(TaskDeferred) as caught:
        await asyncio.to_thread(task.execute, context)
    return caught.value


async def resume(task: Any, deferred: TaskDeferred, context: dict[str, Any]) -> Any:
    [event] = [e async for e in deferred.trigger.run()]
    return getattr(task, deferred.method_name)(context, event.payload, **(deferred.kwargs or {}))


async def test_replace_operator_rolls_out_and_waits_in_the_triggerer(
    api_version: str, client: Client, emu: Emulator, clock: FakeClock, conn: str, context: dict[str, Any]
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2"))
    task = ReplaceWorkloadOperator(
        task_id="roll",
        workload_id=wl,
        artifact_id=v2.id,
        conn_id=conn,
        runtime={"replicaCount": 2},
        timeout=600,
    )
    started_at = clock.now().timestamp()
    deferred = await deferral(task, context)
    assert isinstance(deferred.trigger, ReplacementTrigger)
    (replacement,) = emu.store.replacements[wl]
    assert (
        deferred.trigger.serialize()
        == ReplacementTrigger(wl, replacement.id, conn, started_at + 600).serialize()
    )
    outcome = await resume(task, deferred, context)
    assert outcome == context["ti"].xcom["outcome"]
    assert (outcome["ok"], outcome["result"], outcome["artifact_id"], outcome["status"]) == (
        True, "reached", v2.id, "running",
    )  # fmt: skip
    done = await client.workloads.get(wl)
    assert done.runtime is not None and done.runtime.container_groups is not None
    assert done.runtime.container_groups[0].replica_count == 2


async def test_a_failed_rollout_fails_the_task_with_its_outcome(
    api_version: str, client: Client, conn: str, context: dict[str, Any]
) -> None:
    wl = await running(client)
    broken = await client.artifacts.create(app("svc-broken", CRASH_IMAGE))
    task = ReplaceWorkloadOperator(task_id="roll", workload_id=wl, artifact_id=broken.id, conn_id=conn)
    deferred = await deferral(task, context)
    with pytest.raises(AirflowException, match=r"did not make it \(failed\).*never became healthy"):
        await resume(task, deferred, context)
    outcome = context["ti"].xcom["outcome"]
    assert outcome["result"] == "failed" and outcome["artifact_id"] != broken.id
    assert outcome["diagnosis"].startswith("candidate: container container-0: crash loop back-off")


async def test_a_rollout_stuck_on_its_new_image_fails_the_task_saying_why_in_its_log(
    api_version: str,
    client: Client,
    emu: Emulator,
    conn: str,
    context: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    missing = "registry.example.com/app:404"
    emu.fail_image(missing)
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2", missing))
    task = ReplaceWorkloadOperator(
        task_id="roll", workload_id=wl, artifact_id=v2.id, conn_id=conn, timeout=300
    )
    deferred = await deferral(task, context)
    why = f"candidate: container container-0: image pull back-off ({missing} not found), 0 restarts"
    with (
        caplog.at_level(logging.WARNING, logger="workload_async.contrib.airflow"),
        pytest.raises(AirflowException, match=r"\(timed_out\)") as failed,
    ):
        await resume(task, deferred, context)
    assert f"the replacement of workload {wl}: {why}" in caplog.messages
    assert str(failed.value).endswith(f"; diagnosis: {why}")
    outcome = context["ti"].xcom["outcome"]
    assert (outcome["result"], outcome["diagnosis"], outcome["artifact_id"]) == ("timed_out", why, None)


async def test_a_retried_task_waits_for_the_rollout_it_started(
    api_version: str, client: Client, emu: Emulator, conn: str, context: dict[str, Any]
) -> None:
    wl = await running(client)
    emu.hold_replacements(wl, "staged")
    v2 = await client.artifacts.create(app("svc-v2"))
    task = ReplaceWorkloadOperator(task_id="roll", workload_id=wl, artifact_id=v2.id, conn_id=conn)
    first = await deferral(task, context)
    while await client.workloads.replacement(wl) is None:  # past the gap
        await client.clock.sleep(0.25)
    again = await deferral(task, context)  # the task runs again (a retry)
    assert again.trigger.replacement_id == first.trigger.replacement_id
    assert len(emu.store.replacements[wl]) == 1


def retry(context: dict[str, Any]) -> None:
    """The task runs again: its next try, in the same DAG run."""
    context["ti"].try_number += 1


async def history(client: Client, workload_id: str) -> list[Any]:
    return await client.workloads.history(workload_id).collect()


async def test_a_retry_waits_for_its_rollout_queued_behind_another(
    api_version: str, client: Client, emu: Emulator, clock: FakeClock, conn: str, context: dict[str, Any]
) -> None:
    wl = await running(client)
    emu.hold_replacements(wl, "staged")
    v2 = await client.artifacts.create(app("svc-v2"))
    v3 = await client.artifacts.create(app("svc-v3"))
    ahead = await client.workloads.replace(wl, v2.id)
    task = ReplaceWorkloadOperator(task_id="roll", workload_id=wl, artifact_id=v3.id, conn_id=conn)
    first = await deferral(task, context)  # its worker is lost before the task deferred
    while (shown := await client.workloads.replacement(wl)) is None or shown.status != "staged":
        await clock.sleep(0.25)
    assert shown.id == ahead.id  # the workload shows the one ahead; the task's waits its turn
    assert [r.status for r in await history(client, wl)] == ["submitted", "staged"]
    emu.reset_counters()
    retry(context)
    again = await deferral(task, context)
    assert again.trigger.replacement_id == first.trigger.replacement_id
    assert emu.counts["workloads.replace"] == 0 and len(emu.store.replacements[wl]) == 2
    emu.release_replacements(wl)
    outcome = await resume(task, again, context)
    assert (outcome["ok"], outcome["artifact_id"]) == (True, v3.id)  # it ended with that rollout
    assert emu.counts["workloads.replace"] == 0


async def test_a_retry_right_after_the_request_waits_for_that_rollout(
    api_version: str, client: Client, emu: Emulator, conn: str, context: dict[str, Any]
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2"))
    task = ReplaceWorkloadOperator(task_id="roll", workload_id=wl, artifact_id=v2.id, conn_id=conn)
    first = await deferral(task, context)
    assert await client.workloads.replacement(wl) is None  # the moment before the workload shows it
    retry(context)
    again = await deferral(task, context)
    assert again.trigger.replacement_id == first.trigger.replacement_id
    assert emu.counts["workloads.replace"] == 1 and len(emu.store.replacements[wl]) == 1
    outcome = await resume(task, again, context)
    assert (outcome["ok"], outcome["result"], outcome["artifact_id"]) == (True, "reached", v2.id)


async def test_a_retry_after_its_rollout_completed_is_done_and_after_one_failed_rolls_again(
    api_version: str, client: Client, emu: Emulator, clock: FakeClock, conn: str, context: dict[str, Any]
) -> None:
    wl = await running(client)
    v2 = await client.artifacts.create(app("svc-v2"))
    task = ReplaceWorkloadOperator(task_id="roll", workload_id=wl, artifact_id=v2.id, conn_id=conn)
    first = await deferral(task, context)  # its wait never ends: the task fails, the rollout goes on
    while (await client.workloads.get(wl)).artifact_id != v2.id:
        await clock.sleep(1)
    await clock.sleep(5)  # long enough for the workload to show no replacement any more
    assert await client.workloads.replacement(wl) is None
    retry(context)
    again = await deferral(task, context)
    assert again.trigger.replacement_id == first.trigger.replacement_id
    assert emu.counts["workloads.replace"] == 1  # done: not rolled out again
    outcome = await resume(task, again, context)
    assert (outcome["ok"], outcome["result"], outcome["artifact_id"]) == (True, "reached", v2.id)

    # a rollout that failed is asked for again on a retry
    other = await running(client, "other")
    broken = await client.artifacts.create(app("other-broken", CRASH_IMAGE))
    task = ReplaceWorkloadOperator(task_id="roll2", workload_id=other, artifact_id=broken.id, conn_id=conn)
    context["ti"].try_number = 1
    failed = await deferral(task, context)
    while not (await history(client, other))[0].status.is_settled:
        await clock.sleep(1)
    assert (await history(client, other))[0].status == "errored"
    retry(context)
    anew = await deferral(task, context)
    assert anew.trigger.replacement_id != failed.trigger.replacement_id
    assert len(emu.store.replacements[other]) == 2

    # ... and so is one that completed before the DAG run started: it is not this run's
    third = await running(client, "third")
    v4 = await client.artifacts.create(app("third-v2"))
    before = await client.workloads.replace(third, v4.id, wait=True)
    assert before.artifact_id == v4.id
    context["dag_run"].start_date = clock.now()
    task = ReplaceWorkloadOperator(task_id="roll3", workload_id=third, artifact_id=v4.id, conn_id=conn)
    context["ti"].try_number = 2
    await deferral(task, context)
    assert len(emu.store.replacements[third]) == 2


async def test_a_replacement_refused_at_the_start_fails_without_deferring(
    api_version: str, client: Client, conn: str, context: dict[str, Any]
) -> None:
    wl = await running(client)
    task = ReplaceWorkloadOperator(task_id="roll", workload_id=wl, artifact_id="0" * 24, conn_id=conn)
    with pytest.raises(AirflowException, match=r"\(missing\)"):
        await asyncio.to_thread(task.execute, context)
    assert context["ti"].xcom["outcome"]["result"] == "missing"


async def test_build_operator_builds_and_waits_in_the_triggerer(
    api_version: str, client: Client, emu: Emulator, conn: str, context: dict[str, Any]
) -> None:
    art = await client.artifacts.create(from_source("src"))
    task = BuildArtifactOperator(task_id="build", artifact_id=art.id, conn_id=conn)
    deferred = await deferral(task, context)
    assert isinstance(deferred.trigger, BuildsTrigger)
    (build,) = emu.store.builds[art.id]
    assert deferred.trigger.build_ids == [build.id]
    outcome = await resume(task, deferred, context)
    assert (outcome["ok"], outcome["builds"], outcome["artifact_id"]) == (
        True,
        {build.id: "COMPLETED"},
        art.id,
    )
    built = await client.artifacts.get(art.id)
    assert built.spec is not None and built.spec.container_groups[0].containers[0].image_uri


async def test_a_failed_build_fails_the_task_with_its_log(
    api_version: str, client: Client, conn: str, context: dict[str, Any]
) -> None:
    art = await client.artifacts.create(from_source("bad", Dockerfile.provided("emulator/fail.Dockerfile")))
    task = BuildArtifactOperator(task_id="build", artifact_id=art.id, conn_id=conn)
    deferred = await deferral(task, context)
    with pytest.raises(AirflowException, match=r"\(failed\).*ended FAILED"):
        await resume(task, deferred, context)
    outcome = context["ti"].xcom["outcome"]
    assert "failed to solve" in outcome["log_tail"][-1] and set(outcome["builds"].values()) == {"FAILED"}


async def build_reaches(
    client: Client, clock: FakeClock, artifact_id: str, build_id: str, status: str
) -> None:
    """Let the fake clock run until the build shows ``status``."""
    while (await client.artifacts.get_build(artifact_id, build_id)).status != status:
        await clock.sleep(0.25)


@pytest.mark.parametrize("at", ["PENDING", "IN_PROGRESS", "BUILT"])
async def test_a_retry_waits_for_the_builds_its_first_try_started(
    api_version: str,
    client: Client,
    emu: Emulator,
    clock: FakeClock,
    conn: str,
    context: dict[str, Any],
    at: str,
) -> None:
    art = await client.artifacts.create(from_source("src"))
    emu.hold_builds(art.id, at)
    task = BuildArtifactOperator(task_id="build", artifact_id=art.id, conn_id=conn)
    first = await deferral(task, context)  # its worker is lost before the task deferred
    [build_id] = first.trigger.build_ids
    await build_reaches(client, clock, art.id, build_id, at)
    retry(context)
    again = await deferral(task, context)
    assert again.trigger.build_ids == [build_id]
    assert emu.counts["artifacts.build"] == 1 and len(emu.store.builds[art.id]) == 1
    emu.release_builds(art.id)
    outcome = await resume(task, again, context)
    assert (outcome["ok"], outcome["builds"]) == (True, {build_id: "COMPLETED"})
    assert emu.counts["artifacts.build"] == 1


async def test_a_retry_after_its_builds_completed_is_done_and_after_one_failed_builds_again(
    api_version: str, client: Client, emu: Emulator, clock: FakeClock, conn: str, context: dict[str, Any]
) -> None:
    art = await client.artifacts.create(from_source("src"))
    task = BuildArtifactOperator(task_id="build", artifact_id=art.id, conn_id=conn)
    first = await deferral(task, context)
    [build_id] = first.trigger.build_ids
    await build_reaches(client, clock, art.id, build_id, "COMPLETED")
    retry(context)
    again = await deferral(task, context)
    assert again.trigger.build_ids == [build_id]
    assert emu.counts["artifacts.build"] == 1  # done: not built again
    outcome = await resume(task, again, context)
    assert (outcome["ok"], outcome["result"], outcome["builds"]) == (True, "reached", {build_id: "COMPLETED"})

    # two containers built from source: one build fails while the other still runs; a retry
    # builds both again rather than wait for the one left and call the artifact built
    two = await client.artifacts.create(
        InputArtifact("two", ArtifactSpec((sourced("api"), sourced("ui", "emulator/fail.Dockerfile"))))
    )
    task = BuildArtifactOperator(task_id="build2", artifact_id=two.id, conn_id=conn)
    context["ti"].try_number = 1
    started = await deferral(task, context)
    api, ui = started.trigger.build_ids
    await build_reaches(client, clock, two.id, ui, "FAILED")
    assert (await client.artifacts.get_build(two.id, api)).status == "IN_PROGRESS"
    retry(context)
    anew = await deferral(task, context)
    assert not set(anew.trigger.build_ids) & {api, ui} and len(anew.trigger.build_ids) == 2
    assert emu.counts["artifacts.build"] == 3

    # builds that completed before the DAG run started are not this run's: built again
    old = await client.artifacts.create(from_source("old"))
    await client.artifacts.build(old.id, wait=True)
    context["dag_run"].start_date = clock.now()
    task = BuildArtifactOperator(task_id="build3", artifact_id=old.id, conn_id=conn)
    await deferral(task, context)
    assert len(emu.store.builds[old.id]) == 2


async def test_a_retry_waits_for_running_builds_when_the_artifact_does_not_show_its_builds(
    api_version: str,
    client: Client,
    emu: Emulator,
    conn: str,
    context: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from workload_async.emulator._v11_5 import builds  # the emulator's own rendering

    shows = builds.spec_view

    def without_builds(store: Any, artifact: Any) -> dict[str, Any]:
        spec = shows(store, artifact)
        groups = [
            dict(g, containers=[{k: v for k, v in c.items() if k != "build"} for c in g["containers"]])
            for g in spec["containerGroups"]
        ]
        return {**spec, "containerGroups": groups}

    monkeypatch.setattr(builds, "spec_view", without_builds)
    art = await client.artifacts.create(from_source("src"))
    shown = await client.artifacts.get(art.id)
    assert shown.spec is not None and shown.spec.container_groups[0].containers[0].build is None
    emu.hold_builds(art.id, "IN_PROGRESS")
    task = BuildArtifactOperator(task_id="build", artifact_id=art.id, conn_id=conn)
    first = await deferral(task, context)
    retry(context)
    again = await deferral(task, context)
    assert again.trigger.build_ids == first.trigger.build_ids
    assert emu.counts["artifacts.build"] == 1


async def test_deferred_rollouts_and_builds_share_one_client_and_its_poller(
    api_version: str, client: Client, emu: Emulator, clock: FakeClock, conn: str
) -> None:
    fleet = [await running(client, f"svc{i:03d}") for i in range(120)]
    for wl in fleet:
        emu.hold_replacements(wl, "staged")
    starts = [await client.workloads.update_settings(wl, client_runtime()) for wl in fleet]
    art = await client.artifacts.create(from_source("src"))
    emu.hold_builds(art.id, "IN_PROGRESS")
    builds = [b for _ in range(5) for b in await client.artifacts.build(art.id)]
    fixed = PollPolicy(initial=1, factor=1, cap=1, jitter=0)
    triggers: list[Any] = [
        ReplacementTrigger(wl, r.id, conn, None, fixed) for wl, r in zip(fleet, starts, strict=True)
    ]
    triggers += [BuildsTrigger(art.id, [b.id], conn, None, fixed) for b in builds]

    async def fire(trigger: Any) -> Any:
        [event] = [e async for e in trigger.run()]
        return event.payload

    emu.reset_counters()
    tasks = [asyncio.create_task(fire(t)) for t in triggers]
    await until(
        lambda: emu.counts["workloads.history"] >= len(fleet) and client_leases() == len(triggers),
        "every trigger leased the shared client and read its replacement's history once",
    )
    shared = await _shared(conn)
    poller = shared.poller
    await until(  # the history read answered, each trigger hands its wait to the poller
        lambda: poller.pending == len(triggers), "every trigger's wait is with the shared poller"
    )
    before, rounds, polled = Counter(emu.counts), poller.rounds, poller.ids_polled
    for _ in range(10):
        await advance_a_round(clock, shared, 1)
    calls = Counter(emu.counts) - before
    rounds, polled = poller.rounds - rounds, poller.ids_polled - polled
    # a round's status calls hold up to 100 rollouts each; the artifact's 5 builds cost one call
    assert rounds >= 9 and polled >= 9 * len(fleet)
    # (give or take the call on its way when the counting started or ended)
    assert calls["workloads.list"] <= rounds + polled / 100 and calls["artifacts.builds"] <= rounds + 1
    assert calls["workloads.history"] == 0  # the history is read at the start and the end only
    for wl in fleet:
        emu.release_replacements(wl)
    emu.release_builds(art.id)
    clock.advance(60)
    payloads = await asyncio.gather(*tasks)
    assert all(p["ok"] for p in payloads)
    assert emu.counts["workloads.history"] == 2 * len(fleet)
    assert SharedClients.of_running_loop().leases() == {}


def client_leases() -> int:
    """How many triggers hold a lease on a shared client in this event loop."""
    return sum(SharedClients.of_running_loop().leases().values())


async def _shared(conn: str) -> Client:
    """The connection's shared client, as the triggers lease it."""
    async with SharedClients.of_running_loop().lease(conn, _unused) as shared:
        return shared


async def _unused() -> Client:
    raise AssertionError("the client is open already")


def client_runtime() -> Any:
    from workload_async import WorkloadRuntime

    return WorkloadRuntime(replica_count=2)


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda: ReplacementTrigger("", "r"), "workload_id must be a non-empty string"),
        (lambda: ReplacementTrigger("w", "r", deadline=float("nan")), "deadline must be epoch seconds"),
        (lambda: BuildsTrigger("a", []), "build_ids must be a non-empty list"),
        (lambda: BuildsTrigger("a", "b"), "build_ids must be a non-empty list"),  # type: ignore[arg-type]
        (
            lambda: ReplaceWorkloadOperator(task_id="t", workload_id="w", artifact_id=""),
            "artifact_id must be",
        ),
        (
            lambda: ReplaceWorkloadOperator(task_id="t", workload_id="w", artifact_id="a", timeout=0),
            "timeout",
        ),
        (
            lambda: ReplaceWorkloadOperator(
                task_id="t", workload_id="w", artifact_id="a", runtime={"replicaCount": "two"}
            ),
            "expected an integer",
        ),
        (lambda: BuildArtifactOperator(task_id="t", artifact_id="a", timeout=-1), "timeout must be > 0"),
    ],
)
def test_bad_arguments_are_refused_when_the_dag_is_parsed(api_version: str, make: Any, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        make()


def test_the_triggers_serialize_to_what_re_creates_them(api_version: str) -> None:
    for trigger in (
        ReplacementTrigger("w", "r", "c", 10.0, {"initial": 1.0}),
        BuildsTrigger("a", ["b1", "b2"], "c", None, None),
    ):
        path, kwargs = trigger.serialize()
        assert path.startswith("workload_async.contrib.airflow.")
        assert type(trigger)(**kwargs).serialize() == (path, kwargs)

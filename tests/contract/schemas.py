"""JSON Schemas of the 11.5 generation, written by hand from ``api-11.5.md`` and ``api-live.md``.

Responses carry exactly the fields the contract lists (``additionalProperties: false``) and always
the ones it says are always present (``required``); a request body or query carries only what the
contract takes. The facts the contract leaves to DataRobot's description (which counts are
integers, which permission words exist, which fields may be null) are taken as the live service
answers them; nothing here is copied from that description.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
NULL: Schema = {"type": "null"}
WHOLE: Schema = {"type": "integer", "minimum": 0}
ID: Schema = {"type": "string", "pattern": "^[0-9a-f]{24}$"}
#: RFC 3339, its year in four digits
TIME: Schema = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
}
URL_DIR: Schema = {"type": "string", "pattern": "^https?://.+/$"}


def maybe(schema: Schema) -> Schema:
    """``schema`` or null."""
    return {"anyOf": [schema, NULL]}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    """An object of exactly these fields, ``required`` ones always present."""
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
        "additionalProperties": False,
    }


def array(items: Schema, **bounds: int) -> Schema:
    return {"type": "array", "items": items, **bounds}


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


WORKLOAD_STATUS = enum(
    "unknown", "submitted", "initializing", "provisioning", "launching", "running", "warming",
    "draining", "stopping", "stopped", "errored", "terminated",
)  # fmt: skip
IMPORTANCE = enum("critical", "high", "moderate", "low")
ARTIFACT_TYPE = enum("service", "nim", "agent")
PERMISSION = enum(
    "CAN_VIEW", "CAN_UPDATE", "CAN_DELETE", "CAN_SHARE", "CAN_MAKE_PREDICTIONS",
    "CAN_SHARE_ROLE_OWNER", "CAN_SHARE_ROLE_READ_WRITE", "CAN_SHARE_ROLE_READ_ONLY",
)  # fmt: skip
SCALING_METRIC = enum(
    "cpuAverageUtilization", "httpRequestsConcurrency", "gpuCacheUtilization", "gpuRequestQueueDepth"
)
REPLACEMENT_STATUS = enum(  # api-11.5 §3, and the live service's (api-live §1)
    "unknown", "submitted", "initializing", "awaiting_promotion", "switching", "deleting", "completed",
    "errored", "cleaning_up", "staged", "promoting", "canceling", "finalizing", "failed", "candidate-warming",
    # api-live §1 says a canceled one is cleared from its workload, not what its history then says:
    # the emulator's word for it
    "canceled",
)  # fmt: skip
#: api-live §2: the description's values, and the spellings the live service also writes
BUILD_STATUS = enum(
    "UNKNOWN", "PENDING", "IN_PROGRESS", "BUILT", "COMPLETED", "FAILED", "CANCELLED", "in-progress", "completed"
)  # fmt: skip
METRIC = enum(
    "totalRequests",
    "requestsOverN",
    "requestsPerMinute",
    "concurrentRequests",
    "responseTime",
    "totalErrorRate",
)
RESOLUTION = enum("PT1M", "PT5M", "PT1H", "P1D", "P7D", "P1M")

# -- what a request says ------------------------------------------------------------------------

SIZE: Schema = {
    "anyOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": r"^\s*\d*\.?\d+\s*[A-Za-z]*\s*$"},
    ]
}
PROBE = obj(
    {"path": STR},
    {
        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
        "scheme": enum("HTTP", "HTTPS"),
        "initialDelaySeconds": {"type": "integer", "minimum": 0},
        "periodSeconds": {"type": "integer", "minimum": 1},
        "timeoutSeconds": {"type": "integer", "minimum": 1},
        "failureThreshold": {"type": "integer", "minimum": 1},
        "successThreshold": {"type": "integer", "minimum": 1},
        "host": maybe(STR),
        "httpHeaders": {"type": "object", "additionalProperties": STR},
    },
)
SECURITY = obj(
    {},
    {
        "allowPrivilegeEscalation": maybe(BOOL),
        "readOnlyRootFilesystem": maybe(BOOL),
        "capabilities": maybe(obj({}, {"add": array(STR), "drop": array(STR)})),
        "seccompProfile": maybe(
            obj({"type": enum("RuntimeDefault", "Unconfined", "Localhost")}, {"localhostProfile": maybe(STR)})
        ),
    },
)
ENV_VAR: Schema = {
    "anyOf": [
        obj({"name": STR, "value": STR}, {"source": enum("string")}),
        obj({"source": enum("dr-credential"), "name": STR, "drCredentialId": STR, "key": STR}),
        obj({"source": enum("api-key")}, {"name": STR}),
    ]
}
IMAGE: Schema = {"type": "string", "minLength": 1}
#: api-live §2: how an image is built from source; the Dockerfile is the code's or generated
DOCKERFILE: Schema = {
    "oneOf": [
        obj({"source": enum("provided")}, {"path": IMAGE}),
        obj(
            {
                "source": enum("generated"),
                "executionEnvironmentId": IMAGE,
                "executionEnvironmentVersionId": IMAGE,
                "entrypoint": array(STR, minItems=1),
            }
        ),
    ]
}
CODE_REF = obj(
    {"datarobot": obj({"catalogId": IMAGE, "catalogVersionId": IMAGE})},
    {"provider": maybe(STR), "type": maybe(STR)},
)
IMAGE_BUILD_CONFIG = obj({"dockerfile": DOCKERFILE}, {"codeRef": maybe(CODE_REF)})
#: what an answer adds to a container built from source: its latest build
CONTAINER_BUILD = obj({"artifactImageBuildId": ID, "status": BUILD_STATUS, "createdAt": TIME})
_CONTAINER_FIELDS: dict[str, Schema] = {
    "name": maybe(STR),
    "description": STR,
    "port": maybe({"type": "integer", "minimum": 1024, "maximum": 65535}),
    "primary": maybe(BOOL),
    "entrypoint": maybe(array(STR)),
    "environmentVars": array(ENV_VAR),
    "readinessProbe": maybe(PROBE),
    "livenessProbe": maybe(PROBE),
    "startupProbe": maybe(PROBE),
    "securityContext": maybe(SECURITY),
    "imageBuildConfig": maybe(IMAGE_BUILD_CONFIG),
    # a spec read back and sent again (api-live §2: Cart, Tbld) carries what the answer added
    "build": maybe(CONTAINER_BUILD),
}
#: an image named, or one built from source (whose ``imageUri`` is null until a build completes)
_IMAGE_OR_BUILD: Schema = {
    "anyOf": [
        {"required": ["imageUri"], "properties": {"imageUri": IMAGE}},
        {"required": ["imageBuildConfig"], "properties": {"imageBuildConfig": {"type": "object"}}},
    ]
}
CONTAINER = {**obj({}, {"imageUri": maybe(IMAGE), **_CONTAINER_FIELDS}), **_IMAGE_OR_BUILD}
GROUP = obj({"containers": array(CONTAINER, minItems=1)}, {"name": {"type": "string", "minLength": 1}})
SPEC = obj(
    {"containerGroups": array(GROUP, minItems=1)},
    {
        "type": ARTIFACT_TYPE,
        "templateId": maybe(STR),
        "a2aEnabled": maybe(BOOL),
        "storage": maybe({"type": "object"}),
    },
)
INPUT_ARTIFACT = obj(
    {"name": {"type": "string", "minLength": 1, "maxLength": 5000}, "spec": SPEC},
    {
        "description": STR,
        "type": ARTIFACT_TYPE,
        "status": enum("draft", "locked"),
        "artifactRepositoryId": maybe(STR),
    },
)
ALLOCATION = obj({}, {"cpu": maybe(NUM), "memory": maybe(SIZE), "gpu": maybe(NUM), "gpuMemory": maybe(SIZE)})
#: api-live §4: the bounds beside slim policies; the legacy per-policy counts still taken
POLICY_IN = obj(
    {"scalingMetric": SCALING_METRIC, "target": {"type": "number", "minimum": 0}},
    {
        "minCount": {"type": "integer", "minimum": 0},
        "maxCount": {"type": "integer", "minimum": 0},
        "priority": maybe(INT),
    },
)
AUTOSCALING_IN = obj(
    {"policies": array(POLICY_IN)},
    {
        "enabled": BOOL,
        "minReplicaCount": {"type": "integer", "minimum": 0},
        "maxReplicaCount": {"type": "integer", "minimum": 0},
    },
)
GROUP_RUNTIME_IN = obj(
    {},
    {
        "name": STR,
        "replicaCount": maybe({"type": "integer", "minimum": 1}),
        "autoscaling": maybe(AUTOSCALING_IN),
        "resourceBundles": array(STR, maxItems=1),
        "bundleSelectionPolicy": enum("availability"),
        "containers": array(obj({"name": STR}, {"resourceAllocation": maybe(ALLOCATION)})),
    },
)
RUNTIME_IN = obj(
    {},
    {
        "containerGroups": array(GROUP_RUNTIME_IN),
        "enclaveSelectionPolicy": enum("availability", "manual"),
        "enclaves": array(STR, maxItems=1),
    },
)
CREATE_WORKLOAD = {
    **obj(
        {"name": {"type": "string", "minLength": 1, "maxLength": 5000}},
        {
            "description": maybe(STR),
            "importance": IMPORTANCE,
            "artifact": maybe(INPUT_ARTIFACT),
            "artifactId": maybe(STR),
            "runtime": RUNTIME_IN,
        },
    ),
    "oneOf": [{"required": ["artifact"]}, {"required": ["artifactId"]}],
}
PATCH_WORKLOAD = obj({}, {"name": maybe(STR), "description": maybe(STR), "importance": maybe(IMPORTANCE)})
PATCH_ARTIFACT = obj(
    {}, {"name": maybe(STR), "description": maybe(STR), "spec": maybe(SPEC), "status": maybe(enum("locked"))}
)
PATCH_SETTINGS = obj({"runtime": RUNTIME_IN})
CLONE_ARTIFACT = obj({"name": {"type": "string", "minLength": 1}})
#: api-live §1: ``artifactId`` and ``strategy`` always; the candidate's runtime and the rollout's
#: timing when wanted (``config: {}`` too)
REPLACE = obj(
    {"artifactId": IMAGE, "strategy": enum("rolling")},
    {
        "config": obj({}, {"warmupDurationMinutes": WHOLE, "keepOldVersionMinutes": WHOLE}),
        "runtime": RUNTIME_IN,
    },
)
#: api-live §2: no body, or ``{}``
START_BUILDS: Schema = {"anyOf": [{"const": None}, obj({})]}

# -- what an answer says ------------------------------------------------------------------------

USER = obj(
    {"id": STR}, {"email": maybe(STR), "fullName": maybe(STR), "username": maybe(STR), "userhash": maybe(STR)}
)
CONDITION = obj(
    {"type": STR, "status": STR},
    {"reason": maybe(STR), "message": maybe(STR), "lastTransitionTime": maybe(TIME)},
)
STATUS_DETAILS = maybe(obj({"conditions": array(CONDITION), "logTail": array(STR)}))
POLICY_OUT = obj({"scalingMetric": SCALING_METRIC, "target": NUM})  # slim, always (api-live §4)
AUTOSCALING_OUT = obj(
    {"enabled": BOOL, "policies": array(POLICY_OUT)},
    {"minReplicaCount": INT, "maxReplicaCount": INT},
)
RESOLVED_BUNDLE = obj(
    {"id": STR, "cpuCount": NUM, "memoryBytes": INT, "gpuCount": NUM},
    {"gpuMaker": maybe(STR), "gpuTypeLabel": maybe(STR)},
)
ALLOCATION_OUT = obj({}, {"cpu": NUM, "memory": INT, "gpu": NUM, "gpuMemory": INT})  # sizes in bytes
GROUP_RUNTIME_OUT = obj(
    {"name": STR, "bundleSelectionPolicy": enum("availability"), "resolvedBundle": RESOLVED_BUNDLE},
    {
        "replicaCount": {"type": "integer", "minimum": 1},
        "autoscaling": AUTOSCALING_OUT,
        "resourceBundles": array(STR, maxItems=1),
        "containers": array(obj({"name": STR}, {"resourceAllocation": ALLOCATION_OUT})),
    },
)
RUNTIME_OUT = obj(
    {"containerGroups": array(GROUP_RUNTIME_OUT)},
    {"enclaveSelectionPolicy": enum("availability", "manual"), "enclaves": array(STR)},
)
ARTIFACT_REF = obj(
    {"id": STR},
    {
        "name": maybe(STR),
        "status": maybe(enum("draft", "locked")),
        "type": maybe(ARTIFACT_TYPE),
        "version": maybe(INT),
        "artifactRepositoryId": maybe(STR),
    },
)
#: api-live §1: the record a replacement route answers, which the workload also embeds while it
#: shows one (api-11.5 §3 named only its status, strategy and candidate protons)
REPLACEMENT = obj(
    {
        "id": ID,
        "name": STR,
        "workloadId": ID,
        "userId": STR,
        "tenantId": STR,
        "candidateArtifactId": STR,
        "createdAt": TIME,
        "updatedAt": TIME,
    },
    {
        "candidateProtonIds": array(STR),
        "previousProtonIds": array(STR),
        "isDeleted": BOOL,
        "deletedAt": maybe(TIME),
        "status": REPLACEMENT_STATUS,
        "strategy": enum("rolling"),
        "config": maybe(obj({}, {"warmupDurationMinutes": WHOLE, "keepOldVersionMinutes": WHOLE})),
        "runtime": RUNTIME_OUT,
        "message": maybe(STR),
        "switchedAt": maybe(TIME),
    },
)
TAG = obj({"id": STR, "name": STR, "value": STR})
WORKLOAD = obj(
    {"id": ID, "name": STR, "createdAt": TIME, "updatedAt": TIME},
    {
        "description": maybe(STR),
        "importance": IMPORTANCE,
        "type": maybe(ARTIFACT_TYPE),
        "status": WORKLOAD_STATUS,
        "statusDetails": STATUS_DETAILS,  # servers send it though the description omits it
        "artifactId": maybe(STR),
        "artifact": maybe(ARTIFACT_REF),
        "runtime": RUNTIME_OUT,
        "endpoint": maybe(URL_DIR),
        "protonId": maybe(STR),
        "replacement": maybe(REPLACEMENT),
        "requestStats": maybe({"type": "object"}),
        "creator": maybe(USER),
        "owners": array(USER),
        "permissions": array(PERMISSION),
        "tags": array(TAG),
    },
)
#: A container as an answer shows it: ``imageUri`` always there, null only until a build of a
#: container built from source completes (api-live §2), and set once its latest build has.
CONTAINER_OUT = {
    **obj({"imageUri": maybe(IMAGE)}, _CONTAINER_FIELDS),
    **_IMAGE_OR_BUILD,
    "if": {
        "required": ["build"],
        "properties": {"build": {"type": "object", "properties": {"status": {"const": "COMPLETED"}}}},
    },
    "then": {"properties": {"imageUri": IMAGE}},
}
SPEC_OUT = obj(
    {"type": ARTIFACT_TYPE, "containerGroups": array(obj({"name": STR, "containers": array(CONTAINER_OUT)}))},
    {"templateId": maybe(STR), "a2aEnabled": maybe(BOOL), "storage": maybe({"type": "object"})},
)
ARTIFACT = obj(
    {
        "id": ID,
        "name": STR,
        "spec": SPEC_OUT,
        "artifactRepositoryId": maybe(STR),
        "createdAt": TIME,
        "updatedAt": TIME,
    },
    {
        "description": STR,
        "type": ARTIFACT_TYPE,
        "status": enum("draft", "locked"),
        "version": maybe({"type": "integer", "minimum": 1}),
        "creator": maybe(USER),
    },
)
OPERATION = obj({"status": STR, "workloadId": STR, "trackVia": URL_DIR})
BUILD = obj(
    {
        "id": ID,
        "name": STR,
        "artifactId": ID,
        "status": BUILD_STATUS,
        "createdAt": TIME,
        "updatedAt": TIME,
    },
    {"creator": maybe(USER)},
)
BUILDS_STARTED = obj({"buildIds": array(ID, minItems=1)})
#: api-live §2: a build log is ``text/plain``, one JSON object a line, as Python's logging writes them
BUILD_LOG_LINE = obj(
    {
        "asctime": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}$"},
        "levelname": enum("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        "name": STR,
        "message": STR,
        "build_id": ID,
    }
)
EVENT = obj(
    {"id": STR, "workloadId": STR, "timestamp": TIME, "eventType": STR},
    {"actorId": maybe(STR), "details": maybe({"type": "object"})},
)
PERIOD = obj({}, {"start": maybe(TIME), "end": maybe(TIME)})
STATS = obj(
    {
        "period": maybe(PERIOD),
        "metrics": obj(
            {
                "totalRequests": INT,
                "requestsPerMinute": INT,
                "concurrentRequests": INT,
                "responseTime": INT,
                "serverErrors": INT,
                "userErrors": INT,
                "slowRequests": INT,
                "serverErrorRate": NUM,
                "userErrorRate": NUM,
                "totalErrorRate": NUM,
            }
        ),
    }
)
SERIES = obj(
    {"metric": METRIC, "summary": obj({"protonId": STR, "period": PERIOD})},
    {"buckets": array({"type": "object"})},
)


def _trended(**fields: Schema) -> Schema:
    return obj({**fields, "trend": NUM})


FLEET = obj(
    {},
    {
        "workloads": obj({"total": INT, "active": INT}),
        "requests": _trended(total=INT, succeeded=INT, failed=INT),
        "errorRate": _trended(rate=NUM),
        "responseTime": _trended(millis=INT),
        "concurrentRequests": _trended(count=INT),
    },
)
SETTINGS = obj({"runtime": RUNTIME_OUT})
PROTON = obj(
    {
        "id": STR,
        "name": STR,
        "artifactId": STR,
        "status": WORKLOAD_STATUS,
        "createdAt": TIME,
        "updatedAt": TIME,
    },
    {
        "workloadId": maybe(STR),
        "role": maybe(enum("active", "candidate")),
        "runtime": RUNTIME_OUT,
        "endpoint": maybe(URL_DIR),
        "runningSince": maybe(TIME),
        "statusDetails": obj({}, {"logTail": maybe(array(STR))}),
    },
)
SNAPSHOT = obj(
    {
        "overallStatus": obj({"state": WORKLOAD_STATUS, "summary": STR, "lastUpdated": TIME}),
        "replicas": array(
            obj(
                {
                    "name": STR,
                    "status": enum("pending", "running", "succeeded", "failed", "unknown"),
                    "address": STR,
                    "nodeAddress": STR,
                    "startedAt": maybe(TIME),
                    "conditions": array(obj({"type": STR, "met": maybe(BOOL), "since": TIME})),
                    "containers": array(
                        obj(
                            {
                                "name": STR,
                                "image": STR,
                                "status": enum("running", "waiting", "terminated", "unknown"),
                                "ready": BOOL,
                                "restartCount": {"type": "integer", "minimum": 0},
                                "startedAt": maybe(TIME),
                            }
                        )
                    ),
                }
            )
        ),
    }
)
LOG_RECORD = obj(  # api-live §5: the level in lower case
    {"timestamp": TIME, "level": enum("debug", "info", "warning", "error", "critical"), "message": STR},
    {"spanId": maybe(STR), "traceId": maybe(STR), "stacktrace": maybe(STR)},
)
BUNDLE = obj(
    {"id": STR, "name": STR, "cpuCount": NUM, "memoryBytes": INT, "useCases": array(STR)},
    {"description": maybe(STR), "gpuCount": maybe(INT), "gpuType": maybe(STR), "gpuMemoryBytes": maybe(INT)},
)


def page(item: Schema) -> Schema:
    return obj(
        {
            "count": {"type": "integer", "minimum": 0},
            "totalCount": {"type": "integer", "minimum": 0},
            "next": maybe(STR),
            "previous": maybe(STR),
            "data": array(item),
        }
    )


#: An error's body (api-v2.41 §4, as 11.5 keeps it): a message, or FastAPI's list of problems.
PROBLEM = obj({"loc": array({"type": ["string", "integer"]}), "msg": STR, "type": STR})
ERROR: Schema = {
    "anyOf": [
        obj({"detail": STR}),
        obj({"detail": array(PROBLEM, minItems=1)}),
        obj({"message": STR}),
    ]
}
EMPTY: Schema = {"const": None}  # no body at all (204)

#: Every route of the 11.5 contract the emulator serves (api-11.5 §2, api-live §3, §5, §6): the
#: schema of its successful answer, by status. Invocations answer the application's own bodies.
RESPONSES: dict[tuple[str, str], dict[int, Schema]] = {
    ("POST", "/workloads"): {201: WORKLOAD},
    ("GET", "/workloads"): {200: page(WORKLOAD)},
    ("GET", "/workloads/stats"): {200: FLEET},
    ("GET", "/workloads/{id}"): {200: WORKLOAD},
    ("PATCH", "/workloads/{id}"): {200: WORKLOAD},
    ("DELETE", "/workloads/{id}"): {204: EMPTY},
    ("POST", "/workloads/{id}/start"): {200: OPERATION, 202: OPERATION},
    ("POST", "/workloads/{id}/stop"): {200: OPERATION, 202: OPERATION},
    ("GET", "/workloads/{id}/settings"): {200: SETTINGS},
    ("PATCH", "/workloads/{id}/settings"): {202: REPLACEMENT},
    ("POST", "/workloads/{id}/promote"): {202: WORKLOAD},
    ("GET", "/workloads/{id}/history"): {200: page(REPLACEMENT)},
    ("GET", "/workloads/{id}/events"): {200: page(EVENT)},
    ("GET", "/workloads/{id}/stats"): {200: STATS},
    ("GET", "/workloads/{id}/stats/{metric}"): {200: SERIES},
    ("GET", "/workloads/{id}/protons"): {200: page(PROTON)},
    ("GET", "/workloads/{id}/protons/{pid}"): {200: PROTON},
    ("GET", "/workloads/{id}/protons/{pid}/statusDetails"): {200: SNAPSHOT, 204: EMPTY},
    ("POST", "/artifacts"): {201: ARTIFACT},
    ("GET", "/artifacts"): {200: page(ARTIFACT)},
    ("GET", "/artifacts/{id}"): {200: ARTIFACT},
    ("PUT", "/artifacts/{id}"): {200: ARTIFACT},
    ("PATCH", "/artifacts/{id}"): {200: ARTIFACT},
    ("DELETE", "/artifacts/{id}"): {204: EMPTY},
    ("POST", "/artifacts/{id}/clone"): {200: ARTIFACT},
    ("POST", "/workloads/{id}/replacement"): {202: REPLACEMENT},
    ("GET", "/workloads/{id}/replacement"): {200: REPLACEMENT},
    # api-live §1 gives the status only; the emulator answers the replacement it canceled
    ("DELETE", "/workloads/{id}/replacement"): {202: {"anyOf": [REPLACEMENT, EMPTY]}},
    ("GET", "/artifacts/{id}/builds"): {200: page(BUILD)},
    ("POST", "/artifacts/{id}/builds"): {202: BUILDS_STARTED},
    ("GET", "/artifacts/{id}/builds/{build}"): {200: BUILD},
    ("GET", "/artifacts/{id}/builds/{build}/logs"): {200: array(BUILD_LOG_LINE)},
    ("GET", "/otel/workload/{id}/logs"): {200: page(LOG_RECORD)},
    ("GET", "/mlops/compute/bundles"): {200: page(BUNDLE)},
}

#: The refusals the contract documents, by route (api-11.5 §2 as api-live §1, §2, §6 amend it):
#: each is driven, and answers an error body. (A start over an organisation's limit, 403, is not
#: here: the emulator has no limit on starts; a create over the replica cap answers it.)
REFUSALS: dict[tuple[str, str], set[int]] = {
    ("POST", "/workloads"): {403, 404, 409, 422},
    ("GET", "/workloads"): {422},
    ("GET", "/workloads/{id}"): {404},
    ("PATCH", "/workloads/{id}"): {404, 422},
    ("DELETE", "/workloads/{id}"): {404},
    ("POST", "/workloads/{id}/start"): {404, 409},
    ("POST", "/workloads/{id}/stop"): {404},
    ("GET", "/workloads/{id}/settings"): {404},
    ("PATCH", "/workloads/{id}/settings"): {404, 409, 422},
    ("POST", "/workloads/{id}/promote"): {404, 422},
    ("GET", "/workloads/{id}/history"): {404},
    ("GET", "/workloads/{id}/events"): {404},
    ("GET", "/workloads/{id}/stats"): {404},
    ("POST", "/artifacts"): {422},
    ("GET", "/artifacts"): {422},
    ("GET", "/artifacts/{id}"): {404},
    ("PUT", "/artifacts/{id}"): {403, 404, 422},
    ("PATCH", "/artifacts/{id}"): {403, 404, 422},
    ("DELETE", "/artifacts/{id}"): {404, 409},
    ("POST", "/artifacts/{id}/clone"): {404, 422},
    ("POST", "/workloads/{id}/replacement"): {400, 404, 422},
    ("GET", "/workloads/{id}/replacement"): {404},
    ("DELETE", "/workloads/{id}/replacement"): {404},
    ("POST", "/artifacts/{id}/builds"): {404, 422},
    ("GET", "/artifacts/{id}/builds/{build}"): {404},
    ("GET", "/artifacts/{id}/builds/{build}/logs"): {404},
}

#: The request bodies the contract takes, by route.
BODIES: dict[tuple[str, str], Schema] = {
    ("POST", "/workloads"): CREATE_WORKLOAD,
    ("PATCH", "/workloads/{id}"): PATCH_WORKLOAD,
    ("PATCH", "/workloads/{id}/settings"): PATCH_SETTINGS,
    ("POST", "/artifacts"): INPUT_ARTIFACT,
    ("PUT", "/artifacts/{id}"): INPUT_ARTIFACT,
    ("PATCH", "/artifacts/{id}"): PATCH_ARTIFACT,
    ("POST", "/artifacts/{id}/clone"): CLONE_ARTIFACT,
    ("POST", "/workloads/{id}/replacement"): REPLACE,
    ("POST", "/artifacts/{id}/builds"): START_BUILDS,
}

#: The routes that answer ``text/plain`` (api-live §2): the recorder reads the body as JSON lines.
#: Every other answer with a body is ``application/json``.
TEXT_ANSWERS: dict[tuple[str, str], str] = {("GET", "/artifacts/{id}/builds/{build}/logs"): "text/plain"}


def _values(item: Schema, *, many: bool = False) -> Schema:
    """A query parameter's values (always strings on the wire): one, or several when ``many``."""
    return array(item, minItems=1) if many else array(item, minItems=1, maxItems=1)


_WHOLE = {"type": "string", "pattern": "^(0|[1-9][0-9]*)$"}
_LIMIT = {"type": "string", "pattern": "^([1-9][0-9]?|100)$"}
_TIME_Q = TIME
_PAGING = {"offset": _values(_WHOLE), "limit": _values(_LIMIT)}
_FIGURES = {
    "protonId": _values(STR),
    "startTime": _values(_TIME_Q),
    "endTime": _values(_TIME_Q),
    "responseTimeQuantile": _values({"type": "string", "pattern": r"^(0(\.\d+)?|1(\.0+)?)$"}),
    "slowRequestsThreshold": _values(_WHOLE),
}
_WORKLOAD_FILTERS = {
    "ids": _values(STR, many=True),
    "search": _values(STR),
    "status": _values(WORKLOAD_STATUS, many=True),
    "importance": _values(IMPORTANCE, many=True),
    "artifactId": _values(STR),
    "createdBy": _values(STR),
    "enclave": _values(STR, many=True),
}
_ORDER = _values({"type": "string", "pattern": "^-?(name|createdAt|updatedAt|status|importance)$"})


def _query(**params: Schema) -> Schema:
    return {"type": "object", "properties": params, "additionalProperties": False}


#: The query parameters each route takes (those without one take none).
QUERIES: dict[tuple[str, str], Schema] = {
    ("GET", "/workloads"): _query(**_PAGING, **_WORKLOAD_FILTERS, orderBy=_ORDER),
    ("GET", "/workloads/stats"): _query(**_WORKLOAD_FILTERS, orderBy=_ORDER),
    ("GET", "/workloads/{id}/history"): _query(**_PAGING),
    ("GET", "/workloads/{id}/events"): _query(**_PAGING),
    ("GET", "/workloads/{id}/protons"): _query(**_PAGING),
    ("GET", "/artifacts/{id}/builds"): _query(**_PAGING),
    ("GET", "/workloads/{id}/stats"): _query(**_FIGURES),
    ("GET", "/workloads/{id}/stats/{metric}"): _query(**_FIGURES, resolution=_values(RESOLUTION)),
    ("GET", "/artifacts"): _query(
        **_PAGING,
        ids=_values(STR, many=True),
        search=_values(STR),
        orderBy=_ORDER,
        type=_values(ARTIFACT_TYPE),
        status=_values(enum("draft", "locked")),
    ),
    ("GET", "/otel/workload/{id}/logs"): _query(
        offset=_values(_WHOLE),
        limit=_values({"type": "string", "pattern": "^([1-9][0-9]{0,2}|1000)$"}),
        level=_values({"type": "string", "pattern": "(?i)^(debug|info|warn|warning|error|critical)$"}),
        startTime=_values(_TIME_Q),
        endTime=_values(_TIME_Q),
        includes=_values(STR, many=True),
        excludes=_values(STR, many=True),
        spanId=_values(STR),
        traceId=_values(STR),
    ),
    ("GET", "/mlops/compute/bundles"): _query(
        **_PAGING, useCases=_values(STR, many=True), entityType=_values(STR), entityId=_values(STR)
    ),
}

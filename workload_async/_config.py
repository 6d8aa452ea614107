"""Where the client's settings come from, as DataRobot's own Python client finds them.

One source is chosen, and taken whole; nothing is merged key by key across sources:

1. the arguments, when ``endpoint=`` and ``token=`` are both given;
2. the file ``DATAROBOT_CONFIG_FILE`` names;
3. the environment, when ``DATAROBOT_ENDPOINT`` and ``DATAROBOT_API_TOKEN`` are both set;
4. ``~/.config/datarobot/drconfig.yaml``.

Besides the endpoint and the token, a file holds ``api_version``, ``ssl_verify``,
``connect_timeout``, ``max_retries`` and ``user_agent_suffix``; the environment holds
``DATAROBOT_WORKLOAD_API_VERSION``, ``DATAROBOT_SSL_VERIFY``, ``DATAROBOT_MAX_RETRIES`` and
``DATAROBOT_USER_AGENT_SUFFIX``. Each key is one row of :data:`KEYS`. Files are read with PyYAML
(the ``workload-async[yaml]`` extra); without it the default file is skipped with a warning, and
the "not configured" error says so.

A message about a setting names the setting and its source, never its value: a token pasted into
``DATAROBOT_ENDPOINT`` must not be printed.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
from yarl import URL

from ._logging import PACKAGE_LOGGER

__all__ = [
    "API_VERSION_ENV",
    "CONFIG_FILE_ENV",
    "ENDPOINT_ENV",
    "KEYS",
    "TOKEN_ENV",
    "Key",
    "Settings",
    "api_root",
    "default_config_path",
    "resolve",
]

log = PACKAGE_LOGGER.getChild("config")

CONFIG_FILE_ENV = "DATAROBOT_CONFIG_FILE"
ENDPOINT_ENV = "DATAROBOT_ENDPOINT"
TOKEN_ENV = "DATAROBOT_API_TOKEN"
API_VERSION_ENV = "DATAROBOT_WORKLOAD_API_VERSION"
_DEFAULT_PATH = (".config", "datarobot", "drconfig.yaml")
_YAML_HINT = "pip install 'workload-async[yaml]'"
_EXAMPLE_ENDPOINT = "https://app.datarobot.com/api/v2"
_warned: set[tuple[str, ...]] = set()


class _Invalid(ValueError):
    """A value of the wrong kind; the message says what it should be, the caller says where."""


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid("must be a string")
    text = str(value).strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise _Invalid("must not hold control characters (a line break, a tab)")
    return text


def _secret(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be a string")
    text = value.strip()
    if any(ord(c) < 32 or ord(c) == 127 or c == " " for c in text):
        raise _Invalid("must not hold spaces or control characters")
    return text


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _ssl_verify(value: Any) -> bool | str:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    path = Path(text).expanduser()
    if not path.is_file():
        raise _Invalid("must be true, false, or the path of a CA bundle file that exists")
    return str(path)


def _seconds(value: Any) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise _Invalid("must be a number of seconds") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid("must be a number of seconds")
    if not (math.isfinite(value) and value > 0):
        raise _Invalid("must be a finite number of seconds > 0")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid("must be a whole number >= 0")
    return value


@attrs.frozen
class Key:
    """One setting of a source: its key in a file (also the client's keyword argument), its
    variable in the environment (None: not read from there), and how its value is read."""

    name: str
    env: str | None
    read: Callable[[Any], Any] = attrs.field(repr=False)
    #: How the "not configured" error shows it in a file.
    example: str = "..."


KEYS: tuple[Key, ...] = (
    Key("endpoint", ENDPOINT_ENV, _text, example=_EXAMPLE_ENDPOINT),
    Key("token", TOKEN_ENV, _secret),
    Key("api_version", API_VERSION_ENV, _text, example='"11.5"'),
    Key("ssl_verify", "DATAROBOT_SSL_VERIFY", _ssl_verify),
    Key("connect_timeout", None, _seconds),
    Key("max_retries", "DATAROBOT_MAX_RETRIES", _count),
    Key("user_agent_suffix", "DATAROBOT_USER_AGENT_SUFFIX", _text),
)
_BY_NAME = {key.name: key for key in KEYS}


@attrs.frozen
class Settings:
    """What the chosen source says. ``source`` names it for messages (``the arguments``, ``the
    environment`` or a file's path); unset settings are None."""

    source: str
    endpoint: str = attrs.field(repr=False)  # it may be a token put in the wrong place
    token: str = attrs.field(repr=False)
    api_version: str | None = None
    ssl_verify: bool | str | None = None
    connect_timeout: float | None = None
    max_retries: int | None = None
    user_agent_suffix: str | None = None
    #: True when the source is a file (its keys are named "<key> in <path>").
    from_file: bool = False

    def where(self, name: str) -> str:
        """How a message names setting ``name`` of this source: ``endpoint=``,
        ``DATAROBOT_ENDPOINT``, or ``endpoint in /path/drconfig.yaml``."""
        if self.from_file:
            return f"{name} in {self.source}"
        key = _BY_NAME[name]
        if self.source == "the environment" and key.env is not None:
            return key.env
        return f"{name}="


def default_config_path() -> Path:
    """``~/.config/datarobot/drconfig.yaml``: where DataRobot's clients keep their settings."""
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no passwd entry: there is no such file to read
        home = Path("~")
    return home.joinpath(*_DEFAULT_PATH)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _warn_once(key: tuple[str, ...], message: str) -> None:
    if key not in _warned:  # once a process, not once a client
        _warned.add(key)
        warnings.warn(message, RuntimeWarning, stacklevel=4)


def resolve(
    endpoint: str | None,
    token: str | None,
    *,
    api_version_given: bool = False,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The settings of the first source that holds an endpoint and a token (see the module).

    A ``DATAROBOT_WORKLOAD_API_VERSION`` beside another source that names no generation is not
    used, with a ``RuntimeWarning`` once a process, unless ``api_version_given`` says that the
    caller passes its own generation. Raises ``ValueError`` when no source holds both, when only
    one of a pair (the arguments, the two variables) is given, or when a value cannot be read;
    the message names the setting and the source, never the value.
    """
    env = os.environ if environ is None else environ
    given_endpoint, given_token = not _blank(endpoint), not _blank(token)
    if given_endpoint and given_token:
        settings = Settings(
            source="the arguments",
            endpoint=_read_given("endpoint", endpoint),
            token=_read_given("token", token),
        )
    elif given_endpoint or given_token:
        have, missing = ("endpoint", "token") if given_endpoint else ("token", "endpoint")
        raise ValueError(
            f"{have}= is given without {missing}=: pass both (--endpoint and --token on the command line), "
            f"or neither, to take both from {CONFIG_FILE_ENV}'s file, {ENDPOINT_ENV} and {TOKEN_ENV}, "
            f"or {default_config_path()}; a token is never sent to an endpoint from another place"
        )
    else:
        settings = _from_sources(env)
    variable = env.get(API_VERSION_ENV, "")
    if variable.strip() and settings.api_version is None and not api_version_given:
        _warn_once(
            (settings.source, variable),
            f"{API_VERSION_ENV} is not used: the endpoint and token come from {settings.source}, "
            "and a source is taken whole; "
            + (
                f"put 'api_version: ...' in {settings.source}, or pass api_version="
                if settings.from_file
                else "pass api_version= (--api-version on the command line)"
            ),
        )
    return settings


def _read_given(name: str, value: Any) -> str:
    try:
        read: str = _BY_NAME[name].read(value)
    except _Invalid as exc:
        raise ValueError(f"{name}= {exc}") from None
    return read


def _from_sources(env: Mapping[str, str]) -> Settings:
    named = env.get(CONFIG_FILE_ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        data = _load(path, named=True)
        if data is None:
            raise ValueError(f"{CONFIG_FILE_ENV} names {path}, which does not exist")
        return _whole(data, str(path), f"the file {CONFIG_FILE_ENV} names")
    has_endpoint, has_token = (not _blank(env.get(k)) for k in (ENDPOINT_ENV, TOKEN_ENV))
    if has_endpoint and has_token:
        values = {
            key.name: env[key.env] for key in KEYS if key.env is not None and not _blank(env.get(key.env))
        }
        return _settings(values, "the environment", from_file=False)
    if has_endpoint or has_token:
        have, missing = (ENDPOINT_ENV, TOKEN_ENV) if has_endpoint else (TOKEN_ENV, ENDPOINT_ENV)
        raise ValueError(
            f"{have} is set but {missing} is not: the environment is read only when both are set "
            f"(a token is never sent to an endpoint from another place); set both, or unset {have} "
            f"to use {default_config_path()}"
        )
    path = default_config_path()
    skipped: list[str] = []
    data = _load(path, named=False, skipped=skipped)
    if data is None:
        key = f"'endpoint: {_EXAMPLE_ENDPOINT}' and 'token: ...'"
        message = (
            "no API endpoint and token: pass endpoint= and token= (--endpoint and --token on the "
            f"command line), set {ENDPOINT_ENV} and {TOKEN_ENV}, or put {key} in {path} "
            f"(or in the file {CONFIG_FILE_ENV} names)"
        )
        raise ValueError(message + (f"; {skipped[0]}" if skipped else ""))
    return _whole(data, str(path), str(path))


def _whole(data: dict[str, Any], path: str, what: str) -> Settings:
    missing = [name for name in ("endpoint", "token") if _blank(data.get(name))]
    if missing:
        keys = " and ".join(f"'{n}: {_BY_NAME[n].example}'" for n in missing)
        label = path if what == path else f"{what} ({path})"
        raise ValueError(
            f"{label} has no {' and no '.join(missing)}: put {keys} in it (a source is taken whole: "
            "no other file and no variable is read for what it lacks)"
        )
    values = {key.name: data[key.name] for key in KEYS if not _blank(data.get(key.name))}
    return _settings(values, path, from_file=True)


def _settings(values: dict[str, Any], source: str, *, from_file: bool) -> Settings:
    read: dict[str, Any] = {}
    probe = Settings(source=source, endpoint="", token="", from_file=from_file)
    for name, raw in values.items():
        try:
            read[name] = _BY_NAME[name].read(raw)
        except _Invalid as exc:
            raise ValueError(f"{probe.where(name)} {exc}") from None
    return Settings(source=source, from_file=from_file, **read)


def _load(path: Path, *, named: bool, skipped: list[str] | None = None) -> dict[str, Any] | None:
    """The mapping in the file at ``path``; None when there is no such file (or, for the default
    file, when PyYAML is missing: ``skipped`` then says why)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise ValueError(f"cannot read the config file {path}: {why}") from None
    try:
        import yaml
    except ImportError:
        reason = f"{path} exists but was not read: PyYAML is not installed ({_YAML_HINT})"
        if named:
            raise ValueError(
                f"{CONFIG_FILE_ENV} names {path}, which needs PyYAML to read ({_YAML_HINT})"
            ) from None
        if skipped is not None:
            skipped.append(reason)
        if ("yaml", str(path)) not in _warned:  # once a process, not once a client
            _warned.add(("yaml", str(path)))
            log.warning("%s", reason)
        return None
    problem = ""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # Only the position and the problem, raised outside this block so that the parser's
        # own message, which quotes the line (maybe the token's), is not even the context.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = f"{path} is not valid YAML{where}: {getattr(exc, 'problem', None) or 'unreadable'}"
    if problem:
        raise ValueError(problem)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a mapping of keys (endpoint:, token:), not {type(data).__name__}")
    return data


def api_root(value: str, where: str) -> URL:
    """The API root the endpoint ``value`` names, ending in ``/``: a bare host
    (``https://app.datarobot.com``) means its ``/api/v2``. ``where`` names the setting and its
    source in the ``ValueError`` for anything else; the value itself is never shown."""
    unshown = "(its value is not shown: it may be a token put in the wrong place)"
    if any(ord(c) < 33 or ord(c) == 127 for c in value):
        raise ValueError(f"{where} must be a URL without spaces or control characters {unshown}")
    try:
        url = URL(value)
        host = url.host
    except (ValueError, TypeError):
        url, host = None, None
    if url is None or url.scheme not in ("http", "https") or not host:
        raise ValueError(f"{where} must be an absolute http(s) URL such as {_EXAMPLE_ENDPOINT} {unshown}")
    if url.user is not None or url.password is not None:
        raise ValueError(f"{where} must not hold a user name or password {unshown}")
    if url.query_string or url.fragment or "?" in value or "#" in value:
        raise ValueError(f"{where} must not carry a query or fragment {unshown}")
    if url.path in ("", "/"):
        return url.with_path("/api/v2/")
    return url if url.path.endswith("/") else url.with_path(url.path + "/")

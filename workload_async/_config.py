"""Where the client's settings come from: arguments, then environment variables, then DataRobot's
config file (``~/.config/datarobot/drconfig.yaml``, or the path in ``DATAROBOT_CONFIG_FILE``).

Each setting is one row of :data:`SETTINGS`; adding a setting is adding a row. The file is read at
most once per :class:`Sources`, only when an argument and its variable are both absent, and only
with PyYAML installed (the ``workload-async[yaml]`` extra); without it the file is skipped with a
warning, and the "not configured" error says so.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

__all__ = [
    "API_VERSION",
    "CONFIG_FILE_ENV",
    "ENDPOINT",
    "SETTINGS",
    "TOKEN",
    "Resolved",
    "Setting",
    "Sources",
    "default_config_path",
]

log = logging.getLogger("workload_async.config")

CONFIG_FILE_ENV = "DATAROBOT_CONFIG_FILE"
_DEFAULT_PATH = (".config", "datarobot", "drconfig.yaml")
_YAML_HINT = "pip install 'workload-async[yaml]'"
_warned: set[Path] = set()


@attrs.frozen
class Setting:
    """One setting: its keyword argument (also its key in the file), its variable, and how to
    describe it in an error. ``secret`` settings are never shown in messages."""

    name: str
    env: str
    what: str
    example: str = ""
    secret: bool = False
    #: The command line's option for it.
    option: str = ""


ENDPOINT = Setting(
    "endpoint",
    "DATAROBOT_ENDPOINT",
    "API endpoint",
    example="https://app.datarobot.com/api/v2",
    option="--endpoint",
)
TOKEN = Setting("token", "DATAROBOT_API_TOKEN", "API token", secret=True, option="--token")
API_VERSION = Setting(
    "api_version",
    "DATAROBOT_WORKLOAD_API_VERSION",
    "Workload API generation",
    example="11.5",
    option="--api-version",
)
#: Every setting the config file may hold; keys not listed here (``ssl_verify`` ...) are ignored.
SETTINGS: tuple[Setting, ...] = (ENDPOINT, TOKEN, API_VERSION)


@attrs.frozen
class Resolved:
    """A setting's value and where it came from (``endpoint=``, a variable, or a file path)."""

    value: str = attrs.field(repr=False)  # it may be the token
    source: str


def default_config_path() -> Path:
    """``~/.config/datarobot/drconfig.yaml``: where DataRobot's clients keep their settings."""
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no passwd entry: there is no such file to read
        home = Path("~")
    return home.joinpath(*_DEFAULT_PATH)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Sources:
    """Looks settings up in arguments, then the environment, then the config file (read lazily)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._file: dict[str, Any] | None = None
        self._skipped: str = ""  # why the file was not read, for the "not configured" error

    @property
    def path(self) -> Path:
        """The config file consulted: ``$DATAROBOT_CONFIG_FILE``, else the default path."""
        explicit = self._environ.get(CONFIG_FILE_ENV, "").strip()
        return Path(explicit).expanduser() if explicit else default_config_path()

    def lookup(self, setting: Setting, given: str | None) -> Resolved | None:
        """The first non-blank value of the argument, the variable and the file's key, if any."""
        if given is not None and given.strip():
            return Resolved(given.strip(), f"{setting.name}=")
        env = self._environ.get(setting.env, "")
        if env.strip():
            return Resolved(env.strip(), setting.env)
        value = self._read_file().get(setting.name)
        if _blank(value):
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError(f"{self.path}: {setting.name} must be a string, got {type(value).__name__}")
        return Resolved(str(value).strip(), str(self.path))

    def require(self, setting: Setting, given: str | None) -> Resolved:
        """Like :meth:`lookup`, but a missing setting is a ``ValueError`` naming all three places."""
        found = self.lookup(setting, given)
        if found is not None:
            return found
        key = f"{setting.name}: {setting.example}" if setting.example else f"{setting.name}: ..."
        given = (
            f"pass {setting.name}= ({setting.option} on the command line)"
            if setting.option
            else f"pass {setting.name}="
        )
        message = f"no {setting.what}: {given}, set {setting.env}, or put '{key}' in {self.path}"
        if not self._environ.get(CONFIG_FILE_ENV, "").strip():
            message += f" (or in the file {CONFIG_FILE_ENV} names)"
        raise ValueError(message + (f"; {self._skipped}" if self._skipped else ""))

    def _read_file(self) -> dict[str, Any]:
        if self._file is None:
            self._file = self._load()
        return self._file

    def _load(self) -> dict[str, Any]:
        path = self.path
        explicit = bool(self._environ.get(CONFIG_FILE_ENV, "").strip())
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            if explicit:
                raise ValueError(f"{CONFIG_FILE_ENV} names {path}, which does not exist") from None
            return {}
        except OSError as exc:
            raise ValueError(f"cannot read the config file {path}: {exc.strerror or exc}") from None
        try:
            import yaml
        except ImportError:
            self._skipped = f"{path} exists but was not read: PyYAML is not installed ({_YAML_HINT})"
            if path not in _warned:  # once a process, not once a client
                _warned.add(path)
                log.warning("%s", self._skipped)
            return {}
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
            raise ValueError(
                f"{path} must hold a mapping of keys (endpoint:, token:), not {type(data).__name__}"
            )
        return data

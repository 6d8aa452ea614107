"""DataRobot's config file: read after arguments and environment variables, with PyYAML."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest

from workload_async import AuthenticationError, Client
from workload_async.emulator import Emulator

pytest.importorskip("yaml")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A temporary HOME with no DATAROBOT_* variables; returns that HOME."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("DATAROBOT_ENDPOINT", "DATAROBOT_API_TOKEN", "DATAROBOT_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def home_config(home: Path, text: str) -> Path:
    return write_config(home / ".config" / "datarobot" / "drconfig.yaml", text)


async def test_client_reads_endpoint_and_token_from_the_home_config_file(
    emu: Emulator, clean_env: Path
) -> None:
    home_config(clean_env, f"endpoint: {emu.url}\ntoken: {emu.token}\nssl_verify: true\n")
    async with Client() as client:
        assert client.endpoint == f"{emu.url}/"
        assert (await client.workloads.list().first_page()).total_count == 0


async def test_config_file_variable_names_another_file(
    emu: Emulator, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_config(clean_env, "endpoint: https://home.example.com/api/v2\ntoken: home\n")
    other = write_config(clean_env / "elsewhere.yaml", f"endpoint: {emu.url}\ntoken: {emu.token}\n")
    monkeypatch.setenv("DATAROBOT_CONFIG_FILE", str(other))
    async with Client() as client:
        assert client.endpoint == f"{emu.url}/"
        await client.workloads.list().first_page()


async def test_environment_wins_over_the_file_and_arguments_over_both(
    emu: Emulator, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_config(clean_env, f"endpoint: https://file.example.com/api/v2\ntoken: {emu.token}\n")
    monkeypatch.setenv("DATAROBOT_ENDPOINT", emu.url)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "env-token-that-the-emulator-refuses")
    async with Client() as client:
        assert client.endpoint == f"{emu.url}/"  # the variable, not the file
        with pytest.raises(AuthenticationError):  # the variable's token, not the file's
            await client.workloads.list().first_page()
    async with Client(token=emu.token) as client:  # the argument, not the variable
        await client.workloads.list().first_page()


def test_the_file_fills_in_only_what_is_missing(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home_config(clean_env, "endpoint: https://file.example.com/api/v2\n")
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "env-token")
    assert Client().endpoint == "https://file.example.com/api/v2/"


def test_nothing_configured_names_the_argument_the_variable_and_the_file(clean_env: Path) -> None:
    with pytest.raises(ValueError) as caught:
        Client()
    message = str(caught.value)
    assert "endpoint=" in message and "DATAROBOT_ENDPOINT" in message
    assert str(clean_env / ".config" / "datarobot" / "drconfig.yaml") in message
    assert "DATAROBOT_CONFIG_FILE" in message


def test_a_missing_token_in_the_file_is_named(clean_env: Path) -> None:
    home_config(clean_env, "endpoint: https://file.example.com/api/v2\n")
    with pytest.raises(
        ValueError,
        match=r"no API token: pass token= \(--token on the command line\), set DATAROBOT_API_TOKEN, or put 'token: ",
    ):
        Client()


def test_a_bad_endpoint_in_the_file_names_the_file(clean_env: Path) -> None:
    path = home_config(clean_env, "endpoint: app.datarobot.com\ntoken: t\n")
    with pytest.raises(ValueError, match=f"endpoint must be an absolute .* \\(from {path}\\)"):
        Client()


def test_config_file_variable_naming_no_file_is_an_error(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAROBOT_CONFIG_FILE", str(clean_env / "nope.yaml"))
    with pytest.raises(ValueError, match=r"DATAROBOT_CONFIG_FILE names .*nope\.yaml, which does not exist"):
        Client()


def test_invalid_yaml_names_the_file_and_line_but_never_quotes_it(clean_env: Path) -> None:
    path = home_config(clean_env, "endpoint: https://x.example.com/api/v2\ntoken: s3cret: [oops\n")
    with pytest.raises(ValueError) as caught:
        Client()
    message = str(caught.value)
    assert f"{path} is not valid YAML at line 2" in message
    assert "s3cret" not in message and caught.value.__context__ is None


@pytest.mark.parametrize(
    ("text", "problem"), [("- a\n- b\n", "must hold a mapping"), ("token: [1]\n", "token must be a string")]
)
def test_a_file_of_the_wrong_shape_is_an_error(clean_env: Path, text: str, problem: str) -> None:
    home_config(clean_env, text)
    with pytest.raises(ValueError, match=problem):
        Client("https://x.example.com/api/v2")


def test_without_pyyaml_the_file_is_skipped_with_a_warning_and_a_hint(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = home_config(clean_env, "endpoint: https://file.example.com/api/v2\ntoken: t\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    with caplog.at_level(logging.WARNING, "workload_async"), pytest.raises(ValueError) as caught:
        Client()
    assert f"{path} exists but was not read: PyYAML is not installed" in str(caught.value)
    assert "workload-async[yaml]" in str(caught.value)
    assert any("PyYAML is not installed" in r.getMessage() for r in caplog.records)


def test_the_file_is_not_read_when_arguments_say_everything(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    home_config(clean_env, "::: not yaml :::\n")
    monkeypatch.setitem(sys.modules, "yaml", None)
    with caplog.at_level(logging.WARNING, "workload_async"):
        client = Client("https://x.example.com/api/v2", "t", api_version="v2.41")
        assert client.endpoint == "https://x.example.com/api/v2/"
    assert not caplog.records

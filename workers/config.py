"""Settings: one dataclass, filled from flags or WIRESTREAM_* environment variables."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, fields

ENV_PREFIX = "WIRESTREAM_"


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
    log_level: str = "info"

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
        if self.horizon_days < 1:
            raise ValueError(f"horizon_days must be >= 1, not {self.horizon_days}")

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
            parser.add_argument(
                flag,
                dest=f.name,
                default=None,
                type=type(f.default),
                help=f"(env {cls.env_name(f.name)}, default {f.default!r})",
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
                    values[f.name] = kind(raw)
                except ValueError as exc:
                    raise ValueError(f"{cls.env_name(f.name)}={raw!r} is not a valid {kind.__name__}") from exc
        return cls(**values)  # type: ignore[arg-type]

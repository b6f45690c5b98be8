"""Worker processes started by this project's own tools: the embedded default (`wirestream demo`),
the tests, `make chaos` and the benchmarks all start `wirestream worker` the same way."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from workers.broker import free_port
from workers.config import Settings

WORKER_ARGV = (sys.executable, "-m", "workers.cli", "worker")


def worker_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment that hands every setting to a child process (its own WIRESTREAM_* replaced)."""
    own = {Settings.env_name(name) for name in settings.__dataclass_fields__}
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in own}
    for name in settings.__dataclass_fields__:
        env[Settings.env_name(name)] = str(getattr(settings, name))
    return env


def spawn_worker(settings: Settings, log: Path, *, append: bool = False, cwd: Path | None = None) -> subprocess.Popen:
    """`wirestream worker` in its own process group (so a signal reaches its children), output to `log`."""
    with log.open("ab" if append else "wb") as fh:
        return subprocess.Popen(
            WORKER_ARGV,
            env=worker_env(settings),
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=cwd,
        )


def isolated_settings(prefix: str, state_root: Path, **settings: object) -> Settings:
    """Settings whose app id, topics, web port and state directory are this run's alone: tests, chaos
    phases and benchmarks share one broker and one machine, never each other's data."""
    tag = f"{prefix}-{uuid.uuid4().hex[:8]}"
    defaults: dict[str, object] = {
        "app_id": tag,
        "topic_raw": f"raw-{tag}",
        "topic_enriched": f"enriched-{tag}",
        "topic_events": f"events-{tag}",
        "topic_deadletter": f"dead-{tag}",
        "web_port": free_port(),
        "state_dir": str(state_root / f"state-{tag}"),
    }
    return Settings(**{**defaults, **settings})  # type: ignore[arg-type]

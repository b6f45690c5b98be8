"""Worker processes started by this project's own tools: the embedded default (`wirestream demo`),
the tests, `make chaos` and the benchmarks all start `wirestream worker` the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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

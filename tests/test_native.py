"""The compiled-module check: a module edited after its mypyc build must be reported (Python would
import the old build, not the edited source)."""

from __future__ import annotations

import os
from importlib.machinery import EXTENSION_SUFFIXES

from workers.native import compiled_modules


def test_a_module_edited_after_its_build_is_stale(tmp_path):
    suffix = EXTENSION_SUFFIXES[0]
    (tmp_path / "calls.py").write_text("")
    (tmp_path / f"calls{suffix}").write_bytes(b"")
    (tmp_path / "cli.py").write_text("")  # no compiled form: not listed
    os.utime(tmp_path / "calls.py", (1_000, 1_000))
    os.utime(tmp_path / f"calls{suffix}", (2_000, 2_000))
    assert compiled_modules(tmp_path) == {"calls": False}
    os.utime(tmp_path / "calls.py", (3_000, 3_000))
    assert compiled_modules(tmp_path) == {"calls": True}

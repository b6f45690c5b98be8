"""Build hook: compiles the text-analysis modules to C extensions with mypyc, from the same typed source.

Entity linking, topic tagging and call extraction are plain Python loops over matcher hits; compiled, the
extraction runs about a third faster (README "Performance"). The pure-Python source stays the reference:
set WIRESTREAM_PURE=1, or build where there is no C compiler or Python headers, and the package installs
as plain Python with the same behaviour.
"""

from __future__ import annotations

import os
import shutil
import sys
import sysconfig
import tomllib
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
# pyproject.toml [tool.mypy] files: the modules mypy checks are the ones compiled
NATIVE: list[str] = tomllib.loads((HERE / "pyproject.toml").read_text())["tool"]["mypy"]["files"]


def _can_compile() -> str | None:
    """Why the modules cannot be compiled here, or None when they can."""
    if os.environ.get("WIRESTREAM_PURE", "") not in ("", "0"):
        return "WIRESTREAM_PURE is set"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "no Python headers (Python.h)"
    return None


def ext_modules() -> list:
    reason = _can_compile()
    if reason is not None:
        print(f"wirestream: installing as pure Python: {reason}", file=sys.stderr)
        # an earlier build's extensions beside the source would still be imported before it
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        for built in [HERE / f"workers__mypyc{suffix}", *(HERE / Path(src).with_suffix(suffix) for src in NATIVE)]:
            built.unlink(missing_ok=True)
        return []
    from mypyc.build import mypycify  # a build requirement (pyproject.toml)

    return mypycify(NATIVE, opt_level="3", group_name="workers")


setup(ext_modules=ext_modules())

"""Which modules run compiled. setup.py compiles the text-analysis modules with mypyc into extension
files beside their source (an editable install builds them in place); Python imports an extension
before the .py of the same name, so a module edited after its build would run its old code."""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).parent


def compiled_modules(package: Path = PACKAGE) -> dict[str, bool]:
    """module name -> whether its compiled form is older than its source (stale), for every module of
    the package that has a compiled form. Read from the files; nothing is imported."""
    found: dict[str, bool] = {}
    for suffix in EXTENSION_SUFFIXES:
        for ext in package.glob(f"*{suffix}"):
            name = ext.name[: -len(suffix)]
            source = package / f"{name}.py"
            if source.exists():
                found[name] = source.stat().st_mtime > ext.stat().st_mtime
    return dict(sorted(found.items()))


def stale_modules() -> list[str]:
    return [name for name, stale in compiled_modules().items() if stale]


STALE_HINT = "changed since it was compiled: run `make install` (or WIRESTREAM_PURE=1 make install for pure Python)"

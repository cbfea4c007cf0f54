"""frontline: a terminal console for engineers on a support-rotation shift."""

from __future__ import annotations

import sys

__all__ = ["__version__", "package_version"]

UNKNOWN_VERSION = "0+unknown"
"""What `package_version` says when frontline runs from a tree that was never installed."""


# httpx imports its command-line tool (`httpx._main`) whenever `click` is installed (uvicorn, which the
# sandbox runs on, brings it), and with it click, pygments and rich's syntax highlighter: ~30 ms and ~2 MB
# that frontline never uses. A `None` entry makes that import fail as if click were missing, which httpx
# expects and handles (its `main` then only says how to install the tool).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def package_version() -> str:
    """The installed distribution's version, read from its metadata (pyproject's `version`).

    Imported here and only when asked: `importlib.metadata` costs more than the rest of `--help`.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("frontline")
    except PackageNotFoundError:
        return UNKNOWN_VERSION


def __getattr__(name: str) -> str:
    """`frontline.__version__`, computed on first use rather than when the package is imported."""
    if name == "__version__":
        return package_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

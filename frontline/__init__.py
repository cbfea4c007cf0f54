"""frontline: a terminal console for engineers on a support-rotation shift."""

from __future__ import annotations

__all__ = ["__version__", "package_version"]

UNKNOWN_VERSION = "0+unknown"
"""What `package_version` says when frontline runs from a tree that was never installed."""


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

"""frontline: a terminal console for engineers on a support-rotation shift."""

from __future__ import annotations

__version__ = "0.1.0"

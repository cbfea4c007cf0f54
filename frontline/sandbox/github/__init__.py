"""The fake GitHub Issues REST API: one organisation's repository, its issues, comments and labels."""

from __future__ import annotations

from frontline.sandbox.github.system import GithubSystem

__all__ = ["GithubSystem"]

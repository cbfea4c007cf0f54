"""The fake Jira Software over the platform API v3: ENG (where support escalates), OPS (a required custom
field on bugs) and the SUP service project on the same site; a search index that lags writes."""

from __future__ import annotations

from frontline.sandbox.jira.system import JiraSystem

__all__ = ["JiraSystem"]

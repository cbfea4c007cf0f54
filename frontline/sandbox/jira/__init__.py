"""The fake Jira Software: one project (ENG) that support escalates to, over the platform API v3."""

from __future__ import annotations

from frontline.sandbox.jira.system import JiraSystem

__all__ = ["JiraSystem"]

"""The fake Slack incoming webhook the shift handoff is posted through."""

from __future__ import annotations

from frontline.sandbox.slack.system import SlackSystem, webhook_path

__all__ = ["SlackSystem", "webhook_path"]

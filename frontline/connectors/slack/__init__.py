"""Slack incoming webhooks: where a shift handoff can be posted. Not a helpdesk or a tracker, so it is
not in the connector registry; the composition root builds it with `build_slack_webhook`."""

from __future__ import annotations

from frontline.connectors.slack.webhook import SlackWebhook, build_slack_webhook

__all__ = ["SlackWebhook", "build_slack_webhook"]

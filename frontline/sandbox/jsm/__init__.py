"""The fake Jira Service Management: service desks, queues, requests with SLAs, and the platform API."""

from __future__ import annotations

from frontline.sandbox.jsm.system import JsmSystem

__all__ = ["JsmSystem"]

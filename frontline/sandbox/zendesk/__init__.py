"""The fake Zendesk Support: tickets, views, search, macros and ticket fields on `/api/v2`."""

from __future__ import annotations

from frontline.sandbox.zendesk.system import ZendeskSystem

__all__ = ["ZendeskSystem"]

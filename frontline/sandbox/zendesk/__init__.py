"""The fake Zendesk Support: tickets, views, search, macros and ticket fields on `/api/v2`, and OAuth sign-in
(authorization code with PKCE, refresh-token rotation) on `/oauth`."""

from __future__ import annotations

from frontline.sandbox.context import SANDBOX_OAUTH_CLIENT_ID as OAUTH_CLIENT_ID
from frontline.sandbox.zendesk.system import ZendeskSystem

__all__ = ["OAUTH_CLIENT_ID", "ZendeskSystem"]

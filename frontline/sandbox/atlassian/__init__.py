"""What the fake Jira and Jira Service Management sites share: records, the site model, the platform
issue API (`/rest/api/3`), Atlassian answers and shapes, the ADF rules Jira enforces, and the two ways in:
classic tokens on the site, scoped tokens through the gateway face (`/ex/jira/{cloudId}`)."""

from __future__ import annotations

from frontline.sandbox.context import SANDBOX_SCOPED_TOKEN as SCOPED_TOKEN
from frontline.sandbox.context import site_cloud_id

__all__ = ["SCOPED_TOKEN", "site_cloud_id"]

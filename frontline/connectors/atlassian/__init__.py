"""Shared by the Atlassian connectors (JSM, Jira): ADF rich text and the platform error body."""

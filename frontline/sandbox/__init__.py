"""The embedded sandbox: fake Zendesk, Jira Service Management, Jira and GitHub servers on loopback.

It speaks each vendor's real paths and JSON shapes (checked against the official OpenAPI specs in the
tests), is seeded deterministically, and can inject faults, so frontline is developed and demoed
against something that behaves like the real thing.
"""

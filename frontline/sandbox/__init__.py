"""The embedded sandbox: fake Zendesk, Jira Service Management, Jira and GitHub servers on loopback.

It speaks each vendor's real paths and JSON shapes (checked against the official OpenAPI specs in the
tests), is seeded deterministically, and can inject faults, so frontline is developed and demoed
against something that behaves like the real thing.

A separate world: nothing here imports the product. One subpackage per vendor (`zendesk`, `jsm`,
`jira`, `github`; `atlassian` holds what Jira and JSM share), each exporting its `SandboxSystem`; the
server, middleware, faults, control routes and request log around them are shared.
"""

"""Every connector frontline knows, in one list: the one place that maps a config `kind` to code.

Config validation (which kinds a section may name, and which settings model reads it),
`HELPDESK_KINDS`, `TRACKER_KINDS` and `build_helpdesk` all derive from `CONNECTORS`.

Adding a vendor:
1. Create `frontline/connectors/<kind>/` with a light `__init__.py` (no httpx) defining its settings
   model (a subclass of `HelpdeskSettings` or `TrackerSettings` with `kind: Literal["<kind>"]`) and a
   `CONNECTOR = ConnectorSpec(...)`: display name, role, auth, error parser (`errors.py`), and the
   factory as `"<package>.client:build_..."`, imported only when a connector is built.
2. Add one line for it to `CONNECTORS` below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from frontline.connectors import github, jira, jsm, zendesk
from frontline.connectors.spec import ConnectorSpec, Role
from frontline.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from frontline.connectors.settings import TrackerSettings
    from frontline.domain.ports import Helpdesk, Tracker

CONNECTORS: tuple[ConnectorSpec, ...] = (
    zendesk.CONNECTOR,
    jsm.CONNECTOR,
    jira.CONNECTOR,
    github.CONNECTOR,
)
"""One line per connector, helpdesks in the order they are offered."""


def connectors(role: Role) -> tuple[ConnectorSpec, ...]:
    """The connectors serving `role`, in registry order."""
    return tuple(spec for spec in CONNECTORS if spec.role == role)


HELPDESK_KINDS: tuple[str, ...] = tuple(spec.kind for spec in connectors("helpdesk"))
"""The helpdesk kinds a profile may name, in the order they are offered."""

TRACKER_KINDS: tuple[str, ...] = tuple(spec.kind for spec in connectors("tracker"))
"""The tracker kinds an escalation entry may name."""


def connector(kind: str, role: Role) -> ConnectorSpec:
    """The connector for `kind` (case and surrounding spaces ignored).

    Raises:
        ConfigError: no `role` connector has that kind; the message lists the known kinds.
    """
    key = kind.strip().lower()
    candidates = connectors(role)
    for spec in candidates:
        if spec.kind == key:
            return spec
    known = ", ".join(spec.kind for spec in candidates)
    raise ConfigError(f"Unknown {role} kind {kind!r}; known kinds: {known}.")


def build_helpdesk(
    kind: str,
    *,
    base_url: str,
    email: str,
    token: str,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> Helpdesk:
    """A connected (not yet verified) adapter for `kind`; its client module is imported here.

    `options` go to the connector's factory as keywords: `settings` (the profile's helpdesk section),
    `auth` (an httpx auth that replaces the token's, such as a refreshing OAuth one), `verify` (TLS).

    Raises:
        ConfigError: `kind` is not a known helpdesk, or the factory rejects the base URL or credentials.
    """
    factory = connector(kind, "helpdesk").load_factory()
    helpdesk: Helpdesk = factory(base_url, email, token, transport=transport, **options)
    return helpdesk


def build_tracker(
    settings: TrackerSettings,
    token: str,
    *,
    helpdesk_site: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Any,
) -> Tracker:
    """A connected (not yet verified) tracker for one escalation target; its client is imported here.

    `helpdesk_site` is the helpdesk's base URL, so a Jira target on the same Atlassian site as a JSM
    helpdesk also links the issues themselves. `options` go to the factory (`verify`: TLS).

    Raises:
        ConfigError: the kind has no tracker connector yet, or its factory rejects the settings.
    """
    spec = connector(settings.kind, "tracker")
    try:
        factory = spec.load_factory()
    except LookupError as missing:
        raise ConfigError(str(missing)) from None
    tracker: Tracker = factory(settings, token, helpdesk_site=helpdesk_site, transport=transport, **options)
    return tracker

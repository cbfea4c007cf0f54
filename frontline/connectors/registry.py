"""Every connector frontline knows, in one list: the one place that maps a config `kind` to code.

Config validation (which kinds a section may name, and which settings model reads it),
`HELPDESK_KINDS`, `TRACKER_KINDS` and `build_helpdesk` all derive from `CONNECTORS`.

The kinds are listed here as data, so `HELPDESK_KINDS` (for `frontline demo --help`) costs no import; a
connector's package (its settings model, pydantic) is imported when its spec is first asked for, and its
client (httpx) only when a connector is built.

Adding a vendor:
1. Create `frontline/connectors/<kind>/` with a light `__init__.py` (no httpx) defining its settings
   model (a subclass of `HelpdeskSettings` or `TrackerSettings` with `kind: Literal["<kind>"]`) and a
   `CONNECTOR = ConnectorSpec(...)`: display name, role, auth, error parser (`errors.py`), and the
   factory as `"<package>.client:build_..."`, imported only when a connector is built.
2. Add one line for it to `KINDS` below.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from frontline.errors import ConfigError

if TYPE_CHECKING:
    import httpx

    from frontline.connectors.settings import TrackerSettings
    from frontline.connectors.spec import ConnectorSpec, Role
    from frontline.domain.ports import Helpdesk, Tracker

KINDS: tuple[tuple[str, Role], ...] = (
    ("zendesk", "helpdesk"),
    ("jsm", "helpdesk"),
    ("jira", "tracker"),
    ("github", "tracker"),
)
"""One line per connector: its kind (the package `frontline.connectors.<kind>`) and role, helpdesks in
the order they are offered. Each package's `CONNECTOR` says the same kind and role (a test checks)."""

HELPDESK_KINDS: tuple[str, ...] = tuple(kind for kind, role in KINDS if role == "helpdesk")
"""The helpdesk kinds a profile may name, in the order they are offered."""

TRACKER_KINDS: tuple[str, ...] = tuple(kind for kind, role in KINDS if role == "tracker")
"""The tracker kinds an escalation entry may name."""


@cache
def load_spec(kind: str) -> ConnectorSpec:
    """The `CONNECTOR` of `frontline.connectors.<kind>`, importing that package on first use."""
    spec: ConnectorSpec = import_module(f"frontline.connectors.{kind}").CONNECTOR
    return spec


def connectors(role: Role) -> tuple[ConnectorSpec, ...]:
    """The connectors serving `role`, in registry order (their packages are imported)."""
    return tuple(load_spec(kind) for kind, serves in KINDS if serves == role)


def __getattr__(name: str) -> tuple[ConnectorSpec, ...]:
    """`CONNECTORS`: every connector's spec, in registry order, their packages imported on first use."""
    if name == "CONNECTORS":
        return tuple(load_spec(kind) for kind, _ in KINDS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def connector(kind: str, role: Role) -> ConnectorSpec:
    """The connector for `kind` (case and surrounding spaces ignored); only its package is imported.

    Raises:
        ConfigError: no `role` connector has that kind; the message lists the known kinds.
    """
    key = kind.strip().lower()
    if (key, role) in KINDS:
        return load_spec(key)
    known = ", ".join(known_kind for known_kind, serves in KINDS if serves == role)
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

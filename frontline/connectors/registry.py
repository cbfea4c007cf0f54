"""Which adapter serves which helpdesk kind: the one place that maps a profile's `kind` to code.

Vendor modules are imported lazily so starting frontline for Zendesk never imports the JSM code (and
the other way round).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import httpx

from frontline.domain.ports import Helpdesk
from frontline.errors import ConfigError

HelpdeskFactory = Callable[..., Helpdesk]

_FACTORIES: dict[str, tuple[str, str]] = {
    "zendesk": ("frontline.connectors.zendesk.client", "build_zendesk_adapter"),
    "jsm": ("frontline.connectors.jsm.client", "build_jsm_adapter"),
}

HELPDESK_KINDS: tuple[str, ...] = tuple(_FACTORIES)
"""The helpdesk kinds a profile may name, in the order they are offered."""


def build_helpdesk(
    kind: str,
    *,
    base_url: str,
    email: str,
    token: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Helpdesk:
    """A connected (not yet verified) adapter for `kind`.

    Raises:
        ConfigError: `kind` is not a known helpdesk, or the factory rejects the base URL or credentials.
    """
    key = kind.strip().lower()
    if key not in _FACTORIES:
        known = ", ".join(HELPDESK_KINDS)
        raise ConfigError(f"Unknown helpdesk kind {kind!r}; known kinds: {known}.")
    module_name, factory_name = _FACTORIES[key]
    factory: HelpdeskFactory = getattr(import_module(module_name), factory_name)
    return factory(base_url, email, token, transport=transport)

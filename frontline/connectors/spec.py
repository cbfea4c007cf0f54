"""What a connector says about itself, readable without importing its HTTP code.

Each vendor package builds one `ConnectorSpec` in its light `__init__.py` and `registry.py` lists them,
so `frontline.config` can validate every connector's settings without importing httpx or a client.
The error-body contract lives here too: `ApiClient` calls the connector's parser and knows no vendor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Literal, NamedTuple

from frontline.connectors.settings import HelpdeskSettings, TrackerSettings

Role = Literal["helpdesk", "tracker"]
"""A helpdesk serves the queue; a tracker receives escalated bugs."""

MAX_DETAIL_CHARS = 500
"""Longest error detail shown, so a hostile body cannot flood a message."""


class ErrorBody(NamedTuple):
    """The user-facing part of an HTTP error body."""

    detail: str
    """The messages joined into one line ("" when the body said nothing useful)."""

    fields: dict[str, list[str]]
    """Validation messages per field, for `ValidationFailed.details`."""


ErrorParser = Callable[[int, Any], ErrorBody]
"""`parse_error(status, body)`: reads a decoded JSON error body; never raises."""


def error_summary(parts: Iterable[str], fields: Mapping[str, list[str]]) -> str:
    """The messages, then each field's messages, without blanks or repeats, in one capped line."""
    everything = [*parts, *(f"{field}: {messages}" for field, messages in fields.items())]
    unique = [p for i, p in enumerate(everything) if p and p not in everything[:i]]
    return "; ".join(unique)[:MAX_DETAIL_CHARS]


def message_of(body: Any) -> list[str]:
    """The top-level `message` string most JSON APIs send, as a list of zero or one part."""
    message = body.get("message") if isinstance(body, dict) else None
    return [message] if isinstance(message, str) else []


def parse_message_error(status: int, body: Any) -> ErrorBody:
    """The vendor-neutral reading used when a connector gives no parser: only `message`."""
    return ErrorBody(error_summary(message_of(body), {}), {})


@dataclass(frozen=True)
class AuthSpec:
    """How a connector signs in, so login and doctor can explain it without the client code."""

    scheme: str
    """The sign-in scheme in words, for messages: "API token with the agent's email"."""

    needs_email: bool
    """Whether the profile's `email` is part of the credentials."""

    token_env: str
    """The conventional environment variable for the token, e.g. `ZENDESK_TOKEN`."""


@dataclass(frozen=True)
class ConnectorSpec:
    """One connector: its kind, settings section, auth, error parser and (lazily imported) factory."""

    kind: str
    """The `kind` a config section names, e.g. `zendesk`."""

    display_name: str
    """The vendor's product name for messages, e.g. "Jira Service Management"."""

    role: Role
    """Whether it serves as the helpdesk or as an escalation tracker."""

    settings: type[HelpdeskSettings] | type[TrackerSettings]
    """The config section model chosen when a section says `kind = "<kind>"`."""

    auth: AuthSpec
    """How it signs in."""

    parse_error: ErrorParser
    """Reads the vendor's JSON error bodies for `ApiClient`."""

    factory: str | None = None
    """`"package.module:function"` building a connected adapter, imported only when one is built;
    None while frontline has settings but no client for this kind yet."""

    def load_factory(self) -> Callable[..., Any]:
        """Import the module named by `factory` and return the function.

        Raises:
            LookupError: this connector has no factory yet.
        """
        if self.factory is None:
            raise LookupError(f"frontline cannot connect to {self.display_name} yet.")
        module_name, _, function_name = self.factory.partition(":")
        factory: Callable[..., Any] = getattr(import_module(module_name), function_name)
        return factory

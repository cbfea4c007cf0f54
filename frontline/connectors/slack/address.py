"""A Slack incoming-webhook URL taken apart: where to send, and which parts are the secret.

The whole URL is the credential (anyone holding it can post to the channel), so nothing built here
shows the part after `/services/`: messages, logs and reprs read `.../services/[redacted]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from frontline.connectors.auth import secure_url
from frontline.errors import ConfigError
from frontline.redaction import REDACTED

SERVICES = "/services/"
"""Where the secret part of an incoming-webhook path starts."""

EXAMPLE = "https://hooks.slack.com/services/T…/B…/…"


@dataclass(frozen=True)
class WebhookAddress:
    """Where a webhook lives: `origin` (scheme, host and port) and `path` (with the secret)."""

    origin: str
    path: str = field(repr=False)
    shown: str
    """The URL as it may be displayed: the path after `/services/` redacted."""
    secrets: tuple[str, ...] = field(repr=False)
    """Every form of the secret to redact from text: the part after `/services/`, and its last segment."""


def parse_webhook_url(url: str) -> WebhookAddress:
    """Check and take apart an incoming-webhook URL, never repeating its secret.

    Raises:
        ConfigError: not a URL, not `.../services/...`, or plain http to a host other than loopback.
    """
    try:
        parsed = httpx.URL(url.strip())
    except httpx.InvalidURL:
        raise ConfigError(f"The Slack webhook URL is not a valid URL; it looks like {EXAMPLE}.") from None
    raw_path = parsed.raw_path.decode("ascii")
    head, marker, hook = raw_path.partition(SERVICES)
    if not parsed.host or not marker or not hook.strip("/"):
        raise ConfigError(
            f"That is not a Slack incoming-webhook URL: it looks like {EXAMPLE} "
            "(Slack shows it under the app's Incoming Webhooks)."
        )
    origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
    shown = f"{origin}{head}{SERVICES}{REDACTED}"
    secure_url(shown, "Slack webhook URL")
    last = hook.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    forms = {hook, hook.split("?", 1)[0], last, parsed.path.partition(SERVICES)[2]}
    return WebhookAddress(origin=origin, path=raw_path, shown=shown, secrets=tuple(sorted(forms - {""})))

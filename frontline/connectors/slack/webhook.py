"""Posting to a Slack channel through an incoming webhook, over the shared `ApiClient`.

A post is not idempotent: Slack has no key to recognise a repeat, so once it may have been delivered
(a cut connection, a 5xx) it is never sent again here; `WriteOutcomeUnknown` says to look at the channel.
A connection never made (`NotDelivered`) and a 429 are retried by the shared client, as nothing landed.
"""

from __future__ import annotations

import ssl
from types import TracebackType
from typing import Any

import httpx

from frontline.connectors import http_log
from frontline.connectors.http import ApiClient
from frontline.connectors.slack.address import WebhookAddress, parse_webhook_url
from frontline.connectors.slack.errors import SERVICE, answer_lost, error_code, server_error, status_error
from frontline.errors import FrontlineError, InputError, Unavailable


class _SlackClient(ApiClient):
    """The shared client, reading Slack's plain-text error codes and wording lost answers for a post."""

    def _status_error(self, response: httpx.Response) -> FrontlineError:
        return status_error(response.status_code, self._code(response))

    def _server_error(self, response: httpx.Response, is_read: bool) -> Unavailable:
        if is_read:
            return super()._server_error(response, is_read)
        return server_error(response.status_code, self._code(response))

    def _transport_error(self, exc: httpx.RequestError, *, is_read: bool, never_sent: bool) -> Unavailable:
        if is_read or never_sent:
            return super()._transport_error(exc, is_read=is_read, never_sent=never_sent)
        return answer_lost(http_log.describe_transport_error(exc))

    def _code(self, response: httpx.Response) -> str:
        return error_code(self.clean(response.content[:200].decode("utf-8", "replace"), 100))


class SlackWebhook:
    """One incoming webhook: posts text to the channel it was created for.

    Built by `build_slack_webhook`; its URL is a secret and shows as `.../services/[redacted]`.
    """

    def __init__(self, client: ApiClient, address: WebhookAddress) -> None:
        self._client = client
        self._address = address

    async def post(self, text: str) -> None:
        """Post `text` (Slack `mrkdwn`; Slack cuts it at 40,000 characters) once.

        Raises:
            InputError: `text` is empty; nothing was sent.
            ValidationFailed: Slack refused the payload (400); nothing was posted.
            AuthError: the webhook URL is wrong or was revoked (403 `invalid_token`, 404 `no_service`).
            NotFound: the channel was deleted (404 `channel_not_found`) or archived (410).
            PermissionDenied: an admin restricts posting to the channel (403 `action_prohibited`).
            RateLimited: Slack kept answering 429; `retry_after` says how long to wait.
            NotDelivered: no connection could be made; nothing was posted.
            WriteOutcomeUnknown: the answer was lost or was a 5xx; the post may be in the channel.
            ConfigError: Slack answered with a redirect.
        """
        if not text.strip():
            raise InputError("Nothing to post to Slack: the message is empty.")
        await self._client.request("POST", self._address.path, json={"text": text})

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> SlackWebhook:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"SlackWebhook({self._address.shown})"


def build_slack_webhook(
    url: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    verify: ssl.SSLContext | bool = True,
    **client_options: Any,
) -> SlackWebhook:
    """A webhook client for `url` (`https://hooks.slack.com/services/T…/B…/…`; plain http on loopback only).

    `verify` is the TLS trust; `client_options` go to `ApiClient` (for instance `sleep`, `max_retries`
    and `timeout` in tests).

    Raises:
        ConfigError: not an incoming-webhook URL, or plain http to a host other than loopback.
    """
    address = parse_webhook_url(url)
    client = _SlackClient(
        address.origin,
        service=SERVICE,
        transport=transport,
        verify=verify,
        headers={"Accept": "text/plain, application/json"},
        secrets=address.secrets,
        address_setting="the webhook URL",
        **client_options,
    )
    return SlackWebhook(client, address)

"""Credentials never survive `redact` (header echoes, keyed tokens, every known secret), nor the HTTP
client's error messages built from what a server echoed."""

from __future__ import annotations

import base64
import string
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.connectors import jira, zendesk
from frontline.connectors.http import ApiClient
from frontline.connectors.spec import ErrorParser
from frontline.errors import AuthError, FrontlineError, Unavailable, ValidationFailed
from frontline.redaction import (
    MIN_SECRET_CHARS,
    REDACTED,
    basic_auth_secrets,
    redact,
    redact_headers,
    redact_json,
)

TOKEN = "s3cr3t-T0ken-value"
BASIC = base64.b64encode(f"agent@acme.example/token:{TOKEN}".encode()).decode()


def test_authorization_header_echoes_in_any_syntax() -> None:
    for text in (
        f"Authorization: Basic {BASIC}",
        f'{{"headers": {{"Authorization": "Basic {BASIC}"}}}}',
        f"{{'authorization': 'Bearer {TOKEN}'}}",
        f"proxy-authorization=Bearer {TOKEN}",
    ):
        cleaned = redact(text)
        assert BASIC not in cleaned and TOKEN not in cleaned, cleaned
        assert REDACTED in cleaned


def test_the_scheme_is_kept_so_the_message_still_reads() -> None:
    assert redact(f"Authorization: Basic {BASIC} refused") == f"Authorization: Basic {REDACTED} refused"


def test_bare_basic_and_bearer_values() -> None:
    assert redact(f"sent Basic {BASIC}") == f"sent Basic {REDACTED}"
    assert redact("Bearer 0123456789abcdef") == f"Bearer {REDACTED}"


def test_keyed_tokens_in_queries_json_and_zendesk_basic_pairs() -> None:
    cleaned = redact(
        f"GET /x?access_token={TOKEN}&page=2 "
        f'{{"api_key": "{TOKEN}", "password": "hunter22"}} '
        f"agent@acme.example/token:{TOKEN}"
    )
    assert TOKEN not in cleaned and "hunter22" not in cleaned
    assert "page=2" in cleaned and "agent@acme.example/token:" in cleaned


def test_known_secrets_and_their_url_encoded_forms() -> None:
    secret = "a/b+c=d secret"
    cleaned = redact(f"echo {secret} and a%2Fb%2Bc%3Dd%20secret", [secret])
    assert cleaned == f"echo {REDACTED} and {REDACTED}"


def test_short_secrets_are_not_searched_so_messages_stay_readable() -> None:
    assert redact("the ticket was not found", ["t"]) == "the ticket was not found"
    assert MIN_SECRET_CHARS >= 4


def test_prose_is_left_alone() -> None:
    for text in (
        "Your basic plan does not include this.",
        "Check the token with `frontline login`.",
        "Authorization required",
        "Couldn't authenticate you",
    ):
        assert redact(text) == text


def test_redact_json_walks_keys_and_values() -> None:
    body = {"error": f"bad {TOKEN}", "details": {TOKEN: [f"Authorization: Basic {BASIC}"]}, "n": 3}
    cleaned = redact_json(body, [TOKEN])
    assert TOKEN not in str(cleaned) and BASIC not in str(cleaned)
    assert cleaned["n"] == 3


def test_redact_headers_hides_sensitive_ones_entirely() -> None:
    headers = {"Authorization": "Basic abc", "Cookie": "s=1", "X-Note": f"hi {TOKEN}", "Accept": "json"}
    assert redact_headers(headers, [TOKEN]) == {
        "Authorization": REDACTED,
        "Cookie": REDACTED,
        "X-Note": f"hi {REDACTED}",
        "Accept": "json",
    }


def test_basic_auth_secrets_cover_every_form_a_server_could_echo() -> None:
    forms = basic_auth_secrets("agent@acme.example/token", TOKEN)
    assert TOKEN in forms and BASIC in forms
    assert f"agent@acme.example/token:{TOKEN}" in forms


@settings(max_examples=150, deadline=None, database=None)
@given(
    token=st.text(string.ascii_letters + string.digits + "-_.~+/=", min_size=MIN_SECRET_CHARS, max_size=60),
    before=st.text(max_size=30),
    after=st.text(max_size=30),
)
def test_a_known_secret_never_survives(token: str, before: str, after: str) -> None:
    pair = f"agent@acme.example/token:{token}"
    for echoed in (token, base64.b64encode(pair.encode()).decode(), pair):
        cleaned = redact(before + echoed + after, basic_auth_secrets("agent@acme.example/token", token))
        assert token not in cleaned and echoed not in cleaned


# --- the HTTP client redacts what servers echo ----------------------------------------------------

SECRET = "s3cr3t-token-value"
Answer = Callable[[httpx.Request], httpx.Response]


def client_answering(*answers: Answer, **kwargs: Any) -> ApiClient:
    """A client signed in with Basic auth whose server gives `answers` in turn."""
    queue = list(answers)

    async def no_sleep(seconds: float) -> None:
        return None

    options: dict[str, Any] = {"auth": httpx.BasicAuth("me@acme.example/token", SECRET), **kwargs}
    return ApiClient(
        "https://acme.example.com",
        service="Acme",
        transport=httpx.MockTransport(lambda request: queue.pop(0)(request)),
        sleep=no_sleep,
        **options,
    )


@pytest.mark.parametrize("status", [400, 401, 403, 404, 418, 422])
@pytest.mark.parametrize("parser", [zendesk.parse_error, jira.parse_error, None])
async def test_a_server_echoing_the_authorization_header_never_leaks_it(
    status: int, parser: ErrorParser | None
) -> None:
    basic = base64.b64encode(f"me@acme.example/token:{SECRET}".encode()).decode()

    def echo(request: httpx.Request) -> httpx.Response:
        sent = request.headers["Authorization"]
        body = {
            "error": f"Couldn't authenticate you with Authorization: {sent}",
            "message": f"token={SECRET} user=me@acme.example/token:{SECRET}",
            "details": {sent: [f"{basic} is not valid"]},
        }
        return httpx.Response(status, json=body)

    client = client_answering(echo, parse_error=parser) if parser else client_answering(echo)
    with pytest.raises(FrontlineError) as info:
        await client.get_json("/x")
    shown = f"{info.value} {info.value!r} {getattr(info.value, 'details', '')}"
    assert SECRET not in shown and basic not in shown, shown


async def test_plain_text_echoes_and_reason_phrases_are_redacted_too() -> None:
    client = client_answering(
        lambda r: httpx.Response(401, text=f"Unauthorized\r\nauthorization: Bearer {SECRET}\x1b[2J"),
        lambda r: httpx.Response(500, extensions={"reason_phrase": f"oops {SECRET}".encode()}),
        max_retries=0,
    )
    with pytest.raises(AuthError) as auth:
        await client.get_json("/x")
    assert SECRET not in auth.value.message and "\x1b" not in auth.value.message
    with pytest.raises(Unavailable) as down:
        await client.get_json("/x")
    assert SECRET not in down.value.message


async def test_declared_secrets_are_redacted_even_when_not_sent() -> None:
    client = client_answering(
        lambda r: httpx.Response(422, json={"message": "your refresh token xyz-987654 expired"}),
        auth=None,
        secrets=["xyz-987654"],
    )
    with pytest.raises(ValidationFailed) as info:
        await client.send_json("POST", "/t", {})
    assert "xyz-987654" not in info.value.message and REDACTED in info.value.message

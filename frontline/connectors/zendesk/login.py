"""Signing in to Zendesk with OAuth: the authorization URL (PKCE S256 and state) and reading the redirect.

The command that drives it (browser, loopback listener or pasted address, storing the tokens) is
`frontline.cli.login_oauth`; the code exchange is `TokenEndpoint.exchange_code`. A public client has no
secret, so PKCE is what ties the code to this process: the verifier never leaves it until the exchange.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from authlib.common.security import generate_token  # type: ignore[import-untyped]

from frontline.connectors.loopback import LOOPBACK
from frontline.connectors.oauth import OAuthTokens
from frontline.connectors.zendesk.oauth import AUTHORIZE_PATH, TokenEndpoint
from frontline.errors import AuthError, InputError

__all__ = ["REDIRECT_PATH", "AuthorizationRequest", "read_pasted", "read_redirect", "redirect_uri"]

REDIRECT_PATH = "/callback"
"""The path of the registered redirect URL, `http://127.0.0.1:{redirect_port}/callback`."""

VERIFIER_CHARS = 64
"""Length of the PKCE code verifier (RFC 7636 allows 43 to 128 unreserved characters)."""


def redirect_uri(port: int) -> str:
    """The redirect URL an admin registers on the OAuth client and frontline sends: must match exactly."""
    return f"http://{LOOPBACK}:{port}{REDIRECT_PATH}"


@dataclass(frozen=True)
class AuthorizationRequest:
    """One sign-in attempt: the address to open, and what checks and completes its answer."""

    url: str
    redirect_uri: str
    scope: str
    state: str = field(repr=False)
    code_verifier: str = field(repr=False)

    @classmethod
    def start(cls, endpoint: TokenEndpoint, *, scope: str, port: int) -> AuthorizationRequest:
        """A fresh verifier and state, and Zendesk's authorization URL carrying their challenge."""
        verifier = generate_token(VERIFIER_CHARS)
        uri = redirect_uri(port)
        with endpoint.client(redirect_uri=uri, scope=scope, code_challenge_method="S256") as client:
            url, state = client.create_authorization_url(
                endpoint.base_url + AUTHORIZE_PATH, code_verifier=verifier
            )
        return cls(url=url, redirect_uri=uri, scope=scope, state=state, code_verifier=verifier)

    def code_from(self, query: dict[str, str]) -> str:
        """The authorization code in the redirect's query, once its `state` proves it answers this request.

        Raises:
            AuthError: a missing or different state (refused: it may be forged), a refusal
                (`error=access_denied`) or another error, or no code.
        """
        return read_redirect(query, self.state)

    def exchange(self, endpoint: TokenEndpoint, code: str) -> OAuthTokens:
        """The first token pair for `code`, sent with this request's verifier, redirect URL and scope.

        Raises:
            AuthError, ConfigError, Unavailable, RateLimited, MalformedResponse: see `exchange_code`.
        """
        return endpoint.exchange_code(
            code, code_verifier=self.code_verifier, redirect_uri=self.redirect_uri, scope=self.scope
        )


def read_redirect(query: dict[str, str], state: str) -> str:
    """The code in a redirect's query parameters, checked against the `state` that was sent.

    Raises:
        AuthError: see `AuthorizationRequest.code_from`.
    """
    received = query.get("state", "")
    if not received or not hmac.compare_digest(received.encode(), state.encode()):
        raise AuthError(
            "Refused an answer that does not belong to this sign-in (its state is missing or different): "
            "it may have come from another page. Nothing was stored; run the login again."
        )
    error = query.get("error", "")
    if error == "access_denied":
        raise AuthError("The sign-in was declined in the browser (access_denied); nothing was stored.")
    if error:
        description = " ".join(query.get("error_description", "").split())[:200]
        raise AuthError(
            f"Zendesk did not sign you in ({error}{': ' + description if description else ''}); "
            "nothing was stored."
        )
    code = query.get("code", "")
    if not code:
        raise AuthError("The browser came back without an authorization code; nothing was stored.")
    return code


def read_pasted(text: str, state: str) -> str:
    """The code in a redirect address pasted from the browser's address bar (headless sign-in).

    Raises:
        InputError: not an address with a query (only the code, say: its state could not be checked).
        AuthError: as `read_redirect`.
    """
    pasted = text.strip()
    try:
        query = urlsplit(pasted).query
    except ValueError:
        query = ""
    if not query:
        raise InputError(
            "Paste the whole address the browser went to (it starts with http://127.0.0.1 and holds "
            "`code=` and `state=`), not only the code."
        )
    return read_redirect(dict(parse_qsl(query, keep_blank_values=True)), state)

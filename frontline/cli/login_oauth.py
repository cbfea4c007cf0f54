"""`frontline login PROFILE` for a Zendesk profile with `auth = "oauth"`: sign in in the browser.

The authorization URL is always printed (over SSH it is the only way), then opened with `webbrowser`
when a browser is likely to be there. Zendesk sends the browser back to `http://127.0.0.1:PORT/callback`,
where a one-shot listener takes the code; with `--paste` (no browser on this machine) the person pastes
that address instead. The code, the PKCE verifier and the redirect URL are exchanged for a token set,
kept by `frontline.credentials.set_oauth_tokens`, and checked by asking Zendesk who signed in.
"""

from __future__ import annotations

import asyncio
import os
import sys
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from frontline.cli.common import print_text
from frontline.cli.errors import ExitCode
from frontline.errors import ConfigError, CredentialsError, FrontlineError, InputError

if TYPE_CHECKING:
    import ssl

    from frontline.config import Settings
    from frontline.connectors.oauth import OAuthTokens
    from frontline.connectors.zendesk import ZendeskSettings

WAIT_SECONDS = 300.0
"""How long the listener waits for the browser: time to get through SSO and 2FA."""

API_TOKEN_WARNING = (
    "Zendesk is retiring API tokens: none can be created from 2026-10-27, a token unused for 30 days is "
    'deactivated, and all are deactivated on 2027-04-30. Sign in with OAuth instead: set auth = "oauth" '
    "and client_id in the profile (see the README)."
)
"""Printed before the API-token prompt of a Zendesk profile."""

Opener = Callable[[str], object]
"""Opens an address in a browser (`webbrowser.open`); tests pass one that follows it with httpx."""


def open_browser(url: str) -> object:
    """Open `url` in a browser if one is likely to be there; any failure is ignored (it is printed).

    Over SSH on Linux (no display, no `$BROWSER`) `webbrowser` would start a text browser in this
    terminal, on top of the prompt: skipped.
    """
    graphical = sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if not graphical and not os.environ.get("BROWSER"):
        return False
    try:
        return webbrowser.open(url)
    except Exception:  # a broken $BROWSER or desktop integration: the URL is printed anyway
        return False


def sign_in(
    name: str,
    helpdesk: ZendeskSettings,
    settings: Settings,
    *,
    paste: bool,
    out: TextIO | None,
    stdin: TextIO | None = None,
    opener: Opener | None = None,
    wait_seconds: float = WAIT_SECONDS,
) -> int:
    """Run the browser sign-in for profile `name` and keep its tokens.

    Raises:
        ConfigError: no client_id or base_url, the port is in use, or Zendesk refused the client/scopes.
        AuthError: a wrong state, a refusal in the browser, a refused code, or no answer in time.
        InputError: `--paste` got something that is not the redirect address.
        CredentialsError: the tokens could not be kept.
    """
    from frontline.connectors.loopback import RedirectListener
    from frontline.connectors.tls import verify_option
    from frontline.connectors.zendesk.client import normalise_base_url
    from frontline.connectors.zendesk.login import REDIRECT_PATH, AuthorizationRequest
    from frontline.connectors.zendesk.oauth import TokenEndpoint
    from frontline.credentials import HELPDESK, set_oauth_tokens

    client_id = helpdesk.oauth_client_id(name)
    if not helpdesk.base_url:
        raise ConfigError(
            f"Profile {name!r} has no helpdesk address: set base_url under [profiles.{name}.helpdesk]."
        )
    base_url = normalise_base_url(helpdesk.base_url)
    verify = verify_option(settings.network)
    endpoint = TokenEndpoint(
        base_url, client_id, relogin=f"Run `frontline login {name}` again.", verify=verify
    )
    request = AuthorizationRequest.start(endpoint, scope=helpdesk.scopes, port=helpdesk.redirect_port)
    try:
        if paste:
            code = _pasted_code(request.url, request.state, request.redirect_uri, out, stdin or sys.stdin)
        else:
            with RedirectListener(helpdesk.redirect_port, REDIRECT_PATH, request.code_from) as listener:
                print_text(f"Sign in to Zendesk ({base_url}) in your browser:\n\n  {request.url}\n", out)
                print_text(
                    f"Waiting for the browser to come back to {listener.redirect_uri} "
                    f"({wait_seconds / 60:g} min; Ctrl-C cancels). No browser here? Use --paste.",
                    out,
                )
                (opener or open_browser)(request.url)
                code = listener.wait(wait_seconds)
    except KeyboardInterrupt:
        print_text("\nSign-in cancelled; nothing was stored.", out)
        raise
    tokens = request.exchange(endpoint, code)
    print_text(set_oauth_tokens(name, HELPDESK, tokens), out)
    print_text(_who(base_url, tokens, verify), out)
    print_text(f"For this sign-in, {expiry(tokens)}.", out)
    print_text(f"Check the connection with `frontline doctor --profile {name}`.", out)
    return ExitCode.OK


def _pasted_code(url: str, state: str, redirect_uri: str, out: TextIO | None, stdin: TextIO) -> str:
    print_text(
        "Open this address in a browser on any machine and sign in to Zendesk:\n\n"
        f"  {url}\n\n"
        f"The browser then goes to {redirect_uri}?code=... and shows that it cannot connect: copy that "
        "whole address from the address bar and paste it here.",
        out,
    )
    from frontline.connectors.zendesk.login import read_pasted

    print("Address: ", end="", file=out or sys.stdout, flush=True)
    line = stdin.readline()
    if not line.strip():
        raise InputError("Nothing was pasted; nothing was stored.")
    return read_pasted(line, state)


def _who(base_url: str, tokens: OAuthTokens, verify: ssl.SSLContext | bool) -> str:
    """Who the new token signs in as (`GET /api/v2/users/me`), or why that could not be read."""
    from frontline.connectors.zendesk.client import build_zendesk_adapter

    async def whoami() -> str:
        adapter = build_zendesk_adapter(base_url, "", tokens.access_token, oauth=True, verify=verify)
        try:
            me = await adapter.whoami()
        finally:
            await adapter.aclose()
        return f"Signed in as {me.name}" + (f" <{me.email}>" if me.email else "") + "."

    try:
        return asyncio.run(whoami())
    except FrontlineError as error:
        return f"Signed in, but Zendesk did not say as whom: {error.message.splitlines()[0]}"


def describe_sign_in(name: str, helpdesk: ZendeskSettings) -> str:
    """The kept OAuth sign-in in one line, for `frontline doctor`: client, expiry and scopes.

    Raises:
        ConfigError: no client_id. CredentialsError: not signed in, or the sign-in cannot be read.
    """
    from frontline.credentials import HELPDESK, get_oauth_tokens

    client_id = helpdesk.oauth_client_id(name)
    tokens = get_oauth_tokens(name, HELPDESK)
    if tokens is None:
        raise CredentialsError(
            f"Profile {name!r} is not signed in to Zendesk (OAuth): run `frontline login {name}`."
        )
    return f"helpdesk OAuth sign-in (client {client_id}): {expiry(tokens)}"


def expiry(tokens: OAuthTokens) -> str:
    """When the access token expires, whether it renews itself, and the scopes granted."""
    granted = f"; scopes: {tokens.scope}" if tokens.scope else ""
    if tokens.expires_at is None:
        return f"the access token has no expiry{granted}"
    local = tokens.expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
    renew = " (renewed automatically)" if tokens.refresh_token else " (no refresh token: sign in again then)"
    return f"the access token expires at {local}{renew}{granted}"

"""The console's helpdesk, connected on its first request: the token read once (in a thread) and the
connector built only then, so the first screen paints before either; a missing token still stops it."""

from __future__ import annotations

import asyncio
import base64
import inspect
import threading
from dataclasses import dataclass, field

import httpx
import pytest
from support.fake_helpdesk import FakeHelpdesk

from frontline.bootstrap import open_session
from frontline.config import Settings
from frontline.domain.ports import ConnectionState, Helpdesk
from frontline.errors import AuthError, ConfigError, CredentialsError
from frontline.services.sign_in_first import SignInFirst


@dataclass
class TokenHelpdesk(FakeHelpdesk):
    """A fake that remembers the token it was built with, and the ones given since."""

    token: str = ""
    tokens: list[str] = field(default_factory=list)

    def use_token(self, token: str) -> None:
        self.tokens.append(token)
        self.token = token


@dataclass
class Steps:
    """What the wrapped helpdesk did: adapters built (with their tokens), tokens read, on which thread."""

    built: list[TokenHelpdesk] = field(default_factory=list)
    reads: int = 0
    read_on: list[str] = field(default_factory=list)
    missing: bool = False

    def connect(self, token: str) -> Helpdesk:
        self.built.append(TokenHelpdesk(token=token))
        return self.built[-1]

    def read_token(self) -> str:
        self.reads += 1
        self.read_on.append(threading.current_thread().name)
        if self.missing:
            raise CredentialsError("No token for profile 'acme': run `frontline login acme`.")
        return "real-token"


def wrapped(steps: Steps) -> SignInFirst:
    return SignInFirst(
        steps.connect, steps.read_token, kind="fake", display_name="Fake Helpdesk", stand_in="stand-in"
    )


def test_every_helpdesk_method_signs_in_first() -> None:
    """A method the port gains later must be forwarded here too, or the default would answer instead."""
    port = {name for name, value in vars(Helpdesk).items() if inspect.iscoroutinefunction(value)}
    forwarded = {name for name, value in vars(SignInFirst).items() if inspect.iscoroutinefunction(value)}
    assert port - {"aclose"} <= forwarded
    assert "aclose" in forwarded


async def test_nothing_is_built_or_read_until_the_first_request() -> None:
    steps = Steps()
    helpdesk = wrapped(steps)
    assert (helpdesk.kind, helpdesk.display_name) == ("fake", "Fake Helpdesk")
    assert helpdesk.connection_state is ConnectionState.UNKNOWN
    assert helpdesk.notices() == [] and helpdesk.rate_limit_hits == 0
    assert (steps.built, steps.reads) == ([], 0)

    views = await helpdesk.list_views()

    assert views
    assert steps.reads == 1 and steps.read_on[0] != threading.main_thread().name  # keyring calls block
    assert [adapter.token for adapter in steps.built] == ["real-token"]  # built once, with the real token
    assert helpdesk.signed_in
    await helpdesk.aclose()


async def test_concurrent_first_requests_read_the_token_once() -> None:
    steps = Steps()
    helpdesk = wrapped(steps)
    await asyncio.gather(helpdesk.list_views(), helpdesk.whoami(), helpdesk.view_count("all"))
    assert steps.reads == 1 and len(steps.built) == 1


async def test_asking_its_capabilities_builds_it_with_the_stand_in_then_the_real_token_replaces_it() -> None:
    steps = Steps()
    helpdesk = wrapped(steps)
    assert helpdesk.capabilities.search  # the adapter's own, read before any request
    assert [adapter.token for adapter in steps.built] == ["stand-in"]

    await helpdesk.whoami()

    assert len(steps.built) == 1
    assert steps.built[0].tokens == ["real-token"]  # signed in before the request went out


async def test_a_missing_token_fails_every_request_without_reading_again_until_one_is_given() -> None:
    steps = Steps(missing=True)
    helpdesk = wrapped(steps)
    for _ in range(2):
        with pytest.raises(CredentialsError, match="frontline login acme"):
            await helpdesk.list_views()
    assert steps.reads == 1 and steps.built == []

    helpdesk.use_token("pasted-token")  # signing in again from the console

    assert await helpdesk.list_views()
    assert [adapter.token for adapter in steps.built] == ["pasted-token"]


async def test_a_connector_that_refuses_the_settings_fails_the_sign_in_with_its_message() -> None:
    def refuse(token: str) -> Helpdesk:
        raise ConfigError("The Zendesk base URL is empty.")

    helpdesk = SignInFirst(refuse, lambda: "t", kind="zendesk", display_name="Zendesk", stand_in="s")
    with pytest.raises(ConfigError, match="base URL is empty"):
        await helpdesk.sign_in()


def zendesk_profile(token_env: str = "ACME_TOKEN") -> Settings:
    helpdesk = {
        "auth": "api_token",
        "base_url": "https://acme.zendesk.com",
        "email": "ada@acme.test",
        "token_env": token_env,
    }
    return Settings(profiles={"acme": {"helpdesk": helpdesk}})


async def test_the_console_session_reads_its_token_on_the_first_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={"user": {"id": 7, "name": "Ada", "email": "ada@acme.test"}})

    monkeypatch.delenv("ACME_TOKEN", raising=False)
    session = open_session(
        zendesk_profile(), "acme", transport=httpx.MockTransport(server), sign_in_later=True
    )
    assert session.helpdesk.kind == "zendesk"  # opened without a token: none is read yet

    monkeypatch.setenv("ACME_TOKEN", "env-token")
    me = await session.desk.connect()

    assert me.name == "Ada"
    assert [base64.b64decode(value.split()[1]).decode() for value in seen] == [
        "ada@acme.test/token:env-token"
    ]
    await session.aclose()


async def test_the_console_session_without_a_token_says_how_to_add_one_on_the_first_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ACME_TOKEN", raising=False)
    session = open_session(zendesk_profile(), "acme", sign_in_later=True)
    with pytest.raises(CredentialsError, match="ACME_TOKEN"):
        await session.desk.views()
    await session.aclose()


async def test_an_oauth_console_session_reads_its_kept_sign_in_on_the_first_request() -> None:
    helpdesk = {"auth": "oauth", "client_id": "frontline", "base_url": "https://acme.zendesk.com"}
    session = open_session(Settings(profiles={"acme": {"helpdesk": helpdesk}}), "acme", sign_in_later=True)
    assert session.helpdesk.display_name == "Zendesk"  # opened without reading the keyring
    with pytest.raises(CredentialsError, match="frontline login acme"):
        await session.desk.views()  # nobody signed in: told on the first request
    assert session.renew_token is not None
    with pytest.raises(AuthError, match="browser"):
        session.renew_token("pasted")  # an OAuth profile signs in again with the browser
    await session.aclose()

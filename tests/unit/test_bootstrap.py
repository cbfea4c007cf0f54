"""The composition root: one session per profile, opened lazily, closed in one call."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline.bootstrap import open_session, session_for_helpdesk
from frontline.config import Settings
from frontline.domain.clock import fixed_clock
from frontline.domain.drafts import Draft
from frontline.errors import ConfigError, CredentialsError, StoreError


@dataclass
class ClosingHelpdesk(FakeHelpdesk):
    closed: int = 0

    async def aclose(self) -> None:
        self.closed += 1


def draft(text: str) -> Draft:
    return Draft(profile="test", ticket_id="1000", body=text, public=True, saved_at=FIXED_NOW)


async def test_the_database_is_opened_on_first_use_and_closed_with_the_helpdesk(tmp_path: Path) -> None:
    helpdesk = ClosingHelpdesk()
    data_dir = tmp_path / "data"
    session = session_for_helpdesk(
        helpdesk, profile_name="test", data_dir=data_dir, clock=fixed_clock(FIXED_NOW)
    )
    assert not data_dir.exists(), "building a session must not touch the disk"

    drafts = session.drafts
    assert drafts is not None
    drafts.put(draft("kept"))
    assert session.drafts is drafts
    await session.aclose()

    assert helpdesk.closed == 1
    with pytest.raises(StoreError):
        drafts.put(draft("after close"))  # the SQLite connection was closed
    reopened = session_for_helpdesk(FakeHelpdesk(), profile_name="test", data_dir=data_dir)
    assert reopened.drafts is not None
    saved = reopened.drafts.load("test", "1000")
    assert saved is not None and saved.body == "kept"
    await reopened.aclose()


async def test_an_unusable_database_is_reported_once_and_the_session_still_works(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("in the way", encoding="utf-8")
    session = session_for_helpdesk(FakeHelpdesk(), profile_name="test", data_dir=not_a_dir)

    assert session.drafts is None
    assert isinstance(session.store_error, StoreError)
    assert str(not_a_dir) in session.store_error.message
    assert session.drafts is None
    views = await session.desk.views()
    assert views, "the helpdesk is usable without the local database"
    await session.aclose()


async def test_close_is_safe_twice(tmp_path: Path) -> None:
    helpdesk = ClosingHelpdesk()
    session = session_for_helpdesk(helpdesk, profile_name="test", data_dir=tmp_path)
    assert session.drafts is not None
    await session.aclose()
    await session.aclose()
    assert helpdesk.closed == 2  # connectors' aclose is idempotent; the store is closed only once


def test_a_profile_session_names_its_connector_and_views(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_TOKEN", "secret-token")
    settings = Settings(
        profiles={
            "acme": {
                "helpdesk": {
                    "kind": "jsm",
                    "base_url": "https://acme.atlassian.net",
                    "email": "ada@acme.test",
                    "views": ["1:10", "1:11"],
                    "token_env": "ACME_TOKEN",
                }
            }
        }
    )
    session = open_session(settings, "acme")
    assert session.helpdesk.kind == "jsm"
    assert session.desk.view_ids == ("1:10", "1:11")
    assert session.profile_name == "acme"
    assert "secret-token" not in repr(session)


def test_a_profile_without_an_address_or_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_TOKEN", raising=False)
    no_url = Settings(profiles={"acme": {"helpdesk": {"kind": "zendesk"}}})
    with pytest.raises(ConfigError, match="no helpdesk address"):
        open_session(no_url, "acme")
    no_token = Settings(
        profiles={
            "acme": {
                "helpdesk": {
                    "auth": "api_token",
                    "base_url": "https://acme.zendesk.com",
                    "token_env": "ACME_TOKEN",
                }
            }
        }
    )
    with pytest.raises(CredentialsError):
        open_session(no_token, "acme")


async def test_signing_in_again_keeps_the_token_and_uses_it_on_the_open_connection(
    monkeypatch: pytest.MonkeyPatch, memory_keyring: Any
) -> None:
    seen: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={"user": {"id": 7, "name": "Ada", "email": "ada@acme.test"}})

    monkeypatch.setenv("ACME_TOKEN", "old-token")
    settings = Settings(
        profiles={
            "acme": {
                "helpdesk": {
                    "auth": "api_token",
                    "base_url": "https://acme.zendesk.com",
                    "email": "ada@acme.test",
                    "token_env": "ACME_TOKEN",
                }
            }
        }
    )
    session = open_session(settings, "acme", transport=httpx.MockTransport(server))
    await session.helpdesk.whoami()
    assert session.renew_token is not None

    where = session.renew_token("new-token")

    await session.helpdesk.whoami()
    assert "keyring" in where
    assert memory_keyring.entries[("frontline", "acme:helpdesk")] == "new-token"
    old, new = (base64.b64decode(value.split()[1]).decode() for value in seen)
    assert (old, new) == ("ada@acme.test/token:old-token", "ada@acme.test/token:new-token")
    await session.aclose()

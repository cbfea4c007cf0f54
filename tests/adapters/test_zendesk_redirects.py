"""A Zendesk address that redirects (a vanity domain, an SSO front door) over real HTTP against the sandbox's
`redirects` mode: a configuration error naming where it pointed, credentials never followed there, and
`frontline doctor` failing with the fix."""

from __future__ import annotations

import argparse
import io
import re
from collections.abc import Iterator

import pytest

from frontline import locations
from frontline.cli import doctor
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.errors import ConfigError
from frontline.sandbox.server import SandboxServer


@pytest.fixture(scope="module")
def redirecting() -> Iterator[SandboxServer]:
    with SandboxServer(systems=("zendesk",), modes={"zendesk": "redirects"}) as server:
        yield server


async def _no_sleep(_: float) -> None:
    return None


async def test_a_redirect_is_a_configuration_error_naming_the_target(redirecting: SandboxServer) -> None:
    adapter = build_zendesk_adapter(
        redirecting.urls["zendesk"], redirecting.email, redirecting.token, sleep=_no_sleep
    )
    with pytest.raises(ConfigError, match=re.escape("https://acme.zendesk.com/api/v2/users/me")) as raised:
        await adapter.whoami()
    assert "base_url" in raised.value.message and redirecting.token not in raised.value.message
    await adapter.aclose()
    requests = redirecting.runtime("zendesk").log.select("GET", "/api/v2/users/me*")
    assert len(requests) == 1, "asked once; the redirect is never followed (nor retried)"


def test_doctor_fails_with_the_fix(redirecting: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[profiles.vanity.helpdesk]\nkind = "zendesk"\nauth = "api_token"\n'
        f'base_url = "{redirecting.urls["zendesk"]}"\nemail = "{redirecting.email}"\ntoken_env = "ZD"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ZD", redirecting.token)
    out = io.StringIO()
    code = doctor.run(argparse.Namespace(profile="vanity", all=False), out=out)
    assert code != 0
    assert "[FAIL] helpdesk" in out.getvalue() and "https://acme.zendesk.com" in out.getvalue()

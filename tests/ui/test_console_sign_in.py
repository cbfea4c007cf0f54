"""The console reads its token once the queue has painted: a missing one closes it with the same message
the command line printed when the token was read before the UI started."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from support.apps import make_session
from support.fake_helpdesk import FakeHelpdesk
from support.pilot import settle
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from frontline.cli import main
from frontline.domain.ports import Helpdesk
from frontline.errors import CredentialsError
from frontline.services.sign_in_first import SignInFirst
from frontline.ui.app import FrontlineApp
from frontline.ui.screens.queue import QueueScreen


def console(read_token: object, data_dir: Path) -> tuple[FrontlineApp, list[Helpdesk]]:
    built: list[Helpdesk] = []

    def connect(token: str) -> Helpdesk:
        built.append(FakeHelpdesk())
        return built[-1]

    def read() -> str:
        if isinstance(read_token, Exception):
            raise read_token
        return str(read_token)

    helpdesk = SignInFirst(connect, read, kind="fake", display_name="Fake Helpdesk", stand_in="stand-in")
    return FrontlineApp(make_session(helpdesk, data_dir=data_dir)), built


async def test_the_queue_paints_then_the_helpdesk_signs_in(tmp_path: Path) -> None:
    app, built = console("token", tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert len(built) == 1 and app.startup_error is None
        footer = app.screen.query_one(Footer)  # mounted once the first rows painted, with every key
        assert len(footer.query(FooterKey)) > 3
        queue = app.screen
        assert isinstance(queue, QueueScreen) and queue.sync.views  # loaded through the signed-in helpdesk


async def test_a_missing_token_closes_the_console_and_keeps_the_message(tmp_path: Path) -> None:
    missing = CredentialsError("No token for profile 'test': run `frontline login test`.")
    app, built = console(missing, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(0.5)
    assert app.startup_error is missing
    assert app.return_code == 2
    assert built == []


def test_the_command_line_prints_it_as_it_did_before_the_ui_started(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = CredentialsError("No token for profile 'acme': run `frontline login acme`.")

    def run(self: FrontlineApp) -> None:
        self.startup_error = missing  # what the sign-in after the first paint found

    monkeypatch.setattr(FrontlineApp, "run", run)
    path = Path(os.environ["FRONTLINE_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '[profiles.acme.helpdesk]\nauth = "api_token"\nbase_url = "https://acme.zendesk.com"\n'
        'email = "me@acme.test"\ntoken_env = "ACME_TOKEN"\n',
        encoding="utf-8",
    )
    assert main(["--profile", "acme"]) == 2
    error = capsys.readouterr().err
    assert "frontline login acme" in error
    assert "Traceback" not in error
    assert gc.isenabled()  # paused only while the console starts

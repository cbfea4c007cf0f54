"""`frontline doctor` checks `[keymap]` as the console applies it: every rejected entry is a FAIL with its
fix, and the exit code says something is broken even when the helpdesk answers."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from support.apps import make_session
from support.fake_helpdesk import FakeHelpdesk

from frontline.cli import doctor
from frontline.cli.errors import ExitCode
from frontline.config import Settings
from frontline.credentials import HELPDESK, set_token
from frontline.services.session import Session

PROFILE = """
profile = "acme"

[profiles.acme.helpdesk]
kind = "zendesk"
base_url = "https://acme.zendesk.com"
auth = "api_token"
email = "me@acme.test"
"""


def write_config(keymap: str) -> Path:
    path = Path(os.environ["FRONTLINE_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PROFILE + "\n[keymap]\n" + keymap, encoding="utf-8")
    set_token("acme", HELPDESK, "t0ken", kind="zendesk")
    return path


def fake_session(settings: Settings, name: str) -> Session:
    return make_session(FakeHelpdesk(), settings=settings)


def run_doctor() -> tuple[int, str]:
    out = io.StringIO()
    code = doctor.run(argparse.Namespace(profile=None, all=False), session_factory=fake_session, out=out)
    return code, out.getvalue()


def test_a_clean_keymap_passes_and_the_helpdesk_is_checked() -> None:
    write_config('"queue.refresh" = "f5,R"\n"ticket.reply" = "f2"\n')
    code, out = run_doctor()
    assert code == ExitCode.OK, out
    assert "[ ok ] keymap" in out and "2 entries apply" in out
    assert "[FAIL]" not in out


def test_every_rejected_entry_fails_with_its_fix_and_the_exit_code_is_non_zero() -> None:
    path = write_config(
        '"ticket.repyl" = "a"\n"queue.down" = "ctrl+shift+banana"\n'
        '"ticket.next" = "n"\n"queue.filter" = "f"\n'
    )
    code, out = run_doctor()
    assert code == ExitCode.CONFIG, out
    fails = [line for line in out.splitlines() if line.startswith("[FAIL] keymap")]
    assert len(fails) == 3, out
    assert any("'ticket.repyl'" in line and "ticket.reply" in line for line in fails)
    assert any("'ctrl+shift+banana'" in line and "not a key" in line for line in fails)
    assert any("'ticket.next'" in line and "ticket.note" in line for line in fails)
    assert str(path) in out and "default keys" in out
    assert "signed in as" in out, "the rest of the checklist still runs"


def test_doctor_does_not_import_textual_until_it_checks_a_keymap() -> None:
    import subprocess

    probe = "import sys, frontline.cli.doctor; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

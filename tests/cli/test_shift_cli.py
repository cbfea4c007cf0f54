"""`frontline shift start|end|status|note` and the journal line `show` records, over HTTP on the sandbox's
Zendesk with the profile's config file, keyring and local database."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from support.sandbox_control import SleepRecorder

from frontline import locations
from frontline.bootstrap import Session, open_session
from frontline.cli import build_parser
from frontline.cli.errors import ExitCode
from frontline.config import Settings
from frontline.connectors.http import ApiClient
from frontline.credentials import set_token
from frontline.errors import StoreError
from frontline.sandbox.server import SandboxServer
from frontline.services.journal import ShiftLog

PROFILE = "acme"
TICKET = "7"
START = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves on."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def acme(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> SandboxServer:
    """Profile `acme` on the sandbox's Zendesk and `offline` on a loopback port nobody listens on (its
    retries recorded, not waited for)."""
    defaults = ApiClient.__init__.__kwdefaults__
    assert defaults is not None
    monkeypatch.setitem(defaults, "sleep", SleepRecorder())
    if "zendesk" not in sandbox.urls:
        pytest.skip(sandbox.skipped.get("zendesk", "the sandbox serves no zendesk"))
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""
profile = "{PROFILE}"

[profiles.{PROFILE}.helpdesk]
kind = "zendesk"
auth = "api_token"
base_url = "{sandbox.urls["zendesk"]}"
email = "{sandbox.email}"

[profiles.offline.helpdesk]
kind = "zendesk"
auth = "api_token"
base_url = "http://127.0.0.1:{closed_port()}"
email = "{sandbox.email}"
""",
        encoding="utf-8",
    )
    for profile in (PROFILE, "offline"):
        set_token(profile, "helpdesk", sandbox.token, kind="zendesk")
    return sandbox


def runner(clock: Callable[[], datetime] | None = None) -> Callable[..., tuple[int, str, str]]:
    """Runs `frontline ARGV` on the profile's real session (on `clock` when given)."""

    def factory(settings: Settings, name: str) -> Session:
        return (
            open_session(settings, name, clock=clock) if clock is not None else open_session(settings, name)
        )

    def cli(*argv: str) -> tuple[int, str, str]:
        args = build_parser().parse_args(argv)
        out, err = io.StringIO(), io.StringIO()
        code = args.handler(args, session_factory=factory, out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    return cli


def status_json(cli: Callable[..., tuple[int, str, str]], *options: str) -> dict[str, Any]:
    code, out, err = cli("shift", "status", "--json", *options)
    assert code == ExitCode.OK, err
    return dict(json.loads(out))


def test_start_status_end(acme: SandboxServer) -> None:
    clock = Clock(START)
    cli = runner(clock)
    assert status_json(cli) == {"shift": None, "lines": []}

    code, out, err = cli("shift", "start")

    assert code == ExitCode.OK, err
    assert out.startswith("Started a shift at ") and acme.email in out  # named through the helpdesk
    clock.now += timedelta(minutes=30)
    code, out, _ = cli("shift", "start", "--profile", PROFILE)
    assert code == ExitCode.OK
    assert out.startswith("A shift is already running since ") and "(30m ago)" in out

    clock.now += timedelta(minutes=60)
    assert cli("show", TICKET)[0] == ExitCode.OK
    clock.now += timedelta(minutes=5)

    status = status_json(cli)

    shift = status["shift"]
    assert list(shift) == ["id", "started_at", "ended_at", "engineer", "started_by"]
    assert (shift["started_at"], shift["ended_at"], shift["started_by"]) == (
        START.isoformat(),
        None,
        "command",
    )
    assert acme.email in shift["engineer"]
    [line] = status["lines"]
    assert list(line) == ["at", "kind", "ticket", "subject", "what"]
    at = (START + timedelta(minutes=90)).isoformat()
    assert (line["at"], line["kind"], line["ticket"], line["what"]) == (at, "opened", TICKET, "opened")
    assert line["subject"]

    code, out, _ = cli("shift", "status")
    assert code == ExitCode.OK
    head, counts, journal = out.splitlines()
    assert head.startswith("Shift running since ") and "(1h35m ago)" in head
    assert counts == "1 ticket, 0 actions."
    assert f"#{TICKET}" in journal and journal.endswith("opened")

    code, out, _ = cli("shift", "end")
    assert code == ExitCode.OK
    assert out.startswith("Ended the shift started at ") and "(1h35m)" in out
    assert status_json(cli)["shift"]["ended_at"] == (START + timedelta(minutes=95)).isoformat()
    assert cli("shift", "end") == (ExitCode.OK, "No shift running.\n", "")


def test_status_reads_no_helpdesk(acme: SandboxServer) -> None:
    cli = runner()
    assert status_json(cli, "--profile", "offline") == {"shift": None, "lines": []}
    assert cli("shift", "status", "--profile", "offline")[1].startswith("No shift yet")


def test_start_offline_starts_without_a_name(acme: SandboxServer) -> None:
    cli = runner()
    code, out, err = cli("shift", "start", "--profile", "offline")
    assert code == ExitCode.OK, err
    assert out.startswith("Started a shift at ") and "engineer" not in out
    assert status_json(cli, "--profile", "offline")["shift"]["engineer"] == ""


def test_note_keeps_the_subject_and_the_post_is_an_internal_note(acme: SandboxServer) -> None:
    cli = runner()
    code, out, err = cli("shift", "note", TICKET, "Refund approved, waiting on finance", "--post")

    assert code == ExitCode.OK, err
    assert "Kept a handoff note on" in out and "Posted it as an internal note" in out
    [note] = [line for line in status_json(cli)["lines"] if line["kind"] == "note"]
    assert note["ticket"] == TICKET and note["subject"]
    assert note["what"] == "handoff note: Refund approved, waiting on finance"
    code, out, _ = cli("show", TICKET, "--json")
    posted = [c for c in json.loads(out)["comments"] if "Refund approved" in c["body"]]
    assert [(c["public"], c["body"]) for c in posted] == [
        (False, "Handoff note: Refund approved, waiting on finance")
    ]


def test_a_note_offline_is_kept_with_its_subject_unknown(acme: SandboxServer) -> None:
    cli = runner()
    code, out, err = cli("shift", "note", "--profile", "offline", TICKET, "check the logs")

    assert code == ExitCode.OK
    assert "subject unknown" in out
    assert err.startswith("warning: could not read ticket 7") and err.count("\n") == 1
    [note] = status_json(cli, "--profile", "offline")["lines"]
    assert (note["kind"], note["ticket"], note["subject"]) == ("note", TICKET, "")


def test_a_note_on_no_such_ticket_is_refused(acme: SandboxServer) -> None:
    cli = runner()
    code, out, err = cli("shift", "note", "99999999", "typo")
    assert (code, out) == (ExitCode.HELPDESK, "")
    assert err.startswith("frontline: Not found")
    assert status_json(cli)["lines"] == []


def test_an_empty_note_is_refused(acme: SandboxServer) -> None:
    code, _, err = runner()("shift", "note", TICKET, "   ")
    assert code == ExitCode.CONFIG and "empty" in err


def test_show_survives_a_journal_failure(acme: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: ShiftLog, ticket: object) -> None:
        raise StoreError("The local database is locked.\nClose the other frontline.")

    monkeypatch.setattr(ShiftLog, "opened", broken)
    code, out, err = runner()("show", TICKET, "--json")

    assert code == ExitCode.OK
    assert json.loads(out)["ticket"]["id"] == TICKET
    assert err == "warning: not recorded in the shift journal: The local database is locked.\n"

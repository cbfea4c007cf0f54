"""The scriptable CLI: queue/show/reply/login/doctor, their JSON, their messages and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import keyring
import pytest
from keyring.backends import fail
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk

from frontline import locations
from frontline.bootstrap import Session, open_session, session_for_helpdesk
from frontline.cli import build_parser, reply
from frontline.config import Settings
from frontline.domain.models import Comment, Status, Ticket, TicketUpdate
from frontline.domain.presentation import cell_width
from frontline.errors import PartiallyApplied, Unavailable, WriteOutcomeUnknown

CONFIG = """
[profiles.acme.helpdesk]
kind = "zendesk"
auth = "api_token"
base_url = "https://acme.zendesk.test"
email = "ada@acme.test"
token_env = "ZENDESK_TOKEN"
views = ["360002", "360001"]
"""

TICKET_KEYS = [
    "id", "key", "subject", "status", "status_label", "priority", "requester", "assignee", "organization",
    "tags", "sla_due_at", "sla_paused", "created_at", "updated_at", "url", "linked_bug", "linked_bugs",
]  # fmt: skip


class MemoryKeyring(Protocol):
    """The shape of tests/conftest.py's `memory_keyring` fixture (not imported: several conftest modules)."""

    entries: dict[tuple[str, str], str]


@pytest.fixture
def config() -> Path:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def helpdesk(config: Path) -> FakeHelpdesk:
    return FakeHelpdesk(ticket_count=12)


def factory_for(helpdesk: FakeHelpdesk) -> Callable[[Settings, str], Session]:
    return lambda settings, name: session_for_helpdesk(helpdesk, profile_name=name, clock=lambda: FIXED_NOW)


def run(helpdesk: FakeHelpdesk | None, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Parse like `frontline` does, then call the handler with the fake desk; returns (code, out, err)."""
    args = build_parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    kwargs: dict[str, object] = {"out": out, "err": err}
    if helpdesk is not None:
        kwargs["session_factory"] = factory_for(helpdesk)
    if args.handler is reply.run:
        kwargs["stdin"] = io.StringIO(stdin)
    code = args.handler(args, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_queue_json_has_the_documented_shape(helpdesk: FakeHelpdesk) -> None:
    code, out, err = run(helpdesk, "queue", "--json")

    assert (code, err) == (0, "")
    payload = json.loads(out)
    assert payload["view"] == {"id": "all", "title": "All unsolved"}
    assert len(payload["tickets"]) == 12
    first = payload["tickets"][0]
    assert list(first) == TICKET_KEYS
    assert first["requester"].keys() == {"id", "name", "email"}
    assert first["status"] in {s.value for s in Status}
    assert "\x1b" not in out  # escape characters are JSON-escaped


def test_queue_by_view_id_title_and_limit(helpdesk: FakeHelpdesk) -> None:
    _, by_id, _ = run(helpdesk, "queue", "--view", "urgent", "--json")
    _, by_title, _ = run(helpdesk, "--profile", "acme", "queue", "--view", "urgent & HIGH", "--json")
    _, limited, _ = run(helpdesk, "queue", "--limit", "2", "--json")

    assert json.loads(by_id) == json.loads(by_title)
    assert {t["priority"] for t in json.loads(by_id)["tickets"]} <= {"urgent", "high"}
    assert len(json.loads(limited)["tickets"]) == 2


def test_queue_human_output_is_aligned_and_clean(helpdesk: FakeHelpdesk) -> None:
    code, out, _ = run(helpdesk, "queue")

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "All unsolved (all): 12 tickets"
    assert lines[1].split() == ["TICKET", "PRIORITY", "STATUS", "SLA", "UPDATED", "REQUESTER", "SUBJECT"]
    subject_column = cell_width(lines[1][: lines[1].index("SUBJECT")])
    for line in lines[2:]:
        prefix = ""
        for char in line:
            if cell_width(prefix) >= subject_column:
                break
            prefix += char
        assert cell_width(prefix) == subject_column, line
        assert prefix.endswith("  ") and not line[len(prefix)].isspace(), line
    assert "\x1b" not in out
    assert "[bold red]URGENT[/] red please help" in out  # shown literally, escapes stripped
    assert "李雷" in out


def test_unknown_view_lists_the_views(helpdesk: FakeHelpdesk) -> None:
    code, out, err = run(helpdesk, "queue", "--view", "nope")

    assert (code, out) == (1, "")
    assert err.startswith("frontline: Not found")
    assert "urgent (Urgent & high)" in err


def test_show_json_and_text(helpdesk: FakeHelpdesk) -> None:
    code, out, _ = run(helpdesk, "show", "1004", "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["ticket"]["id"] == "1004"
    assert [c["public"] for c in payload["comments"]] == [True, False]
    assert list(payload["comments"][0]) == [
        "id", "author", "public", "created_at", "body", "attachments", "warnings",
    ]  # fmt: skip

    code, text, _ = run(helpdesk, "show", "1004")
    assert code == 0
    assert text.splitlines()[0] == "#1004  [bold red]URGENT[/] red please help"
    assert "· customer ·" in text  # the requester's own message is not "a public reply"
    assert "· INTERNAL NOTE ·" in text
    assert "  ┃ Checked the logs" in text
    assert "\x1b" not in text


def test_show_missing_ticket_is_exit_1(helpdesk: FakeHelpdesk) -> None:
    code, out, err = run(helpdesk, "show", "999")
    assert (code, out) == (1, "")
    assert "No ticket 999" in err
    assert "Traceback" not in err


def test_reply_public_with_status_from_file(helpdesk: FakeHelpdesk, tmp_path: Path) -> None:
    body = tmp_path / "reply.txt"
    body.write_text("Fixed in 4.2, thanks!\n")

    code, out, err = run(
        helpdesk, "reply", "1001", "--public", "--status", "solved", "--body-file", str(body)
    )

    assert (code, err) == (0, "")
    assert out.strip() == "Added a public reply to #1001; status is now solved."
    ticket_id, update = helpdesk.updates[-1]
    assert ticket_id == "1001"
    assert update.comment is not None
    assert (update.comment.body, update.comment.public) == ("Fixed in 4.2, thanks!", True)
    assert update.status is Status.SOLVED
    assert update.revision is not None
    assert update.revision == helpdesk.tickets["1001"].revision


def test_reply_internal_note_from_stdin_as_json(helpdesk: FakeHelpdesk) -> None:
    code, out, _ = run(
        helpdesk, "reply", "1002", "-", "--internal", "--status", "on-hold", "--json", stdin="note"
    )

    assert code == 0
    payload = json.loads(out)
    assert payload["comment"] == {"public": False}
    assert payload["ticket"]["status"] == "hold"
    assert helpdesk.updates[-1][1].comment.public is False  # type: ignore[union-attr]


def test_reply_without_text_is_a_usage_error(helpdesk: FakeHelpdesk) -> None:
    code, _, err = run(helpdesk, "reply", "1001", "--public", "--body-file", "/nonexistent/reply.txt")
    assert code == 2
    assert "Cannot read /nonexistent/reply.txt" in err
    code, _, err = run(helpdesk, "reply", "1001", "-", "--public", stdin="  \n")
    assert code == 2
    assert "empty" in err
    assert helpdesk.updates == []


def test_reply_conflict_is_exit_1_and_says_so(helpdesk: FakeHelpdesk) -> None:
    helpdesk.conflict_next_update = True
    code, _, err = run(helpdesk, "reply", "1001", "--public", stdin="hi")  # piped stdin
    assert code == 1
    assert "frontline: Changed by someone else" in err


def test_reply_needs_public_or_internal() -> None:
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["reply", "1001", "-"])
    assert caught.value.code == 2


def test_no_profile_is_exit_2_with_next_steps() -> None:
    code, _, err = run(FakeHelpdesk(ticket_count=1), "queue")
    assert code == 2
    assert "No profile selected" in err
    assert "frontline demo" in err


def test_missing_token_with_the_real_session_factory(config: Path) -> None:
    code, _, err = run(None, "queue")
    assert code == 2
    assert "frontline: Missing credentials" in err
    assert "frontline login acme" in err
    assert "export ZENDESK_TOKEN=" in err


def test_open_session_uses_env_token_and_profile_views(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_TOKEN", "env-token")
    from frontline.config import load_settings

    session = open_session(load_settings(), "acme")

    assert session.desk.profile_name == "acme"
    assert session.helpdesk.kind == "zendesk"
    assert session.desk.view_ids == ("360002", "360001")


def test_login_stores_the_token(
    config: Path, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or "tok-123")

    code, out, _ = run(None, "login", "acme")

    assert code == 0
    assert memory_keyring.entries[("frontline", "acme:helpdesk")] == "tok-123"
    assert "frontline/acme:helpdesk" in out
    assert "tok-123" not in out + prompts[0]
    assert "ada@acme.test at https://acme.zendesk.test" in prompts[0]

    code, out, _ = run(None, "login", "acme", "--delete")
    assert code == 0
    assert memory_keyring.entries == {}


def test_login_without_keyring_keeps_the_token_in_the_user_only_file(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr("getpass.getpass", lambda prompt: "tok-456")

    code, out, err = run(None, "login", "--profile", "acme")

    assert code == 0, err
    secrets = locations.data_dir() / "secrets.json"
    assert f"Stored in {secrets}" in out and "readable only by you (no keyring backend" in out
    assert "tok-456" not in out + err
    assert json.loads(secrets.read_text(encoding="utf-8")) == {"acme:helpdesk": "tok-456"}


def test_login_unknown_system_and_profile(config: Path) -> None:
    assert run(None, "login", "acme", "--system", "jira")[0] == 2
    code, _, err = run(None, "login", "globex")
    assert code == 2
    assert "no profile named 'globex'" in err


def test_doctor_all_good(helpdesk: FakeHelpdesk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_TOKEN", "env-token")
    code, out, _ = run(helpdesk, "doctor")

    assert code == 0
    lines = out.splitlines()
    assert [line[:6] for line in lines] == ["[ ok ]"] * 5
    assert "from $ZENDESK_TOKEN" in out
    assert "env-token" not in out
    assert "signed in as Ada Agent <ada@example.com>" in out
    assert "3: All unsolved, Your tickets, Urgent & high" in out


def test_doctor_reports_missing_credentials(helpdesk: FakeHelpdesk) -> None:
    code, out, _ = run(helpdesk, "doctor")
    assert code == 2
    assert "[FAIL] credentials" in out
    assert "frontline login acme" in out


def test_doctor_reports_bad_config(config: Path) -> None:
    config.write_text("[ui]\nbell = 3\n")
    code, out, _ = run(None, "doctor")
    assert code == 2
    assert out.startswith("[FAIL] config")


SANDBOX_MISSING = "the sandbox server has not landed"


@pytest.fixture(scope="module")
def sandbox() -> object:
    server_module = pytest.importorskip("frontline.sandbox.server", reason=SANDBOX_MISSING)
    server = server_module.SandboxServer(seed=3, tickets=40, systems=("zendesk",))
    if "zendesk" in server.skipped:
        pytest.skip(server.skipped["zendesk"])
    server.start()
    yield server
    server.stop()


def frontline_cli(
    *argv: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "frontline", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )


def test_cli_against_the_sandbox(sandbox: object, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.sb.helpdesk]\nkind = "zendesk"\nauth = "api_token"\n'
        f'base_url = "{sandbox.urls["zendesk"]}"\n'  # type: ignore[attr-defined]
        f'email = "{sandbox.email}"\ntoken_env = "SANDBOX_TOKEN"\n'  # type: ignore[attr-defined]
    )
    env = {
        "FRONTLINE_CONFIG": str(config),
        "SANDBOX_TOKEN": sandbox.token,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }  # type: ignore[attr-defined]

    queue = frontline_cli("queue", "--json", env=env)
    assert queue.returncode == 0, queue.stderr
    tickets = json.loads(queue.stdout)["tickets"]
    assert tickets and list(tickets[0]) == TICKET_KEYS

    ticket_id = tickets[0]["id"]
    reply = frontline_cli("reply", ticket_id, "--internal", "-", "--json", env=env, stdin="Looking into it.")
    assert reply.returncode == 0, reply.stderr

    shown = frontline_cli("show", ticket_id, "--json", env=env)
    comments = json.loads(shown.stdout)["comments"]
    assert comments[-1]["body"] == "Looking into it."
    assert comments[-1]["public"] is False

    doctor = frontline_cli("doctor", env=env)
    assert doctor.returncode == 0, doctor.stdout
    assert "keyring skipped: no keyring backend" in doctor.stdout

    bad_token = frontline_cli("queue", env={**env, "SANDBOX_TOKEN": "wrong"})
    assert bad_token.returncode == 1
    assert "Traceback" not in bad_token.stderr
    assert "wrong" not in bad_token.stderr


def test_cli_output_into_a_closed_pipe_is_quiet(sandbox: object, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[profiles.sb.helpdesk]\nkind = "zendesk"\nauth = "api_token"\n'
        f'base_url = "{sandbox.urls["zendesk"]}"\n'  # type: ignore[attr-defined]
        f'email = "{sandbox.email}"\ntoken_env = "SANDBOX_TOKEN"\n'  # type: ignore[attr-defined]
    )
    env = {**os.environ, "FRONTLINE_CONFIG": str(config), "SANDBOX_TOKEN": sandbox.token}  # type: ignore[attr-defined]
    huge_ticket = "33"  # the sandbox's ~1 MB log body: far more than a pipe buffer
    command = f"{sys.executable} -m frontline show {huge_ticket} --json | head -c 10"
    result = subprocess.run(
        command, shell=True, capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.stdout.startswith("{")
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


@dataclass
class CommentThenRefusesStatus(FakeHelpdesk):
    """Posts the comment, then the workflow refuses the status (as JSM reports it)."""

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        await super().update_ticket(ticket_id, TicketUpdate(comment=update.comment))
        raise PartiallyApplied(
            "the reply went through, but the status solved did not",
            applied=("reply",),
            not_applied=("status solved",),
        )


@dataclass
class LosesAnswersWhileFlaky(FakeHelpdesk):
    """While `flaky`: a write lands, its answer is lost, and the ticket cannot be read back after it."""

    flaky: bool = True
    wrote: bool = False

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        ticket = await super().update_ticket(ticket_id, update)
        if self.flaky:
            self.wrote = True
            raise WriteOutcomeUnknown("The connection dropped after sending.")
        return ticket

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        if self.flaky and self.wrote:
            raise Unavailable("Still offline.")
        return await super().list_comments(ticket_id)


def test_reply_exit_codes_tell_partly_sent_from_unknown(config: Path) -> None:
    code, _, err = run(
        CommentThenRefusesStatus(ticket_count=3),
        "reply",
        "1000",
        "--public",
        "--status",
        "solved",
        stdin="Shipped.",
    )
    assert code == 3 and "did not" in err

    helpdesk = LosesAnswersWhileFlaky(ticket_count=3)
    code, _, err = run(helpdesk, "reply", "1000", "--public", stdin="Shipped.")
    assert code == 4 and "do not send it again" in err

    helpdesk.flaky = False  # reachable again: the next write first settles the one in doubt
    code, _, err = run(helpdesk, "reply", "1000", "--internal", stdin="Checked.")
    assert (code, err) == (0, "")
    assert sum(1 for c in helpdesk.comments["1000"] if c.body == "Shipped.") == 1

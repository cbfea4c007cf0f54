"""`frontline handoff` and `login --handoff` over HTTP on the sandbox's Zendesk and Slack, with the real
connectors, the profile's config file, the keyring and the local database: as a person runs them."""

from __future__ import annotations

import io
import json
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest

from frontline import locations
from frontline.bootstrap import open_session
from frontline.cli import build_parser, login, reply
from frontline.cli.errors import ExitCode
from frontline.cli.handoff import parse_since
from frontline.credentials import set_token
from frontline.errors import InputError
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.slack import webhook_path

PROFILE = "acme"
TICKET = "7"
DESK_TICKET = "8"
"""The ticket the `desk` destination collects handoffs on."""


class MemoryKeyring(Protocol):
    entries: dict[tuple[str, str], str]


def write_config(server: SandboxServer) -> None:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""
[profiles.{PROFILE}.helpdesk]
kind = "zendesk"
auth = "api_token"
base_url = "{server.urls["zendesk"]}"
email = "{server.email}"

[[profiles.{PROFILE}.handoff.destinations]]
name = "team"
kind = "slack"

[[profiles.{PROFILE}.handoff.destinations]]
name = "desk"
kind = "helpdesk"
ticket = "{DESK_TICKET}"
""",
        encoding="utf-8",
    )


def cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Parse like `frontline` does and run the handler on the profile's real session."""
    args = build_parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    kwargs: dict[str, Any] = {"out": out, "err": err}
    if args.handler is not login.run:
        kwargs["session_factory"] = open_session
    if args.handler is reply.run:
        kwargs["stdin"] = io.StringIO(stdin)
    code = args.handler(args, **kwargs)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def acme(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> SandboxServer:
    """Profile `acme` on the sandbox, its helpdesk token and (through `login --handoff`) Slack URL stored."""
    for system in ("zendesk", "slack"):
        if system not in sandbox.urls:
            pytest.skip(sandbox.skipped.get(system, f"the sandbox serves no {system}"))
    write_config(sandbox)
    set_token(PROFILE, "helpdesk", sandbox.token, kind="zendesk")
    url = sandbox.urls["slack"] + webhook_path(sandbox.token)
    monkeypatch.setattr("getpass.getpass", lambda prompt: url)
    code, out, err = cli("login", PROFILE, "--handoff", "team")
    assert code == ExitCode.OK, err
    assert url not in out
    return sandbox


@pytest.fixture
def slack(acme: SandboxServer) -> Iterator[httpx.Client]:
    """The sandbox Slack's control routes."""
    with httpx.Client(base_url=f"{acme.urls['slack']}/__sandbox__", timeout=10) as client:
        yield client


def posts(slack: httpx.Client) -> list[dict[str, Any]]:
    answer = slack.get("/slack/posts")
    answer.raise_for_status()
    return list(answer.json())


def handoff_json(*options: str) -> dict[str, Any]:
    code, out, err = cli("handoff", "--format", "json", "--no-views", *options)
    assert code == ExitCode.OK, err
    return dict(json.loads(out))  # stdout is the document alone


def comments_on(server: SandboxServer, ticket: str, text: str) -> list[dict[str, Any]]:
    """The ticket's comments holding `text`, as the sandbox has them (read in process: a `show` would be
    an action of a new shift)."""
    from frontline.sandbox.zendesk import ZendeskSystem

    system = server.system("zendesk")
    assert isinstance(system, ZendeskSystem)
    stored = system.store.comments(system.store.ticket(int(ticket)))
    return [dict(c) for c in stored if text in c["body"]]


def test_a_note_is_in_the_handoff_json(acme: SandboxServer) -> None:
    code, out, err = cli("shift", "note", TICKET, "Customer", "calls", "back", "at", "3pm")
    assert code == ExitCode.OK, err
    assert "Kept a handoff note on" in out

    handoff = handoff_json()

    [note] = handoff["notes"]
    assert note["id"] == TICKET
    assert note["text"] == "Customer calls back at 3pm"
    assert note["subject"] and note["status"] and note["url"]
    assert {"id", "subject", "status", "url", "text"} <= set(note)


def test_a_reply_counts_as_replied(acme: SandboxServer) -> None:
    code, _, err = cli("reply", TICKET, "--public", "--body-file", "-", stdin="We are on it.")
    assert code == ExitCode.OK, err

    counts = handoff_json()["counts"]

    assert counts["replied"] == 1
    assert counts["touched"] == 1


def test_markdown_goes_to_stdout_alone(acme: SandboxServer) -> None:
    cli("show", TICKET)
    code, out, err = cli("handoff", "--no-views")
    assert code == ExitCode.OK, err
    assert out.startswith("# ") and out.endswith("\n") and not out.endswith("\n\n")


def test_out_writes_an_owner_only_file_and_nothing_to_stdout(acme: SandboxServer, tmp_path: Path) -> None:
    cli("show", TICKET)
    target = tmp_path / "out" / "handoff.md"
    target.parent.mkdir()
    target.write_text("an older handoff", encoding="utf-8")

    code, out, err = cli("handoff", "--no-views", "--out", str(target))

    assert (code, out) == (ExitCode.OK, ""), err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert [p.name for p in target.parent.iterdir()] == ["handoff.md"]  # no temporary file left


def test_since_takes_a_span_and_refuses_junk(acme: SandboxServer) -> None:
    cli("show", TICKET)
    assert handoff_json("--since", "2h")["counts"]["touched"] == 1

    code, out, err = cli("handoff", "--since", "last tuesday-ish")

    assert (code, out) == (ExitCode.CONFIG, "")
    assert "--since" in err and "8h" in err


def test_publish_to_slack_posts_once(acme: SandboxServer, slack: httpx.Client) -> None:
    cli("show", TICKET)

    code, out, err = cli("handoff", "--no-views", "--publish", "team")

    assert code == ExitCode.OK, err
    assert out.startswith("Published the handoff to team") and out.count("\n") == 1
    assert len(posts(slack)) == 1

    code, out, err = cli("handoff", "--no-views", "--publish", "team")

    assert code == ExitCode.OK, err
    assert "Already published to team" in out
    assert len(posts(slack)) == 1


def test_a_lost_slack_answer_is_never_posted_again_unless_asked(
    acme: SandboxServer, slack: httpx.Client
) -> None:
    cli("show", TICKET)
    slack.post("/faults", json={"spec": "drop_after_commit:count=1:method=POST"}).raise_for_status()

    code, out, err = cli("handoff", "--no-views", "--publish", "team")

    assert (code, out) == (ExitCode.UNKNOWN, "")
    assert "--again" in err
    assert len(posts(slack)) == 1

    code, out, err = cli("handoff", "--no-views", "--publish", "team")

    assert (code, out) == (ExitCode.UNKNOWN, "")
    assert len(posts(slack)) == 1

    code, out, err = cli("handoff", "--no-views", "--publish", "team", "--again")

    assert code == ExitCode.OK, err
    assert out.startswith("Published the handoff to team")
    assert len(posts(slack)) == 2


def test_publish_to_a_ticket_adds_one_internal_note(acme: SandboxServer) -> None:
    cli("show", TICKET)
    before = len(comments_on(acme, DESK_TICKET, "frontline handoff ref"))

    code, out, err = cli("handoff", "--no-views", "--publish", "desk")

    assert code == ExitCode.OK, err
    assert out.startswith("Published the handoff to desk")
    [note] = comments_on(acme, DESK_TICKET, "frontline handoff ref")[before:]
    assert note["public"] is False

    code, out, err = cli("handoff", "--no-views", "--publish", "desk")

    assert code == ExitCode.OK, err
    assert "Already published to desk" in out
    assert len(comments_on(acme, DESK_TICKET, "frontline handoff ref")) == before + 1


def test_publish_refuses_a_span_unknown_names_and_a_lone_again(acme: SandboxServer) -> None:
    cli("show", TICKET)
    for options in (("--publish", "team", "--since", "2h"), ("--publish", "nowhere"), ("--again",)):
        code, out, err = cli("handoff", "--no-views", *options)
        assert (code, out) == (ExitCode.CONFIG, ""), options
        assert err.startswith("frontline: ")


def test_nothing_to_hand_off_yet(acme: SandboxServer) -> None:
    code, out, err = cli("handoff")
    assert (code, out) == (ExitCode.CONFIG, "")
    assert "frontline shift start" in err


def test_login_handoff_refuses_plain_http_off_loopback(
    acme: SandboxServer, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "T0ABC/B0DEF/not-to-be-shown"
    monkeypatch.setattr("getpass.getpass", lambda prompt: f"http://hooks.example.com/services/{secret}")
    code, out, err = cli("login", PROFILE, "--handoff", "team")

    assert (code, out) == (ExitCode.CONFIG, "")
    assert "https" in err and "not-to-be-shown" not in err
    # The fixture's loopback URL is still the stored one.
    assert memory_keyring.entries[("frontline", f"{PROFILE}:slack:team")].startswith("http://127.0.0.1")


def test_login_handoff_needs_a_slack_destination_and_deletes(
    acme: SandboxServer, memory_keyring: MemoryKeyring
) -> None:
    code, _, err = cli("login", PROFILE, "--handoff", "desk")
    assert code == ExitCode.CONFIG and "no Slack handoff destination 'desk'" in err

    code, out, _ = cli("login", PROFILE, "--handoff", "team", "--delete")
    assert code == ExitCode.OK and "Removed" in out
    assert ("frontline", f"{PROFILE}:slack:team") not in memory_keyring.entries


NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("8h", NOW - timedelta(hours=8)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2d", NOW - timedelta(days=2)),
        ("2026-12-02T08:00+01:00", datetime(2026, 12, 2, 7, 0, tzinfo=UTC)),
        ("2026-12-02T08:00Z", datetime(2026, 12, 2, 8, 0, tzinfo=UTC)),
        ("2026-12-02T08:00", datetime(2026, 12, 2, 8, 0).astimezone().astimezone(UTC)),
    ],
)
def test_parse_since(value: str, expected: datetime) -> None:
    assert parse_since(value, NOW) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "8", "8 hours", "0h", "-2h", "2027-01-01T00:00Z", "2h30"])
def test_parse_since_refuses(value: str) -> None:
    with pytest.raises(InputError):
        parse_since(value, NOW)

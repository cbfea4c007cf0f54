"""`frontline escalate`, the linked bugs in the ticket JSON and doctor's tracker checks, over fake systems."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import pytest
from support.fake_helpdesk import FIXED_NOW, FakeHelpdesk
from support.fake_tracker import FakeTracker

from frontline import locations
from frontline.bootstrap import Session, session_for_helpdesk
from frontline.cli import build_parser
from frontline.cli.demo import demo_session
from frontline.config import Settings
from frontline.connectors import registry
from frontline.domain.clock import fixed_clock
from frontline.domain.models import Comment
from frontline.errors import AuthError, Unavailable
from frontline.services.escalation import Escalations, Target

if TYPE_CHECKING:
    from frontline.sandbox.server import SandboxServer

CONFIG = """
[profiles.acme.helpdesk]
kind = "zendesk"
auth = "api_token"
base_url = "https://acme.zendesk.com"
email = "ada@acme.test"
token_env = "ZENDESK_TOKEN"

[[profiles.acme.escalation]]
name = "eng"
kind = "jira"
base_url = "https://acme.atlassian.net"
project = "ENG"
email = "ada@acme.test"
token_env = "JIRA_TOKEN"
labels = ["from-support"]

[[profiles.acme.escalation]]
name = "web"
kind = "github"
base_url = "https://api.github.com"
project = "acme/web"
token_env = "GITHUB_TOKEN"
"""

TICKET = "1000"
SUBJECT_TITLE = "Cannot log in after password reset (ZD #1000)"
ENG = Target(name="eng", kind="jira", display_name="Jira", project="ENG", labels=("from-support",))
WEB = Target(name="web", kind="github", display_name="GitHub", project="acme/web")
BUG_URL = "https://acme.atlassian.net/browse/ENG-1"
TICKET_KEYS = [
    "id", "key", "subject", "status", "status_label", "priority", "requester", "assignee", "organization",
    "tags", "sla_due_at", "sla_paused", "created_at", "updated_at", "url", "linked_bug", "linked_bugs",
]  # fmt: skip


class Terminal(io.StringIO):
    """Standard input on a terminal, with the answers already typed."""

    def isatty(self) -> bool:
        return True


@dataclasses.dataclass
class World:
    """The helpdesk and trackers every run's session talks to (each run opens a fresh session)."""

    helpdesk: FakeHelpdesk
    trackers: dict[str, FakeTracker]

    def factory(self, settings: Settings, name: str) -> Session:
        session = session_for_helpdesk(self.helpdesk, profile_name=name, clock=fixed_clock(FIXED_NOW))
        session.escalations = Escalations(
            session.desk,
            (ENG, WEB),
            lambda target: self.trackers[target.name],
            session.escalation_records,
            helpdesk_kind="zendesk",
            helpdesk_url="https://acme.zendesk.com",
            clock=fixed_clock(FIXED_NOW),
        )
        return session

    @property
    def jira(self) -> FakeTracker:
        return self.trackers["eng"]

    def notes_citing(self, key: str) -> int:
        return sum(1 for c in self.helpdesk.comments[TICKET] if not c.public and key in c.body)


@pytest.fixture
def world() -> World:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG, encoding="utf-8")
    return World(FakeHelpdesk(ticket_count=12), {"eng": FakeTracker(), "web": FakeTracker()})


def run(
    world: World | Callable[[Settings, str], Session], *argv: str, stdin: io.StringIO | None = None
) -> tuple[int, str, str]:
    """Parse like `frontline`, run the handler on the fake systems; returns (code, stdout, stderr)."""
    args = build_parser().parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    factory = world.factory if isinstance(world, World) else world
    kwargs: dict[str, Any] = {"out": out, "err": err, "session_factory": factory}
    if argv[0] == "escalate":
        kwargs["stdin"] = stdin if stdin is not None else io.StringIO()
    code = args.handler(args, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_preview_then_yes_files_exactly_what_was_shown(world: World, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Started with 4.2.\n")

    code, out, err = run(
        world, "escalate", TICKET, "--summary", "Login 500 after reset", "--body-file", str(notes), "--yes"
    )

    assert (code, err) == (0, "")
    _, report = world.jira.bugs["ENG-1"]
    lines = out.splitlines()
    assert lines[:3] == [
        "To eng: Jira ENG",
        "Title:  Login 500 after reset (ZD #1000)",
        "Labels: from-support, zd-acme-1000",
    ]
    body = out.split(" body (Markdown)\n", 1)[1].split("\n" + "─" * 60, 1)[0]
    assert body == report.body
    assert "## Notes\n\nStarted with 4.2." in body and body.endswith("<!-- frontline:zendesk:acme:1000 -->")
    assert report.title == "Login 500 after reset (ZD #1000)"
    assert lines[-1] == f"Filed ENG-1 in eng: {BUG_URL}"
    assert world.jira.creates == 1 and world.notes_citing("ENG-1") == 1
    assert world.jira.links == [("ENG-1", "frontline:zendesk:acme:ticket:1000")]


def test_json_has_the_documented_shape_and_a_second_run_files_nothing(world: World) -> None:
    code, out, err = run(world, "escalate", TICKET, "--yes", "--json")

    assert (code, err) == (0, "")
    payload = json.loads(out)  # stdout is the JSON alone: no preview with --yes --json
    assert list(payload) == ["bug", "created", "ticket"]
    assert payload["bug"] == {
        "key": "ENG-1", "url": BUG_URL, "status": "To Do", "tracker": "eng", "title": SUBJECT_TITLE,
    }  # fmt: skip
    assert payload["created"] is True
    ticket = payload["ticket"]
    assert list(ticket) == TICKET_KEYS
    assert ticket["id"] == TICKET and {"frontline_escalated", "jira_eng_1"} <= set(ticket["tags"])
    assert ticket["linked_bug"] == "ENG-1"
    assert ticket["linked_bugs"] == [{"key": "ENG-1", "url": BUG_URL, "status": "To Do", "tracker": "eng"}]
    updates = len(world.helpdesk.updates)

    code, out, _ = run(world, "escalate", TICKET, "--json")  # no --yes, no terminal: nothing to confirm

    again = json.loads(out)
    assert code == 0 and again["created"] is False
    assert again["bug"] == payload["bug"]
    assert world.jira.creates == 1 and world.notes_citing("ENG-1") == 1
    assert len(world.helpdesk.updates) == updates


def test_a_ticket_already_escalated_prints_its_bug(world: World) -> None:
    run(world, "escalate", TICKET, "--yes")
    world.jira.set_status("ENG-1", "In Progress")

    code, out, _ = run(world, "escalate", TICKET)

    assert code == 0
    assert (
        out.strip() == f"#1000 is already escalated to ENG-1 (In Progress) in eng: {BUG_URL}. Nothing filed."
    )
    assert world.jira.creates == 1


def test_confirmation_on_a_terminal(world: World) -> None:
    code, out, _ = run(world, "escalate", TICKET, stdin=Terminal("n\n"))
    assert code == 0
    assert "File this in eng (ENG)? [y/N] Nothing filed." in out
    assert world.jira.creates == 0 and world.helpdesk.updates == []

    code, out, _ = run(world, "escalate", TICKET, "--target", "web", stdin=Terminal("y\n"))
    assert code == 0
    assert "File this in web (acme/web)? [y/N] Filed ENG-1 in web:" in out
    assert world.trackers["web"].creates == 1 and world.jira.creates == 0


def test_json_keeps_the_preview_and_question_off_stdout(world: World) -> None:
    code, out, err = run(world, "escalate", TICKET, "--json", stdin=Terminal("yes\n"))
    assert code == 0
    assert json.loads(out)["created"] is True
    assert err.startswith("To eng: Jira ENG\n") and "File this in eng (ENG)? [y/N] " in err


def test_without_a_terminal_or_yes_nothing_is_filed(world: World) -> None:
    code, out, err = run(world, "escalate", TICKET, stdin=io.StringIO("y\n"))

    assert (code, out) == (2, "")
    assert "pass --yes" in err
    assert world.jira.creates == 0 and world.helpdesk.updates == []

    code, _, err = run(world, "escalate", TICKET, "--body-file", "-", stdin=Terminal("notes\n"))
    assert code == 2 and "pass --yes" in err and world.jira.creates == 0


def test_notes_from_stdin_with_yes(world: World) -> None:
    code, _, _ = run(
        world, "escalate", TICKET, "--body-file", "-", "--yes", stdin=io.StringIO("From stdin\n")
    )
    assert code == 0
    assert "## Notes\n\nFrom stdin" in world.jira.bugs["ENG-1"][1].body


def test_unknown_target_lists_the_targets(world: World) -> None:
    code, out, err = run(world, "escalate", TICKET, "--target", "nope", "--yes")
    assert (code, out) == (2, "")
    assert "no escalation target 'nope' (it has: eng, web)" in err
    assert world.jira.creates == 0


def test_a_profile_without_targets_says_how_to_add_one(world: World) -> None:
    def plain(settings: Settings, name: str) -> Session:
        return session_for_helpdesk(world.helpdesk, profile_name=name, clock=fixed_clock(FIXED_NOW))

    code, _, err = run(plain, "escalate", TICKET, "--yes")
    assert code == 2
    assert "[[profiles.acme.escalation]]" in err


def test_a_lost_create_that_cannot_be_found_yet_is_exit_4_and_never_filed_twice(world: World) -> None:
    world.jira.lose_next_create = True
    world.jira.hide_lost = True

    code, out, err = run(world, "escalate", TICKET, "--yes", "--json")

    assert (code, out) == (4, "")
    assert "frontline: Not sure it was sent" in err and "will not file a second one" in err
    assert world.helpdesk.updates == []

    world.jira.hide_lost = False  # the tracker's consistent handles show it now
    code, out, _ = run(world, "escalate", TICKET, "--yes", "--json")

    assert code == 0 and json.loads(out)["created"] is False
    assert world.jira.creates == 1 and world.notes_citing("ENG-1") == 1


def test_a_bug_filed_but_not_noted_on_the_ticket_is_partial_and_a_rerun_finishes(world: World) -> None:
    world.helpdesk.conflict_next_update = True

    code, _, err = run(world, "escalate", TICKET, "--yes")

    assert code == 3
    assert f"ENG-1 is filed in eng ({BUG_URL}), but linking it to the ticket failed" in err
    assert world.notes_citing("ENG-1") == 0

    code, out, _ = run(world, "escalate", TICKET, "--yes")

    assert code == 0 and "already escalated to ENG-1" in out
    assert world.jira.creates == 1 and world.notes_citing("ENG-1") == 1


def test_show_lists_linked_bugs_with_fresh_status_and_cited_keys(world: World) -> None:
    run(world, "escalate", TICKET, "--yes")
    world.jira.set_status("ENG-1", "In Progress")
    ticket = world.helpdesk.tickets[TICKET]
    world.helpdesk.tickets[TICKET] = ticket.replace(tags=[*ticket.tags, "jira_eng_77"])
    world.helpdesk.comments[TICKET].append(
        Comment(id="c-x", author=None, public=False, created_at=FIXED_NOW, body="Same as ENG-80 and ABC-3?")
    )

    code, out, _ = run(world, "show", TICKET, "--json")

    assert code == 0
    shown = json.loads(out)["ticket"]
    assert shown["linked_bug"] == "ENG-1"
    assert shown["linked_bugs"] == [
        {"key": "ENG-1", "url": BUG_URL, "status": "In Progress", "tracker": "eng"},
        {"key": "ENG-77", "url": None, "status": None, "tracker": "eng"},
        {"key": "ENG-80", "url": None, "status": None, "tracker": "eng"},
    ]

    world.jira.unreachable = Unavailable("Jira is down.")  # a refresh that fails keeps the last status
    code, text, _ = run(world, "show", TICKET)
    assert code == 0
    assert "Bugs: ENG-1 (In Progress), ENG-77, ENG-80" in text.splitlines()


def test_queue_json_lists_recorded_bugs_without_asking_the_tracker(world: World) -> None:
    run(world, "escalate", TICKET, "--yes")
    world.jira.unreachable = Unavailable("Jira is down.")

    code, out, _ = run(world, "queue", "--json")

    assert code == 0
    tickets = {t["id"]: t for t in json.loads(out)["tickets"]}
    assert tickets[TICKET]["linked_bugs"] == [
        {"key": "ENG-1", "url": BUG_URL, "status": "To Do", "tracker": "eng"}
    ]
    assert tickets["1001"]["linked_bugs"] == [] and tickets["1001"]["linked_bug"] is None


@pytest.fixture
def trackers_have_connectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """As once the Jira and GitHub connectors land: doctor checks only targets it can connect to."""
    real = registry.connector

    def with_factory(kind: str, role: Any) -> Any:
        spec = real(kind, role)
        return spec if spec.factory else dataclasses.replace(spec, factory="tests.not_imported:build")

    monkeypatch.setattr(registry, "connector", with_factory)


@pytest.mark.usefixtures("trackers_have_connectors")
def test_doctor_checks_each_target_live_and_fails_on_a_broken_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("ZENDESK_TOKEN", "JIRA_TOKEN", "GITHUB_TOKEN"):
        monkeypatch.setenv(variable, "env-token")
    world.trackers["web"].unreachable = AuthError("GitHub refused the token.\nCreate a new one.")

    code, out, _ = run(world, "doctor")

    assert code == 1, "something is broken: doctor says so in its exit code"
    lines = out.splitlines()
    assert lines[-2:] == [
        "[ ok ] escalation   eng: Jira ENG answers a search",
        "[FAIL] escalation   web: GitHub acme/web: GitHub refused the token.",
    ]
    assert world.jira.searches == ["frontline doctor"]


@pytest.mark.usefixtures("trackers_have_connectors")
def test_doctor_does_not_try_a_target_without_a_token(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_TOKEN", "env-token")
    monkeypatch.setenv("JIRA_TOKEN", "env-token")

    code, out, _ = run(world, "doctor")

    assert code == 2, "a target without a token is a credentials problem"
    assert "[FAIL] credentials" in out and "GITHUB_TOKEN" in out, "the fix is printed"
    assert [line for line in out.splitlines() if "escalation" in line] == [
        "[ ok ] escalation   eng: Jira ENG answers a search"
    ]
    assert world.trackers["web"].searches == []


async def test_the_demo_escalates_to_the_sandbox_trackers() -> None:
    server = SimpleNamespace(
        urls={"zendesk": "http://127.0.0.1:1", "jira": "http://127.0.0.1:2", "github": "http://127.0.0.1:3"},
        email="agent@sandbox.test",
        token="sandbox-token",
    )
    session = demo_session(cast("SandboxServer", server), "zendesk")

    assert session.escalations is not None
    assert [(t.name, t.kind, t.project, t.labels) for t in session.escalations.targets] == [
        ("eng", "jira", "ENG", ("from-zendesk",)),
        ("app", "github", "acme/app", ("from-zendesk",)),
    ]
    await session.aclose()
    helpdesk_only = SimpleNamespace(urls={"jsm": "http://127.0.0.1:1"}, email="a@b.test", token="t")
    jsm_session = demo_session(cast("SandboxServer", helpdesk_only), "jsm")
    assert jsm_session.escalations is not None and jsm_session.escalations.targets == ()
    await jsm_session.aclose()

"""The commands people run, against a fake vendor that answers only with the vendors' own examples.

`support.spec_examples.ExampleServer` serves `shared/specs/` (Zendesk Support; JSM with the Jira
platform API beside it) as they are: sparse rows, paging fields that ignore `start`, example dates.
Whatever the examples hold, each command must end with an exit code and a readable message or output
(no traceback), within a bounded number of requests, and never show a made-up date (1970) or age.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from support.spec_examples import JIRA, JSM, ZENDESK, ExampleServer, Route, last_page

from frontline import locations
from frontline.bootstrap import Session, open_session
from frontline.cli import build_parser, reply
from frontline.cli.errors import ExitCode
from frontline.config import Settings

MAX_REQUESTS = 200
"""Far more than any of these commands needs; a client that follows endless pages goes past it."""

PROFILES = """
[profiles.zendesk.helpdesk]
kind = "zendesk"
auth = "api_token"
base_url = "https://example.zendesk.com"
email = "agent@example.com"
token_env = "EXAMPLES_ZENDESK_TOKEN"

[profiles.jsm.helpdesk]
kind = "jsm"
base_url = "https://your-domain.atlassian.net"
email = "agent@example.com"
token_env = "EXAMPLES_JSM_TOKEN"
"""

SPECS = {"zendesk": (ZENDESK,), "jsm": (JSM, JIRA)}
TICKETS = {"zendesk": "35436", "jsm": "HELPDESK-1"}
"""A ticket each vendor's examples know."""

COMMANDS = {
    "doctor": ("doctor",),
    "queue": ("queue",),
    "queue-json": ("queue", "--json"),
    "show": ("show", "{ticket}"),
    "show-json": ("show", "{ticket}", "--json"),
    "reply": ("reply", "{ticket}", "--internal", "--body-file", "-"),
}

ABSURD_TIME = re.compile(r"\b(?:[5-9]\d|\d{3,})y\b|\b\d{5,}d\b|\b1970\b|\b1969\b")
"""An age of 50 years or more, 10,000 days or more, or the epoch: a missing time shown as if it were one."""


@pytest.fixture(autouse=True)
def profiles(monkeypatch: pytest.MonkeyPatch) -> Path:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PROFILES, encoding="utf-8")
    monkeypatch.setenv("EXAMPLES_ZENDESK_TOKEN", "zd-example-token")
    monkeypatch.setenv("EXAMPLES_JSM_TOKEN", "jsm-example-token")
    return path


def run(server: ExampleServer, profile: str, command: str) -> tuple[int, str, str]:
    """Parse like `frontline`, then run the handler on a real session whose HTTP goes to `server`."""

    def session(settings: Settings, name: str) -> Session:
        return open_session(settings, name, transport=server.transport())

    argv = [word.format(ticket=TICKETS[profile]) for word in COMMANDS[command]]
    args = build_parser().parse_args(["--profile", profile, *argv])
    out, err = io.StringIO(), io.StringIO()
    extra: dict[str, Any] = {"stdin": io.StringIO("Looking into it.\n")} if args.handler is reply.run else {}
    code = args.handler(args, session_factory=session, out=out, err=err, **extra)
    return int(code), out.getvalue(), err.getvalue()


def assert_ended_cleanly(server: ExampleServer, code: int, out: str, err: str) -> None:
    """An exit code, a bounded number of requests, something said, and no invented time."""
    assert code in set(ExitCode), (code, out, err)
    assert len(server.requests) < MAX_REQUESTS, server.calls()[-10:]
    assert "Traceback" not in out + err
    assert out.strip() or err.strip(), "the command said nothing"
    if code != ExitCode.OK:
        assert err.startswith("frontline: ") or "[FAIL]" in out, (out, err)
    found = ABSURD_TIME.search(out + err)
    assert found is None, f"{found} in:\n{out}{err}"


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("profile", list(SPECS))
def test_commands_end_cleanly_on_the_examples_as_written(profile: str, command: str) -> None:
    """As written, every JSM list says "more" and ignores `start`: the commands stop and say so."""
    server = ExampleServer(*SPECS[profile], budget=MAX_REQUESTS * 5)

    code, out, err = run(server, profile, command)

    assert_ended_cleanly(server, code, out, err)
    if profile == "jsm":
        assert code == ExitCode.HELPDESK
        assert "keeps sending the same page" in out + err
    else:
        assert code == ExitCode.OK, (out, err)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("profile", list(SPECS))
def test_commands_succeed_when_the_examples_end_their_lists(profile: str, command: str) -> None:
    """The same answers saying they are the last page: every command reads them through and succeeds."""
    server = ExampleServer(*SPECS[profile], budget=MAX_REQUESTS * 5, rewrite=lambda _, body: last_page(body))

    code, out, err = run(server, profile, command)

    assert_ended_cleanly(server, code, out, err)
    assert code == ExitCode.OK, (out, err)
    assert server.unmatched == []


def test_missing_times_in_the_examples_read_as_unknown() -> None:
    """Zendesk's view example has rows without `created_at`/`updated_at`: unknown, not 1970 or 56y."""
    server = ExampleServer(ZENDESK, rewrite=lambda _, body: last_page(body))

    code, out, _ = run(server, "zendesk", "queue")
    assert code == ExitCode.OK and "unknown" in out

    code, out, _ = run(server, "zendesk", "queue-json")
    assert code == ExitCode.OK and '"updated_at": null' in out


ABSURD_DATES: list[Any] = [
    {"epochMillis": -2_140_826_000_000_000, "friendly": "?"},  # ValueError: year -65870 is out of range
    {"epochMillis": 10**23, "iso8601": "not a date"},  # OverflowError in fromtimestamp
    {"epochMillis": -1e300, "iso8601": "2015-13-45T99:00:00+0700"},
    {"epochMillis": 9_223_372_036_854_775_807, "jira": ""},  # year 292278994
]


def with_absurd_dates(route: Route, body: Any, index: list[int]) -> Any:
    """Every JSM `DateDTO` and Jira timestamp replaced by an absurd one (cycling through the list)."""

    def visit(value: Any) -> Any:
        if isinstance(value, dict):
            if "epochMillis" in value:
                index[0] += 1
                return ABSURD_DATES[index[0] % len(ABSURD_DATES)]
            return {
                k: "9999-99-99T99:99" if k in ("created", "updated") else visit(v) for k, v in value.items()
            }
        if isinstance(value, list):
            return [visit(item) for item in value]
        return value

    return last_page(visit(body))


@pytest.mark.parametrize("command", ["queue", "show", "show-json", "reply"])
def test_absurd_jsm_dates_read_as_unknown_never_a_traceback(command: str) -> None:
    """The values that crashed `datetime.fromtimestamp` (issue 15), in otherwise official answers."""
    index = [0]
    server = ExampleServer(JSM, JIRA, rewrite=lambda route, body: with_absurd_dates(route, body, index))

    code, out, err = run(server, "jsm", command)

    assert_ended_cleanly(server, code, out, err)
    assert code == ExitCode.OK, (out, err)
    if command in ("queue", "show"):
        assert "unknown" in out


def test_the_fake_answers_from_the_examples() -> None:
    """The server itself: examples parsed, `.json` and queries ignored, unknown paths 404."""
    server = ExampleServer(JSM, JIRA)
    with httpx.Client(transport=server.transport(), base_url="https://x.example") as client:
        desks = client.get("/rest/servicedeskapi/servicedesk", params={"start": 50}).json()
        assert desks["isLastPage"] is False and desks["values"][0]["projectKey"] == "ITH"
        assert client.get("/rest/api/3/myself").json()["accountId"]
        assert client.get("/nowhere").status_code == 404
    zendesk = ExampleServer(ZENDESK)
    with httpx.Client(transport=zendesk.transport(), base_url="https://x.example") as client:
        assert client.get("/api/v2/users/me.json").json()["user"]["id"] == 35436
        assert client.get("/api/v2/views/active").json()["views"][0]["id"] == 25
    assert len(server.requests) == 3 and server.unmatched == ["GET /nowhere"]

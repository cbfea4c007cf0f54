"""The sandbox's Slack incoming webhook over real HTTP: Slack's answers, its control routes and faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sandbox_fixtures import reset_all, sandbox_fixture
from support.sandbox_control import control_client

from frontline.domain.clock import fixed_clock
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.slack import webhook_path

NOW = datetime(2026, 5, 4, 17, 30, tzinfo=UTC)

slack_server = sandbox_fixture("slack_server", systems=("slack",), clock=fixed_clock(NOW))


@pytest.fixture
def slack(slack_server: SandboxServer) -> SandboxServer:
    assert "slack" in slack_server.urls, slack_server.skipped
    return reset_all(slack_server)


@pytest.fixture
def control(slack: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(slack, "slack") as client:
        yield client


@pytest.fixture
def hook(slack: SandboxServer) -> Iterator[httpx.Client]:
    """A client on the Slack base URL; post to `webhook_path(token)`."""
    with httpx.Client(base_url=slack.urls["slack"], timeout=10) as client:
        yield client


def post(client: httpx.Client, server: SandboxServer, **request: Any) -> httpx.Response:
    return client.post(webhook_path(server.token), **request)


def assert_slack_error(answer: httpx.Response, status: int, code: str) -> None:
    assert (answer.status_code, answer.text) == (status, code)
    assert answer.headers["content-type"].startswith("text/plain")


def test_the_webhook_url_is_the_sandbox_token_path(slack: SandboxServer) -> None:
    assert webhook_path(slack.token) == "/services/T0SANDBOX/B0HANDOFF/sandbox-token"


def test_a_post_answers_ok_and_is_recorded(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    answer = post(hook, slack, json={"text": "Shift handoff: 3 breaching, 1 escalated"})
    assert (answer.status_code, answer.text) == (200, "ok")
    assert answer.headers["content-type"].startswith("text/plain")
    assert control.get("/slack/posts").json() == [
        {
            "channel": "#handoff",
            "text": "Shift handoff: 3 breaching, 1 escalated",
            "blocks": None,
            "received_at": NOW.isoformat(),
        }
    ]


def test_blocks_without_text_are_accepted(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Handoff*"}}]
    assert post(hook, slack, json={"blocks": blocks}).text == "ok"
    [received] = control.get("/slack/posts").json()
    assert (received["text"], received["blocks"]) == ("", blocks)


def test_a_form_encoded_payload_is_read_as_slack_does(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    assert post(hook, slack, data={"payload": '{"text": "from a form"}'}).text == "ok"
    assert [p["text"] for p in control.get("/slack/posts").json()] == ["from a form"]


def test_long_text_is_truncated_not_refused(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    assert post(hook, slack, json={"text": "x" * 40_123}).status_code == 200
    assert len(control.get("/slack/posts").json()[0]["text"]) == 40_000


@pytest.mark.parametrize(
    ("request_options", "status", "code"),
    [
        ({"content": b"not json", "headers": {"content-type": "application/json"}}, 400, "invalid_payload"),
        ({"json": ["a", "list"]}, 400, "invalid_payload"),
        ({"json": {"text": 42}}, 400, "invalid_payload"),
        ({"content": b""}, 400, "invalid_payload"),
        ({"json": {}}, 400, "no_text"),
        ({"json": {"text": "  ", "blocks": []}}, 400, "no_text"),
        ({"json": {"text": "x", "blocks": "not a list"}}, 400, "invalid_blocks"),
    ],
)
def test_refused_payloads(
    slack: SandboxServer,
    hook: httpx.Client,
    control: httpx.Client,
    request_options: dict[str, Any],
    status: int,
    code: str,
) -> None:
    assert_slack_error(post(hook, slack, **request_options), status, code)
    assert control.get("/slack/posts").json() == []


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/services/T0SANDBOX/B0HANDOFF/wrong-secret", 403, "invalid_token"),
        ("/services/T0OTHER/B0HANDOFF/sandbox-token", 404, "no_service"),
        ("/services/T0SANDBOX/B0OTHER/sandbox-token", 404, "no_service"),
        ("/services/T0SANDBOX/B0HANDOFF", 404, "no_service"),
        ("/services/T0SANDBOX/B0HANDOFF/sandbox-token/extra", 404, "no_service"),
        ("/", 404, "no_service"),
    ],
)
def test_wrong_webhook_urls(
    hook: httpx.Client, control: httpx.Client, path: str, status: int, code: str
) -> None:
    assert_slack_error(hook.post(path, json={"text": "hi"}), status, code)
    assert control.get("/slack/posts").json() == []


def test_an_archived_channel_answers_410_until_restored(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    assert control.post("/slack/archive").json() == {"channel": "#handoff", "archived": True}
    assert_slack_error(post(hook, slack, json={"text": "hi"}), 410, "channel_is_archived")
    assert control.get("/slack/posts").json() == []
    control.post("/slack/archive", json={"archived": False}).raise_for_status()
    assert post(hook, slack, json={"text": "hi"}).text == "ok"


@pytest.mark.parametrize(
    ("code", "status"), [("channel_not_found", 404), ("rollup_error", 500), ("action_prohibited", 403)]
)
def test_queued_errors_answer_the_next_posts(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client, code: str, status: int
) -> None:
    assert control.post("/slack/errors", json={"error": code, "count": 2}).json() == {"pending": [code, code]}
    for _ in range(2):
        assert_slack_error(post(hook, slack, json={"text": "hi"}), status, code)
    assert post(hook, slack, json={"text": "hi"}).text == "ok"
    assert len(control.get("/slack/posts").json()) == 1


def test_a_queued_rate_limit_carries_retry_after(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    control.post("/slack/errors", json={"error": "rate_limited", "retry_after": 12}).raise_for_status()
    answer = post(hook, slack, json={"text": "hi"})
    assert_slack_error(answer, 429, "rate_limited")
    assert answer.headers["Retry-After"] == "12"


def test_the_errors_route_refuses_unknown_codes(control: httpx.Client) -> None:
    assert control.post("/slack/errors", json={"error": "teapot"}).status_code == 400
    assert control.post("/slack/errors", json={"error": "no_text", "count": "2"}).status_code == 400
    assert control.get("/slack/errors").json() == {"pending": []}


def test_the_429_fault_is_slacks_rate_limit(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    control.post("/faults", json={"spec": "429:count=1:retry_after=7"}).raise_for_status()
    answer = post(hook, slack, json={"text": "hi"})
    assert_slack_error(answer, 429, "rate_limited")
    assert answer.headers["Retry-After"] == "7"
    assert control.get("/slack/posts").json() == []
    assert post(hook, slack, json={"text": "hi"}).text == "ok"


def test_drop_after_commit_records_the_post_and_cuts_the_connection(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    control.post("/faults", json={"spec": "drop_after_commit:count=1:method=POST"}).raise_for_status()
    with pytest.raises(httpx.TransportError):
        post(hook, slack, json={"text": "posted once"})
    assert [p["text"] for p in control.get("/slack/posts").json()] == ["posted once"]
    recorded = control.get("/requests", params={"method": "POST"}).json()["requests"]
    assert [(r["path"], r["fault"], r["body"]) for r in recorded] == [
        (webhook_path(slack.token), "drop_after_commit", {"text": "posted once"})
    ]


def test_a_rotated_token_moves_the_webhook(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    old_path = webhook_path(slack.token)
    control.post("/expire-token", json={"new_token": "rotated-secret"}).raise_for_status()
    assert_slack_error(hook.post(old_path, json={"text": "hi"}), 403, "invalid_token")
    assert hook.post(webhook_path("rotated-secret"), json={"text": "hi"}).text == "ok"


def test_the_token_expiry_fault_revokes_the_webhook(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    control.post("/faults", json={"spec": "token_expiry:count=1"}).raise_for_status()
    assert_slack_error(post(hook, slack, json={"text": "hi"}), 403, "invalid_token")


def test_reset_forgets_posts_archive_and_queued_errors(
    slack: SandboxServer, hook: httpx.Client, control: httpx.Client
) -> None:
    post(hook, slack, json={"text": "hi"})
    control.post("/slack/archive").raise_for_status()
    control.post("/slack/errors", json={"error": "rollup_error"}).raise_for_status()
    control.post("/reset").raise_for_status()
    assert control.get("/slack/posts").json() == []
    assert control.get("/slack/errors").json() == {"pending": []}
    assert post(hook, slack, json={"text": "again"}).text == "ok"


def test_delete_posts_clears_them(slack: SandboxServer, hook: httpx.Client, control: httpx.Client) -> None:
    post(hook, slack, json={"text": "hi"})
    assert control.delete("/slack/posts").status_code == 204
    assert control.get("/slack/posts").json() == []


def test_the_info_route_lists_the_slack_control_routes(control: httpx.Client) -> None:
    info = control.get("/").json()
    assert info["system"] == "slack"
    assert {"/__sandbox__/slack/posts", "/__sandbox__/slack/archive", "/__sandbox__/slack/errors"} <= set(
        info["control"]
    )

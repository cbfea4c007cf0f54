"""The Slack webhook client against the sandbox's Slack face over real HTTP on 127.0.0.1.

Every error Slack can answer becomes a frontline error that says what to do, a post that may have landed
is never sent twice, and the webhook URL (the credential) shows up in no message, repr or log line.
"""

from __future__ import annotations

import logging
import socket
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.slack import SlackWebhook, build_slack_webhook
from frontline.errors import (
    AuthError,
    ConfigError,
    FrontlineError,
    InputError,
    NotDelivered,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    WriteOutcomeUnknown,
)
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.slack import webhook_path

HookFactory = Callable[..., SlackWebhook]
SECRET = "xWEBHOOKsecret7Q2zK9"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(systems=("slack",)) as server:
        assert "slack" in server.urls, server.skipped
        yield server


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "slack") as client:
        yield client


@pytest.fixture
async def make_hook(sandbox: SandboxServer, control: httpx.Client) -> AsyncIterator[HookFactory]:
    built: list[SlackWebhook] = []

    def make(url: str | None = None, **options: Any) -> SlackWebhook:
        options.setdefault("sleep", SleepRecorder())
        hook = build_slack_webhook(url or webhook_url(sandbox), **options)
        built.append(hook)
        return hook

    yield make
    for hook in built:
        await hook.aclose()


def webhook_url(sandbox: SandboxServer, token: str | None = None) -> str:
    return f"{sandbox.urls['slack']}{webhook_path(token or sandbox.token)}"


def posts(control: httpx.Client) -> list[str]:
    return [post["text"] for post in control.get("/slack/posts").json()]


def webhook_requests(control: httpx.Client) -> int:
    return int(control.get("/requests", params={"method": "POST"}).json()["count"])


async def test_a_post_lands_once(make_hook: HookFactory, control: httpx.Client) -> None:
    await make_hook().post("*Shift handoff*\n• ZD #1042 breaches at 18:00")
    assert posts(control) == ["*Shift handoff*\n• ZD #1042 breaches at 18:00"]
    assert webhook_requests(control) == 1


async def test_an_empty_message_is_not_sent(make_hook: HookFactory, control: httpx.Client) -> None:
    with pytest.raises(InputError):
        await make_hook().post("  \n")
    assert webhook_requests(control) == 0


async def test_the_hook_works_as_an_async_context_manager(
    sandbox: SandboxServer, control: httpx.Client
) -> None:
    async with build_slack_webhook(webhook_url(sandbox)) as hook:
        await hook.post("hello")
    assert posts(control) == ["hello"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/services/T0SANDBOX/B0HANDOFF/wrong-secret", "403 invalid_token"),
        ("/services/T0OTHER/B0HANDOFF/sandbox-token", "404 no_service"),
    ],
)
async def test_a_wrong_or_revoked_url_says_to_create_a_new_webhook(
    sandbox: SandboxServer, make_hook: HookFactory, control: httpx.Client, path: str, expected: str
) -> None:
    with pytest.raises(AuthError) as caught:
        await make_hook(f"{sandbox.urls['slack']}{path}").post("hi")
    assert "wrong or was revoked" in str(caught.value) and expected in str(caught.value)
    assert "create a new incoming webhook" in str(caught.value)
    assert posts(control) == []


async def test_a_revoked_token_reads_as_a_revoked_webhook(
    make_hook: HookFactory, control: httpx.Client
) -> None:
    hook = make_hook()
    control.post("/expire-token").raise_for_status()
    with pytest.raises(AuthError, match="revoked"):
        await hook.post("hi")


async def test_an_archived_channel(make_hook: HookFactory, control: httpx.Client) -> None:
    control.post("/slack/archive").raise_for_status()
    with pytest.raises(NotFound, match="archived") as caught:
        await make_hook().post("hi")
    assert caught.value.title == "Slack channel archived" and "410" in str(caught.value)
    assert posts(control) == []


@pytest.mark.parametrize(
    ("code", "error_class", "words"),
    [
        ("channel_not_found", NotFound, "no longer exists"),
        ("invalid_payload", ValidationFailed, "refused the message (400 invalid_payload)"),
        ("no_text", ValidationFailed, "refused the message (400 no_text)"),
        ("action_prohibited", PermissionDenied, "admin"),
        ("no_service", AuthError, "wrong or was revoked"),
    ],
)
async def test_slack_error_codes_become_clear_errors(
    make_hook: HookFactory,
    control: httpx.Client,
    code: str,
    error_class: type[FrontlineError],
    words: str,
) -> None:
    control.post("/slack/errors", json={"error": code}).raise_for_status()
    with pytest.raises(error_class) as caught:
        await make_hook().post("hi")
    assert words in str(caught.value)
    assert webhook_requests(control) == 1 and posts(control) == []


async def test_a_refused_payload_names_the_code_in_details(
    make_hook: HookFactory, control: httpx.Client
) -> None:
    control.post("/slack/errors", json={"error": "invalid_blocks"}).raise_for_status()
    with pytest.raises(ValidationFailed) as caught:
        await make_hook().post("hi")
    assert caught.value.details == {"payload": ["invalid_blocks"]}


async def test_a_rollup_error_is_an_unknown_outcome_not_sent_again(
    make_hook: HookFactory, control: httpx.Client
) -> None:
    control.post("/slack/errors", json={"error": "rollup_error"}).raise_for_status()
    with pytest.raises(WriteOutcomeUnknown, match="500 rollup_error") as caught:
        await make_hook().post("hi")
    assert "check the channel before posting again" in str(caught.value)
    assert webhook_requests(control) == 1


async def test_a_5xx_fault_is_not_retried(make_hook: HookFactory, control: httpx.Client) -> None:
    control.post("/faults", json={"spec": "5xx:count=1:status=503"}).raise_for_status()
    with pytest.raises(WriteOutcomeUnknown, match="503"):
        await make_hook().post("hi")
    assert webhook_requests(control) == 1


async def test_a_long_rate_limit_raises_with_retry_after(
    make_hook: HookFactory, control: httpx.Client
) -> None:
    control.post("/faults", json={"spec": "429:count=1:retry_after=120"}).raise_for_status()
    with pytest.raises(RateLimited) as caught:
        await make_hook().post("hi")
    assert caught.value.retry_after == 120
    assert posts(control) == []


async def test_rate_limits_out_of_retries_raise(make_hook: HookFactory, control: httpx.Client) -> None:
    control.post("/slack/errors", json={"error": "rate_limited", "retry_after": 3}).raise_for_status()
    with pytest.raises(RateLimited) as caught:
        await make_hook(max_retries=0).post("hi")
    assert caught.value.retry_after == 3


async def test_a_short_rate_limit_is_waited_out_and_posts_once(
    make_hook: HookFactory, control: httpx.Client
) -> None:
    control.post("/faults", json={"spec": "429:count=1:retry_after=2"}).raise_for_status()
    sleep = SleepRecorder()
    await make_hook(sleep=sleep).post("after the wait")
    assert sleep.delays == [2.0]
    assert posts(control) == ["after the wait"]


async def test_drop_after_commit_is_an_unknown_outcome_posted_once(
    make_hook: HookFactory, control: httpx.Client
) -> None:
    control.post("/faults", json={"spec": "drop_after_commit:count=1:method=POST"}).raise_for_status()
    with pytest.raises(WriteOutcomeUnknown) as caught:
        await make_hook().post("posted once")
    assert "may or may not have been posted" in str(caught.value)
    assert posts(control) == ["posted once"]
    assert webhook_requests(control) == 1


async def test_a_connection_reset_is_an_unknown_outcome(
    make_hook: HookFactory, control: httpx.Client
) -> None:
    control.post("/faults", json={"spec": "reset:count=1"}).raise_for_status()
    with pytest.raises(WriteOutcomeUnknown):
        await make_hook().post("hi")
    assert webhook_requests(control) == 1


async def test_a_refused_connection_is_not_delivered(make_hook: HookFactory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleep = SleepRecorder()
    with pytest.raises(NotDelivered) as caught:
        await make_hook(f"http://127.0.0.1:{port}{webhook_path(SECRET)}", sleep=sleep).post("hi")
    assert "nothing was lost" in str(caught.value)
    assert len(sleep.delays) == 3  # never connected, so retried safely


@pytest.mark.parametrize(
    "url",
    [
        f"http://hooks.slack.example/services/T0/B0/{SECRET}",
        f"ftp://hooks.slack.example/services/T0/B0/{SECRET}",
        f"https://hooks.slack.example/triggers/{SECRET}",
        "https://hooks.slack.example/services/",
        f"hooks.slack.example/services/T0/B0/{SECRET}",
        f"https://hooks.slack.example:99x/services/T0/B0/{SECRET}",
    ],
)
def test_bad_urls_are_refused_without_repeating_them(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_slack_webhook(url)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


def test_plain_http_names_the_redacted_url() -> None:
    with pytest.raises(ConfigError, match="plain http") as caught:
        build_slack_webhook(f"http://hooks.slack.example/services/T0/B0/{SECRET}")
    assert "http://hooks.slack.example/services/[redacted]" in str(caught.value)


async def test_the_repr_hides_the_secret(make_hook: HookFactory, sandbox: SandboxServer) -> None:
    hook = make_hook(webhook_url(sandbox, SECRET))
    assert repr(hook) == f"SlackWebhook({sandbox.urls['slack']}/services/[redacted])"


Scenario = Callable[[httpx.Client], None]


def _fault(spec: str) -> Scenario:
    def arrange(control: httpx.Client) -> None:
        control.post("/faults", json={"spec": spec}).raise_for_status()

    return arrange


def _queued(code: str) -> Scenario:
    def arrange(control: httpx.Client) -> None:
        control.post("/slack/errors", json={"error": code, "retry_after": 300}).raise_for_status()

    return arrange


def _archive(control: httpx.Client) -> None:
    control.post("/slack/archive").raise_for_status()


def _revoke(control: httpx.Client) -> None:
    control.post("/expire-token").raise_for_status()


LEAK_SCENARIOS: dict[str, Scenario] = {
    "drop_after_commit": _fault("drop_after_commit:count=1"),
    "reset": _fault("reset:count=1"),
    "5xx": _fault("5xx:count=1:status=502"),
    "429": _fault("429:count=1:retry_after=300"),
    "malformed": _fault("malformed:count=1"),
    "revoked": _revoke,
    "archived": _archive,
    **{
        code: _queued(code)
        for code in ("channel_not_found", "invalid_payload", "rollup_error", "rate_limited")
    },
}


@pytest.mark.parametrize("scenario", sorted(LEAK_SCENARIOS))
async def test_the_secret_is_in_no_error_or_log(
    sandbox: SandboxServer,
    make_hook: HookFactory,
    control: httpx.Client,
    caplog: pytest.LogCaptureFixture,
    scenario: str,
) -> None:
    caplog.set_level(logging.DEBUG, logger="frontline.http")
    control.post("/expire-token", json={"new_token": SECRET}).raise_for_status()
    hook = make_hook(webhook_url(sandbox, SECRET))
    LEAK_SCENARIOS[scenario](control)
    try:
        await hook.post("hi")
    except FrontlineError as error:
        shown = [str(error), repr(error), error.message, error.title, *map(str, error.args)]
        shown.append("".join(traceback.format_exception(error)))
        assert error.__cause__ is None
    else:
        assert scenario == "malformed"  # the post landed; a 200 with a cut body still means posted
        shown = []
    assert caplog.records, "the debug log should have seen the exchange"
    for text in [*shown, caplog.text, repr(hook)]:
        assert SECRET not in text and SECRET[:12] not in text
    assert "/services/[redacted]" in caplog.text


async def test_a_refused_connection_leaks_no_secret(
    make_hook: HookFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="frontline.http")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NotDelivered) as caught:
        await make_hook(f"http://127.0.0.1:{port}{webhook_path(SECRET)}").post("hi")
    error = caught.value
    for text in (str(error), repr(error), "".join(traceback.format_exception(error)), caplog.text):
        assert SECRET not in text
    assert "/services/[redacted]" in caplog.text

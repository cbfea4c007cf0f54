"""`frontline doctor` checks each handoff destination for what posting needs, without posting anything."""

from __future__ import annotations

import pytest

from frontline.cli.doctor import handoff_destination_check
from frontline.config import HandoffDestination, TrackerSettings
from frontline.credentials import set_token

SECRET = "https://hooks.slack.com/services/T1/B2/s3cr3t-doctor"


def slack(**values: str) -> HandoffDestination:
    return HandoffDestination(name="team", kind="slack", **values)


def test_a_slack_destination_without_a_webhook_url_fails_naming_the_login_command() -> None:
    state, detail = handoff_destination_check("acme", slack(), [])
    assert state == "FAIL" and "frontline login acme --handoff team" in detail


def test_a_stored_or_env_webhook_url_is_found_and_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    set_token("acme", "slack:team", SECRET, kind="slack")
    state, detail = handoff_destination_check("acme", slack(), [])
    assert state == "ok" and "keyring" in detail and "s3cr3t" not in detail
    monkeypatch.setenv("TEAM_HOOK", SECRET)
    state, detail = handoff_destination_check("other", slack(webhook_env="TEAM_HOOK"), [])
    assert state == "ok" and "TEAM_HOOK" in detail and "s3cr3t" not in detail


def test_a_tracker_destination_needs_an_escalation_target_of_its_kind() -> None:
    jira = HandoffDestination(name="eng", kind="jira", issue="OPS-1")
    assert handoff_destination_check("acme", jira, [])[0] == "FAIL"
    target = TrackerSettings(kind="jira", name="eng-jira")
    assert handoff_destination_check("acme", jira, [target]) == ("ok", "eng: a comment on jira OPS-1")
    named = HandoffDestination(name="eng", kind="jira", issue="OPS-1", target="elsewhere")
    state, detail = handoff_destination_check("acme", named, [target])
    assert state == "FAIL" and "elsewhere" in detail

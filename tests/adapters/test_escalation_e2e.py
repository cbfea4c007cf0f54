"""Escalation end to end over HTTP on the sandbox, for Jira and GitHub: real sessions (Zendesk, or JSM on
the same Atlassian site as Jira), with what landed counted in the sandbox's request logs and stores.

The sandbox's search indexes lag writes (two seconds by default) as the vendors' do: nothing here waits
for them, so a bug found again was found through reads that do not lag.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from support.escalation_probe import (
    APP,
    COMMUNITY,
    ENG,
    EscalationProbe,
    TrackerTarget,
    escalations_of,
    ticket_ref,
)

from frontline.bootstrap import Session
from frontline.connectors.atlassian.adf import markdown_to_adf
from frontline.domain.escalation import ESCALATED_TAG, EscalationFields, TicketRef, bug_tag
from frontline.sandbox.atlassian.adf import document_problems
from frontline.sandbox.server import SandboxServer
from frontline.services.escalation import EscalationResult

TICKET = "29"
"""Zendesk #29: a requester and organization (right-to-left names), two internal notes by the signed-in
agent, an attachment: every part of the report has something to say."""
FIELDS = EscalationFields(
    steps="1. Open the invoices page\n2. Wait 30 seconds",
    expected="The invoices list loads",
    actual="A timeout, and orders are lost",
    severity="High: production is down",
)
BOTH = pytest.mark.parametrize("target", [ENG, APP], ids=["jira", "github"])


@pytest.fixture
async def probe(sandbox: SandboxServer) -> AsyncIterator[EscalationProbe]:
    probe = EscalationProbe(sandbox)
    yield probe
    await probe.aclose()


async def escalate(
    session: Session, target: TrackerTarget, ticket_id: str = TICKET, **options: Any
) -> EscalationResult:
    return await escalations_of(session).escalate(ticket_id, FIELDS, target_name=target.name, **options)


def assert_linked_once(
    probe: EscalationProbe, result: EscalationResult, target: TrackerTarget, ref: TicketRef, helpdesk: str
) -> None:
    """One bug for the ticket in the tracker, one internal note naming it, both tags, each once."""
    key = result.bug.key
    assert probe.bugs_for(target, ref) == [key]
    assert probe.notes_citing(helpdesk, ref.ticket_id, key) == 1
    assert probe.public_comments_citing(helpdesk, ref.ticket_id, key) == 0, "the note is internal"
    tags = probe.tags(helpdesk, ref.ticket_id)
    for tag in (ESCALATED_TAG, bug_tag(target.kind, key)):
        assert tags.count(tag) == 1, tags
        assert tag in result.ticket.tags


# --- filing ---------------------------------------------------------------------------------------------


@BOTH
async def test_the_bug_is_filed_with_the_reports_fields_and_body(
    probe: EscalationProbe, target: TrackerTarget
) -> None:
    session = probe.session()
    thread = await session.desk.open_ticket(TICKET)
    escalations = escalations_of(session)
    preview = await escalations.report(thread, escalations.target(target.name), FIELDS)
    ref = preview.ticket
    assert (ref.label, ref.marker) == ("zd-127-0-0-1-29", "<!-- frontline:zendesk:127.0.0.1:29 -->")

    result = await escalate(session, target)

    assert result.created and result.warnings == () and result.bug.tracker == target.name
    assert result.bug.title == preview.title == "Urgent: production outage (ZD #29)"
    body = preview.body
    first_message = thread.comments[0].body
    assert body.startswith(f"Escalated from ZD #29: {thread.ticket.url}\n")
    assert "## Steps to reproduce\n\n1. Open the invoices page\n2. Wait 30 seconds" in body
    assert f"## The customer wrote\n\n> {first_message}" in body
    assert body.count("## Internal note") == 2 and "> Internal: refund approved by finance" in body
    assert "## Attachments on the ticket\n\n- crash.log" in body and body.endswith(ref.marker)
    (create,) = probe.creates(target)
    if target.kind == "jira":
        sent = create.body["fields"]
        assert sent["description"] == markdown_to_adf(body), "Jira receives exactly the preview"
        fields = probe.jira_issue(result.bug.key)["fields"]
        assert fields["summary"] == preview.title and fields["status"]["name"] == "To Do"
        assert fields["issuetype"]["name"] == "Bug" and fields["project"]["key"] == "ENG"
        assert fields["labels"] == ["from-support", ref.label]
        assert [component["name"] for component in fields["components"]] == ["Backend"]
        description = fields["description"]
        assert document_problems(description) == [] and description == sent["description"]
        blocks = description["content"]
        headings = [b["content"][0]["text"] for b in blocks if b["type"] == "heading"]
        assert headings == [
            "Steps to reproduce",
            "Expected",
            "Actual",
            "Severity",
            "The customer wrote",
            "Internal note",
            "Internal note",
            "Attachments on the ticket",
        ]
        links = [m["attrs"]["href"] for n in blocks[0]["content"] for m in n.get("marks", [])]
        assert links == [thread.ticket.url]
        assert blocks[-1]["content"] == [{"type": "text", "text": ref.marker}]
    else:
        assert create.body == {"title": preview.title, "body": body, "labels": ["from-support", ref.label]}
        issue = probe.github_issue(result.bug.key)
        assert issue["title"] == preview.title and issue["state"] == "open"
        assert issue["body"] == body, "GitHub receives exactly the preview, its marker once"
        assert [label["name"] for label in issue["labels"]] == ["from-support", ref.label]


@BOTH
async def test_the_bug_links_back_and_the_ticket_gets_one_note_and_both_tags(
    probe: EscalationProbe, target: TrackerTarget
) -> None:
    session = probe.session()
    ref = await ticket_ref(session, TICKET)

    result = await escalate(session, target)

    assert_linked_once(probe, result, target, ref, "zendesk")
    key = result.bug.key
    (note,) = [body for public, body in probe.comments("zendesk", TICKET) if not public and key in body]
    assert result.bug.url in note
    assert "integrations" in probe.tags("zendesk", TICKET), "the ticket's own tags are kept"
    if target.kind == "jira":
        (link,) = probe.jira().site.find(key).remote_links  # type: ignore[union-attr]
        assert link.global_id == "frontline:zendesk:127.0.0.1:ticket:29"
        assert link.payload["application"] == {"type": "com.zendesk.support", "name": "Zendesk"}
        assert link.payload["object"]["url"] == f"{probe.sandbox.urls['zendesk']}/agent/tickets/29"
        assert link.payload["object"]["title"] == "ZD #29: Urgent: production outage"
        assert probe.requests("jira", ("POST", "/rest/api/3/issueLink")) == [], "Zendesk is not on the site"
    else:
        assert ref.marker in probe.github_issue(key)["body"], "the marker is the link"
        assert probe.github_comments(key) == []


@BOTH
async def test_the_status_shown_is_the_trackers(probe: EscalationProbe, target: TrackerTarget) -> None:
    session = probe.session()
    escalations = escalations_of(session)
    key = (await escalate(session, target)).bug.key
    opened, done = ("To Do", "Done") if target.kind == "jira" else ("open", "closed")

    assert [(b.key, b.status, b.tracker) for b in escalations.linked_bugs(TICKET)] == [
        (key, opened, target.name)
    ]
    probe.resolve(target, key)
    assert [(b.key, b.status) for b in await escalations.refresh_status(TICKET)] == [(key, done)]
    assert [(b.key, b.status) for b in escalations.linked_bugs(TICKET)] == [(key, done)]

    restarted = probe.session()  # what the queue's bug column shows after a restart
    assert [(b.key, b.status) for b in escalations_of(restarted).linked_bugs(TICKET)] == [(key, done)]


# --- never twice ----------------------------------------------------------------------------------------


@BOTH
async def test_a_second_escalation_files_nothing_and_notes_nothing(
    probe: EscalationProbe, target: TrackerTarget
) -> None:
    session = probe.session()
    ref = await ticket_ref(session, TICKET)
    first = await escalate(session, target)
    note_puts = len(probe.requests("zendesk", ("PUT", f"/api/v2/tickets/{TICKET}")))

    again = await escalate(session, target)
    restarted = await escalate(probe.session(), target)

    for result in (again, restarted):
        assert not result.created and result.bug.key == first.bug.key
    assert len(probe.creates(target)) == 1
    assert len(probe.requests("zendesk", ("PUT", f"/api/v2/tickets/{TICKET}"))) == note_puts == 1
    assert_linked_once(probe, restarted, target, ref, "zendesk")


@pytest.mark.parametrize("target", [ENG, APP, COMMUNITY], ids=["jira", "github", "github-no-push"])
async def test_another_machine_finds_the_bug_through_the_ticket_before_the_index_has_it(
    probe: EscalationProbe, target: TrackerTarget, tmp_path: Path
) -> None:
    """A colleague (no local record) escalates the same ticket right after: the ticket's note and tag
    name the bug, the tracker confirms it; the lagging search is not what finds it."""
    probe.search_lag(target.kind, 60)
    session = probe.session(targets=(target,))
    ref = await ticket_ref(session, TICKET)
    first = await escalate(session, target)

    colleague = probe.session(targets=(target,), data_dir=tmp_path / "colleague")
    again = await escalate(colleague, target)

    assert not again.created and again.bug.key == first.bug.key
    assert len(probe.creates(target)) == 1
    assert_linked_once(probe, again, target, ref, "zendesk")


# --- linking to a bug that is already known -------------------------------------------------------------


@BOTH
async def test_linking_to_a_bug_from_the_similar_list_files_nothing(
    probe: EscalationProbe, target: TrackerTarget
) -> None:
    ticket_id = "22"  # "Error 500 when using the dashboard"
    session = probe.session()
    escalations = escalations_of(session)
    thread = await session.desk.open_ticket(ticket_id)
    ref = escalations.ticket_ref(thread.ticket)
    tracker = escalations.tracker(escalations.target(target.name))
    similar = await tracker.similar_bugs(f"{thread.ticket.subject}\n{thread.comments[0].body}")
    assert similar, "the sandbox's tracker has a bug like this one"
    picked = similar[0]

    linked = await escalate(session, target, ticket_id, link_to=picked.key)
    again = await escalate(session, target, ticket_id, link_to=picked.key)
    plain = await escalate(probe.session(), target, ticket_id)

    assert probe.creates(target) == []
    for result in (linked, again, plain):
        assert not result.created and result.bug.key == picked.key
    assert probe.notes_citing("zendesk", ticket_id, picked.key) == 1
    tags = probe.tags("zendesk", ticket_id)
    assert tags.count(ESCALATED_TAG) == tags.count(bug_tag(target.kind, picked.key)) == 1
    if target.kind == "jira":
        issue = probe.jira().site.find(picked.key)
        assert issue is not None
        assert [link.global_id for link in issue.remote_links].count(ref.global_id) == 1
    else:
        comments = [body for body in probe.github_comments(picked.key) if ref.marker in body]
        assert len(comments) == 1 and thread.ticket.url and thread.ticket.url in comments[0]
        labels = [label["name"] for label in probe.github_issue(picked.key)["labels"]]
        assert ref.label in labels
    assert probe.bugs_for(target, ref) == [picked.key]


# --- GitHub without push access -------------------------------------------------------------------------


async def test_labels_dropped_without_push_access_are_reported(probe: EscalationProbe) -> None:
    session = probe.session(targets=(COMMUNITY,))
    ref = await ticket_ref(session, TICKET)

    result = await escalate(session, COMMUNITY)

    assert result.created and result.bug.key.startswith("acme/community#")
    (warning,) = result.warnings
    assert f"did not keep the labels from-support, {ref.label}" in warning and "push" in warning
    (create,) = probe.creates(COMMUNITY)
    assert "labels" not in create.body, "no labels are sent where they would not stick"
    issue = probe.github_issue(result.bug.key)
    assert issue["labels"] == [] and issue["body"].endswith(ref.marker)
    assert_linked_once(probe, result, COMMUNITY, ref, "zendesk")

    again = await escalate(probe.session(targets=(COMMUNITY,)), COMMUNITY)  # found by its marker
    assert not again.created and again.bug.key == result.bug.key and again.warnings == ()
    assert len(probe.creates(COMMUNITY)) == 1


# --- JSM on the same Atlassian site as Jira -------------------------------------------------------------


async def test_a_jsm_request_on_the_same_site_is_related_noted_and_labelled_once(
    probe: EscalationProbe,
) -> None:
    ticket_id = "SUP-3"
    session = probe.session("jsm", targets=(ENG,), same_site=True)
    ref = await ticket_ref(session, ticket_id)

    result = await escalate(session, ENG, ticket_id)
    again = await escalate(probe.session("jsm", targets=(ENG,), same_site=True), ENG, ticket_id)

    assert result.created and not again.created and again.bug.key == result.bug.key
    assert_linked_once(probe, again, ENG, ref, "jsm")
    assert len(probe.creates(ENG)) == 1
    assert len(probe.requests("jira", ("POST", "/rest/api/3/issueLink"))) == 1
    request = probe.jira().site.find(ticket_id)
    assert request is not None
    related = [(link["type"]["name"], link["outwardIssue"]["key"]) for link in request.links]
    assert related == [("Relates", result.bug.key)]
    bug = probe.jira().site.find(result.bug.key)
    assert bug is not None
    (link,) = bug.remote_links
    assert link.global_id == f"frontline:jsm:127.0.0.1:ticket:{ticket_id}"
    assert link.payload["application"]["type"] == "com.atlassian.servicedesk"

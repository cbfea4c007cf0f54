"""The Jira tracker against the sandbox's Jira over real HTTP on 127.0.0.1.

The sandbox's search index lags writes (2 s by default), as Jira's does; these tests show the tracker
finds its bugs anyway, through reads that do not lag, and never files one twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from support.sandbox_control import control_client

from frontline.connectors.jira import JiraSettings
from frontline.connectors.jira.client import JiraTracker, build_jira_tracker
from frontline.connectors.jira.jql import jql_string, search_terms
from frontline.connectors.registry import build_tracker
from frontline.domain.escalation import BugReport, TicketRef
from frontline.errors import AuthError, ConfigError, NotFound, ValidationFailed, WriteOutcomeUnknown
from frontline.sandbox.atlassian.adf import document_problems
from frontline.sandbox.server import SandboxServer

API = "/rest/api/3"
BODY = """Escalated from ZD #35436: https://acme.zendesk.com/agent/tickets/35436
Requester: Ada Lovelace · Organization: Acme · Priority: high

## Steps to reproduce

- open checkout with an EU card
- pay

## The customer wrote

> It just *spins*.
>
> Please help

## Stack trace

```
Traceback (most recent call last):
  File "pay.py", line 3, in <module>
```

<!-- frontline:zendesk:acme:35436 -->"""


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, systems=("jira",)) as server:
        assert "jira" in server.urls, server.skipped
        yield server


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "jira") as client:
        yield client


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    auth = httpx.BasicAuth(sandbox.email, sandbox.token)
    with httpx.Client(base_url=sandbox.urls["jira"], auth=auth, timeout=10) as client:
        yield client


def target(sandbox: SandboxServer, **overrides: Any) -> JiraSettings:
    values: dict[str, Any] = {
        "name": "eng-jira",
        "base_url": sandbox.urls["jira"],
        "project": "ENG",
        "email": sandbox.email,
        "labels": ["from-support"],
        "components": ["Backend"],
    }
    return JiraSettings(**{**values, **overrides})


@pytest.fixture
async def tracker(sandbox: SandboxServer, control: httpx.Client) -> AsyncIterator[JiraTracker]:
    jira = build_jira_tracker(target(sandbox), sandbox.token)
    yield jira
    await jira.aclose()


def zendesk_ticket(number: int = 35436, title: str = "Checkout fails for EU cards") -> TicketRef:
    return TicketRef(
        helpdesk="zendesk",
        site="acme",
        ticket_id=str(number),
        url=f"https://acme.zendesk.com/agent/tickets/{number}",
        title=title,
    )


def report(ticket: TicketRef, **overrides: Any) -> BugReport:
    values: dict[str, Any] = {
        "title": f"Checkout fails for EU cards ({ticket.display})",
        "body": BODY,
        "ticket": ticket,
        "labels": ("customer-impact",),
        "components": ("Billing",),
        "priority": "High",
    }
    return BugReport(**{**values, **overrides})


def requests(control: httpx.Client, method: str, path: str) -> list[dict[str, Any]]:
    answer = control.get("/requests", params={"method": method, "path": path}).json()
    return list(answer["requests"])


def keys_with_label(control: httpx.Client, label: str) -> list[str]:
    """What the sandbox holds, read from its store (no index lag)."""
    return list(control.get("/jira/issues", params={"label": label}).json()["keys"])


def search_by_label(http: httpx.Client, label: str) -> list[str]:
    answer = http.post(
        f"{API}/search/jql", json={"jql": f'project = ENG AND labels = "{label}"', "fields": ["key"]}
    )
    assert answer.status_code == 200, answer.text
    return [issue["key"] for issue in answer.json()["issues"]]


# --- building -----------------------------------------------------------------------------------------


async def test_the_registry_builds_a_jira_tracker(sandbox: SandboxServer) -> None:
    jira = build_tracker(target(sandbox), sandbox.token, helpdesk_site="https://acme.zendesk.com")
    try:
        assert isinstance(jira, JiraTracker)
        assert jira.capabilities.remote_links and jira.capabilities.components and jira.capabilities.priority
        assert (await jira.get_bug("ENG-1")).tracker == "eng-jira"
        assert jira.connection_state.value == "online"
    finally:
        await jira.aclose()


@pytest.mark.parametrize(
    ("overrides", "token", "message"),
    [
        ({"base_url": "http://jira.example.com"}, "t", "plain http"),
        ({"base_url": "ftp://x"}, "t", "not an http"),
        ({"project": " "}, "t", "project"),
        ({"email": ""}, "t", "email"),
        ({}, "", "token"),
    ],
)
def test_the_factory_refuses_incomplete_settings(
    sandbox: SandboxServer, overrides: dict[str, Any], token: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        build_jira_tracker(target(sandbox, **overrides), token)


# --- filing -------------------------------------------------------------------------------------------


async def test_create_files_the_bug_with_its_fields_and_an_adf_description(
    tracker: JiraTracker, http: httpx.Client, control: httpx.Client, sandbox: SandboxServer
) -> None:
    ticket = zendesk_ticket()
    bug = await tracker.create_bug(report(ticket))
    assert bug.key == "ENG-31" and bug.url == f"{sandbox.urls['jira']}/browse/ENG-31"
    assert bug.title == "Checkout fails for EU cards (ZD #35436)" and bug.status == "To Do"
    assert set(bug.labels) == {"from-support", "customer-impact", "zd-acme-35436"}
    assert bug.tracker == "eng-jira"

    fields = http.get(f"{API}/issue/{bug.key}").json()["fields"]
    assert [c["name"] for c in fields["components"]] == ["Backend", "Billing"]
    assert fields["priority"]["name"] == "High" and fields["issuetype"]["name"] == "Bug"
    description = fields["description"]
    assert document_problems(description) == []
    blocks = description["content"]
    assert [b["type"] for b in blocks] == [
        "paragraph",
        "heading",
        "bulletList",
        "heading",
        "blockquote",
        "heading",
        "codeBlock",
        "paragraph",
    ]
    assert blocks[1] == {
        "type": "heading",
        "attrs": {"level": 2},
        "content": [{"type": "text", "text": "Steps to reproduce"}],
    }
    assert blocks[0]["content"][1]["marks"][0]["attrs"]["href"] == ticket.url
    assert len(blocks[2]["content"]) == 2
    quote_text = [n["text"] for p in blocks[4]["content"] for n in p["content"]]
    assert quote_text == ["It just ", "spins", ".", "Please help"]
    code = blocks[6]["content"]
    assert code[0]["text"].startswith("Traceback") and "marks" not in code[0]
    assert blocks[-1]["content"] == [{"type": "text", "text": ticket.marker}]

    sent = requests(control, "POST", f"{API}/issue")[0]["body"]["fields"]
    assert sent["project"] == {"key": "ENG"} and sent["issuetype"] == {"id": "10004"}
    meta_reads = len(requests(control, "GET", f"{API}/issue/createmeta/*"))
    assert meta_reads == 2
    await tracker.create_bug(report(zendesk_ticket(35437)))
    assert len(requests(control, "GET", f"{API}/issue/createmeta/*")) == meta_reads  # cached


async def test_a_required_custom_field_is_named_before_anything_is_sent(
    sandbox: SandboxServer, control: httpx.Client
) -> None:
    ops = build_jira_tracker(target(sandbox, project="OPS", components=[]), sandbox.token)
    try:
        with pytest.raises(ValidationFailed, match="Affected environment") as failure:
            await ops.create_bug(report(zendesk_ticket(), components=()))
    finally:
        await ops.aclose()
    assert failure.value.details == {"customfield_10050": ["Affected environment is required."]}
    assert requests(control, "POST", f"{API}/issue") == []


async def test_an_unknown_issue_type_is_a_configuration_error(
    sandbox: SandboxServer, control: httpx.Client
) -> None:
    jira = build_jira_tracker(target(sandbox, issue_type="Incident"), sandbox.token)
    try:
        with pytest.raises(ConfigError, match=r"no issue type 'Incident'.*Bug, Task"):
            await jira.create_bug(report(zendesk_ticket()))
    finally:
        await jira.aclose()


# --- finding, despite the lagging index ---------------------------------------------------------------


async def test_find_right_after_create_despite_the_lagging_search(
    tracker: JiraTracker, http: httpx.Client, control: httpx.Client, sandbox: SandboxServer
) -> None:
    control.put("/jira/search-lag", json={"seconds": 30}).raise_for_status()  # no race on a slow machine
    ticket = zendesk_ticket()
    assert await tracker.find_bug_for_ticket(ticket) is None
    bug = await tracker.create_bug(report(ticket))
    assert search_by_label(http, ticket.label) == []  # the index has not seen it yet

    found = await tracker.find_bug_for_ticket(ticket)  # it remembers what it created, and reads it back
    assert found is not None and found.key == bug.key

    restarted = build_jira_tracker(target(sandbox), sandbox.token)  # a new connection remembers nothing
    try:
        assert await restarted.find_bug_for_ticket(ticket, settle=False) is None  # the index alone misses
        issue_id = http.get(f"{API}/issue/{bug.key}").json()["id"]
        by_id = await restarted.find_bug_for_ticket(ticket, known=[issue_id])
        assert by_id is not None and by_id.key == bug.key
        search = requests(control, "POST", f"{API}/search/jql")[-1]["body"]
        assert search["reconcileIssues"] == [int(issue_id)]
        assert 'issuesWithRemoteLinksByGlobalId("frontline:zendesk:acme:ticket:35436")' in search["jql"]
    finally:
        await restarted.aclose()

    restarted = build_jira_tracker(target(sandbox), sandbox.token)
    try:
        by_key = await restarted.find_bug_for_ticket(ticket, known=[bug.key.lower()])
        assert by_key is not None and by_key.key == bug.key
        other = await restarted.find_bug_for_ticket(zendesk_ticket(1), known=[bug.key], settle=False)
        assert other is None  # a known key that belongs to another ticket is not taken
    finally:
        await restarted.aclose()


async def test_a_known_key_is_confirmed_by_its_remote_link(
    tracker: JiraTracker, http: httpx.Client, control: httpx.Client
) -> None:
    ticket = zendesk_ticket()
    key = "ENG-5"  # filed by hand: no frontline label
    await tracker.link_ticket(await tracker.get_bug(key), ticket)
    found = await tracker.find_bug_for_ticket(ticket, known=[key], settle=False)
    assert found is not None and found.key == key
    lookups = requests(control, "GET", f"{API}/issue/{key}/remotelink")
    assert lookups and "globalId=frontline" in lookups[-1]["query"]

    control.put("/jira/search-lag", json={"seconds": 0}).raise_for_status()
    by_link = await tracker.find_bug_for_ticket(ticket)  # now the index sees the remote link
    assert by_link is not None and by_link.key == key


async def test_a_dropped_create_is_found_again_and_never_filed_twice(
    tracker: JiraTracker, http: httpx.Client, control: httpx.Client, sandbox: SandboxServer
) -> None:
    control.put("/jira/search-lag", json={"seconds": 3}).raise_for_status()
    control.post("/faults", json={"spec": f"drop_after_commit:count=1:method=POST:path={API}/issue"})
    ticket = zendesk_ticket()
    with pytest.raises(WriteOutcomeUnknown):
        await tracker.create_bug(report(ticket))
    filed = keys_with_label(control, ticket.label)
    assert len(filed) == 1  # it landed
    assert search_by_label(http, ticket.label) == []  # ... and the index does not show it yet

    found = await tracker.find_bug_for_ticket(ticket)  # waits for the index instead of saying "none"
    assert found is not None and found.key == filed[0]
    assert len(requests(control, "POST", f"{API}/search/jql")) >= 2
    assert len(requests(control, "POST", f"{API}/issue")) == 1
    assert keys_with_label(control, ticket.label) == filed

    restarted = build_jira_tracker(target(sandbox), sandbox.token)  # after a crash: the caller asks to settle
    try:
        again = await restarted.find_bug_for_ticket(ticket, settle=True)
        assert again is not None and again.key == filed[0]
    finally:
        await restarted.aclose()


# --- linking back -------------------------------------------------------------------------------------


async def test_the_remote_link_is_upserted_whole_and_only_once(
    tracker: JiraTracker, control: httpx.Client
) -> None:
    ticket = zendesk_ticket()
    bug = await tracker.create_bug(report(ticket))
    await tracker.link_ticket(bug, ticket)
    await tracker.link_ticket(bug, ticket)
    links = control.get(f"/jira/issues/{bug.key}").json()["remote_links"]
    assert len(links) == 1
    link = links[0]
    assert link["globalId"] == "frontline:zendesk:acme:ticket:35436"
    assert link["application"] == {"type": "com.zendesk.support", "name": "Zendesk"}
    assert link["relationship"] == "escalated from"
    assert link["object"] == {
        "url": "https://acme.zendesk.com/agent/tickets/35436",
        "title": "ZD #35436: Checkout fails for EU cards",
        "status": {"resolved": False},
    }
    assert [r["status"] for r in requests(control, "POST", f"{API}/issue/{bug.key}/remotelink")] == [201, 200]
    assert requests(control, "POST", f"{API}/issueLink") == []  # Zendesk is not on this site


async def test_a_jsm_request_on_the_same_site_is_also_related_once(
    sandbox: SandboxServer, control: httpx.Client, http: httpx.Client
) -> None:
    site = sandbox.urls["jira"]
    ticket = TicketRef(helpdesk="jsm", site="127.0.0.1", ticket_id="SUP-2", url=f"{site}/browse/SUP-2")
    jira = build_jira_tracker(target(sandbox), sandbox.token, helpdesk_site=site + "/")
    try:
        bug = await jira.create_bug(report(ticket))
        await jira.link_ticket(bug, ticket)
        await jira.link_ticket(bug, ticket)
    finally:
        await jira.aclose()
    assert len(requests(control, "POST", f"{API}/issueLink")) == 1
    links = http.get(f"{API}/issue/SUP-2", params={"fields": "issuelinks"}).json()["fields"]["issuelinks"]
    assert [(link["type"]["name"], link["outwardIssue"]["key"]) for link in links] == [("Relates", bug.key)]
    remote = control.get(f"/jira/issues/{bug.key}").json()["remote_links"]
    assert remote[0]["application"]["type"] == "com.atlassian.servicedesk"
    assert remote[0]["object"]["title"] == "SUP-2"


async def test_a_jsm_helpdesk_on_another_site_gets_no_issue_link(
    sandbox: SandboxServer, control: httpx.Client
) -> None:
    ticket = TicketRef(helpdesk="jsm", site="acme.atlassian.net", ticket_id="SUP-2")
    jira = build_jira_tracker(target(sandbox), sandbox.token, helpdesk_site="https://acme.atlassian.net")
    try:
        await jira.link_ticket(await jira.get_bug("ENG-3"), ticket)
    finally:
        await jira.aclose()
    assert requests(control, "POST", f"{API}/issueLink") == []
    link = control.get("/jira/issues/ENG-3").json()["remote_links"][-1]
    assert link["object"]["url"] == "https://acme.atlassian.net/browse/SUP-2"


async def test_dropped_remote_link_and_comment_writes_land_once(
    tracker: JiraTracker, control: httpx.Client
) -> None:
    ticket = zendesk_ticket()
    bug = await tracker.get_bug("ENG-4")
    control.post("/faults", json={"spec": "drop_after_commit:count=1:method=POST:path=*/remotelink"})
    with pytest.raises(WriteOutcomeUnknown):
        await tracker.link_ticket(bug, ticket)
    await tracker.link_ticket(bug, ticket)  # safe to repeat: an upsert
    links = control.get("/jira/issues/ENG-4").json()["remote_links"]
    assert [link["globalId"] for link in links].count(ticket.global_id) == 1

    control.post("/faults", json={"spec": "drop_after_commit:count=1:method=POST:path=*/comment"})
    with pytest.raises(WriteOutcomeUnknown):
        await tracker.add_comment("ENG-4", "Another customer hit this: ZD #35999")
    comments = control.get("/jira/issues/ENG-4").json()["comments"]
    assert [c["body"] for c in comments].count("Another customer hit this: ZD #35999") == 1


# --- reading ------------------------------------------------------------------------------------------


async def test_get_bug_reads_the_current_status(tracker: JiraTracker, http: httpx.Client) -> None:
    bug = await tracker.create_bug(report(zendesk_ticket()))
    assert (await tracker.get_bug(bug.key)).status == "To Do"
    done = http.post(
        f"{API}/issue/{bug.key}/transitions",
        json={"transition": {"id": "41"}, "fields": {"resolution": {"name": "Done"}}},
    )
    assert done.status_code == 204, done.text
    assert (await tracker.get_bug(bug.key)).status == "Done"
    with pytest.raises(NotFound):
        await tracker.get_bug("ENG-9999")
    with pytest.raises(NotFound, match="not a Jira issue key"):
        await tracker.get_bug("../../myself")


async def test_similar_bugs_rank_a_matching_open_bug_first(
    tracker: JiraTracker, http: httpx.Client, control: httpx.Client
) -> None:
    control.put("/jira/search-lag", json={"seconds": 0}).raise_for_status()
    mine = await tracker.create_bug(
        report(
            zendesk_ticket(), title="Webhook signature mismatch after key rotation", body="Signatures fail."
        )
    )
    similar = await tracker.similar_bugs(
        "Customers report a webhook signature mismatch since Monday", limit=5
    )
    assert similar and similar[0].key == mine.key
    assert len(similar) <= 5 and all(bug.status != "Done" for bug in similar)
    statuses = {b.key: http.get(f"{API}/issue/{b.key}").json()["fields"]["status"]["name"] for b in similar}
    assert "Done" not in statuses.values()
    jql = requests(control, "POST", f"{API}/search/jql")[-1]["body"]["jql"]
    assert 'text ~ "customers OR report OR webhook OR signature OR mismatch OR since OR monday"' in jql


@pytest.mark.parametrize(
    "hostile",
    [
        'checkout" OR project = OPS OR text ~ "x',
        "checkout \\ AND ~ * ? : [ ] { } ( ) ^ ! -",
        'checkout\nORDER BY key\r\n"\t\\"',
        "AND OR NOT checkout*",
        "\x00\x1b[31mcheckout\x07",
    ],
)
async def test_similar_bugs_survive_hostile_text(
    tracker: JiraTracker, control: httpx.Client, hostile: str
) -> None:
    control.put("/jira/search-lag", json={"seconds": 0}).raise_for_status()
    similar = await tracker.similar_bugs(hostile)
    assert similar and all(bug.key.startswith("ENG-") for bug in similar)
    assert all("checkout" in bug.title.lower() for bug in similar[:1])


async def test_similar_bugs_with_nothing_to_search_send_nothing(
    tracker: JiraTracker, control: httpx.Client
) -> None:
    assert await tracker.similar_bugs("  the a of !!! ??? ") == []
    assert await tracker.similar_bugs("checkout", limit=0) == []
    assert requests(control, "POST", f"{API}/search/jql") == []


async def test_add_comment_posts_markdown_as_adf(tracker: JiraTracker, http: httpx.Client) -> None:
    await tracker.add_comment("ENG-2", "## New context\n\nZD #35999 hit it too:\n\n- EU card\n- `3DS`")
    comments = http.get(f"{API}/issue/ENG-2/comment").json()["comments"]
    body = comments[-1]["body"]
    assert [block["type"] for block in body["content"]] == ["heading", "paragraph", "bulletList"]
    assert document_problems(body) == []
    with pytest.raises(ValidationFailed):
        await tracker.add_comment("ENG-2", "   ")


async def test_use_token_signs_in_again_on_the_same_connection(
    tracker: JiraTracker, control: httpx.Client
) -> None:
    control.post("/expire-token", json={"new_token": "renewed-token"}).raise_for_status()
    with pytest.raises(AuthError, match="rejected the credentials"):
        await tracker.get_bug("ENG-1")
    tracker.use_token("renewed-token")
    assert (await tracker.get_bug("ENG-1")).key == "ENG-1"


# --- JQL building (no server) -------------------------------------------------------------------------


def test_jql_strings_escape_what_would_end_them() -> None:
    assert jql_string('a"b\\c\nd\te\x00') == '"a\\"b\\\\c\\nd\\te"'


def test_search_terms_keep_plain_words_only() -> None:
    terms = search_terms(
        'Checkout "fails" AND NOT 3-D Secure\\ (EU) * 500 errors 42 the the checkout', limit=10
    )
    assert terms == ["checkout", "fails", "secure", "eu", "500", "errors"]
    assert len(search_terms(" ".join(f"word{n}" for n in range(30)))) == 10


async def test_a_priority_the_screen_allows_is_sent_and_one_it_does_not_is_left_out(
    tracker: JiraTracker, http: httpx.Client
) -> None:
    """Priority schemes differ per site: a name the create screen does not list is not sent (a 400)."""
    listed = await tracker.create_bug(report(zendesk_ticket(51001), priority="high"))
    unlisted = await tracker.create_bug(report(zendesk_ticket(51002), priority="Blocker-ish"))

    def priority_of(key: str) -> str:
        answer = http.get(f"/rest/api/3/issue/{key}", params={"fields": "priority"}).json()
        return str(answer["fields"]["priority"]["name"])

    assert priority_of(listed.key) == "High"
    assert priority_of(unlisted.key) != "Blocker-ish"

"""The GitHub Issues tracker against the sandbox over real HTTP on 127.0.0.1.

Every test starts from the seeded state: `acme/app` (push access), `acme/community` (no push access) and
`acme/legacy` (issues turned off), with search lagging writes by the sandbox's default two seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.github import GitHubSettings
from frontline.connectors.github.client import GitHubTracker, build_github_tracker
from frontline.connectors.github.mapping import GitHubBug, marker_query
from frontline.connectors.registry import build_tracker
from frontline.domain.escalation import BugReport, TicketRef
from frontline.errors import ConfigError, NotFound, Unsupported, ValidationFailed, WriteOutcomeUnknown
from frontline.sandbox.server import SandboxServer

MARKDOWN = (
    "Escalated from ZD #41001: https://acme.zendesk.com/agent/tickets/41001\n\n"
    "## Steps to reproduce\n\n1. Open **checkout**\n2. Pay with `EUR`\n\n"
    "```python\nraise ValueError('<b>not html</b>')\n```\n\n> The customer wrote\n>\n> it *fails*"
)
TrackerFactory = Callable[..., GitHubTracker]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, systems=("github",)) as server:
        assert "github" in server.urls, server.skipped
        yield server


@pytest.fixture
def control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "github") as client:
        yield client


@pytest.fixture
def raw(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """GitHub as any other client sees it (for checks behind the tracker's back)."""
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=sandbox.urls["github"], headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
async def make_tracker(sandbox: SandboxServer, control: httpx.Client) -> AsyncIterator[TrackerFactory]:
    built: list[GitHubTracker] = []

    def make(project: str = "acme/app", **settings: Any) -> GitHubTracker:
        config = GitHubSettings(name="eng-gh", base_url=sandbox.urls["github"], project=project, **settings)
        tracker = build_github_tracker(config, sandbox.token, sleep=SleepRecorder())
        built.append(tracker)
        return tracker

    yield make
    for tracker in built:
        await tracker.aclose()


def ticket(number: int = 41001) -> TicketRef:
    return TicketRef(
        helpdesk="zendesk",
        site="acme",
        ticket_id=str(number),
        url=f"https://acme.zendesk.com/agent/tickets/{number}",
        title="Checkout fails",
    )


def report(
    ref: TicketRef, labels: tuple[str, ...] = ("from-support", "bug"), body: str = MARKDOWN
) -> BugReport:
    return BugReport(title=f"Checkout fails in EUR ({ref.display})", body=body, ticket=ref, labels=labels)


def requests(control: httpx.Client, method: str, path: str) -> list[dict[str, Any]]:
    answer = control.get("/requests", params={"method": method, "path": path})
    records: list[dict[str, Any]] = answer.json()["requests"]
    return records


# --- create -------------------------------------------------------------------------------------------


async def test_create_with_push_access_files_markdown_marker_and_labels(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client
) -> None:
    tracker = make_tracker(labels=["from-zendesk"])
    ref = ticket()
    bug = await tracker.create_bug(report(ref))
    assert isinstance(bug, GitHubBug)
    number = bug.number
    assert bug.key == f"acme/app#{number}" and bug.url.endswith(f"/acme/app/issues/{number}")
    assert bug.status == "open" and bug.tracker == "eng-gh" and bug.title == report(ref).title
    assert set(bug.labels) == {"from-zendesk", "from-support", "bug", ref.label}
    assert bug.dropped_labels == () and tracker.labels_notice is None and tracker.capabilities.labels
    issue = raw.get(f"/repos/acme/app/issues/{number}").json()
    assert issue["body"] == f"{MARKDOWN}\n\n{ref.marker}"
    # The labels the repository lacked were created first; the existing ones were only looked up.
    created = [r["body"]["name"] for r in requests(control, "POST", "/repos/acme/app/labels")]
    assert created == ["from-support", ref.label]
    assert len(requests(control, "GET", "/repos/acme/app/labels/*")) == 4
    sent = requests(control, "POST", "/repos/acme/app/issues")
    assert len(sent) == 1 and sent[0]["body"]["labels"] == ["from-zendesk", "from-support", "bug", ref.label]
    # A body that already ends with the marker keeps exactly one.
    again = await tracker.create_bug(report(ticket(41002), body=f"Short.\n\n{ticket(41002).marker}"))
    assert raw.get(f"/repos/acme/app/issues/{again.number}").json()["body"].count("frontline:zendesk") == 1


async def test_without_push_access_no_labels_are_sent_and_the_bug_says_so(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client
) -> None:
    tracker = make_tracker("acme/community", labels=["from-zendesk"])
    ref = ticket()
    bug = await tracker.create_bug(report(ref))
    assert isinstance(bug, GitHubBug) and bug.key.startswith("acme/community#")
    assert bug.labels == ()
    assert bug.dropped_labels == tracker.dropped_labels == ("from-zendesk", "from-support", "bug", ref.label)
    assert tracker.labels_notice is not None
    assert "labels were not applied: the token has no push access to acme/community" in tracker.labels_notice
    assert tracker.capabilities.labels is False and GitHubTracker.capabilities.labels is True
    sent = requests(control, "POST", "/repos/acme/community/issues")
    assert len(sent) == 1 and "labels" not in sent[0]["body"]
    assert requests(control, "GET|POST", "/repos/acme/community/labels*") == []
    assert raw.get(f"/repos/acme/community/issues/{bug.number}").json()["body"].endswith(ref.marker)


async def test_a_5xx_answer_to_create_is_unknown_and_not_sent_again(
    make_tracker: TrackerFactory, control: httpx.Client
) -> None:
    tracker = make_tracker()
    control.post("/faults", json={"spec": "5xx:count=1:status=502:method=POST:path=/repos/acme/app/issues"})
    with pytest.raises(WriteOutcomeUnknown):
        await tracker.create_bug(report(ticket()))
    assert len(requests(control, "POST", "/repos/acme/app/issues")) == 1


@pytest.mark.parametrize("project", ["acme/app", "acme/community"])
async def test_drop_after_commit_on_create_then_find_returns_the_one_issue(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client, project: str
) -> None:
    tracker = make_tracker(project)
    ref = ticket(41077)
    control.post(
        "/faults", json={"spec": f"drop_after_commit:count=1:method=POST:path=/repos/{project}/issues"}
    )
    with pytest.raises(WriteOutcomeUnknown, match="looks for it by the ticket's marker"):
        await tracker.create_bug(report(ref))
    found = await tracker.find_bug_for_ticket(ref)
    assert found is not None and found.key.startswith(f"{project}#")
    assert await tracker.find_bug_for_ticket(ref) == found
    assert len(requests(control, "POST", f"/repos/{project}/issues")) == 1
    everything = raw.get(f"/repos/{project}/issues", params={"state": "all", "per_page": 100}).json()
    assert [i["number"] for i in everything if ref.marker in (i["body"] or "")] == [found.number]
    assert requests(control, "GET", "/search/issues") == []  # consistent reads found it


async def test_issues_disabled_is_a_clear_error_and_nothing_is_sent(
    make_tracker: TrackerFactory, control: httpx.Client
) -> None:
    tracker = make_tracker("acme/legacy")
    with pytest.raises(Unsupported, match="issues are disabled on acme/legacy"):
        await tracker.find_bug_for_ticket(ticket())
    with pytest.raises(Unsupported, match="issues are disabled"):
        await tracker.create_bug(report(ticket()))
    with pytest.raises(Unsupported, match="issues are disabled"):
        await tracker.get_bug("acme/legacy#1")  # GitHub's 410, explained
    assert requests(control, "POST", "*") == []
    with pytest.raises(NotFound, match="no repository acme/missing"):
        await make_tracker("acme/missing").find_bug_for_ticket(ticket())


# --- find -----------------------------------------------------------------------------------------------


async def test_find_right_after_create_although_search_has_not_caught_up(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client
) -> None:
    tracker = make_tracker()
    ref = ticket()
    control.put("/github/search-lag", json={"seconds": 30}).raise_for_status()  # no race on a slow machine
    assert await tracker.find_bug_for_ticket(ref) is None
    bug = await tracker.create_bug(report(ref))
    control.delete("/requests")
    found = await tracker.find_bug_for_ticket(ref)
    assert found is not None and found.key == bug.key
    assert requests(control, "GET", "/search/issues") == []
    # Search alone would have missed it: the index has not seen the write yet ...
    query = {"q": marker_query("acme/app", ref.marker)}
    assert raw.get("/search/issues", params=query).json()["total_count"] == 0
    # ... and finds it once it has (the sandbox's lag set to nothing).
    control.put("/github/search-lag", json={"seconds": 0}).raise_for_status()
    await tracker.create_bug(report(ticket(41003)))
    hits = raw.get("/search/issues", params={"q": marker_query("acme/app", ticket(41003).marker)}).json()
    assert hits["total_count"] == 1


async def test_find_by_the_marker_when_labels_were_dropped(
    make_tracker: TrackerFactory, control: httpx.Client
) -> None:
    tracker = make_tracker("acme/community")
    ref = ticket()
    bug = await tracker.create_bug(report(ref))
    assert bug.labels == ()
    control.delete("/requests")
    found = await tracker.find_bug_for_ticket(ref)
    assert found is not None and found.key == bug.key
    scans = requests(control, "GET", "/repos/acme/community/issues")
    assert "labels=" in scans[0]["query"] and "creator=frontline-sandbox" in scans[1]["query"]
    assert requests(control, "GET", "/search/issues") == []


async def test_find_falls_back_to_search_for_an_issue_someone_else_filed(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client
) -> None:
    tracker = make_tracker("acme/community")
    ref = ticket(41500)
    seeded = raw.get("/repos/acme/community/issues/1").json()
    assert seeded["user"]["login"] != "frontline-sandbox"
    control.put("/github/search-lag", json={"seconds": 0}).raise_for_status()
    raw.patch("/repos/acme/community/issues/1", json={"body": f"From the forum.\n\n{ref.marker}"})
    found = await tracker.find_bug_for_ticket(ref)
    assert found is not None and found.key == "acme/community#1"
    assert len(requests(control, "GET", "/search/issues")) == 1


async def test_pull_requests_in_the_lists_are_skipped(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client
) -> None:
    tracker = make_tracker()
    pull = raw.get("/repos/acme/app/issues/10").json()
    ref = ticket(35999)
    assert "pull_request" in pull and ref.marker in pull["body"]
    assert ref.label in [label["name"] for label in pull["labels"]]
    assert await tracker.find_bug_for_ticket(ref) is None
    escalated = [
        issue
        for issue in raw.get("/repos/acme/app/issues", params={"state": "all", "per_page": 100}).json()
        if "pull_request" not in issue
        and any(label["name"].startswith("zd-acme-") for label in issue["labels"])
    ]
    assert escalated
    seeded_ticket = next(label["name"] for label in escalated[0]["labels"] if label["name"].startswith("zd-"))
    found = await tracker.find_bug_for_ticket(ticket(int(seeded_ticket.rsplit("-", 1)[1])))
    assert found is not None and found.number == escalated[0]["number"]


# --- read, search, comment, link ------------------------------------------------------------------------


async def test_get_bug_open_and_closed(make_tracker: TrackerFactory, raw: httpx.Client) -> None:
    tracker = make_tracker()
    bug = await tracker.create_bug(report(ticket()))
    opened = await tracker.get_bug(bug.key)
    assert isinstance(opened, GitHubBug) and opened.status == "open" and opened.url == bug.url
    raw.patch(f"/repos/acme/app/issues/{bug.number}", json={"state": "closed", "state_reason": "not_planned"})
    closed = await tracker.get_bug(f"#{bug.number}")
    assert isinstance(closed, GitHubBug)
    assert (closed.key, closed.status, closed.state_reason) == (bug.key, "closed", "not_planned")
    with pytest.raises(NotFound):
        await tracker.get_bug("acme/app#99999")
    with pytest.raises(NotFound, match="not a GitHub issue key"):
        await tracker.get_bug("ENG-42")


async def test_similar_bugs_with_hostile_text(make_tracker: TrackerFactory, control: httpx.Client) -> None:
    tracker = make_tracker()
    hostile = 'Checkout "fails" repo:acme/community OR ) ( NOT is:pr label:x \x1b]0;pwned\x07 crash ' * 3
    bugs = await tracker.similar_bugs(hostile, limit=5)
    assert bugs and len(bugs) <= 5
    assert all(b.key.startswith("acme/app#") and b.status == "open" for b in bugs)
    assert all("\x1b" not in b.title and "\x07" not in b.title for b in bugs)
    assert any("Checkout fails" in b.title for b in bugs)
    sent = requests(control, "GET", "/search/issues")
    assert len(sent) == 1
    query = httpx.QueryParams(sent[0]["query"])["q"]
    assert query.startswith("repo:acme/app is:issue is:open (") and '"' not in query
    assert "acme/community" not in query and "is:pr" not in query and len(query) <= 256
    assert await tracker.similar_bugs("?! ... the of") == []


async def test_add_comment_once_even_when_the_answer_is_lost(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client
) -> None:
    tracker = make_tracker()
    await tracker.add_comment("acme/app#1", "More context from **ZD #41009**")
    comments = raw.get("/repos/acme/app/issues/1/comments").json()
    assert comments[-1]["body"] == "More context from **ZD #41009**"
    control.post("/faults", json={"spec": "drop_after_commit:count=1:method=POST:path=/repos/*/comments"})
    with pytest.raises(WriteOutcomeUnknown):
        await tracker.add_comment("acme/app#1", "Second note")
    bodies = [c["body"] for c in raw.get("/repos/acme/app/issues/1/comments").json()]
    assert bodies.count("Second note") == 1
    with pytest.raises(ValidationFailed):
        await tracker.add_comment("acme/app#1", "   ")


async def test_link_ticket_is_the_marker_or_one_comment_and_the_label(
    make_tracker: TrackerFactory, control: httpx.Client, raw: httpx.Client
) -> None:
    tracker = make_tracker()
    ref = ticket()
    bug = await tracker.create_bug(report(ref))
    control.delete("/requests")
    await tracker.link_ticket(bug, ref)
    assert requests(control, "POST", "*") == []  # the marker in the body is the link
    existing = await tracker.get_bug("acme/app#2")
    other = ticket(41900)
    await tracker.link_ticket(existing, other)
    await tracker.link_ticket(existing, other)
    notes = [
        c["body"] for c in raw.get("/repos/acme/app/issues/2/comments").json() if other.marker in c["body"]
    ]
    assert len(notes) == 1 and other.url is not None and other.url in notes[0]
    assert other.label in [label["name"] for label in raw.get("/repos/acme/app/issues/2").json()["labels"]]
    assert await tracker.find_bug_for_ticket(other) == existing.model_copy(
        update={"labels": (*existing.labels, other.label)}
    )


# --- building it ------------------------------------------------------------------------------------------


async def test_built_through_the_registry_and_signs_in_again(
    sandbox: SandboxServer, control: httpx.Client
) -> None:
    settings = GitHubSettings(name="gh", base_url=sandbox.urls["github"], project="acme/app")
    tracker = build_tracker(settings, sandbox.token)
    try:
        assert isinstance(tracker, GitHubTracker)
        control.post("/expire-token", json={"new_token": "renewed-sandbox-token"})
        tracker.use_token("renewed-sandbox-token")
        assert (await tracker.get_bug("acme/app#1")).key == "acme/app#1"
    finally:
        await tracker.aclose()


async def test_settings_and_factory_refuse_what_cannot_work() -> None:
    with pytest.raises(ValueError, match="owner/repo"):
        GitHubSettings(project="just-a-name")
    with pytest.raises(ValueError, match="https://"):
        GitHubSettings(project="acme/app", base_url="api.github.com")
    assert GitHubSettings(project=" acme/app/ ").project == "acme/app"
    with pytest.raises(ConfigError, match="owner/repo"):
        build_github_tracker(GitHubSettings(), "token")
    with pytest.raises(ConfigError, match="plain http"):
        build_github_tracker(GitHubSettings(project="a/b", base_url="http://ghe.example.com/api/v3"), "t")
    with pytest.raises(ConfigError, match="No GitHub token"):
        build_github_tracker(GitHubSettings(project="a/b"), "  ")
    public = build_github_tracker(GitHubSettings(project="a/b", base_url="https://github.com"), "t")
    enterprise = build_github_tracker(
        GitHubSettings(project="a/b", base_url="https://ghe.example.com/api/v3/"), "t"
    )
    assert public.client.base_url == "https://api.github.com"
    assert enterprise.client.base_url == "https://ghe.example.com/api/v3"
    await public.aclose()
    await enterprise.aclose()


async def test_requests_carry_githubs_headers_and_a_bearer_token() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"has_issues": True, "permissions": {"push": False}})

    settings = GitHubSettings(project="acme/app")
    tracker = build_github_tracker(settings, "ghp_secret123", transport=httpx.MockTransport(answer))
    try:
        access = await tracker.repository_access()
    finally:
        await tracker.aclose()
    assert access.push is False and access.has_issues is True
    headers = seen[0].headers
    assert str(seen[0].url) == "https://api.github.com/repos/acme/app"
    assert headers["authorization"] == "Bearer ghp_secret123"
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert "ghp_secret123" not in repr(tracker.client._client.auth)


async def test_a_create_still_landing_is_waited_for_when_asked_to_settle(
    sandbox: SandboxServer, control: httpx.Client
) -> None:
    """A restarted frontline whose previous run died mid-create looks a little longer before filing."""
    config = GitHubSettings(name="eng-gh", base_url=sandbox.urls["github"], project="acme/app")
    filer, looker = build_github_tracker(config, sandbox.token), build_github_tracker(config, sandbox.token)
    ref = ticket(41077)
    control.post("/faults", json={"spec": "latency:count=1:ms=1500:method=POST:path=/repos/acme/app/issues"})

    creating = asyncio.create_task(filer.create_bug(report(ref)))
    for _ in range(100):
        if requests(control, "POST", "/repos/acme/app/issues"):
            break
        await asyncio.sleep(0.02)
    assert await looker.find_bug_for_ticket(ref) is None, "not landed yet: a plain look finds nothing"
    found = await looker.find_bug_for_ticket(ref, settle=True)
    created = await creating

    assert found is not None and found.key == created.key
    await filer.aclose()
    await looker.aclose()

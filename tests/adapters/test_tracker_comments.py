"""Comments on a tracker's issue, posted once and found again, over real HTTP against the sandbox.

A shift handoff is posted as a comment carrying a reference line; when the answer to the POST is lost
(drop-after-commit), `find_comment` must find the comment that landed so it is never posted twice.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from support.sandbox_control import SleepRecorder, control_client

from frontline.connectors.github import GitHubSettings
from frontline.connectors.github.client import GitHubTracker, build_github_tracker
from frontline.connectors.github.comments import clip_middle
from frontline.connectors.github.mapping import MAX_BODY_CHARS
from frontline.connectors.jira import JiraSettings
from frontline.connectors.jira.client import JiraTracker, build_jira_tracker
from frontline.errors import MalformedResponse, NotFound, WriteOutcomeUnknown
from frontline.sandbox.github.store import GhComment
from frontline.sandbox.github.system import GithubSystem
from frontline.sandbox.server import SandboxServer

API = "/rest/api/3"
REF = "frontline handoff ref 3f2a9c"
HANDOFF = f"## Shift handoff\n\n- ZD #35436 waits on **ENG-2**\n- EU cards still failing\n\n{REF}"
DOCUMENT: dict[str, Any] = {
    "type": "doc",
    "version": 1,
    "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Shift handoff"}]},
        {
            "type": "paragraph",
            "content": [
                {"type": "text", "text": "frontline handoff ", "marks": [{"type": "em"}]},
                {"type": "text", "text": "ref 77aa01"},
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, systems=("jira", "github")) as server:
        assert {"jira", "github"} <= set(server.urls), server.skipped
        yield server


@pytest.fixture
def jira_control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "jira") as client:
        yield client


@pytest.fixture
def github_control(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with control_client(sandbox, "github") as client:
        yield client


@pytest.fixture
def jira_http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    auth = httpx.BasicAuth(sandbox.email, sandbox.token)
    with httpx.Client(base_url=sandbox.urls["jira"], auth=auth, timeout=10) as client:
        yield client


@pytest.fixture
def github_http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=sandbox.urls["github"], headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
async def jira(sandbox: SandboxServer, jira_control: httpx.Client) -> AsyncIterator[JiraTracker]:
    settings = JiraSettings(
        name="eng-jira", base_url=sandbox.urls["jira"], project="ENG", email=sandbox.email
    )
    tracker = build_jira_tracker(settings, sandbox.token, sleep=SleepRecorder())
    yield tracker
    await tracker.aclose()


@pytest.fixture
async def github(sandbox: SandboxServer, github_control: httpx.Client) -> AsyncIterator[GitHubTracker]:
    settings = GitHubSettings(name="eng-gh", base_url=sandbox.urls["github"], project="acme/app")
    tracker = build_github_tracker(settings, sandbox.token, sleep=SleepRecorder())
    yield tracker
    await tracker.aclose()


def requests(control: httpx.Client, method: str, path: str) -> list[dict[str, Any]]:
    answer = control.get("/requests", params={"method": method, "path": path})
    records: list[dict[str, Any]] = answer.json()["requests"]
    return records


def jira_comments(http: httpx.Client, key: str) -> list[dict[str, Any]]:
    """Every comment on the issue, oldest first, as any Jira client reads them."""
    answer = http.get(f"{API}/issue/{key}/comment", params={"maxResults": 5000})
    assert answer.status_code == 200, answer.text
    comments: list[dict[str, Any]] = answer.json()["comments"]
    return comments


def adf_text(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    own = node.get("text", "") if node.get("type") == "text" else ""
    return own + "".join(adf_text(child) for child in node.get("content", []))


def github_comments(http: httpx.Client, number: int) -> list[dict[str, Any]]:
    comments: list[dict[str, Any]] = []
    for page in itertools.count(1):
        batch = http.get(f"/repos/acme/app/issues/{number}/comments", params={"per_page": 100, "page": page})
        comments += batch.json()
        if len(batch.json()) < 100:
            return comments
    raise AssertionError("unreachable")


def pad_github_issue(sandbox: SandboxServer, number: int, count: int) -> None:
    """`count` newer comments on the issue, put straight into the sandbox's store (posting them would
    trip GitHub's content-creation limit)."""
    system = sandbox.system("github")
    assert isinstance(system, GithubSystem)
    issue = system.repos["acme/app"].issues[number]
    now = datetime.now(UTC)
    for _ in range(count):
        issue.comments.append(GhComment(next(system.comment_ids), "Any news on this?", "mona", now))


# --- Jira ---------------------------------------------------------------------------------------------


async def test_jira_add_comment_returns_its_url_and_the_comment_reads_back(
    jira: JiraTracker, sandbox: SandboxServer, jira_http: httpx.Client
) -> None:
    url = await jira.add_comment("eng-2", HANDOFF)
    newest = jira_comments(jira_http, "ENG-2")[-1]
    assert url == f"{sandbox.urls['jira']}/browse/ENG-2?focusedCommentId={newest['id']}"
    assert REF in adf_text(newest["body"]) and "ENG-2" in adf_text(newest["body"])
    assert [block["type"] for block in newest["body"]["content"]] == ["heading", "bulletList", "paragraph"]


async def test_jira_sends_a_document_as_it_is(
    jira: JiraTracker, jira_http: httpx.Client, jira_control: httpx.Client
) -> None:
    url = await jira.add_comment("ENG-2", "Markdown that is not sent", document=DOCUMENT)
    newest = jira_comments(jira_http, "ENG-2")[-1]
    assert newest["body"] == DOCUMENT
    assert requests(jira_control, "POST", f"{API}/issue/ENG-2/comment")[-1]["body"] == {"body": DOCUMENT}
    assert await jira.find_comment("ENG-2", "frontline handoff ref 77aa01") == url


async def test_jira_find_comment_picks_the_newest_match_or_none(
    jira: JiraTracker, jira_control: httpx.Client
) -> None:
    older = await jira.add_comment("ENG-3", f"First try.\n\n{REF}")
    newer = await jira.add_comment("ENG-3", f"Second try.\n\n{REF}")
    await jira.add_comment("ENG-3", "Unrelated chatter.")
    assert older != newer
    assert await jira.find_comment("ENG-3", REF) == newer
    assert await jira.find_comment("ENG-3", "frontline handoff ref 000000") is None
    sent = requests(jira_control, "GET", f"{API}/issue/ENG-3/comment")
    query = httpx.QueryParams(sent[0]["query"])
    assert query["orderBy"] == "-created" and query["startAt"] == "0" and query["maxResults"] == "100"
    with pytest.raises(NotFound):
        await jira.find_comment("ENG-9999", REF)


async def test_jira_find_comment_reads_later_pages(
    jira: JiraTracker, jira_http: httpx.Client, jira_control: httpx.Client
) -> None:
    url = await jira.add_comment("ENG-4", HANDOFF)
    for number in range(130):
        answer = jira_http.post(
            f"{API}/issue/ENG-4/comment",
            json={"body": {"type": "doc", "version": 1, "content": [_paragraph(f"Ping {number}")]}},
        )
        assert answer.status_code == 201, answer.text
    jira_control.delete("/requests")
    assert await jira.find_comment("ENG-4", REF) == url
    starts = [
        httpx.QueryParams(r["query"])["startAt"]
        for r in requests(jira_control, "GET", f"{API}/issue/ENG-4/comment")
    ]
    assert starts == ["0", "100"]
    assert await jira.find_comment("ENG-4", "frontline handoff ref 000000") is None


async def test_jira_comment_lands_once_when_the_answer_is_lost(
    jira: JiraTracker, jira_http: httpx.Client, jira_control: httpx.Client
) -> None:
    jira_control.post("/faults", json={"spec": "drop_after_commit:count=1:method=POST:path=*/comment"})
    with pytest.raises(WriteOutcomeUnknown):
        await jira.add_comment("ENG-2", HANDOFF)
    found = await jira.find_comment("ENG-2", REF)
    matching = [c for c in jira_comments(jira_http, "ENG-2") if REF in adf_text(c["body"])]
    assert len(matching) == 1
    assert found is not None and found.endswith(f"?focusedCommentId={matching[0]['id']}")


async def test_jira_find_comment_refuses_a_server_that_ignores_start_at() -> None:
    def same_page(request: httpx.Request) -> httpx.Response:
        comments = [{"id": str(n), "body": {"type": "doc", "version": 1, "content": []}} for n in range(100)]
        return httpx.Response(200, json={"startAt": 0, "maxResults": 100, "total": 500, "comments": comments})

    settings = JiraSettings(name="j", base_url="http://127.0.0.1:9", project="ENG", email="a@example.com")
    tracker = build_jira_tracker(settings, "token", transport=httpx.MockTransport(same_page))
    try:
        with pytest.raises(MalformedResponse, match="ignores startAt"):
            await tracker.find_comment("ENG-1", REF)
    finally:
        await tracker.aclose()


def _paragraph(text: str) -> dict[str, Any]:
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


# --- GitHub -------------------------------------------------------------------------------------------


async def test_github_add_comment_returns_its_url_and_the_comment_reads_back(
    github: GitHubTracker, github_http: httpx.Client
) -> None:
    url = await github.add_comment("acme/app#1", HANDOFF, document=DOCUMENT)
    newest = github_comments(github_http, 1)[-1]
    assert newest["body"] == HANDOFF, "GitHub takes the Markdown; the document is for ADF trackers"
    assert url is not None and url == newest["html_url"]
    assert url.endswith(f"/acme/app/issues/1#issuecomment-{newest['id']}")


async def test_github_find_comment_picks_the_newest_match_or_none(github: GitHubTracker) -> None:
    older = await github.add_comment("#2", f"First try.\n\n{REF}")
    newer = await github.add_comment("acme/app#2", f"Second try.\n\n{REF}")
    await github.add_comment("acme/app#2", "Unrelated chatter.")
    assert older != newer
    assert await github.find_comment("acme/app#2", REF) == newer
    assert await github.find_comment("acme/app#2", "frontline handoff ref 000000") is None
    with pytest.raises(NotFound):
        await github.find_comment("acme/app#9999", REF)


async def test_github_find_comment_walks_back_from_the_last_page(
    github: GitHubTracker, sandbox: SandboxServer, github_control: httpx.Client
) -> None:
    url = await github.add_comment("acme/app#3", HANDOFF)
    pad_github_issue(sandbox, 3, 250)  # the handoff is on page 1 of 3
    github_control.delete("/requests")
    assert await github.find_comment("acme/app#3", REF) == url
    pages = [
        httpx.QueryParams(r["query"]).get("page")
        for r in requests(github_control, "GET", "/repos/acme/app/issues/3/comments")
    ]
    assert pages == [None, "3", "2"], "the first page, then from the last one back"

    newest = await github.add_comment("acme/app#3", f"Again.\n\n{REF}")
    github_control.delete("/requests")
    assert await github.find_comment("acme/app#3", REF) == newest
    assert len(requests(github_control, "GET", "/repos/acme/app/issues/3/comments")) == 2


async def test_github_comment_lands_once_when_the_answer_is_lost(
    github: GitHubTracker, github_http: httpx.Client, github_control: httpx.Client
) -> None:
    github_control.post(
        "/faults", json={"spec": "drop_after_commit:count=1:method=POST:path=/repos/*/comments"}
    )
    with pytest.raises(WriteOutcomeUnknown):
        await github.add_comment("acme/app#1", HANDOFF)
    found = await github.find_comment("acme/app#1", REF)
    matching = [c for c in github_comments(github_http, 1) if REF in c["body"]]
    assert len(matching) == 1 and found == matching[0]["html_url"]


async def test_github_keeps_the_reference_line_of_a_body_too_long(
    github: GitHubTracker, github_http: httpx.Client
) -> None:
    body = "Shift handoff\n\n" + "x" * (MAX_BODY_CHARS + 5000) + f"\n\n{REF}"
    url = await github.add_comment("acme/app#1", body)
    newest = github_comments(github_http, 1)[-1]
    assert len(newest["body"]) <= MAX_BODY_CHARS
    assert newest["body"].startswith("Shift handoff") and newest["body"].endswith(f"\n{REF}")
    assert await github.find_comment("acme/app#1", REF) == url


def test_clip_middle_keeps_the_last_line() -> None:
    assert clip_middle("short\nref", 100) == "short\nref"
    clipped = clip_middle("a" * 50 + "\nref 123", 20)
    assert len(clipped) <= 20 and clipped.endswith("\nref 123") and clipped.startswith("aaa")
    assert clip_middle("b" * 30, 10) == "…" + "b" * 9


async def test_github_find_comment_refuses_a_server_that_ignores_page() -> None:
    def same_page(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/repos/acme/app":
            return httpx.Response(200, json={"permissions": {"push": True}, "has_issues": True})
        last = f'<{request.url.copy_with(query=b"per_page=100&page=4")}>; rel="last"'
        comments = [{"id": n, "body": "hello"} for n in range(100)]
        return httpx.Response(200, json=comments, headers={"link": last})

    settings = GitHubSettings(name="g", base_url="http://127.0.0.1:9", project="acme/app")
    tracker = build_github_tracker(settings, "token", transport=httpx.MockTransport(same_page))
    try:
        with pytest.raises(MalformedResponse, match="same comments twice"):
            await tracker.find_comment("acme/app#1", REF)
    finally:
        await tracker.aclose()

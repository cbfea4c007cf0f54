"""The fake GitHub Issues API over real HTTP, checked against the documented shapes (apis.md §C)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from frontline.sandbox.server import SandboxServer

REPO = "/repos/acme/app"
RATE_HEADERS = {
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-used",
    "x-ratelimit-reset",
    "x-ratelimit-resource",
}
ISSUE_KEYS = {
    "id",
    "node_id",
    "number",
    "html_url",
    "url",
    "state",
    "title",
    "body",
    "labels",
    "assignees",
    "created_at",
    "user",
    "comments",
}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, systems=("github",)) as server:
        assert "github" in server.urls, server.skipped
        yield server


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {sandbox.token}", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=sandbox.urls["github"], headers=headers, timeout=10) as client:
        yield client
        client.post("/__sandbox__/reset").raise_for_status()


def test_user_and_rate_limit_headers_on_every_answer(http: httpx.Client) -> None:
    me = http.get("/user")
    assert me.status_code == 200 and me.json()["login"]
    assert set(me.headers) >= RATE_HEADERS
    missing = http.get(f"{REPO}/issues/99999")
    assert missing.status_code == 404 and set(missing.headers) >= RATE_HEADERS
    assert set(missing.json()) == {"message", "documentation_url"}
    assert int(http.get("/user").headers["x-ratelimit-remaining"]) < int(me.headers["x-ratelimit-remaining"])


def test_issue_list_filters_pagination_and_pull_requests(http: httpx.Client) -> None:
    first = http.get(f"{REPO}/issues", params={"state": "all", "per_page": 10})
    issues = first.json()
    assert len(issues) == 10 and set(issues[0]) >= ISSUE_KEYS
    assert 'rel="next"' in first.headers["link"] and 'rel="last"' in first.headers["link"]
    everything = http.get(f"{REPO}/issues", params={"state": "all", "per_page": 100}).json()
    assert any("pull_request" in i for i in everything) and any("pull_request" not in i for i in everything)
    assert "link" not in http.get(f"{REPO}/issues", params={"state": "all", "per_page": 100}).headers
    open_only = http.get(f"{REPO}/issues", params={"per_page": 100}).json()
    assert open_only and all(i["state"] == "open" for i in open_only)
    labelled = http.get(f"{REPO}/issues", params={"labels": "from-zendesk,bug", "state": "all"}).json()
    for issue in labelled:
        assert {"from-zendesk", "bug"} <= {label["name"] for label in issue["labels"]}


def test_create_patch_comment_and_labels(http: httpx.Client) -> None:
    created = http.post(
        f"{REPO}/issues",
        json={"title": "Checkout fails", "body": "From SUP-1", "labels": ["from-jsm", "jsm-SUP-1"]},
    )
    assert created.status_code == 201
    issue = created.json()
    assert set(issue) >= ISSUE_KEYS and {label["name"] for label in issue["labels"]} == {
        "from-jsm",
        "jsm-SUP-1",
    }
    number = issue["number"]
    found = http.get(f"{REPO}/issues", params={"labels": "jsm-SUP-1", "state": "all"}).json()
    assert [i["number"] for i in found] == [number]
    comment = http.post(f"{REPO}/issues/{number}/comments", json={"body": "More detail"})
    assert comment.status_code == 201 and {"id", "body", "user", "created_at", "html_url"} <= set(
        comment.json()
    )
    assert [c["body"] for c in http.get(f"{REPO}/issues/{number}/comments").json()] == ["More detail"]
    closed = http.patch(
        f"{REPO}/issues/{number}", json={"state": "closed", "state_reason": "completed"}
    ).json()
    assert closed["state"] == "closed" and closed["closed_at"]
    labels = http.get(f"{REPO}/labels", params={"per_page": 100}).json()
    assert "jsm-SUP-1" in [label["name"] for label in labels]
    assert http.post(f"{REPO}/labels", json={"name": "from-jsm"}).status_code == 422


def test_validation_errors_use_githubs_shape(http: httpx.Client) -> None:
    answer = http.post(f"{REPO}/issues", json={"body": "no title"})
    assert answer.status_code == 422
    body = answer.json()
    assert (
        body["message"] == "Validation Failed"
        and body["errors"][0]["field"] == "title"
        and body["documentation_url"]
    )
    assert http.post(f"{REPO}/issues/1/comments", json={}).status_code == 422
    assert http.get("/repos/acme/nope/issues").status_code == 404


def test_bad_credentials(sandbox: SandboxServer) -> None:
    for header in ("Bearer wrong", "token wrong", ""):
        answer = httpx.get(
            f"{sandbox.urls['github']}/user", headers={"Authorization": header} if header else {}, timeout=10
        )
        assert answer.status_code == 401 and answer.json()["message"] == "Bad credentials"
    ok = httpx.get(
        f"{sandbox.urls['github']}/user", headers={"Authorization": f"token {sandbox.token}"}, timeout=10
    )
    assert ok.status_code == 200


def test_primary_and_secondary_rate_limits(http: httpx.Client) -> None:
    http.post("/__sandbox__/github/rate-limit", json={"remaining": 0}).raise_for_status()
    exhausted = http.get("/user")
    assert exhausted.status_code == 403 and exhausted.headers["x-ratelimit-remaining"] == "0"
    assert "rate limit" in exhausted.json()["message"] and exhausted.json()["documentation_url"]
    http.post(
        "/__sandbox__/github/rate-limit", json={"remaining": 100, "secondary": 429, "retry_after": 30}
    ).raise_for_status()
    secondary = http.post(f"{REPO}/issues", json={"title": "x"})
    assert secondary.status_code == 429 and secondary.headers["retry-after"] == "30"
    assert "secondary rate limit" in secondary.json()["message"]
    http.post("/__sandbox__/github/rate-limit", json={"secondary": 403, "retry_after": 60}).raise_for_status()
    assert http.get("/user").status_code == 403
    assert http.get("/user").status_code == 200


def test_too_many_creations_trip_the_secondary_limit(http: httpx.Client) -> None:
    statuses = [http.post(f"{REPO}/issues/1/comments", json={"body": f"n{i}"}).status_code for i in range(81)]
    assert statuses[:80] == [201] * 80 and statuses[80] == 403

"""The fake GitHub Issues API over real HTTP, checked against the documented shapes (apis.md §C)."""

from __future__ import annotations

import time
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


COMMUNITY = "/repos/acme/community"
LEGACY = "/repos/acme/legacy"


def test_repositories_say_what_the_token_may_do(http: httpx.Client) -> None:
    app, community, legacy = (http.get(path).json() for path in (REPO, COMMUNITY, LEGACY))
    assert app["permissions"]["push"] is True and app["has_issues"] is True
    assert community["permissions"] == {
        "admin": False,
        "maintain": False,
        "push": False,
        "triage": False,
        "pull": True,
    }
    assert community["private"] is False and legacy["has_issues"] is False


def test_without_push_access_labels_are_dropped_or_refused(http: httpx.Client) -> None:
    kept = http.post(
        f"{COMMUNITY}/issues", json={"title": "x", "labels": ["bug", "Question"], "assignees": ["mona"]}
    )
    assert kept.status_code == 201 and kept.json()["labels"] == [] and kept.json()["assignees"] == []
    refused = http.post(f"{COMMUNITY}/issues", json={"title": "y", "labels": ["bug", "zd-acme-1"]})
    assert refused.status_code == 403
    assert refused.json()["message"] == "You do not have permission to create labels on this repository."
    assert refused.json()["errors"] == [{"resource": "Repository", "field": "label", "code": "unauthorized"}]
    assert http.post(f"{COMMUNITY}/labels", json={"name": "new"}).status_code == 403
    assert http.post(f"{COMMUNITY}/issues/1/labels", json={"labels": ["bug"]}).status_code == 403
    patched = http.patch(f"{COMMUNITY}/issues/2", json={"labels": ["bug"], "title": "Renamed"}).json()
    assert patched["title"] == "Renamed" and [label["name"] for label in patched["labels"]] == ["question"]
    titles = [i["title"] for i in http.get(f"{COMMUNITY}/issues", params={"state": "all"}).json()]
    assert "y" not in titles and "x" in titles


def test_issues_turned_off_answer_410(http: httpx.Client) -> None:
    for method, path in (
        ("GET", "/issues"),
        ("POST", "/issues"),
        ("GET", "/issues/1"),
        ("POST", "/issues/1/comments"),
    ):
        answer = http.request(method, f"{LEGACY}{path}", json={"title": "x", "body": "y"})
        assert answer.status_code == 410 and answer.json()["message"] == "Issues are disabled for this repo"


def test_one_label_by_name_and_the_creator_filter(http: httpx.Client) -> None:
    label = http.get(f"{REPO}/labels/FROM-zendesk")
    assert label.status_code == 200 and label.json()["name"] == "from-zendesk"
    assert http.get(f"{REPO}/labels/no-such-label").status_code == 404
    assert http.post(f"{REPO}/labels", json={"name": "with/slash"}).status_code == 201
    assert http.get(f"{REPO}/labels/with%2Fslash").json()["name"] == "with/slash"
    mine = http.post(f"{REPO}/issues", json={"title": "Mine"}).json()
    by_me = http.get(f"{REPO}/issues", params={"creator": "frontline-sandbox", "state": "all"}).json()
    assert [i["number"] for i in by_me] == [mine["number"]]
    by_octo = http.get(
        f"{REPO}/issues", params={"creator": "octo-dev", "state": "all", "per_page": 100}
    ).json()
    assert by_octo and all(i["user"]["login"] == "octo-dev" for i in by_octo)


def test_search_lags_writes_until_told_otherwise(http: httpx.Client) -> None:
    assert http.get("/__sandbox__/github/search-lag").json() == {"seconds": 2.0}
    created = http.post(f"{REPO}/issues", json={"title": "Zebra stripes vanish", "body": "marker-abc"}).json()
    query = {"q": 'repo:acme/app is:issue "zebra stripes"'}
    late = http.get("/search/issues", params=query)
    assert late.status_code == 200 and late.json() == {
        "total_count": 0,
        "incomplete_results": False,
        "items": [],
    }
    assert late.headers["x-ratelimit-resource"] == "search" and late.headers["x-ratelimit-limit"] == "30"
    http.put("/__sandbox__/github/search-lag", json={"seconds": 0.2}).raise_for_status()
    http.patch(f"{REPO}/issues/{created['number']}", json={"title": "Zebra stripes vanish again"})
    time.sleep(0.3)
    hits = http.get("/search/issues", params=query).json()
    assert [i["number"] for i in hits["items"]] == [created["number"]] and hits["items"][0]["score"] > 0
    assert hits["items"][0]["title"] == "Zebra stripes vanish again"
    assert http.put("/__sandbox__/github/search-lag", json={"seconds": -1}).status_code == 400
    assert http.get("/__sandbox__/github/search-lag").json() == {"seconds": 0.2}


def test_search_qualifiers_operators_and_limits(http: httpx.Client) -> None:
    http.post("/__sandbox__/github/search-lag", json={"seconds": 0}).raise_for_status()
    issues = http.get(
        "/search/issues", params={"q": "repo:acme/app is:issue is:open (checkout OR crash)"}
    ).json()
    assert issues["total_count"] and all(
        "pull_request" not in i and i["state"] == "open" for i in issues["items"]
    )
    both = http.get("/search/issues", params={"q": "repo:acme/app checkout crash"}).json()
    assert both["total_count"] == 0  # bare terms must all match
    pulls = http.get("/search/issues", params={"q": "repo:acme/app is:pr"}).json()["items"]
    assert pulls and all("pull_request" in i for i in pulls)
    marked = http.get("/search/issues", params={"q": 'repo:acme/app in:body "frontline:zendesk:acme:35999"'})
    assert [i["number"] for i in marked.json()["items"]] == [10]
    assert http.get("/search/issues", params={"q": "repo:acme/legacy is:issue"}).json()["total_count"] == 0
    for bad in ("", "x" * 257, "a OR b OR c OR d OR e OR f OR g"):
        refused = http.get("/search/issues", params={"q": bad})
        assert refused.status_code == 422 and refused.json()["message"] == "Validation Failed"
    statuses = [http.get("/search/issues", params={"q": "crash"}).status_code for _ in range(30)]
    assert statuses.count(200) == 30 - 8 and statuses[-1] == 403  # eight searches came before these
    spent = http.get("/search/issues", params={"q": "crash"})
    assert spent.headers["x-ratelimit-remaining"] == "0" and spent.headers["x-ratelimit-resource"] == "search"


def test_drop_after_commit_on_create_and_comment(http: httpx.Client) -> None:
    http.post(
        "/__sandbox__/faults",
        json={"spec": "drop_after_commit:count=2:method=POST:path=/repos/acme/app/issues*"},
    ).raise_for_status()
    with pytest.raises(httpx.TransportError):
        http.post(f"{REPO}/issues", json={"title": "Dropped answer"})
    with pytest.raises(httpx.TransportError):
        http.post(f"{REPO}/issues/1/comments", json={"body": "Dropped comment"})
    http.delete("/__sandbox__/faults")
    titles = [i["title"] for i in http.get(f"{REPO}/issues", params={"creator": "frontline-sandbox"}).json()]
    assert titles == ["Dropped answer"]
    assert [c["body"] for c in http.get(f"{REPO}/issues/1/comments").json()][-1] == "Dropped comment"

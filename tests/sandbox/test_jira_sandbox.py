"""The fake Jira platform v3 site over real HTTP, checked against the official spec."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from support.spec_check import PLATFORM_SPEC, check

from frontline.connectors.atlassian.adf import text_to_adf
from frontline.sandbox.server import SandboxServer

API = "/rest/api/3"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, systems=("jira",)) as server:
        assert "jira" in server.urls, server.skipped
        yield server


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    auth = httpx.BasicAuth(sandbox.email, sandbox.token)
    with httpx.Client(base_url=sandbox.urls["jira"], auth=auth, timeout=10) as client:
        yield client
        client.post("/__sandbox__/reset").raise_for_status()


def create(http: httpx.Client, **fields: object) -> httpx.Response:
    base = {"project": {"key": "ENG"}, "issuetype": {"name": "Bug"}, "summary": "Escalated bug"}
    return http.post(f"{API}/issue", json={"fields": {**base, **fields}})


def test_myself_project_and_create_metadata(http: httpx.Client) -> None:
    assert check(PLATFORM_SPEC, http.get(f"{API}/myself"))["accountId"]
    project = check(PLATFORM_SPEC, http.get(f"{API}/project/ENG"))
    assert project["key"] == "ENG" and project["issueTypes"]
    meta = check(PLATFORM_SPEC, http.get(f"{API}/issue/createmeta/ENG/issuetypes"))
    assert "Bug" in [t["name"] for t in meta["issueTypes"]]
    assert http.get(f"{API}/project/NOPE").status_code == 404


def test_create_with_adf_then_read_edit_comment(http: httpx.Client) -> None:
    created = create(
        http, description=text_to_adf("Steps\nto reproduce"), labels=["from-jsm"], priority={"name": "High"}
    )
    assert created.status_code == 201
    key = check(PLATFORM_SPEC, created)["key"]
    issue = check(PLATFORM_SPEC, http.get(f"{API}/issue/{key}"))
    assert issue["fields"]["description"]["content"][0]["content"][1]["type"] == "hardBreak"
    assert issue["fields"]["created"].endswith("+0000")
    comment = http.post(f"{API}/issue/{key}/comment", json={"body": text_to_adf("On it")})
    assert comment.status_code == 201 and check(PLATFORM_SPEC, comment)["jsdPublic"] is True
    listing = check(PLATFORM_SPEC, http.get(f"{API}/issue/{key}/comment"))
    assert listing["total"] == 1
    assert http.put(f"{API}/issue/{key}", json={"fields": {"summary": "Renamed"}}).status_code == 204


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"description": "plain string"}, "description", "Atlassian Document"),
        (
            {
                "description": {
                    "type": "doc",
                    "version": 1,
                    "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}],
                }
            },
            "description",
            "INVALID_INPUT",
        ),
        ({"summary": ""}, "summary", "summary"),
        ({"project": {"key": "NOPE"}}, "project", "project"),
        ({"customfield_1": "x"}, "customfield_1", "cannot be set"),
    ],
)
def test_create_rejects_what_jira_rejects(http: httpx.Client, fields: dict, field: str, message: str) -> None:
    answer = create(http, **fields)
    assert answer.status_code == 400
    body = check(PLATFORM_SPEC, answer)
    assert message in body["errors"][field] and body["errorMessages"] == []


def test_plain_string_comment_is_rejected(http: httpx.Client) -> None:
    answer = http.post(f"{API}/issue/ENG-1/comment", json={"body": "plain"})
    assert answer.status_code == 400 and answer.json()["errorMessages"] == ["Comment body is not valid!"]


def test_search_jql_pages_with_tokens_and_defaults_to_ids(http: httpx.Client) -> None:
    jql = "project = ENG ORDER BY key ASC"
    first = check(PLATFORM_SPEC, http.get(f"{API}/search/jql", params={"jql": jql, "maxResults": 12}))
    assert set(first["issues"][0]) == {"id"} and first["isLast"] is False and "total" not in first
    ids = [i["id"] for i in first["issues"]]
    token = first["nextPageToken"]
    while token:
        page = check(
            PLATFORM_SPEC,
            http.post(f"{API}/search/jql", json={"jql": jql, "maxResults": 12, "nextPageToken": token}),
        )
        ids += [i["id"] for i in page["issues"]]
        token = page.get("nextPageToken")
    assert len(ids) == len(set(ids)) == 30
    labelled = http.get(
        f"{API}/search/jql",
        params={
            "jql": 'project = ENG AND labels = from-zendesk AND status != "Done"',
            "fields": "labels,status",
        },
    ).json()
    for issue in labelled["issues"]:
        assert "from-zendesk" in issue["fields"]["labels"] and issue["fields"]["status"]["name"] != "Done"
    text = http.get(
        f"{API}/search/jql", params={"jql": 'project = ENG AND text ~ "checkout"', "fields": "summary"}
    ).json()
    assert text["issues"] and all("checkout" in i["fields"]["summary"].lower() for i in text["issues"])


def test_search_refuses_unbounded_and_bad_jql_and_old_search_is_gone(http: httpx.Client) -> None:
    unbounded = http.get(f"{API}/search/jql", params={"jql": "order by key desc"})
    assert unbounded.status_code == 400 and "Unbounded" in unbounded.json()["errorMessages"][0]
    assert http.get(f"{API}/search/jql", params={"jql": "project = NOPE"}).status_code == 400
    assert http.get(f"{API}/search/jql", params={"jql": "project = ENG AND"}).status_code == 400
    for method in ("GET", "POST"):
        gone = http.request(method, f"{API}/search", json={} if method == "POST" else None)
        assert gone.status_code == 410 and "CHANGE-2046" in gone.json()["errorMessages"][0]


def test_transitions_follow_the_workflow(http: httpx.Client) -> None:
    key = create(http).json()["key"]
    transitions = check(PLATFORM_SPEC, http.get(f"{API}/issue/{key}/transitions"))["transitions"]
    done = next(t for t in transitions if t["to"]["statusCategory"]["key"] == "done")
    assert "To Do" not in [t["to"]["name"] for t in transitions]
    assert (
        http.post(f"{API}/issue/{key}/transitions", json={"transition": {"id": done["id"]}}).status_code
        == 204
    )
    assert http.get(f"{API}/issue/{key}").json()["fields"]["status"]["name"] == "Done"
    assert http.post(f"{API}/issue/{key}/transitions", json={"transition": {"id": "999"}}).status_code == 400


def test_remote_links_upsert_by_global_id_and_issue_links(http: httpx.Client) -> None:
    link = {
        "globalId": "jsm=sandbox&request=SUP-1",
        "relationship": "escalated from",
        "object": {"url": "http://x/SUP-1", "title": "SUP-1"},
    }
    first = http.post(f"{API}/issue/ENG-2/remotelink", json=link)
    assert first.status_code == 201
    again = http.post(
        f"{API}/issue/ENG-2/remotelink",
        json={**link, "object": {"url": "http://x/SUP-1", "title": "SUP-1 (updated)"}},
    )
    assert again.status_code == 200 and check(PLATFORM_SPEC, again)["id"] == check(PLATFORM_SPEC, first)["id"]
    links = http.get(f"{API}/issue/ENG-2/remotelink").json()
    check(PLATFORM_SPEC, http.get(f"{API}/issue/ENG-2/remotelink"), item_schema=True)
    assert [x["object"]["title"] for x in links if x.get("globalId") == link["globalId"]] == [
        "SUP-1 (updated)"
    ]
    one = http.get(f"{API}/issue/ENG-2/remotelink", params={"globalId": link["globalId"]})
    assert check(PLATFORM_SPEC, one)["globalId"] == link["globalId"]
    missing_title = http.post(f"{API}/issue/ENG-2/remotelink", json={"object": {"url": "http://x"}})
    assert missing_title.status_code == 400 and "title" in missing_title.json()["errors"]
    body = {"type": {"name": "Relates"}, "inwardIssue": {"key": "ENG-1"}, "outwardIssue": {"key": "ENG-2"}}
    assert http.post(f"{API}/issueLink", json=body).status_code == 201
    assert http.post(f"{API}/issueLink", json=body).status_code == 201
    assert len(http.get(f"{API}/issue/ENG-1").json()["fields"]["issuelinks"]) == 1


def test_auth_and_not_found(http: httpx.Client, sandbox: SandboxServer) -> None:
    assert httpx.get(f"{sandbox.urls['jira']}{API}/myself", timeout=10).status_code == 401
    assert http.get(f"{API}/issue/ENG-9999").status_code == 404

"""The fake Jira platform v3 site over real HTTP, checked against the official spec: create and its
metadata (a required custom field on OPS bugs), the resolution screen, the lagging search index with
`reconcileIssues`, JQL's escapes, functions and text queries, links and remote links."""

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
    assert [t["name"] for t in http.get(f"{API}/project/OPS").json()["issueTypes"]] == ["Bug", "Task"]


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


def test_transitions_follow_the_workflow_and_done_asks_for_a_resolution(http: httpx.Client) -> None:
    key = create(http).json()["key"]
    transitions = check(PLATFORM_SPEC, http.get(f"{API}/issue/{key}/transitions"))["transitions"]
    done = next(t for t in transitions if t["to"]["statusCategory"]["key"] == "done")
    assert "To Do" not in [t["to"]["name"] for t in transitions]
    assert done["hasScreen"] is True and "fields" not in done
    expanded = check(
        PLATFORM_SPEC, http.get(f"{API}/issue/{key}/transitions", params={"expand": "transitions.fields"})
    )["transitions"]
    screen = next(t for t in expanded if t["id"] == done["id"])["fields"]
    assert screen["resolution"]["required"] is True
    assert "Won't Do" in [v["name"] for v in screen["resolution"]["allowedValues"]]

    bare = http.post(f"{API}/issue/{key}/transitions", json={"transition": {"id": done["id"]}})
    assert bare.status_code == 400
    assert bare.json() == {"errorMessages": [], "errors": {"resolution": "Resolution is required."}}
    wrong = {"transition": {"id": done["id"]}, "fields": {"resolution": {"name": "Fixed?"}}}
    assert http.post(f"{API}/issue/{key}/transitions", json=wrong).status_code == 400
    resolved = {"transition": {"id": done["id"]}, "fields": {"resolution": {"name": "Won't Do"}}}
    assert http.post(f"{API}/issue/{key}/transitions", json=resolved).status_code == 204
    fields = check(PLATFORM_SPEC, http.get(f"{API}/issue/{key}"))["fields"]
    assert fields["status"]["name"] == "Done" and fields["resolution"]["name"] == "Won't Do"
    reopen = http.post(f"{API}/issue/{key}/transitions", json={"transition": {"id": "11"}})
    assert reopen.status_code == 204
    assert http.get(f"{API}/issue/{key}").json()["fields"]["resolution"] is None
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


# --- create metadata and required fields --------------------------------------------------------------


def meta_fields(http: httpx.Client, project: str, type_id: str = "10004") -> dict[str, dict]:
    answer = http.get(f"{API}/issue/createmeta/{project}/issuetypes/{type_id}")
    return {f["fieldId"]: f for f in check(PLATFORM_SPEC, answer)["fields"]}


def test_create_metadata_lists_each_project_s_required_fields(http: httpx.Client) -> None:
    eng = meta_fields(http, "ENG")
    required = {name for name, f in eng.items() if f["required"] and not f["hasDefaultValue"]}
    assert required == {"summary", "issuetype", "project"}
    assert eng["priority"]["hasDefaultValue"] is True and eng["priority"]["defaultValue"]["name"] == "Medium"
    assert [c["name"] for c in eng["components"]["allowedValues"]] == [
        "Backend",
        "Frontend",
        "Billing",
        "Mobile",
    ]
    ops = meta_fields(http, "OPS")
    custom = ops["customfield_10050"]
    assert custom["name"] == "Affected environment" and custom["required"] and not custom["hasDefaultValue"]
    assert custom["schema"]["customId"] == 10050
    assert "customfield_10050" not in meta_fields(http, "OPS", "10001") and "components" not in ops
    paged = http.get(f"{API}/issue/createmeta/ENG/issuetypes/10004", params={"maxResults": 3}).json()
    assert len(paged["fields"]) == 3 and paged["total"] == len(eng)
    assert http.get(f"{API}/issue/createmeta/ENG/issuetypes/999").status_code == 404
    assert http.get(f"{API}/issue/createmeta/NOPE/issuetypes").status_code == 404


def test_a_required_custom_field_must_be_given(http: httpx.Client) -> None:
    missing = create(http, project={"key": "OPS"})
    assert missing.status_code == 400
    assert check(PLATFORM_SPEC, missing)["errors"] == {
        "customfield_10050": "Affected environment is required."
    }
    wrong = create(http, project={"key": "OPS"}, customfield_10050={"value": "Mars"})
    assert "customfield_10050" in wrong.json()["errors"]
    created = create(http, project={"key": "OPS"}, customfield_10050={"value": "Production"})
    assert created.status_code == 201 and created.json()["key"] == "OPS-1"
    issue = check(PLATFORM_SPEC, http.get(f"{API}/issue/OPS-1"))
    assert issue["fields"]["customfield_10050"]["value"] == "Production"
    assert create(http).json()["key"] == "ENG-31"  # no such field on ENG


def test_components_are_chosen_by_name_or_id(http: httpx.Client) -> None:
    unknown = create(http, components=[{"name": "Kitchen"}])
    assert unknown.status_code == 400 and "Kitchen" in unknown.json()["errors"]["components"]
    key = create(http, components=[{"name": "Billing"}, {"id": "10303"}]).json()["key"]
    components = check(PLATFORM_SPEC, http.get(f"{API}/issue/{key}"))["fields"]["components"]
    assert [c["name"] for c in components] == ["Billing", "Mobile"]


# --- the lagging index --------------------------------------------------------------------------------


def search(http: httpx.Client, jql: str, **extra: object) -> httpx.Response:
    return http.post(f"{API}/search/jql", json={"jql": jql, "fields": ["summary"], **extra})


def test_search_lags_writes_and_reconcile_issues_sees_them(
    http: httpx.Client, sandbox: SandboxServer
) -> None:
    control = httpx.Client(base_url=f"{sandbox.urls['jira']}/__sandbox__", timeout=10)
    assert control.get("/jira/search-lag").json() == {"seconds": 2.0}
    assert control.put("/jira/search-lag", json={"seconds": 30}).json() == {"seconds": 30.0}
    created = create(http, labels=["lagging"]).json()
    jql = "project = ENG AND labels = lagging"
    assert check(PLATFORM_SPEC, search(http, jql))["issues"] == []
    fresh = check(PLATFORM_SPEC, search(http, jql, reconcileIssues=[int(created["id"])]))
    assert [i["key"] for i in fresh["issues"]] == [created["key"]]
    by_get = http.get(f"{API}/search/jql", params={"jql": jql, "reconcileIssues": created["id"]}).json()
    assert [i["id"] for i in by_get["issues"]] == [created["id"]]
    assert search(http, jql, reconcileIssues=list(range(51))).status_code == 400
    assert search(http, jql, reconcileIssues=["ENG-1"]).status_code == 400
    # The store itself never lags.
    assert control.get("/jira/issues", params={"label": "lagging"}).json() == {"keys": [created["key"]]}
    assert control.put("/jira/search-lag", json={"seconds": -1}).status_code == 400
    assert control.post("/jira/search-lag", json={"seconds": 0}).json() == {"seconds": 0.0}
    assert [i["key"] for i in search(http, jql).json()["issues"]] == [created["key"]]
    control.post("/reset").raise_for_status()
    assert control.get("/jira/search-lag").json() == {"seconds": 2.0}
    control.close()


# --- JQL ------------------------------------------------------------------------------------------------


def test_issues_with_remote_links_by_global_id(http: httpx.Client, sandbox: SandboxServer) -> None:
    link = {
        "globalId": 'frontline:zendesk:acme:ticket:"7"',
        "object": {"url": "http://x/7", "title": "ZD #7"},
    }
    assert http.post(f"{API}/issue/ENG-3/remotelink", json=link).status_code == 201
    http.put(f"{sandbox.urls['jira']}/__sandbox__/jira/search-lag", json={"seconds": 0})
    jql = (
        'project = ENG AND issue in issuesWithRemoteLinksByGlobalId("frontline:zendesk:acme:ticket:\\"7\\"")'
    )
    assert [i["key"] for i in check(PLATFORM_SPEC, search(http, jql))["issues"]] == ["ENG-3"]
    seeded = (
        'project = ENG AND issue in issuesWithRemoteLinksByGlobalId("nope", "zendesk=sandbox&ticket=35002")'
    )
    assert len(search(http, seeded).json()["issues"]) <= 1
    for broken in (
        'project = ENG AND issue in noSuchFunction("x")',
        'project = ENG AND labels in issuesWithRemoteLinksByGlobalId("x")',
    ):
        answer = search(http, broken)
        assert answer.status_code == 400 and answer.json()["errorMessages"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('text ~ "checkout"', {"Checkout fails for EU customers"}),
        ('text ~ "checkout customers"', {"Checkout fails for EU customers"}),
        ('text ~ "checkout OR okta"', {"Checkout fails for EU customers", "SSO redirect loop with Okta"}),
        ('summary ~ "\\"redirect loop\\""', {"SSO redirect loop with Okta"}),
        ('summary ~ "\\"loop redirect\\""', set()),
        ('summary ~ "export* -csv"', set()),
        ('summary ~ "invoic*"', {"Invoice PDF shows wrong VAT id"}),
        ('summary ~ "checkout AND NOT customers"', set()),
        ('summary ~ "launching"', {"Mobile crash on Android 14 launch"}),
    ],
)
def test_text_queries_follow_jira_s_syntax(
    http: httpx.Client, sandbox: SandboxServer, query: str, expected: set[str]
) -> None:
    answer = search(http, f"project = ENG AND {query}", maxResults=100)
    assert answer.status_code == 200, answer.text
    assert {i["fields"]["summary"] for i in answer.json()["issues"]} == expected


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ('project = ENG AND text ~ "foo("', "not valid"),
        ('project = ENG AND text ~ "*foo"', "not valid"),
        ('project = ENG AND text ~ "a:b"', "not valid"),
        ('project = ENG AND text ~ "\\"open"', "not valid"),
        ('project = ENG AND text ~ ""', "empty string"),
        ('project = ENG AND labels = "a\\qb"', "illegal JQL escape"),
        ('project = ENG AND labels ~ "a"', "not supported"),
        ('project = ENG AND text ~ "x', "reserved JQL character"),
    ],
)
def test_jql_that_jira_refuses(http: httpx.Client, jql: str, message: str) -> None:
    answer = search(http, jql)
    assert answer.status_code == 400, answer.text
    assert message in answer.json()["errorMessages"][0]  # the spec documents no 400 body here


def test_a_quoted_keyword_is_a_value(http: httpx.Client) -> None:
    answer = search(http, 'project = ENG AND labels = "AND" OR labels = "x\\"y"')
    assert answer.status_code == 200 and answer.json()["issues"] == []

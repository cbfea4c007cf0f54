"""The fake JSM site over real HTTP: every emulated operation checked against the official specs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from support.spec_check import JSM_SPEC, PLATFORM_SPEC, check

from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SD = "/rest/servicedeskapi"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, tickets=300, systems=("jsm",), clock=lambda: NOW) as server:
        assert "jsm" in server.urls, server.skipped
        yield server


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    auth = httpx.BasicAuth(sandbox.email, sandbox.token)
    with httpx.Client(base_url=sandbox.urls["jsm"], auth=auth, timeout=10) as client:
        yield client
        client.post("/__sandbox__/reset").raise_for_status()


def test_service_desks_queues_and_queue_pages_match_the_spec(http: httpx.Client) -> None:
    desks = check(JSM_SPEC, http.get(f"{SD}/servicedesk"))
    assert [d["projectKey"] for d in desks["values"]] == ["SUP", "IT"]
    check(JSM_SPEC, http.get(f"{SD}/servicedesk/SUP"))
    queues = check(JSM_SPEC, http.get(f"{SD}/servicedesk/1/queue", params={"includeCount": "true"}))
    assert len(queues["values"]) >= 5 and all("issueCount" in q for q in queues["values"])
    without = http.get(f"{SD}/servicedesk/1/queue").json()
    assert all("issueCount" not in q for q in without["values"])
    check(JSM_SPEC, http.get(f"{SD}/servicedesk/1/queue/1", params={"includeCount": "true"}))
    first = check(JSM_SPEC, http.get(f"{SD}/servicedesk/1/queue/1/issue", params={"limit": 10}))
    assert first["size"] == 10 and first["isLastPage"] is False and "next" in first["_links"]
    total = queues["values"][0]["issueCount"]
    last = http.get(f"{SD}/servicedesk/1/queue/1/issue", params={"start": total - 3, "limit": 10}).json()
    assert last["size"] == 3 and last["isLastPage"] is True
    assert http.get(f"{SD}/servicedesk/1/queue/1/issue", params={"limit": 500}).json()["limit"] == 50
    check(JSM_SPEC, http.get(f"{SD}/info"))
    check(JSM_SPEC, http.get(f"{SD}/organization"))


def test_request_with_expands_sla_participants_and_status(http: httpx.Client) -> None:
    request = check(
        JSM_SPEC,
        http.get(f"{SD}/request/SUP-1", params={"expand": "sla,participant,status,serviceDesk,comment"}),
    )
    assert request["issueKey"] == "SUP-1"
    assert {"sla", "participants", "status", "serviceDesk", "comments"} <= set(request)
    assert request["createdDate"]["jira"].endswith("+0000")
    assert set(request["createdDate"]) == {"iso8601", "jira", "friendly", "epochMillis"}
    plain = http.get(f"{SD}/request/SUP-1").json()
    assert "sla" not in plain
    check(JSM_SPEC, http.get(f"{SD}/request/SUP-1/status"))
    check(JSM_SPEC, http.get(f"{SD}/request/SUP-1/participant"))


def test_sla_states_breached_at_risk_healthy_and_paused(http: httpx.Client) -> None:
    def ongoing(key: str) -> list[dict]:
        slas = check(JSM_SPEC, http.get(f"{SD}/request/{key}/sla"))
        return [s["ongoingCycle"] for s in slas["values"] if "ongoingCycle" in s]

    breached = ongoing("SUP-1")[0]
    assert breached["breached"] is True and breached["remainingTime"]["millis"] < 0
    assert breached["remainingTime"]["friendly"].startswith("-")
    at_risk = ongoing("SUP-2")[0]
    assert 0 < at_risk["remainingTime"]["millis"] < 3_600_000 and at_risk["breached"] is False
    assert (
        at_risk["breachTime"]["epochMillis"]
        == int(NOW.timestamp() * 1000) + at_risk["remainingTime"]["millis"]
    )
    healthy = ongoing("SUP-3")[0]
    assert healthy["remainingTime"]["millis"] >= 3_600_000
    paused = [c for c in ongoing("SUP-4") if c["paused"]]
    assert paused and "breachTime" not in paused[0]
    metric = http.get(f"{SD}/request/SUP-1/sla").json()["values"][0]["id"]
    check(JSM_SPEC, http.get(f"{SD}/request/SUP-1/sla/{metric}"))


def test_comments_public_internal_filters_and_plain_string_bodies(http: httpx.Client) -> None:
    reply = check(
        JSM_SPEC, http.post(f"{SD}/request/SUP-5/comment", json={"body": "Hello there", "public": True})
    )
    note = check(
        JSM_SPEC, http.post(f"{SD}/request/SUP-5/comment", json={"body": "internal only", "public": False})
    )
    assert reply["public"] is True and note["public"] is False and note["body"] == "internal only"
    everything = check(JSM_SPEC, http.get(f"{SD}/request/SUP-5/comment"))
    public_only = http.get(f"{SD}/request/SUP-5/comment", params={"internal": "false"}).json()
    internal_only = http.get(f"{SD}/request/SUP-5/comment", params={"public": "false"}).json()
    assert all(c["public"] for c in public_only["values"])
    assert not any(c["public"] for c in internal_only["values"])
    assert public_only["size"] + internal_only["size"] == everything["size"]
    paged = http.get(f"{SD}/request/SUP-5/comment", params={"start": 1, "limit": 1}).json()
    assert paged["start"] == 1 and paged["size"] == 1
    check(JSM_SPEC, http.get(f"{SD}/request/SUP-5/comment/{note['id']}"))
    seen = http.get("/__sandbox__/jsm/requests/SUP-5").json()["comments"]
    assert [c["public"] for c in seen[-2:]] == [True, False]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"body": "no visibility"}, "public"),
        ({"body": {"type": "doc", "version": 1, "content": []}, "public": True}, "deserialize"),
        ({"body": "x", "public": "yes"}, "true or false"),
        ({"body": "   ", "public": True}, "empty"),
    ],
)
def test_comment_strictness(http: httpx.Client, body: dict, fragment: str) -> None:
    answer = http.post(f"{SD}/request/SUP-5/comment", json=body)
    assert answer.status_code == 400
    assert fragment in check(JSM_SPEC, answer)["errorMessage"]


def test_participants_and_customer_transitions(http: httpx.Client) -> None:
    customer = http.get(f"{SD}/request/SUP-7").json()["reporter"]["accountId"]
    other = "qm:customer:00001" if customer != "qm:customer:00001" else "qm:customer:00002"
    added = check(JSM_SPEC, http.post(f"{SD}/request/SUP-7/participant", json={"accountIds": [other]}))
    assert other in [p["accountId"] for p in added["values"]]
    assert http.post(f"{SD}/request/SUP-7/participant", json={"accountIds": ["nobody"]}).status_code == 400
    transitions = check(JSM_SPEC, http.get(f"{SD}/request/SUP-7/transition"))
    cancel = next(t for t in transitions["values"] if t["name"] == "Cancel request")
    assert http.post(f"{SD}/request/SUP-7/transition", json={"id": cancel["id"]}).status_code == 204
    assert http.get(f"{SD}/request/SUP-7").json()["currentStatus"]["statusCategory"] == "DONE"
    refused = http.post(f"{SD}/request/SUP-7/transition", json={"id": "11"})
    assert refused.status_code == 400


def test_platform_calls_on_the_jsm_site(http: httpx.Client) -> None:
    me = check(PLATFORM_SPEC, http.get("/rest/api/3/myself"))
    assert me["emailAddress"] == "agent@sandbox.example"
    issue = check(
        PLATFORM_SPEC,
        http.get("/rest/api/3/issue/SUP-2", params={"fields": "summary,status,priority,labels,assignee"}),
    )
    assert set(issue["fields"]) <= {"summary", "status", "priority", "labels", "assignee"}
    assert issue["fields"]["status"]["statusCategory"]["key"] in ("new", "indeterminate", "done")
    edit = http.put(
        "/rest/api/3/issue/SUP-2",
        json={"fields": {"priority": {"name": "Low"}}, "update": {"labels": [{"add": "frontline"}]}},
    )
    assert edit.status_code == 204
    after = http.get("/rest/api/3/issue/SUP-2").json()["fields"]
    assert after["priority"]["name"] == "Low" and "frontline" in after["labels"]
    assert http.put("/rest/api/3/issue/SUP-2/assignee", json={"accountId": None}).status_code == 204
    assert http.get("/rest/api/3/issue/SUP-2").json()["fields"]["assignee"] is None
    transitions = check(PLATFORM_SPEC, http.get("/rest/api/3/issue/SUP-2/transitions"))
    resolve = next(t for t in transitions["transitions"] if t["to"]["statusCategory"]["key"] == "done")
    assert (
        http.post(
            "/rest/api/3/issue/SUP-2/transitions", json={"transition": {"id": resolve["id"]}}
        ).status_code
        == 204
    )
    bad = http.post("/rest/api/3/issue/SUP-2/transitions", json={"transition": {"id": "21"}})
    assert bad.status_code == 400 and bad.json()["errorMessages"]


def test_platform_edit_strictness(http: httpx.Client) -> None:
    string_description = http.put("/rest/api/3/issue/SUP-2", json={"fields": {"description": "plain"}})
    assert string_description.status_code == 400
    assert "Atlassian Document" in string_description.json()["errors"]["description"]
    status = http.put("/rest/api/3/issue/SUP-2", json={"fields": {"status": {"name": "Resolved"}}})
    assert status.status_code == 400 and "status" in status.json()["errors"]
    assert (
        http.put("/rest/api/3/issue/SUP-2", json={"fields": {"priority": {"name": "Nope"}}}).status_code
        == 400
    )
    assert http.put("/rest/api/3/issue/SUP-2/assignee", json={"accountId": "ghost"}).status_code == 400


def test_unknown_records_and_missing_auth(http: httpx.Client, sandbox: SandboxServer) -> None:
    missing = http.get(f"{SD}/request/SUP-99999")
    assert missing.status_code == 404 and check(JSM_SPEC, missing)["errorMessage"]
    assert http.get(f"{SD}/servicedesk/9/queue").status_code == 404
    assert http.get("/rest/api/3/issue/SUP-99999").json()["errorMessages"]
    with httpx.Client(base_url=sandbox.urls["jsm"], timeout=10) as anonymous:
        denied = anonymous.get(f"{SD}/servicedesk")
        assert denied.status_code == 401 and check(JSM_SPEC, denied)["errorMessage"]
        assert anonymous.get("/rest/api/3/myself").status_code == 401
    wrong = httpx.get(f"{sandbox.urls['jsm']}/rest/api/3/myself", auth=(sandbox.email, "wrong"), timeout=10)
    assert wrong.status_code == 401


def test_hostile_records_are_served_verbatim(http: httpx.Client) -> None:
    summaries = [http.get(f"{SD}/request/SUP-{n}").json()["summary"] for n in range(5, 9)]
    assert any("\x1b]0;" in s for s in summaries)
    assert any("打印机" in s for s in summaries)
    big = next(
        r
        for r in (http.get(f"{SD}/request/SUP-{n}").json() for n in range(5, 9))
        if r["summary"].startswith("Huge")
    )
    description = next(v["value"] for v in big["requestFieldValues"] if v["fieldId"] == "description")
    assert len(description) >= 1_000_000

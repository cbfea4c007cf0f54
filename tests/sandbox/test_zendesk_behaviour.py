"""The fake Zendesk behaves like the real one where clients get it wrong: paging, stamps, `public`, errors."""

from __future__ import annotations

import httpx

from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk import ZendeskSystem


def _stamp(client: httpx.Client, ticket_id: int) -> str:
    return client.get(f"/api/v2/tickets/{ticket_id}").json()["ticket"]["updated_at"]


def _open_ticket(client: httpx.Client) -> int:
    tickets = client.get("/api/v2/views/360006/tickets?page[size]=100").json()["tickets"]
    return next(t["id"] for t in tickets if t["status"] == "open" and t.get("is_public"))


def test_cursor_pagination_walks_a_view_across_pages(client: httpx.Client) -> None:
    count = client.get("/api/v2/views/360006/count").json()["view_count"]["value"]
    seen: list[int] = []
    url: str | None = "/api/v2/views/360006/tickets?page[size]=40"
    pages = 0
    while url:
        body = client.get(url).json()
        seen += [t["id"] for t in body["tickets"]]
        pages += 1
        assert body["meta"]["has_more"] == (body["links"]["next"] is not None)
        url = body["links"]["next"]
        assert url is None or url.startswith("http://127.0.0.1:")
    assert pages >= 3
    assert len(seen) == len(set(seen)) == count
    first = client.get("/api/v2/views/360006/tickets?page[size]=40").json()
    second = client.get(first["links"]["next"]).json()
    back = client.get(second["links"]["prev"]).json()
    assert [t["id"] for t in back["tickets"]] == [t["id"] for t in first["tickets"]]


def test_offset_pagination_and_its_10000_record_limit(client: httpx.Client) -> None:
    body = client.get("/api/v2/views/360006/tickets?per_page=30&page=2").json()
    assert len(body["tickets"]) == 30
    assert "page=3" in body["next_page"] and "page=1" in body["previous_page"]
    assert body["count"] > 60
    too_far = client.get("/api/v2/views/360006/tickets?per_page=100&page=101")
    assert too_far.status_code == 400
    assert too_far.json()["error"] == "InvalidPaginationParameter"


def test_view_sorting_and_json_suffix(client: httpx.Client) -> None:
    body = client.get(
        "/api/v2/views/360003/tickets.json?sort_by=priority&sort_order=desc&per_page=100"
    ).json()
    ranks = {"urgent": 4, "high": 3, "normal": 2, "low": 1}
    priorities = [ranks[t["priority"]] for t in body["tickets"]]
    assert priorities == sorted(priorities, reverse=True)
    assert set(priorities) <= {3, 4}


def test_safe_update_with_stale_stamp_is_409(client: httpx.Client, control: httpx.Client) -> None:
    ticket_id = _open_ticket(client)
    stamp = _stamp(client, ticket_id)
    assert control.post(f"/tickets/{ticket_id}/touch").status_code == 200
    stale = client.put(
        f"/api/v2/tickets/{ticket_id}",
        json={"ticket": {"status": "pending", "safe_update": True, "updated_stamp": stamp}},
    )
    assert stale.status_code == 409
    assert stale.json()["error"] == "UpdateConflict"
    fresh = client.put(
        f"/api/v2/tickets/{ticket_id}",
        json={
            "ticket": {"status": "pending", "safe_update": True, "updated_stamp": _stamp(client, ticket_id)}
        },
    )
    assert fresh.status_code == 200
    assert fresh.json()["ticket"]["status"] == "pending"


def test_reply_and_note_land_exactly_once(client: httpx.Client, control: httpx.Client) -> None:
    ticket_id = _open_ticket(client)
    before = len(control.get(f"/tickets/{ticket_id}").json()["comments"])
    reply = client.put(
        f"/api/v2/tickets/{ticket_id}", json={"ticket": {"comment": {"body": "Fixed!", "public": True}}}
    )
    note = client.put(
        f"/api/v2/tickets/{ticket_id}",
        json={"ticket": {"comment": {"html_body": "<p>note</p>", "public": False}}},
    )
    assert reply.status_code == note.status_code == 200
    assert reply.json()["audit"]["events"][0]["type"] == "Comment"
    comments = control.get(f"/tickets/{ticket_id}").json()["comments"]
    assert len(comments) == before + 2
    assert [(c["body"], c["public"]) for c in comments[-2:]] == [("Fixed!", True), ("note", False)]
    listed = client.get(f"/api/v2/tickets/{ticket_id}/comments?sort_order=desc").json()["comments"]
    assert listed[0]["body"] == "note"


def test_missing_public_is_sticky_to_the_first_comment(client: httpx.Client, zd: SandboxServer) -> None:
    store = zd.system("zendesk").store  # type: ignore[attr-defined]
    private_id = next(
        t["id"] for t in store.data.tickets.values() if not t["is_public"] and t["status"] == "open"
    )
    public_id = _open_ticket(client)
    for ticket_id, expected in ((private_id, False), (public_id, True)):
        client.put(f"/api/v2/tickets/{ticket_id}", json={"ticket": {"comment": {"body": "no flag"}}})
        last = client.get(f"/api/v2/tickets/{ticket_id}/comments?sort_order=desc").json()["comments"][0]
        assert (last["body"], last["public"]) == ("no flag", expected)


def test_validation_errors_are_422_record_invalid(client: httpx.Client) -> None:
    ticket_id = _open_ticket(client)
    bad = client.put(
        f"/api/v2/tickets/{ticket_id}",
        json={
            "ticket": {
                "status": "bogus",
                "priority": 3,
                "assignee_id": "me",
                "comment": {"body": "x", "public": "yes"},
            }
        },
    )
    assert bad.status_code == 422
    body = bad.json()
    assert body["error"] == "RecordInvalid" and body["description"] == "Record validation errors"
    assert {"comment"} <= body["details"].keys()
    fields = client.put(f"/api/v2/tickets/{ticket_id}", json={"ticket": {"status": "bogus", "tags": "x"}})
    assert fields.status_code == 422 and {"status", "tags"} <= fields.json()["details"].keys()
    assert client.put(f"/api/v2/tickets/{ticket_id}", json={"status": "open"}).status_code == 400


def test_closed_tickets_cannot_be_updated(client: httpx.Client) -> None:
    closed = client.get("/api/v2/search?query=type:ticket status:closed").json()["results"][0]["id"]
    answer = client.put(
        f"/api/v2/tickets/{closed}", json={"ticket": {"comment": {"body": "hi", "public": True}}}
    )
    assert answer.status_code == 422
    assert "closed" in answer.json()["details"]["status"][0]["description"]


def test_unknown_records_are_404_record_not_found(client: httpx.Client) -> None:
    for path in ("/api/v2/tickets/999999", "/api/v2/users/1", "/api/v2/views/1/tickets", "/api/v2/macros/1"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.json() == {"error": "RecordNotFound", "description": "Not found"}


def test_auth_basic_token_bearer_and_401(zd: SandboxServer) -> None:
    url = zd.urls["zendesk"] + "/api/v2/users/me"
    assert httpx.get(url, headers={"Authorization": f"Bearer {zd.token}"}).status_code == 200
    other_agent = httpx.get(url, auth=("jonas@sandbox.example/token", zd.token))
    assert other_agent.json()["user"]["email"] == "jonas@sandbox.example"
    for auth in (
        (f"{zd.email}/token", "wrong"),
        (zd.email, zd.token),
        ("customer1@x.example/token", zd.token),
    ):
        denied = httpx.get(url, auth=auth)
        assert denied.status_code == 401
        assert denied.json() == {"error": "Couldn't authenticate you"}
    assert httpx.get(url).status_code == 401


def test_rate_limit_budget_counts_down_then_429(client: httpx.Client, control: httpx.Client) -> None:
    control.post("/rate-limit", json={"limit": 3})
    remaining = [client.get("/api/v2/users/me").headers["X-Rate-Limit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    throttled = client.get("/api/v2/users/me")
    assert throttled.status_code == 429
    assert throttled.headers["content-type"].startswith("text/plain")
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    assert throttled.headers["X-Rate-Limit"] == "3"


def test_tags_put_adds_post_replaces_delete_removes(client: httpx.Client) -> None:
    ticket_id = _open_ticket(client)
    original = client.get(f"/api/v2/tickets/{ticket_id}/tags").json()["tags"]
    added = client.put(f"/api/v2/tickets/{ticket_id}/tags", json={"tags": ["Escalated"]}).json()["tags"]
    assert added == [*original, "escalated"]
    assert client.post(f"/api/v2/tickets/{ticket_id}/tags", json={"tags": ["a", "b"]}).json()["tags"] == [
        "a",
        "b",
    ]
    assert (
        client.request("DELETE", f"/api/v2/tickets/{ticket_id}/tags", json={"tags": ["a"]}).status_code == 204
    )
    assert client.get(f"/api/v2/tickets/{ticket_id}").json()["ticket"]["tags"] == ["b"]
    replaced = client.put(f"/api/v2/tickets/{ticket_id}", json={"ticket": {"tags": ["only"]}}).json()
    assert replaced["ticket"]["tags"] == ["only"]


def test_search_subset(client: httpx.Client) -> None:
    mine = client.get("/api/v2/search?query=type:ticket assignee:me status<solved&per_page=100").json()
    assert mine["count"] > 0
    assert all(
        r["assignee_id"] == 10001 and r["status"] in ("new", "open", "pending", "hold")
        for r in mine["results"]
    )
    assert all(r["result_type"] == "ticket" for r in mine["results"])
    unassigned = client.get("/api/v2/search?query=type:ticket assignee:none").json()["results"]
    assert all("assignee_id" not in r for r in unassigned)
    urgent = client.get("/api/v2/search/count?query=type:ticket priority:urgent").json()["count"]
    high_or_more = client.get("/api/v2/search/count?query=type:ticket priority>=high").json()["count"]
    assert 0 < urgent < high_or_more
    text = client.get('/api/v2/search?query="refund request"').json()["results"]
    assert text and all("refund" in r["subject"].lower() for r in text)
    by_date = client.get("/api/v2/search?query=type:ticket&sort_by=updated_at&sort_order=desc").json()[
        "results"
    ]
    assert [r["updated_at"] for r in by_date] == sorted((r["updated_at"] for r in by_date), reverse=True)


def test_macro_preview_changes_nothing(client: httpx.Client) -> None:
    ticket_id = _open_ticket(client)
    before = client.get(f"/api/v2/tickets/{ticket_id}").json()["ticket"]
    preview = client.get(f"/api/v2/tickets/{ticket_id}/macros/7703/apply").json()["result"]["ticket"]
    assert preview["priority"] == "high" and preview["group_id"] == 5104
    assert preview["comment"]["public"] is False
    assert {"escalated", "eng_escalation"} <= set(preview["tags"])
    assert client.get(f"/api/v2/tickets/{ticket_id}").json()["ticket"] == before
    har = client.get(f"/api/v2/tickets/{ticket_id}/macros/7701/apply").json()["result"]["ticket"]
    assert "{{" not in har["comment"]["body"] and har["status"] == "pending"


def test_sla_states_and_sideloads(client: httpx.Client) -> None:
    stages: set[str] = set()
    at_risk = breached = False
    url: str | None = "/api/v2/views/360006/tickets?page[size]=100&include=slas,users"
    while url:
        body = client.get(url).json()
        user_ids = {u["id"] for u in body["users"]}
        for ticket in body["tickets"]:
            assert ticket["requester_id"] in user_ids
            for metric in ticket["slas"]["policy_metrics"]:
                stages.add(metric["stage"])
                breached |= (
                    metric.get("minutes", 0) < 0 or metric.get("hours", 0) < 0 or metric.get("days", 0) < 0
                )
                at_risk |= 0 < metric.get("minutes", 0) < 60
        url = body["links"]["next"]
    assert {"active", "paused"} <= stages
    assert breached and at_risk
    shown = client.get("/api/v2/tickets/1?include=users,groups,organizations").json()
    assert {"ticket", "users", "groups", "organizations"} <= shown.keys()


def test_hostile_records_are_served_verbatim(zd: SandboxServer, client: httpx.Client) -> None:
    subjects = [
        t["subject"] for t in client.get("/api/v2/views/360001/tickets?per_page=100").json()["tickets"]
    ]
    joined = "\n".join(subjects)
    assert "[bold red]" in joined and "\x1b]0;pwned\x07" in joined and "\x1b[2J" in joined
    store = zd.system("zendesk").store  # type: ignore[attr-defined]
    huge = next(t for t in store.data.tickets.values() if t["subject"] == "Huge log pasted inline")
    body = client.get(f"/api/v2/tickets/{huge['id']}/comments").json()["comments"][0]["body"]
    assert len(body) > 1_000_000
    html_ticket = next(t for t in store.data.tickets.values() if t["subject"].startswith("HTML heavy"))
    first = client.get(f"/api/v2/tickets/{html_ticket['id']}/comments").json()["comments"][0]
    assert "<table>" in first["html_body"] and "<" not in first["plain_body"]
    names = {u["name"] for u in store.data.users.values()}
    assert any("\u0600" <= ch <= "\u06ff" for name in names for ch in name)  # Arabic
    assert any("\u0590" <= ch <= "\u05ff" for name in names for ch in name)  # Hebrew


def test_customer_reply_control_reopens_and_adds_public_comment(
    client: httpx.Client, control: httpx.Client
) -> None:
    pending = client.get("/api/v2/search?query=type:ticket status:pending").json()["results"][0]["id"]
    answer = control.post(f"/tickets/{pending}/customer-reply", json={"body": "Still broken"})
    assert answer.status_code == 201
    comment = answer.json()["comment"]
    ticket = client.get(f"/api/v2/tickets/{pending}").json()["ticket"]
    assert comment["public"] and comment["author_id"] == ticket["requester_id"]
    assert ticket["status"] == "open"


def test_reset_restores_seeded_state(zd: SandboxServer, client: httpx.Client, control: httpx.Client) -> None:
    ticket_id = _open_ticket(client)
    client.put(f"/api/v2/tickets/{ticket_id}", json={"ticket": {"subject": "changed"}})
    assert control.post("/reset").status_code == 200
    assert client.get(f"/api/v2/tickets/{ticket_id}").json()["ticket"]["subject"] != "changed"
    assert isinstance(zd.system("zendesk"), ZendeskSystem)


def test_same_seed_same_data() -> None:
    from datetime import UTC, datetime

    from frontline.sandbox.zendesk.store import ZendeskStore

    def clock() -> datetime:
        return datetime(2026, 5, 4, tzinfo=UTC)

    first, second = ZendeskStore(3, 120, clock), ZendeskStore(3, 120, clock)
    assert first.data.tickets == second.data.tickets
    assert first.comments(first.ticket(9)) == second.comments(second.ticket(9))
    assert ZendeskStore(4, 120, clock).data.tickets != first.data.tickets

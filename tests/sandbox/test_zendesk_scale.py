"""A 50,000-ticket helpdesk seeds quickly and serves deep pages; timings go to bench/sandbox_seed.py."""

from __future__ import annotations

import httpx

from frontline.sandbox.server import SandboxServer


def test_fifty_thousand_tickets() -> None:
    with SandboxServer(systems=("zendesk",), tickets=50_000, seed=2) as server:
        auth = (f"{server.email}/token", server.token)
        with httpx.Client(base_url=server.urls["zendesk"], auth=auth, timeout=30) as client:
            assert client.get("/api/v2/tickets/50000").json()["ticket"]["id"] == 50_000
            count = client.get("/api/v2/views/360006/count").json()["view_count"]["value"]
            assert count > 20_000
            url: str | None = "/api/v2/views/360006/tickets?page[size]=100"
            seen: set[int] = set()
            for _ in range(3):
                assert url is not None
                body = client.get(url).json()
                seen |= {t["id"] for t in body["tickets"]}
                url = body["links"]["next"]
            assert len(seen) == 300 and body["meta"]["has_more"]
            assert client.get("/api/v2/search/count?query=type:ticket status:pending").json()["count"] > 1000

"""Print how long the sandbox takes to seed, start, and page a whole 50,000-ticket view.

Run: .venv/bin/python bench/sandbox_seed.py [TICKETS]
"""

from __future__ import annotations

import sys
import time

import httpx

from frontline.sandbox.context import utc_now
from frontline.sandbox.server import SandboxServer
from frontline.sandbox.zendesk.store import ZendeskStore


def main() -> None:
    tickets = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    started = time.perf_counter()
    ZendeskStore(1, tickets, utc_now)
    print(f"seed {tickets} Zendesk tickets: {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    server = SandboxServer(tickets=tickets)
    server.start()
    print(f"start all systems ({', '.join(server.systems)}): {time.perf_counter() - started:.2f} s")
    try:
        auth = (f"{server.email}/token", server.token)
        with httpx.Client(base_url=server.urls["zendesk"], auth=auth, timeout=30) as client:
            started = time.perf_counter()
            url: str | None = "/api/v2/views/360006/tickets?page[size]=100"
            pages = rows = 0
            while url:
                body = client.get(url).json()
                pages, rows = pages + 1, rows + len(body["tickets"])
                url = body["links"]["next"]
            elapsed = time.perf_counter() - started
            print(
                f"page 'All unsolved tickets': {rows} tickets in {pages} pages, {elapsed:.2f} s "
                f"({elapsed / pages * 1000:.1f} ms per page)"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()

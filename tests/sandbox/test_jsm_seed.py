"""The JSM seed is deterministic by seed and scales to 50,000 requests."""

from __future__ import annotations

from datetime import UTC, datetime

from frontline.sandbox.context import SandboxContext
from frontline.sandbox.jsm.seed import seed_jsm
from frontline.sandbox.jsm.site import JsmSite

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_same_seed_same_data_other_seed_other_data() -> None:
    first, again, other = (seed_jsm(seed, 200, NOW).requests for seed in (1, 1, 2))
    summary = [(r.key, r.summary, r.status_id, r.priority_id, r.assignee_id) for r in first]
    assert summary == [(r.key, r.summary, r.status_id, r.priority_id, r.assignee_id) for r in again]
    assert summary != [(r.key, r.summary, r.status_id, r.priority_id, r.assignee_id) for r in other]


def test_spread_of_priorities_statuses_and_comment_threads() -> None:
    site = JsmSite(SandboxContext(seed=1, tickets=300, clock=lambda: NOW))
    requests = list(site.issues.values())
    assert len({r.priority_id for r in requests}) >= 5
    assert len({r.status_id for r in requests}) >= 7
    threads = [site.comments(r) for r in requests[:60]]
    assert any(len(t) >= 40 for t in threads)
    assert any(not c.public for t in threads for c in t)


def test_fifty_thousand_requests_seed_and_queue() -> None:
    site = JsmSite(SandboxContext(seed=1, tickets=50_000, clock=lambda: NOW))
    assert len(site.issues) == 50_000
    queue = site.queues["1"]
    members = site.queue_issues(queue)
    assert 10_000 < len(members) < 50_000
    assert all(r.issue_type == "10100" for r in members[:10])

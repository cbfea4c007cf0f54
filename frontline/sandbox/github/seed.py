"""Deterministic seed data for the fake GitHub: repo `acme/app` with issues, pull requests and labels."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from frontline.sandbox.github.store import GhComment, GhIssue, GhRepo

_COLOURS = {"bug": "d73a4a", "enhancement": "a2eeef", "from-zendesk": "03363d", "from-jsm": "0052cc"}
_TITLES = (
    "Checkout fails for EU customers",
    "Flaky test in payments suite",
    "Add retry to webhook sender",
    "Dark mode contrast too low",
    "Crash when avatar upload is empty",
    "Bump httpx",
)


def seed_github(seed: int, anchor: datetime, count: int = 45) -> list[GhRepo]:
    """`acme/app` with issues and pull requests (every fifth entry is a PR), some escalated already."""
    rng = random.Random(f"github:{seed}")
    repo = GhRepo("acme", "app", 424242)
    for name, colour in _COLOURS.items():
        repo.ensure_label(name, colour)
    for index in range(count):
        number = index + 1
        created = anchor - timedelta(days=90) + timedelta(hours=index * 45 + rng.randrange(0, 30))
        labels = ["bug"] if rng.random() < 0.5 else ["enhancement"]
        body = "Steps to reproduce:\n\n1. open the app\n2. see the error"
        if rng.random() < 0.3:
            ticket = 35000 + number
            labels += ["from-zendesk", f"zd-{ticket}"]
            repo.ensure_label(f"zd-{ticket}")
            body += f"\n\n<!-- frontline:zendesk:{ticket} -->"
        issue = GhIssue(
            80_000_000 + number,
            number,
            _TITLES[index % len(_TITLES)],
            body,
            "octo-dev",
            created,
            created + timedelta(hours=rng.randrange(1, 200)),
            labels,
            ["mona"] if rng.random() < 0.4 else [],
            is_pull_request=number % 5 == 0,
        )
        if rng.random() < 0.25:
            issue.state, issue.state_reason, issue.closed_at = "closed", "completed", issue.updated
        if number % 3 == 0:
            issue.comments.append(
                GhComment(4_000_000 + number, "Seen in production too.", "mona", issue.updated)
            )
        repo.issues[number] = issue
    if count:
        hostile = repo.issues[count - 1]
        hostile.title = "\x1b]0;pwned\x07[bold]crash[/bold] — 崩溃 — קריסה"
        hostile.body = "<script>alert(1)</script>\n\u202eexe.txt"
    return [repo]

"""Deterministic seed data for the fake GitHub: three repositories that behave differently.

- `acme/app`: the token has push access; issues, pull requests and labels, some tickets escalated already
  (label `zd-acme-<id>` and the body marker), and a pull request carrying a ticket's label and marker
  (`NO_ISSUE_TICKET`) with no issue for it, so a finder that does not skip pull requests is caught.
- `acme/community`: a public repository where the token has no push access: labels in a create are
  silently dropped (unknown ones refused) and labels cannot be created.
- `acme/legacy`: issues turned off (every issue route answers 410).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from frontline.sandbox.github.store import GhComment, GhIssue, GhRepo

SITE = "acme"
"""The Zendesk subdomain the seeded escalations name."""
NO_ISSUE_TICKET = 35999
"""A ticket only a pull request names (label and marker): it has no issue."""

_COLOURS = {"bug": "d73a4a", "enhancement": "a2eeef", "from-zendesk": "03363d", "from-jsm": "0052cc"}
_TITLES = (
    "Checkout fails for EU customers",
    "Flaky test in payments suite",
    "Add retry to webhook sender",
    "Dark mode contrast too low",
    "Crash when avatar upload is empty",
    "Bump httpx",
)
_COMMUNITY_TITLES = (
    "Docs: the install page 404s",
    "Feature request: export to CSV",
    "Login loops on Safari",
    "Typo in the pricing page",
)


def escalation_label(ticket: int) -> str:
    return f"zd-{SITE}-{ticket}"


def escalation_marker(ticket: int) -> str:
    return f"<!-- frontline:zendesk:{SITE}:{ticket} -->"


def seed_github(seed: int, anchor: datetime, count: int = 45) -> list[GhRepo]:
    """The three repositories (see the module docstring), the same for the same seed and anchor."""
    return [
        _app(seed, anchor, count),
        _community(seed, anchor),
        GhRepo("acme", "legacy", 424244, has_issues=False),
    ]


def _app(seed: int, anchor: datetime, count: int) -> GhRepo:
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
            labels += ["from-zendesk", repo.ensure_label(escalation_label(ticket))]
            body += f"\n\n{escalation_marker(ticket)}"
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
    if count >= 10:
        pull = repo.issues[10]
        pull.title = f"Fix the export crash (ZD #{NO_ISSUE_TICKET})"
        kept = [name for name in pull.labels if not name.startswith("zd-")]
        pull.labels = [*kept, repo.ensure_label(escalation_label(NO_ISSUE_TICKET))]
        pull.body = f"Fixes the crash.\n\n{escalation_marker(NO_ISSUE_TICKET)}"
    if count:
        hostile = repo.issues[count - 1]
        hostile.title = "\x1b]0;pwned\x07[bold]crash[/bold] — 崩溃 — קריסה"
        hostile.body = "<script>alert(1)</script>\n\u202eexe.txt"
    return repo


def _community(seed: int, anchor: datetime) -> GhRepo:
    """`acme/community`: readable, but the token has no push access."""
    rng = random.Random(f"github-community:{seed}")
    repo = GhRepo("acme", "community", 424243, push=False, private=False)
    for name in ("bug", "enhancement", "question", "from-zendesk"):
        repo.ensure_label(name, _COLOURS.get(name, "d876e3"))
    for index, title in enumerate(_COMMUNITY_TITLES * 2):
        number = index + 1
        created = anchor - timedelta(days=30) + timedelta(hours=index * 20 + rng.randrange(0, 10))
        repo.issues[number] = GhIssue(
            80_100_000 + number,
            number,
            title,
            "Reported on the forum.",
            "mona" if index % 2 else "octo-dev",
            created,
            created + timedelta(hours=rng.randrange(1, 48)),
            ["question"] if index % 3 else ["bug"],
            is_pull_request=number == 4,
        )
    return repo

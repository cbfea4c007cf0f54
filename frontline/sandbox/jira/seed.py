"""Deterministic seed data for the fake Jira Software site: one project, ENG, that support escalates to."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from frontline.sandbox.atlassian.adf import text_document
from frontline.sandbox.atlassian.records import (
    Account,
    CommentRecord,
    IssueRecord,
    RemoteLinkRecord,
    StatusDef,
    TransitionDef,
    Workflow,
)
from frontline.sandbox.atlassian.site import ProjectDef

TODO, IN_PROGRESS, IN_REVIEW, DONE = "1", "3", "10010", "10011"
ENG_WORKFLOW = Workflow(
    statuses=(
        StatusDef(TODO, "To Do", "new"),
        StatusDef(IN_PROGRESS, "In Progress", "indeterminate"),
        StatusDef(IN_REVIEW, "In Review", "indeterminate"),
        StatusDef(DONE, "Done", "done"),
    ),
    transitions=(
        TransitionDef("11", "To Do", TODO),
        TransitionDef("21", "In Progress", IN_PROGRESS),
        TransitionDef("31", "In Review", IN_REVIEW),
        TransitionDef("41", "Done", DONE),
    ),
)
ISSUE_TYPES = (("10004", "Bug"), ("10001", "Task"), ("10002", "Story"), ("10003", "Epic"))
ENG = ProjectDef(
    "10010", "ENG", "Engineering", "software", ISSUE_TYPES, "5b10ac8d82e05b22cc7d4ef5", ENG_WORKFLOW
)
ENGINEERS = (
    Account("5b10ac8d82e05b22cc7d4ef5", "Sam Eng Lead", "sam@sandbox.example"),
    Account("5b10ac8d82e05b22cc7d4ef6", "Noor Backend", None),
    Account("5b10ac8d82e05b22cc7d4ef7", "Kenji Frontend", "kenji@sandbox.example"),
)
_SUMMARIES = (
    "Checkout fails for EU customers",
    "CSV export times out over 10k rows",
    "SSO redirect loop with Okta",
    "Webhook retries hammer customer endpoints",
    "Mobile crash on Android 14 launch",
    "Invoice PDF shows wrong VAT id",
    "Rate limiter returns 500 instead of 429",
    "Search ignores diacritics",
)
_LABELS = ("from-zendesk", "from-jsm", "customer-impact", "regression", "backend", "frontend")


def seed_jira(seed: int, anchor: datetime, count: int = 30) -> list[IssueRecord]:
    """ENG-1..ENG-count, with some already escalated from a helpdesk (labels and remote links)."""
    rng = random.Random(f"jira:{seed}")
    issues: list[IssueRecord] = []
    for index in range(count):
        number = index + 1
        created = anchor - timedelta(days=60) + timedelta(hours=index * 40 + rng.randrange(0, 20))
        labels = sorted({_LABELS[rng.randrange(len(_LABELS))] for _ in range(rng.randrange(0, 3))})
        summary = _SUMMARIES[index % len(_SUMMARIES)]
        description = f"{summary}.\n\nSteps to reproduce:\n1. open the app\n2. try again"
        issue = IssueRecord(
            id=str(30000 + number),
            key=f"ENG-{number}",
            project_key="ENG",
            issue_type=ISSUE_TYPES[index % 3][0],
            summary=summary,
            status_id=(TODO, IN_PROGRESS, IN_REVIEW, DONE)[rng.randrange(4)],
            priority_id=str(rng.randrange(1, 6)),
            reporter_id=ENGINEERS[0].account_id,
            assignee_id=ENGINEERS[rng.randrange(len(ENGINEERS))].account_id if rng.random() < 0.7 else None,
            labels=labels,
            created=created,
            updated=created + timedelta(hours=rng.randrange(1, 300)),
            description=description,
            description_adf=text_document(description),
            comments=[],
            seq=index,
        )
        if "from-zendesk" in labels:
            ticket = 35000 + number
            issue.labels.append(f"zd-{ticket}")
            issue.remote_links.append(
                RemoteLinkRecord(
                    10_000 + number,
                    f"zendesk=sandbox&ticket={ticket}",
                    {
                        "globalId": f"zendesk=sandbox&ticket={ticket}",
                        "application": {"type": "com.zendesk.support", "name": "Zendesk"},
                        "relationship": "escalated from",
                        "object": {
                            "url": f"https://sandbox.zendesk.invalid/agent/tickets/{ticket}",
                            "title": f"ZD #{ticket}",
                        },
                    },
                )
            )
        if index % 4 == 1:
            issue.comments = [
                CommentRecord(
                    str(900_000 + number), ENGINEERS[1].account_id, "Looking into it.", True, issue.updated
                )
            ]
        issues.append(issue)
    if issues:
        hostile = issues[-1]
        hostile.summary = "[bold]pwn[/bold] \x1b]0;title\x07 \x1b[2J crash — 崩溃 — קריסה"
        hostile.description = "<script>alert(1)</script>\n\u202eexe.txt"
        hostile.description_adf = text_document(hostile.description)
    return issues

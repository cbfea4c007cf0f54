"""Deterministic seed data for the fake Jira Software site.

ENG is where support escalates by default: no required custom field, components, and a Done transition
whose screen asks for a resolution. OPS needs a custom field on its bugs that frontline cannot fill (so a
create without it gets Jira's 400). SUP is a service project on the same site, as when the helpdesk is
JSM: its requests can be linked to bugs with an issue link.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
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
        TransitionDef("41", "Done", DONE, screen=("resolution",)),
    ),
)
BUG = "10004"
ISSUE_TYPES = ((BUG, "Bug"), ("10001", "Task"), ("10002", "Story"), ("10003", "Epic"))
LEAD = "5b10ac8d82e05b22cc7d4ef5"
ENG = ProjectDef(
    "10010",
    "ENG",
    "Engineering",
    "software",
    ISSUE_TYPES,
    LEAD,
    ENG_WORKFLOW,
    components=(("10300", "Backend"), ("10301", "Frontend"), ("10302", "Billing"), ("10303", "Mobile")),
)
OPS = ProjectDef("10011", "OPS", "Operations", "software", ISSUE_TYPES[:2], LEAD, ENG_WORKFLOW)
WAITING, RESOLVED = "10100", "10106"
SUP_WORKFLOW = Workflow(
    statuses=(StatusDef(WAITING, "Waiting for support", "new"), StatusDef(RESOLVED, "Resolved", "done")),
    transitions=(TransitionDef("51", "Resolve this issue", RESOLVED), TransitionDef("81", "Reopen", WAITING)),
)
SUP = ProjectDef(
    "10001",
    "SUP",
    "Customer Support",
    "service_desk",
    (("10100", "Service Request"), ("10101", "Incident")),
    LEAD,
    SUP_WORKFLOW,
)
PROJECTS = (ENG, OPS, SUP)


@dataclass(frozen=True)
class CustomField:
    """A select-list custom field and its options, (id, value) pairs."""

    id: str
    name: str
    options: tuple[tuple[str, str], ...]


AFFECTED_ENVIRONMENT = CustomField(
    "customfield_10050",
    "Affected environment",
    (("10200", "Production"), ("10201", "Staging"), ("10202", "Development")),
)
REQUIRED_CUSTOM_FIELDS: dict[tuple[str, str], tuple[CustomField, ...]] = {
    ("OPS", BUG): (AFFECTED_ENVIRONMENT,)
}
"""(project key, issue type id) -> the custom fields its create screen requires."""
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
    return issues + _support_requests(anchor)


_REQUESTS = (
    "Checkout page spins forever",
    "Cannot download invoice PDF",
    "Login loops back to the sign-in page",
    "Export is missing rows",
    "Password reset mail never arrives",
)


def _support_requests(anchor: datetime) -> list[IssueRecord]:
    """SUP-1..SUP-5: requests on the same site's service project, to link bugs to."""
    requests = []
    for index, summary in enumerate(_REQUESTS):
        created = anchor - timedelta(days=5 - index)
        requests.append(
            IssueRecord(
                id=str(20001 + index),
                key=f"SUP-{index + 1}",
                project_key="SUP",
                issue_type="10101",
                summary=summary,
                status_id=WAITING,
                priority_id="3",
                reporter_id=ENGINEERS[2].account_id,
                assignee_id=None,
                labels=[],
                created=created,
                updated=created,
                description=f"{summary}.",
                description_adf=text_document(f"{summary}."),
                comments=[],
                seq=index,
            )
        )
    return requests

"""Deterministic seed data for the fake Jira Service Management site.

Everything derives from `context.seed` and the clock at seeding time, so two runs with the same seed and
a fixed clock answer identically. Requests are cheap records; their comment threads are generated on first
read, which keeps 50,000 requests seeding in well under a second or two.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontline.sandbox.atlassian.records import (
    Account,
    AttachmentRecord,
    CommentRecord,
    IssueRecord,
    StatusDef,
    TransitionDef,
    Workflow,
)

WAITING_SUPPORT, IN_PROGRESS, WAITING_CUSTOMER, PENDING, ESCALATED = (
    "10001",
    "10002",
    "10003",
    "10004",
    "10005",
)
RESOLVED, CLOSED, CANCELED = "10006", "10007", "10008"
OPEN_STATUSES = (WAITING_SUPPORT, IN_PROGRESS, WAITING_CUSTOMER, PENDING, ESCALATED)

JSM_WORKFLOW = Workflow(
    statuses=(
        StatusDef(WAITING_SUPPORT, "Waiting for support", "new"),
        StatusDef(IN_PROGRESS, "In Progress", "indeterminate"),
        StatusDef(WAITING_CUSTOMER, "Waiting for customer", "indeterminate"),
        StatusDef(PENDING, "Pending", "indeterminate"),
        StatusDef(ESCALATED, "Escalated", "indeterminate"),
        StatusDef(RESOLVED, "Resolved", "done"),
        StatusDef(CLOSED, "Closed", "done"),
        StatusDef(CANCELED, "Canceled", "done"),
    ),
    transitions=(
        TransitionDef(
            "11", "Start work", IN_PROGRESS, (WAITING_SUPPORT, WAITING_CUSTOMER, PENDING, ESCALATED)
        ),
        TransitionDef(
            "21", "Respond to customer", WAITING_CUSTOMER, (WAITING_SUPPORT, IN_PROGRESS, PENDING, ESCALATED)
        ),
        TransitionDef("31", "Pending", PENDING, (WAITING_SUPPORT, IN_PROGRESS)),
        TransitionDef("41", "Escalate", ESCALATED, (WAITING_SUPPORT, IN_PROGRESS)),
        TransitionDef("51", "Resolve this issue", RESOLVED, OPEN_STATUSES),
        TransitionDef(
            "61",
            "Back to waiting for support",
            WAITING_SUPPORT,
            (IN_PROGRESS, WAITING_CUSTOMER, PENDING, ESCALATED),
        ),
        TransitionDef("71", "Close", CLOSED, (RESOLVED,)),
        TransitionDef("81", "Reopen", WAITING_SUPPORT, (RESOLVED, CLOSED)),
        TransitionDef("91", "Cancel request", CANCELED, OPEN_STATUSES),
    ),
)
CUSTOMER_TRANSITIONS = {"91", "81"}
"""What a customer may do through `/request/{key}/transition`: cancel, or reopen a resolved request."""


@dataclass(frozen=True)
class DeskDef:
    id: str
    project_id: str
    project_key: str
    project_name: str
    request_types: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class QueueDef:
    id: str
    desk_id: str
    name: str
    jql: str


@dataclass(frozen=True)
class OrganizationDef:
    id: str
    name: str


DESKS = (
    DeskDef(
        "1",
        "10001",
        "SUP",
        "Customer Support",
        (("10", "Report a bug"), ("11", "Ask a question"), ("12", "Billing")),
    ),
    DeskDef("2", "10002", "IT", "IT Help Desk", (("20", "Get IT help"), ("21", "Request access"))),
)
QUEUES = (
    QueueDef("1", "1", "All open", "project = SUP AND resolution = Unresolved ORDER BY created DESC"),
    QueueDef(
        "2", "1", "Assigned to me", "project = SUP AND assignee = currentUser() AND resolution = Unresolved"
    ),
    QueueDef("3", "1", "Unassigned", "project = SUP AND assignee is EMPTY AND resolution = Unresolved"),
    QueueDef("4", "1", "Urgent", "project = SUP AND priority in (Highest, High) AND resolution = Unresolved"),
    QueueDef("5", "1", "Waiting for customer", 'project = SUP AND status = "Waiting for customer"'),
    QueueDef("6", "1", "Resolved", "project = SUP AND statusCategory = Done"),
    QueueDef("11", "2", "All open", "project = IT AND resolution = Unresolved ORDER BY created DESC"),
    QueueDef("12", "2", "Unassigned", "project = IT AND assignee is EMPTY AND resolution = Unresolved"),
)
ORGANIZATIONS = (
    OrganizationDef("1", "Acme Corp"),
    OrganizationDef("2", "Globex"),
    OrganizationDef("3", "Initech"),
    OrganizationDef("4", "Umbrella Health"),
    OrganizationDef("5", "شركة الرياض للتقنية"),
    OrganizationDef("6", "株式会社サンプル"),
)
AGENTS = (
    Account("sandbox-agent", "Sandbox Agent", None),
    Account("5b10ac8d82e05b22cc7d4ef1", "Priya Raman", "priya@sandbox.example"),
    Account("5b10ac8d82e05b22cc7d4ef2", "Tomás Ortega", "tomas@sandbox.example"),
    Account("5b10ac8d82e05b22cc7d4ef3", "Mei Lin", None),
)
_FIRST = (
    "Ada",
    "Bola",
    "Chen",
    "Dara",
    "Elif",
    "Femi",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Luca",
    "Maya",
    "Nour",
)
_LAST = ("Okafor", "Schmidt", "Tanaka", "Silva", "Novak", "Haddad", "Kim", "Larsen", "Moreau", "Patel")
_SUBJECTS = (
    "Cannot log in after password reset",
    "Invoice shows the wrong VAT number",
    "Export to CSV times out",
    "Mobile app crashes on launch",
    "Webhook deliveries delayed",
    "Need access to the analytics dashboard",
    "SSO redirect loop",
    "Charged twice this month",
    "API returns 500 for /orders",
    "Laptop will not connect to VPN",
)
_BODIES = (
    "Hi team, since this morning {thing} and our whole team is blocked.",
    "We tried clearing the cache and a different browser; {thing} still.",
    "This started after your last release. Steps: open the page, click save, wait. {thing}.",
    "Could you please look into this today? {thing} and a customer demo is tomorrow.",
)
_THINGS = (
    "the page spins forever",
    "we get an error code 0x80070005",
    "nothing happens",
    "the numbers are off",
)
_AGENT_REPLIES = (
    "Thanks for the report. Could you send the exact time it happened and your browser version?",
    "We have reproduced it and are working on a fix. I will update you within the day.",
    "A fix is deployed; could you try again and confirm?",
)
_NOTES = (
    "Internal: looks like the same root cause as the outage last week.",
    "Internal: customer is on the enterprise plan, prioritise.",
    "Internal: escalated to engineering, see linked ENG issue.",
)
LABELS = ("billing", "login", "mobile", "api", "outage", "vip", "sso")
HOSTILE = (
    (
        "[bold red]URGENT[/] \x1b]0;pwned\x07 printer \x1b[31mon fire\x1b[0m",
        "[link=https://evil.example]click[/link] \x1b]52;c;cGF5bG9hZA==\x07 please help",
    ),
    ("Huge log attached inline", "LOG " + ("0123456789abcdef" * 64 + "\n") * 1000),
    (
        "HTML email body",
        "<html><body><p>Hello <b>team</b></p><script>alert('x')</script>"
        "<img src=x onerror=alert(1)></body></html>",
    ),
    (
        "الطابعة لا تعمل — プリンターが動かない 打印机坏了",
        "مرحبا، الطابعة في المكتب لا تعمل منذ الصباح.\n\n"
        "\u202eevil.exe\u202c プリンターが動きません。请尽快处理。",
    ),
)


@dataclass
class JsmSeed:
    accounts: list[Account]
    customers: list[str]
    requests: list[IssueRecord]


def seed_jsm(seed: int, tickets: int, anchor: datetime) -> JsmSeed:
    """Build the site's people and requests; `anchor` is "now" at seeding time."""
    rng = random.Random(f"jsm:{seed}")
    accounts = list(AGENTS)
    customer_count = max(8, min(2000, tickets // 10))
    customers: list[str] = []
    for index in range(customer_count):
        first, last = _FIRST[index % len(_FIRST)], _LAST[(index // len(_FIRST)) % len(_LAST)]
        account_id = f"qm:customer:{index:05d}"
        email = None if index % 7 == 3 else f"{first.lower()}.{last.lower()}{index}@customer.example"
        accounts.append(Account(account_id, f"{first} {last}", email, account_type="customer"))
        customers.append(account_id)
    agent_ids = [a.account_id for a in AGENTS]
    requests: list[IssueRecord] = []
    counters = {desk.project_key: 0 for desk in DESKS}
    rand = rng.random
    for index in range(tickets):
        desk = DESKS[0] if index % 5 else DESKS[1]
        counters[desk.project_key] += 1
        number = counters[desk.project_key]
        roll = rand()
        status = (
            WAITING_SUPPORT
            if roll < 0.3
            else IN_PROGRESS
            if roll < 0.5
            else WAITING_CUSTOMER
            if roll < 0.65
            else PENDING
            if roll < 0.73
            else ESCALATED
            if roll < 0.77
            else RESOLVED
            if roll < 0.92
            else CLOSED
            if roll < 0.97
            else CANCELED
        )
        roll = rand()
        priority = (
            "1"
            if roll < 0.08
            else "2"
            if roll < 0.28
            else "3"
            if roll < 0.78
            else "4"
            if roll < 0.93
            else "5"
            if roll < 0.98
            else None
        )
        roll = rand()
        assignee = agent_ids[0] if roll < 0.3 else agent_ids[1 + int(rand() * 3)] if roll < 0.7 else None
        created = anchor - timedelta(minutes=30 + int(rand() * 60 * 24 * 45))
        updated = created + (anchor - created) * rand()
        labels = [LABELS[i] for i in range(len(LABELS)) if rand() < 0.12]
        reporter = customers[int(rand() * len(customers))]
        org = ORGANIZATIONS[int(rand() * len(ORGANIZATIONS))].id if rand() < 0.8 else None
        participants = [customers[int(rand() * len(customers))] for _ in range(int(rand() * 3))]
        subject = _SUBJECTS[int(rand() * len(_SUBJECTS))]
        body = _BODIES[int(rand() * len(_BODIES))].format(thing=_THINGS[int(rand() * len(_THINGS))])
        request_type = desk.request_types[int(rand() * len(desk.request_types))][0]
        requests.append(
            IssueRecord(
                id=str(20000 + index),
                key=f"{desk.project_key}-{number}",
                project_key=desk.project_key,
                issue_type="10100",
                summary=subject,
                status_id=status,
                priority_id=priority,
                reporter_id=reporter,
                assignee_id=assignee,
                labels=labels,
                created=created,
                updated=updated,
                description=body,
                service_desk_id=desk.id,
                request_type_id=request_type,
                organization_id=org,
                participants=list(dict.fromkeys(p for p in participants if p != reporter)),
                sla_seed=int(rand() * 1_000_000),
                seq=index,
            )
        )
    _apply_specials(requests, anchor)
    return JsmSeed(accounts, customers, requests)


SPECIAL_SLA = {0: "breached", 1: "at_risk", 2: "healthy", 3: "paused"}
"""The first SUP requests have a fixed SLA state each, whatever the seed."""


def _apply_specials(requests: list[IssueRecord], anchor: datetime) -> None:
    sup = [r for r in requests[:40] if r.project_key == "SUP"]
    for position, state in SPECIAL_SLA.items():
        if position < len(sup):
            request = sup[position]
            request.status_id = WAITING_CUSTOMER if state == "paused" else WAITING_SUPPORT
            request.priority_id = "1" if state == "breached" else "2"
            request.created = anchor - timedelta(hours=30)
            request.updated = anchor - timedelta(hours=1)
            request.sla_seed = -(position + 1)
    for offset, (subject, body) in enumerate(HOSTILE):
        position = len(SPECIAL_SLA) + offset
        if position < len(sup):
            request = sup[position]
            request.summary, request.description = subject, body
            request.status_id = WAITING_SUPPORT
    if len(sup) > len(SPECIAL_SLA):
        customer = sup[len(SPECIAL_SLA)]
        customer.labels = ["[red]vip[/red]"]


def _attachments(request: IssueRecord, index: int) -> tuple[AttachmentRecord, ...]:
    """What a customer's message carries: a screenshot on the first message of every third request."""
    if index != 0 or request.seq % 3:
        return ()
    size = 20_000 + (request.seq * 7919) % 400_000
    return (AttachmentRecord(str(50_000 + request.seq), f"screenshot-{request.key}.png", "image/png", size),)


def seed_comments(
    seed: int, request: IssueRecord, agents: list[str], next_id: Callable[[], str]
) -> list[CommentRecord]:
    """The seeded thread of one request: customer messages, agent replies and internal notes."""
    rng = random.Random(f"jsm:{seed}:{request.key}")
    count = 40 if request.seq % 17 == 5 else int(rng.random() * 7)
    comments: list[CommentRecord] = []
    span = max(1.0, (request.updated - request.created).total_seconds())
    for index in range(count):
        moment = request.created + timedelta(seconds=span * (index + 1) / (count + 1))
        turn = index % 3
        if turn == 0:
            author, body, public = (
                request.reporter_id,
                "Any update on this? " + _THINGS[index % len(_THINGS)],
                True,
            )
        elif turn == 1:
            author, body, public = (
                agents[index % len(agents)],
                _AGENT_REPLIES[index % len(_AGENT_REPLIES)],
                True,
            )
        else:
            author, body, public = agents[index % len(agents)], _NOTES[index % len(_NOTES)], False
        files = _attachments(request, index) if turn == 0 else ()
        comments.append(CommentRecord(next_id(), author, body, public, moment, attachments=files))
    if request.summary == HOSTILE[0][0]:
        comments.append(CommentRecord(next_id(), request.reporter_id, HOSTILE[0][1], True, request.updated))
    if request.summary == HOSTILE[2][0]:
        comments.append(CommentRecord(next_id(), request.reporter_id, HOSTILE[2][1], True, request.updated))
    return comments

"""Deterministic seed data for the fake Zendesk: people, organizations, tickets, views, macros, fields.

Everything comes from `random.Random(seed)` and times are relative to the context clock, so a seed
always produces the same helpdesk. Tickets are cheap dicts built in one loop (50,000 in about a
second); their comment threads are generated on first access from a per-ticket seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from frontline.sandbox.zendesk.corpus import (
    AGENT_NAMES,
    COMPANIES,
    FIRST_NAMES,
    HOSTILE_TICKETS,
    LAST_NAMES,
    PRODUCTS,
    REPLY_AGENT,
    REPLY_CUSTOMER,
    SUBJECT_TEMPLATES,
    internal_note,
)

HOUR = 3600.0
DAY = 24 * HOUR
ME_ID = 10_001
"""The agent signing in as `agent@sandbox.example`."""

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
STATUS_WEIGHTS = (10, 38, 16, 6, 20, 10)
PRIORITIES = ("urgent", "high", "normal", "low", None)
PRIORITY_WEIGHTS = (6, 16, 48, 22, 8)
TYPES = ("question", "incident", "problem", "task", None)
CHANNELS = ("email", "web", "api", "chat", "email")
GROUPS = (
    (5101, "Support", "Front-line support"),
    (5102, "Billing", "Invoices, refunds and plans"),
    (5103, "Tier 2", "Deep-dive troubleshooting"),
    (5104, "Engineering escalations", "Bugs confirmed by support"),
)
FIELD_PRODUCT_AREA = 4401
FIELD_JIRA_ISSUE = 4402
FIELD_CUSTOMER_TIER = 4403
FIELD_ESCALATED = 4404
PRODUCT_AREAS = ("billing", "api", "sso", "mobile", "reporting", "integrations")
TIERS = ("enterprise", "business", "starter")


@dataclass
class ZendeskData:
    """The whole mutable state of one fake Zendesk account."""

    seed: int
    now: float
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    agent_ids: list[int] = field(default_factory=list)


def build(seed: int, ticket_count: int, now: float) -> ZendeskData:
    """Seed a whole account; `now` is the clock's epoch seconds."""
    rng = random.Random(seed)
    data = ZendeskData(seed=seed, now=now)
    _seed_groups(data)
    _seed_organizations(data, rng)
    _seed_users(data, rng, ticket_count)
    _seed_tickets(data, rng, ticket_count)
    return data


def _seed_groups(data: ZendeskData) -> None:
    for group_id, name, description in GROUPS:
        data.groups[group_id] = {
            "id": group_id,
            "name": name,
            "description": description,
            "created": data.now - 400 * DAY,
        }


def _seed_organizations(data: ZendeskData, rng: random.Random) -> None:
    for index, (name, domain) in enumerate(COMPANIES):
        org_id = 3601 + index
        data.organizations[org_id] = {
            "id": org_id,
            "name": name,
            "domain_names": [domain],
            "tags": [rng.choice(TIERS)],
            "created": data.now - rng.uniform(200, 900) * DAY,
        }


def _seed_users(data: ZendeskData, rng: random.Random, ticket_count: int) -> None:
    for index, (name, email) in enumerate(AGENT_NAMES):
        user_id = ME_ID + index
        data.users[user_id] = _user(user_id, name, email, "admin" if index == 1 else "agent", None, data.now)
        data.agent_ids.append(user_id)
    org_ids = list(data.organizations)
    end_users = max(60, ticket_count // 4)
    for index in range(end_users):
        user_id = 20_001 + index
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        org_id = org_ids[index % len(org_ids)] if index % 5 else None
        domain = data.organizations[org_id]["domain_names"][0] if org_id else "mail.example"
        email = f"customer{index + 1}@{domain}"
        data.users[user_id] = _user(user_id, f"{first} {last}", email, "end-user", org_id, data.now)


def _user(user_id: int, name: str, email: str, role: str, org_id: int | None, now: float) -> dict[str, Any]:
    return {
        "id": user_id,
        "name": name,
        "email": email,
        "role": role,
        "organization_id": org_id,
        "created": now - 300 * DAY + (user_id % 997) * HOUR,
        "time_zone": "Europe/Berlin" if user_id % 3 else "America/New_York",
    }


def _seed_tickets(data: ZendeskData, rng: random.Random, ticket_count: int) -> None:
    now = data.now
    requesters = [uid for uid, user in data.users.items() if user["role"] == "end-user"]
    agents = data.agent_ids
    choices, randint, random_ = rng.choices, rng.randint, rng.random
    statuses = choices(STATUSES, STATUS_WEIGHTS, k=ticket_count)
    priorities = choices(PRIORITIES, PRIORITY_WEIGHTS, k=ticket_count)
    hostile = {5 + 7 * index: spec for index, spec in enumerate(HOSTILE_TICKETS)}
    for ticket_id in range(1, ticket_count + 1):
        status = statuses[ticket_id - 1]
        priority = priorities[ticket_id - 1]
        requester_id = requesters[randint(0, len(requesters) - 1)]
        age = random_() * 30 * DAY + 600
        created = now - age
        updated = now - random_() * min(age, 3 * DAY)
        template = SUBJECT_TEMPLATES[randint(0, len(SUBJECT_TEMPLATES) - 1)]
        product = PRODUCTS[randint(0, len(PRODUCTS) - 1)]
        subject, description = template[0].format(product=product), template[1].format(product=product)
        roll = random_()
        if status == "new" or roll < 0.18:
            assignee_id = None
        elif roll < 0.45:
            assignee_id = ME_ID
        else:
            assignee_id = agents[randint(0, len(agents) - 1)]
        ticket: dict[str, Any] = {
            "id": ticket_id,
            "subject": subject,
            "description": description,
            "status": status,
            "priority": priority,
            "type": TYPES[ticket_id % len(TYPES)],
            "requester_id": requester_id,
            "submitter_id": requester_id,
            "assignee_id": assignee_id,
            "group_id": GROUPS[ticket_id % len(GROUPS)][0] if assignee_id or roll < 0.1 else None,
            "organization_id": data.users[requester_id]["organization_id"],
            "tags": [PRODUCT_AREAS[ticket_id % len(PRODUCT_AREAS)], *(("vip",) if roll > 0.93 else ())],
            "custom_fields": {
                FIELD_PRODUCT_AREA: PRODUCT_AREAS[ticket_id % len(PRODUCT_AREAS)],
                FIELD_CUSTOMER_TIER: TIERS[requester_id % len(TIERS)],
            },
            "created": created,
            "updated": updated,
            "is_public": ticket_id % 23 != 0,
            "channel": CHANNELS[ticket_id % len(CHANNELS)],
            "sla": _sla(status, priority, updated, now, random_()),
            "comments": None,
            "long_thread": ticket_id % 47 == 3,
        }
        if ticket_id in hostile:
            _apply_hostile(ticket, hostile[ticket_id], data)
        data.tickets[ticket_id] = ticket


def _apply_hostile(ticket: dict[str, Any], spec: dict[str, Any], data: ZendeskData) -> None:
    """Hostile records sit in the agent's own queue, so the demo shows them near the top."""
    ticket.update(
        subject=spec["subject"],
        description=spec["body"],
        status="open",
        priority="high",
        assignee_id=ME_ID,
        group_id=GROUPS[0][0],
        updated=data.now - 120 - ticket["id"],
        html_body=spec.get("html"),
    )
    if spec.get("requester"):
        requester_id = ticket["requester_id"]
        data.users[requester_id]["name"] = spec["requester"]


def _sla(status: str, priority: str | None, updated: float, now: float, roll: float) -> list[dict[str, Any]]:
    """One SLA metric: breached, at risk (under an hour), healthy, paused or achieved."""
    if priority in (None, "low") and roll < 0.5:
        return []
    if status in ("solved", "closed"):
        return [{"metric": "first_reply_time", "stage": "achieved", "breach_at": None}]
    if status in ("pending", "hold"):
        return [{"metric": "requester_wait_time", "stage": "paused", "breach_at": None}]
    metric = "first_reply_time" if status == "new" else "next_reply_time"
    if roll < 0.15:
        breach_at = now - (0.25 + roll * 100) * HOUR
    elif roll < 0.35:
        breach_at = now + (5 + roll * 140) * 60
    else:
        breach_at = now + (2 + roll * 40) * HOUR
    return [{"metric": metric, "stage": "active", "breach_at": breach_at}]


def build_comments(data: ZendeskData, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    """A ticket's thread, generated the same way every time from the seed and the ticket id."""
    rng = random.Random(f"{data.seed}:{ticket['id']}")
    count = rng.randint(40, 70) if ticket["long_thread"] else rng.randint(1, 6)
    if ticket["status"] == "new":
        count = 1
    start, end = ticket["created"], max(ticket["updated"], ticket["created"] + 60)
    step = (end - start) / max(count, 1)
    agent_id = ticket["assignee_id"] or data.agent_ids[ticket["id"] % len(data.agent_ids)]
    comments = [
        _comment(ticket, 0, ticket["requester_id"], ticket["description"], ticket["is_public"], start)
    ]
    if ticket.get("html_body"):
        comments[0]["html"] = ticket["html_body"]
    for index in range(1, count):
        created = start + step * index
        if index % 2:
            if rng.random() < 0.3:
                body = internal_note(rng, ticket)
                comments.append(_comment(ticket, index, agent_id, body, False, created))
                continue
            body = rng.choice(REPLY_AGENT).format(name=data.users[ticket["requester_id"]]["name"])
            comments.append(_comment(ticket, index, agent_id, body, True, created))
        else:
            comments.append(
                _comment(ticket, index, ticket["requester_id"], rng.choice(REPLY_CUSTOMER), True, created)
            )
        if rng.random() < 0.08:
            comments[-1]["attachments"].append(_attachment(comments[-1]["id"], 0, rng))
    if ticket["id"] % 11 == 0:
        comments[0]["attachments"].append(_attachment(comments[0]["id"], 0, rng))
    ticket["seq"] = count
    return comments


def comment_id(ticket_id: int, index: int) -> int:
    """Comment and audit ids encode their ticket, so an id alone finds its record."""
    return ticket_id * 100_000 + index


def _comment(
    ticket: dict[str, Any], index: int, author_id: int, body: str, public: bool, created: float
) -> dict[str, Any]:
    return {
        "id": comment_id(ticket["id"], index),
        "author_id": author_id,
        "body": body,
        "html": None,
        "public": public,
        "created": created,
        "attachments": [],
        "channel": ticket["channel"] if index == 0 else "web",
    }


_FILES = (
    ("screenshot.png", "image/png"),
    ("crash.log", "text/plain"),
    ("invoice-2291.pdf", "application/pdf"),
    ("har-export.har", "application/json"),
)


def _attachment(owner_comment_id: int, index: int, rng: random.Random) -> dict[str, Any]:
    file_name, content_type = _FILES[rng.randrange(len(_FILES))]
    return {
        "id": owner_comment_id * 10 + index,
        "file_name": file_name,
        "content_type": content_type,
        "size": rng.randint(800, 2_400_000),
    }

"""An in-memory helpdesk for UI tests and snapshots: deterministic, instant, no HTTP.

Adapter behaviour over HTTP is tested against the sandbox; this fake exists so UI tests can pin pictures
and flows without a server. It honours the same contract (`Helpdesk`) and raises the same errors.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from frontline.domain.assignment import Assignee, AssigneeKind, filter_assignees
from frontline.domain.models import (
    Comment,
    Macro,
    MacroPreview,
    Organization,
    Page,
    Person,
    Priority,
    SlaTarget,
    Status,
    Ticket,
    TicketUpdate,
    View,
)
from frontline.domain.ports import ConnectionState, Helpdesk, HelpdeskCapabilities
from frontline.errors import ConflictError, FrontlineError, NotFound, ValidationFailed

FIXED_NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ME = Person(id="1", name="Ada Agent", email="ada@example.com", role="agent")
SUBJECTS = [
    "Cannot log in after password reset",
    "Invoice shows wrong VAT",
    "API returns 500 on /orders",
    "Export to CSV is empty",
    "[bold red]URGENT[/] \x1b[31mred\x1b[0m please help",
    "Webhook retries never stop",
    "SSO with Okta fails for new users",
    "Dashboard slow since Tuesday",
]
COLLEAGUE = Person(id="2", name="Priya Raman", email="priya@example.com", role="agent")
GROUPS = {"g1": "Billing", "g2": "Tier 2"}
NAMES = ["Grace Hopper", "Linus Berg", "Mina Park", "Omar Haddad", "李雷", "Zoë Quinn"]


@dataclass
class FakeHelpdesk(Helpdesk):
    """Seeded tickets across three views; records every update it receives."""

    ticket_count: int = 40
    seed: int = 7
    now: datetime = FIXED_NOW
    updates: list[tuple[str, TicketUpdate]] = field(default_factory=list)
    conflict_next_update: bool = False
    state: ConnectionState = ConnectionState.ONLINE
    requester_tickets_error: FrontlineError | None = None
    searches: list[str] = field(default_factory=list)

    kind = "fake"
    display_name = "Fake Helpdesk"
    capabilities = HelpdeskCapabilities(macros=True, sla=True, safe_update=True, search=True)

    @property
    def connection_state(self) -> ConnectionState:
        return self.state

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        orgs = [Organization(id=str(i), name=n) for i, n in enumerate(["Acme", "Globex", "Initech"], 1)]
        self.people = [ME] + [
            Person(id=str(100 + i), name=name, email=f"user{i}@example.com") for i, name in enumerate(NAMES)
        ]
        self.tickets: dict[str, Ticket] = {}
        self.comments: dict[str, list[Comment]] = {}
        statuses = [Status.NEW, Status.OPEN, Status.OPEN, Status.PENDING, Status.HOLD]
        for n in range(self.ticket_count):
            ticket_id = str(1000 + n)
            created = self.now - timedelta(hours=rng.randint(1, 300))
            updated = created + timedelta(minutes=rng.randint(0, 600))
            sla_minutes = rng.choice([-90, -5, 30, 45, 240, 1440, None])
            sla = None
            if sla_minutes is not None:
                sla = SlaTarget(due_at=self.now + timedelta(minutes=sla_minutes))
            requester = self.people[1 + n % len(NAMES)]
            self.tickets[ticket_id] = Ticket(
                id=ticket_id,
                key=f"#{ticket_id}",
                subject=SUBJECTS[n % len(SUBJECTS)],
                status=statuses[n % len(statuses)],
                priority=list(Priority)[n % 4],
                requester=requester,
                assignee=ME if n % 3 == 0 else None,
                organization=orgs[n % 3],
                tags=("billing",) if n % 2 else ("api",),
                created_at=created,
                updated_at=updated,
                sla=sla,
                url=f"https://fake.example/tickets/{ticket_id}",
                revision=updated.isoformat(),
            )
            self.comments[ticket_id] = [
                Comment(
                    id=f"{ticket_id}-1",
                    author=requester,
                    body=f"Hello, {SUBJECTS[n % len(SUBJECTS)].lower()}.\nThanks!",
                    public=True,
                    created_at=created,
                ),
                Comment(
                    id=f"{ticket_id}-2",
                    author=ME,
                    body="Checked the logs: looks like the cache. Asking eng.",
                    public=False,
                    created_at=created + timedelta(minutes=20),
                ),
            ]

    def _view_members(self, view_id: str) -> list[Ticket]:
        tickets = list(self.tickets.values())
        if view_id == "mine":
            return [t for t in tickets if t.assignee is not None and t.assignee.id == ME.id]
        if view_id == "urgent":
            return [t for t in tickets if t.priority in (Priority.URGENT, Priority.HIGH)]
        if view_id == "all":
            return [t for t in tickets if t.status not in (Status.SOLVED, Status.CLOSED)]
        raise NotFound(f"No view {view_id}.")

    async def whoami(self) -> Person:
        return ME

    async def list_views(self) -> list[View]:
        return [
            View(id="all", title="All unsolved"),
            View(id="mine", title="Your tickets"),
            View(id="urgent", title="Urgent & high"),
        ]

    async def view_count(self, view_id: str) -> int | None:
        return len(self._view_members(view_id))

    async def list_view_tickets(
        self, view_id: str, cursor: str | None = None, page_size: int = 100
    ) -> Page[Ticket]:
        members = self._view_members(view_id)
        start = int(cursor or 0)
        end = start + page_size
        return Page(items=members[start:end], next_cursor=str(end) if end < len(members) else None)

    async def get_ticket(self, ticket_id: str) -> Ticket:
        try:
            return self.tickets[ticket_id]
        except KeyError:
            raise NotFound(f"No ticket {ticket_id}.") from None

    async def list_comments(self, ticket_id: str) -> list[Comment]:
        await self.get_ticket(ticket_id)
        return list(self.comments[ticket_id])

    async def requester_tickets(self, ticket: Ticket, limit: int = 5) -> list[Ticket]:
        if self.requester_tickets_error is not None:
            raise self.requester_tickets_error
        if ticket.requester is None:
            return []
        others = [
            t
            for t in self.tickets.values()
            if t.requester is not None
            and t.requester.id == ticket.requester.id
            and t.id != ticket.id
            and t.status not in (Status.SOLVED, Status.CLOSED)
        ]
        return sorted(others, key=lambda t: t.updated_at, reverse=True)[:limit]

    async def search_tickets(self, query: str, limit: int = 100) -> list[Ticket]:
        """Every word in the subject or requester name; `status:x` by status; a query with `=` but no
        value is refused, as a helpdesk refuses bad syntax."""
        self.searches.append(query)
        if query.rstrip().endswith("="):
            raise ValidationFailed(f"Error in the query: expecting a value after '=' in {query!r}.")
        words = query.lower().split()
        statuses = {w.removeprefix("status:") for w in words if w.startswith("status:")}
        text = [w for w in words if not w.startswith(("status:", "type:"))]
        found = [
            t
            for t in self.tickets.values()
            if (not statuses or t.status.value in statuses)
            and all(w in f"{t.subject} {t.requester.name if t.requester else ''}".lower() for w in text)
        ]
        return found[:limit]

    async def update_ticket(self, ticket_id: str, update: TicketUpdate) -> Ticket:
        ticket = await self.get_ticket(ticket_id)
        if self.conflict_next_update:
            self.conflict_next_update = False
            raise ConflictError("Changed by someone else (409). Your draft is kept.")
        self.updates.append((ticket_id, update))
        changes: dict[str, object] = {"updated_at": self.now}
        if update.status is not None:
            changes["status"] = update.status
        if update.priority is not None:
            changes["priority"] = update.priority
        if update.assignee_id is not None:
            people = [*self.people, COLLEAGUE]
            changes["assignee"] = next((p for p in people if p.id == update.assignee_id), None)
        if update.group_id is not None:
            changes["group_id"], changes["group"] = update.group_id, GROUPS[update.group_id]
        if update.status_id is not None:
            changes["status_id"] = update.status_id
        tags = [t for t in ticket.tags if t not in update.tags_remove]
        tags += [t for t in update.tags_add if t not in tags]
        changes["tags"] = tuple(tags)
        if update.comment is not None:
            self.comments[ticket_id].append(
                Comment(
                    id=f"{ticket_id}-{len(self.comments[ticket_id]) + 1}",
                    author=ME,
                    body=update.comment.body,
                    public=update.comment.public,
                    created_at=self.now,
                )
            )
        updated = ticket.replace(**changes)
        self.tickets[ticket_id] = updated
        return updated

    async def assignees(self, ticket: Ticket, query: str = "") -> list[Assignee]:
        groups = [Assignee(id=i, name=n, kind=AssigneeKind.GROUP) for i, n in GROUPS.items()]
        agents = [Assignee(id=p.id, name=p.name, detail=p.email or "") for p in (ME, COLLEAGUE)]
        return filter_assignees(groups + agents, query)

    async def list_macros(self) -> list[Macro]:
        return [Macro(id="m1", title="Close and thank", description="Solve with a thank-you note")]

    async def preview_macro(self, ticket_id: str, macro_id: str) -> MacroPreview:
        return MacroPreview(
            macro=Macro(id="m1", title="Close and thank"),
            comment_body="Thanks for reaching out! Closing this now.",
            comment_public=True,
            status=Status.SOLVED,
        )

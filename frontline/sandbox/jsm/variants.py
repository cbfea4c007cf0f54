"""What each JSM mode (`frontline.sandbox.modes.JSM_MODES`) changes: the workflow, the queues' columns,
a customer-only desk, a project priority scheme.

The records keep the default ids underneath (`priority_id` "1".."5", the seed's status ids), so SLAs and
queue rules stay the same in every mode; only what the API shows and accepts changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from frontline.sandbox.atlassian.records import PRIORITIES, IssueRecord, TransitionDef, Workflow
from frontline.sandbox.jsm.seed import (
    CANCELED,
    CLOSED,
    ESCALATED,
    IN_PROGRESS,
    JSM_WORKFLOW,
    PENDING,
    RESOLVED,
    WAITING_CUSTOMER,
    WAITING_SUPPORT,
    DeskDef,
    QueueDef,
)

QUEUE_FIELDS = (
    "issuetype",
    "issuekey",
    "summary",
    "reporter",
    "assignee",
    "status",
    "priority",
    "labels",
    "created",
    "updated",
    "customfield_10002",
    "customfield_10010",
    "customfield_10030",
    "customfield_10031",
)
"""Every column, as the default sandbox queues show them."""

SPARSE_QUEUE_FIELDS = ("issuetype", "issuekey", "summary", "created", "reporter", "duedate")
"""The vendor spec's example queue: no status, priority, updated time, assignee, labels or SLA."""

GERMAN_STATUSES = {
    WAITING_SUPPORT: "Warten auf Support",
    IN_PROGRESS: "In Arbeit",
    WAITING_CUSTOMER: "Warten auf Kunden",
    PENDING: "Ausstehend",
    ESCALATED: "Eskaliert",
    RESOLVED: "Gelöst",
    CLOSED: "Geschlossen",
    CANCELED: "Abgebrochen",
}
GERMAN_TRANSITIONS = {
    "11": "Arbeit beginnen",
    "21": "Dem Kunden antworten",
    "31": "Zurückstellen",
    "41": "Eskalieren",
    "51": "Diesen Vorgang lösen",
    "61": "Zurück zu Warten auf Support",
    "71": "Schließen",
    "81": "Erneut öffnen",
    "91": "Anfrage abbrechen",
}

CUSTOMER_DESK = DeskDef("3", "10003", "HR", "People Team", (("30", "Ask HR"),))
"""The desk where the sandbox agent is only a customer (`customer-desk`)."""
CUSTOMER_DESK_QUEUE = QueueDef("21", "3", "All open", "project = HR AND resolution = Unresolved")

SCHEME_PROJECT = "SUP"
PRIORITY_SCHEME: tuple[tuple[str, str, str], ...] = (
    ("10100", "P1 - Critical", "1"),
    ("10101", "P2 - Major", "2"),
    ("10102", "P3 - Standard", "3"),
    ("10103", "P4 - Minor", "4"),
)
"""(id the API shows, name, default id underneath) of SUP's own scheme (`priority-scheme`); the default
"Lowest" (5) shows as P4 too."""
DEFAULT_SCHEME = tuple((pid, name, pid) for pid, name in PRIORITIES)

RESOLUTION_ORDER = ("10001", "10002", "10000", "10003")
"""The order the resolution screen offers them in (`resolution-screen`): Won't Do first."""


@dataclass(frozen=True)
class Variant:
    """One run's choice of JSM behaviours."""

    modes: frozenset[str]

    def workflow(self) -> Workflow:
        workflow = JSM_WORKFLOW
        if "resolution-screen" in self.modes:
            transitions = tuple(
                replace(t, screen=("resolution",)) if t.to == RESOLVED else t for t in workflow.transitions
            )
            workflow = replace(workflow, transitions=transitions)
        if "escalate" in self.modes:
            escalate = TransitionDef("41", "Escalate", ESCALATED)
            others = tuple(t for t in workflow.transitions if t.id != "41")
            workflow = replace(workflow, transitions=(escalate, *others))
        if "localized" in self.modes:
            statuses = tuple(
                replace(s, name=GERMAN_STATUSES[s.id], english=s.name) for s in workflow.statuses
            )
            transitions = tuple(replace(t, name=GERMAN_TRANSITIONS[t.id]) for t in workflow.transitions)
            workflow = Workflow(statuses, transitions)
        return workflow

    @property
    def queue_fields(self) -> tuple[str, ...]:
        return SPARSE_QUEUE_FIELDS if "sparse-queues" in self.modes else QUEUE_FIELDS

    def desks(self, desks: tuple[DeskDef, ...]) -> tuple[DeskDef, ...]:
        return (*desks, CUSTOMER_DESK) if "customer-desk" in self.modes else desks

    def queues(self, queues: tuple[QueueDef, ...]) -> tuple[QueueDef, ...]:
        return (*queues, CUSTOMER_DESK_QUEUE) if "customer-desk" in self.modes else queues

    def is_agent(self, desk_id: str) -> bool:
        return not ("customer-desk" in self.modes and desk_id == CUSTOMER_DESK.id)

    def scheme(self, project_key: str) -> tuple[tuple[str, str, str], ...]:
        """The priorities a project offers, most urgent first: (shown id, name, id underneath)."""
        if "priority-scheme" in self.modes and project_key == SCHEME_PROJECT:
            return PRIORITY_SCHEME
        return DEFAULT_SCHEME

    def customer_requests(self, customers: list[str], anchor: datetime) -> list[IssueRecord]:
        """The customer-only desk's requests, raised by other people (so the agent sees none of them)."""
        if "customer-desk" not in self.modes:
            return []
        return [
            IssueRecord(
                id=str(90_000 + number),
                key=f"HR-{number}",
                project_key=CUSTOMER_DESK.project_key,
                issue_type="10100",
                summary=f"Payslip question {number}",
                status_id=WAITING_SUPPORT,
                priority_id="3",
                reporter_id=customers[number % len(customers)],
                assignee_id=None,
                labels=[],
                created=anchor - timedelta(days=number),
                updated=anchor - timedelta(hours=number),
                description="Where do I find my payslip?",
                service_desk_id=CUSTOMER_DESK.id,
                request_type_id="30",
                seq=90_000 + number,
            )
            for number in range(1, 6)
        ]

"""The fake JSM site's state: desks, queues and SLAs over the shared Atlassian issue store.

SLA clocks are computed at read time from a breach moment fixed at seeding, so "remaining" shrinks and
goes negative as real (or injected) time passes, exactly like the vendor's `millis` values.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from frontline.sandbox.atlassian.records import CommentRecord, IssueRecord
from frontline.sandbox.atlassian.shapes import date_dto, duration_dto
from frontline.sandbox.atlassian.site import AtlassianSite, ProjectDef
from frontline.sandbox.context import SandboxContext
from frontline.sandbox.jsm.seed import (
    DESKS,
    ORGANIZATIONS,
    PENDING,
    QUEUES,
    SPECIAL_SLA,
    WAITING_CUSTOMER,
    WAITING_SUPPORT,
    DeskDef,
    QueueDef,
    seed_comments,
    seed_jsm,
)
from frontline.sandbox.jsm.variants import RESOLUTION_ORDER, Variant

ORGANIZATIONS_FIELD = "customfield_10002"
SLA_FIELDS = {
    "customfield_10030": ("1", "Time to first response"),
    "customfield_10031": ("2", "Time to resolution"),
}
_HOUR = 3_600_000
_GOALS = {"1": {"1": 1 * _HOUR, "2": 4 * _HOUR}, "2": {"1": 8 * _HOUR, "2": 24 * _HOUR}}
_DEFAULT_GOAL = {"1": 8 * _HOUR, "2": 72 * _HOUR}


class JsmSite(AtlassianSite):
    """Service desks, queues, organizations and requests with SLAs."""

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(context)
        self.variant = Variant(context.modes)
        self.queue_fields = self.variant.queue_fields
        """The columns every queue shows (`sparse-queues`: only a few)."""
        self.anchor: datetime = context.clock()
        seeded = seed_jsm(context.seed, context.tickets, self.anchor)
        for account in seeded.accounts:
            self.add_account(account)
        self.me = self.accounts["sandbox-agent"]
        self.me.email = context.email
        self.customers = seeded.customers
        self.agent_ids = [a for a in self.accounts if not a.startswith("qm:")]
        self.desks: dict[str, DeskDef] = {desk.id: desk for desk in self.variant.desks(DESKS)}
        self.queues: dict[str, QueueDef] = {queue.id: queue for queue in self.variant.queues(QUEUES)}
        self.organizations = {org.id: org for org in ORGANIZATIONS}
        workflow = self.variant.workflow()
        for desk in self.desks.values():
            self.projects[desk.project_key] = ProjectDef(
                desk.project_id,
                desk.project_key,
                desk.project_name,
                "service_desk",
                (("10100", "Service Request"), ("10101", "Incident")),
                "sandbox-agent",
                workflow,
            )
        requests = [*seeded.requests, *self.variant.customer_requests(self.customers, self.anchor)]
        for request in requests:
            self.add_issue(request)
        self._ordered = sorted(requests, key=lambda r: r.created, reverse=True)
        self._queue_cache: dict[str, tuple[int, list[IssueRecord]]] = {}

    # -- lookups ---------------------------------------------------------------------------------
    def desk(self, id_or_key: str) -> DeskDef | None:
        """`serviceDeskId` may also be the project id or key."""
        for desk in self.desks.values():
            if id_or_key in (desk.id, desk.project_id) or id_or_key.upper() == desk.project_key:
                return desk
        return None

    def is_agent(self, desk: DeskDef) -> bool:
        """Whether the signed-in account is an agent of `desk` (`customer-desk`: not of HR)."""
        return self.variant.is_agent(desk.id)

    def visible(self, issue: IssueRecord) -> bool:
        """A customer sees only their own requests: none on a desk where the agent is a customer."""
        desk = self.desks.get(issue.service_desk_id or "")
        return desk is None or self.is_agent(desk) or issue.reporter_id == self.me.account_id

    def priority_scheme(self, project_key: str) -> tuple[tuple[str, str, str], ...]:
        return self.variant.scheme(project_key)

    def resolution_choices(self) -> tuple[str, ...]:
        return RESOLUTION_ORDER if "resolution-screen" in self.context.modes else super().resolution_choices()

    def comments(self, issue: IssueRecord) -> list[CommentRecord]:
        if issue.comments is None:
            issue.comments = seed_comments(self.context.seed, issue, self.agent_ids, self.new_comment_id)
        return issue.comments

    def queue_issues(self, queue: QueueDef) -> list[IssueRecord]:
        cached = self._queue_cache.get(queue.id)
        if cached and cached[0] == self.revision:
            return cached[1]
        matches = self._predicate(queue)
        members = [issue for issue in self._ordered if matches(issue)]
        self._queue_cache[queue.id] = (self.revision, members)
        return members

    def _predicate(self, queue: QueueDef) -> Callable[[IssueRecord], bool]:
        project = self.desks[queue.desk_id].project_key
        done = {s.id for s in self.projects[project].workflow.statuses if s.category == "done"}
        me = self.me.account_id
        rules: dict[str, Callable[[IssueRecord], bool]] = {
            "All open": lambda i: i.status_id not in done,
            "Assigned to me": lambda i: i.assignee_id == me and i.status_id not in done,
            "Unassigned": lambda i: i.assignee_id is None and i.status_id not in done,
            "Urgent": lambda i: i.priority_id in ("1", "2") and i.status_id not in done,
            "Waiting for customer": lambda i: i.status_id == WAITING_CUSTOMER,
            "Resolved": lambda i: i.status_id in done,
        }
        rule = rules[queue.name]
        return lambda issue: issue.project_key == project and rule(issue)

    # -- SLA ---------------------------------------------------------------------------------------
    def sla_values(self, base: str, issue: IssueRecord) -> list[dict[str, Any]]:
        """`SlaInformationDTO`s: time to first response, then time to resolution."""
        return [self._sla(base, issue, metric) for metric in ("1", "2")]

    def sla_by_field(self, base: str, issue: IssueRecord, field: str) -> dict[str, Any]:
        return self._sla(base, issue, SLA_FIELDS[field][0])

    def _sla(self, base: str, issue: IssueRecord, metric: str) -> dict[str, Any]:
        now = self.now()
        name = dict(SLA_FIELDS.values())[metric]
        goal = (_GOALS.get(issue.priority_id or "") or _DEFAULT_GOAL)[metric]
        status = self.status_of(issue)
        rng = random.Random(issue.sla_seed * 7 + int(metric))
        state = self._sla_state(issue)
        primary = "1" if issue.status_id == WAITING_SUPPORT else "2"
        body: dict[str, Any] = {
            "id": metric,
            "name": name,
            "_links": {"self": f"{base}/rest/servicedeskapi/request/{issue.id}/sla/{metric}"},
            "completedCycles": [],
            "slaDisplayFormat": "NEW_SLA_FORMAT",
        }
        ongoing = status.category != "done" and (metric == "2" or issue.status_id == WAITING_SUPPORT)
        if not ongoing:
            start = issue.created
            elapsed = int(goal * (0.3 + rng.random()))
            stop = start + timedelta(milliseconds=elapsed)
            body["completedCycles"] = [
                {
                    "startTime": date_dto(start, now),
                    "stopTime": date_dto(stop, now),
                    "breachTime": date_dto(start + timedelta(milliseconds=goal), now),
                    "breached": elapsed > goal,
                    "goalDuration": duration_dto(goal),
                    "elapsedTime": duration_dto(elapsed),
                    "remainingTime": duration_dto(goal - elapsed),
                }
            ]
            return body
        if metric != primary or state == "healthy":
            remaining_at_anchor = int(goal * (0.5 + 0.45 * rng.random()))
        elif state == "breached":
            remaining_at_anchor = -int(10 * 60_000 + rng.random() * 48 * _HOUR)
        else:
            remaining_at_anchor = int(5 * 60_000 + rng.random() * 50 * 60_000)
        paused = metric == "2" and issue.status_id in (WAITING_CUSTOMER, PENDING)
        if paused:
            elapsed = goal - remaining_at_anchor
            cycle: dict[str, Any] = {
                "startTime": date_dto(self.anchor - timedelta(milliseconds=elapsed), now),
                "breached": remaining_at_anchor < 0,
                "paused": True,
                "withinCalendarHours": False,
                "goalDuration": duration_dto(goal),
                "elapsedTime": duration_dto(elapsed),
                "remainingTime": duration_dto(remaining_at_anchor),
            }
        else:
            breach = self.anchor + timedelta(milliseconds=remaining_at_anchor)
            start = breach - timedelta(milliseconds=goal)
            remaining = int((breach - now).total_seconds() * 1000)
            cycle = {
                "startTime": date_dto(start, now),
                "breachTime": date_dto(breach, now),
                "breached": remaining < 0,
                "paused": False,
                "withinCalendarHours": False,
                "goalDuration": duration_dto(goal),
                "elapsedTime": duration_dto(goal - remaining),
                "remainingTime": duration_dto(remaining),
            }
        body["ongoingCycle"] = cycle
        return body

    def _sla_state(self, issue: IssueRecord) -> str:
        if issue.sla_seed < 0:
            return SPECIAL_SLA[-issue.sla_seed - 1]
        roll = (issue.sla_seed % 1000) / 1000
        return "breached" if roll < 0.2 else "at_risk" if roll < 0.35 else "healthy"

    # -- platform view -----------------------------------------------------------------------------
    def extra_fields(self, base: str, issue: IssueRecord, include: Callable[[str], bool]) -> dict[str, Any]:
        desk = self.desks.get(issue.service_desk_id or "")
        if desk is None:
            return {}
        status = self.status_of(issue)
        type_name = dict(desk.request_types).get(issue.request_type_id or "", "Request")
        organization = self.organizations.get(issue.organization_id or "")
        fields: dict[str, Any] = {
            ORGANIZATIONS_FIELD: [
                {
                    "id": organization.id,
                    "name": organization.name,
                    "_links": {"self": f"{base}/rest/servicedeskapi/organization/{organization.id}"},
                }
            ]
            if organization
            else None,
            "customfield_10010": {
                "_links": {"web": f"{base}/servicedesk/customer/portal/{desk.id}/{issue.key}"},
                "requestType": {"id": issue.request_type_id, "name": type_name, "serviceDeskId": desk.id},
                "currentStatus": {"status": status.name, "statusCategory": status.category.upper()},
            },
        }
        for field in SLA_FIELDS:
            if include(field):
                fields[field] = self.sla_by_field(base, issue, field)
        return fields

    def request_status(self, issue: IssueRecord) -> dict[str, Any]:
        status = self.status_of(issue)
        return {
            "status": status.name,
            "statusCategory": status.category.upper(),
            "statusDate": date_dto(issue.updated, self.now()),
        }

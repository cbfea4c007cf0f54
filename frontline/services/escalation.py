"""One-key escalation: file (or find) the bug for a ticket, link both ways, and never file it twice.

Every step is recorded locally before it is sent. Before filing, the existing bug is looked for through
strongly consistent reads: the local record, the tracker's own handles for the ticket (label, remote link
globalId, body marker), never a search index alone. The ticket side (an internal note naming the bug and
two tags) goes through the desk's outbox, so it lands exactly once too. A dropped connection after the
tracker created the bug, a retry, or a kill -9 and a restart all leave one bug, one note and one tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from frontline.domain.clock import Clock
from frontline.domain.escalation import (
    ESCALATED_TAG,
    Bug,
    BugReport,
    EscalationFields,
    EscalationRecord,
    TicketRef,
    bug_tag,
    bug_title,
    build_report_body,
    cited_bug_keys,
)
from frontline.domain.models import CommentDraft, Priority, Ticket, TicketThread, TicketUpdate
from frontline.domain.ports import EscalationRepository, Tracker
from frontline.domain.shift import WritePurpose
from frontline.errors import ConfigError, FrontlineError, PartiallyApplied, WriteOutcomeUnknown
from frontline.services.desk import Desk

__all__ = ["EscalationResult", "Escalations", "MemoryEscalations", "Target"]

TRACKER_PRIORITY = {
    Priority.URGENT: "Highest",
    Priority.HIGH: "High",
    Priority.NORMAL: "Medium",
    Priority.LOW: "Low",
}
"""The ticket's priority in Jira's default scheme; a screen that allows no such name leaves it out."""


@dataclass(frozen=True)
class Target:
    """One escalation target of the profile, as its settings name it."""

    name: str
    kind: str
    display_name: str
    project: str
    labels: tuple[str, ...] = ()
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class EscalationResult:
    """What one escalation did: the bug, whether it was filed now, the ticket after the note, warnings."""

    bug: Bug
    created: bool
    ticket: Ticket
    warnings: tuple[str, ...] = ()


class Escalations:
    """The profile's escalations to its targets.

    Args:
        desk: the helpdesk session (tickets are read and noted through it).
        targets: the profile's targets, the first is the default.
        open_tracker: builds (once) the connector for a target.
        repository: where escalations are recorded.
        helpdesk_kind: the helpdesk's kind, part of each ticket's identity in the tracker.
        helpdesk_url: the helpdesk's base URL, the rest of it.
    """

    def __init__(
        self,
        desk: Desk,
        targets: Sequence[Target],
        open_tracker: Callable[[Target], Tracker],
        repository: Callable[[], EscalationRepository],
        *,
        helpdesk_kind: str,
        helpdesk_url: str,
        clock: Clock,
    ) -> None:
        self.desk = desk
        self.targets = tuple(targets)
        self._open_tracker = open_tracker
        self._repository = repository
        self.helpdesk_kind = helpdesk_kind
        self.helpdesk_url = helpdesk_url
        self.clock = clock
        self._trackers: dict[str, Tracker] = {}

    @property
    def repository(self) -> EscalationRepository:
        return self._repository()

    @property
    def profile(self) -> str:
        return self.desk.profile_name

    def target(self, name: str | None = None) -> Target:
        """The named target, else the last one used, else the first.

        Raises:
            ConfigError: no targets, or no target of that name.
        """
        if not self.targets:
            raise ConfigError(
                f"Profile {self.profile!r} has no escalation targets: add a [[profiles.{self.profile}."
                "escalation]] entry (see the README)."
            )
        wanted = name or self.repository.last_target(self.profile)
        for target in self.targets:
            if target.name == wanted:
                return target
        if name is not None:
            known = ", ".join(t.name for t in self.targets)
            raise ConfigError(
                f"Profile {self.profile!r} has no escalation target {name!r} (it has: {known})."
            )
        return self.targets[0]

    def tracker(self, target: Target) -> Tracker:
        """The target's connector, built on first use (its token is read then, not at start).

        Raises:
            CredentialsError: no token for the target.
            ConfigError: the target's kind has no connector, or its settings are refused.
        """
        if target.name not in self._trackers:
            self._trackers[target.name] = self._open_tracker(target)
        return self._trackers[target.name]

    async def aclose(self) -> None:
        """Close the trackers' connections."""
        while self._trackers:
            await self._trackers.popitem()[1].aclose()

    def ticket_ref(self, ticket: Ticket) -> TicketRef:
        return TicketRef.of(self.helpdesk_kind, self.helpdesk_url, ticket)

    async def report(self, thread: TicketThread, target: Target, fields: EscalationFields) -> BugReport:
        """Exactly what the tracker will receive, for the preview and for filing."""
        ref = self.ticket_ref(thread.ticket)
        me = await self.desk.whoami()
        priority = thread.ticket.priority
        return BugReport(
            title=bug_title(thread.ticket, ref, fields),
            body=build_report_body(thread, ref, fields, me_id=me.id),
            ticket=ref,
            labels=(*target.labels, ref.label),
            components=target.components,
            priority=TRACKER_PRIORITY.get(priority) if priority is not None else None,
        )

    async def existing(self, thread: TicketThread, target: Target) -> Bug | None:
        """The bug this ticket already has in `target`: the local record first, then the tracker's own
        consistent handles for the ticket, and the bugs its notes and tags name.

        Raises:
            Unavailable: the tracker could not be asked (do not file blindly).
        """
        record = self.repository.get(self.profile, thread.ticket.id, target.name)
        if record is not None and record.bug_key is not None:
            try:
                return _named(await self.tracker(target).get_bug(record.bug_key), target)
            except FrontlineError:
                return record.bug()
        in_doubt = record is not None and record.state == "filing"
        found = await self.tracker(target).find_bug_for_ticket(
            self.ticket_ref(thread.ticket), known=_cited_keys(thread, target), settle=in_doubt
        )
        return _named(found, target) if found is not None else None

    async def escalate(
        self,
        ticket_id: str,
        fields: EscalationFields,
        *,
        target_name: str | None = None,
        link_to: str | None = None,
    ) -> EscalationResult:
        """File the bug (or link `link_to`, or find the one already filed), link it back, note and tag the
        ticket. Safe to repeat: a second run changes nothing and says `created=False`.

        Raises:
            ValidationFailed: the tracker refused the bug (a required field, say).
            WriteOutcomeUnknown: the create's answer was lost and the bug cannot be found yet; the attempt
                is recorded and the next run looks before filing again.
            FrontlineError: the tracker or the helpdesk failed; nothing is filed twice on a retry.
        """
        target = self.target(target_name)
        tracker = self.tracker(target)
        thread = await self.desk.open_ticket(ticket_id)
        ref = self.ticket_ref(thread.ticket)
        started = self.clock()
        record = self.repository.get(self.profile, ticket_id, target.name) or EscalationRecord(
            profile=self.profile,
            ticket_id=ticket_id,
            target=target.name,
            state="filing",
            started_at=started,
            updated_at=started,
        )
        record = record.model_copy(update={"ticket_subject": thread.ticket.subject})
        created = False
        warnings: list[str] = []
        if link_to is not None:
            bug = _named(await tracker.get_bug(link_to), target)
        else:
            existing = await self.existing(thread, target)
            if existing is None:
                self.repository.put(record.model_copy(update={"state": "filing", "updated_at": self.clock()}))
                bug, created = (
                    await self._file(tracker, await self.report(thread, target, fields), target),
                    True,
                )
                dropped = [label for label in (*target.labels, ref.label) if label not in bug.labels]
                if dropped:
                    warnings.append(
                        f"{target.display_name} did not keep the labels {', '.join(dropped)} (without push "
                        "access, GitHub drops them); the ticket is still linked by its marker."
                    )
            else:
                bug = existing
        self._record(record, bug, "filed", created or record.created)
        await tracker.link_ticket(bug, ref)
        ticket = await self._note_on_ticket(thread, bug, target)
        self._record(record, bug, "done", created or record.created)
        self.repository.remember_target(self.profile, target.name)
        self.repository.delete_form(self.profile, ticket_id)
        return EscalationResult(bug=bug, created=created, ticket=ticket, warnings=tuple(warnings))

    async def _file(self, tracker: Tracker, report: BugReport, target: Target) -> Bug:
        try:
            return _named(await tracker.create_bug(report), target)
        except WriteOutcomeUnknown as lost:
            found = await tracker.find_bug_for_ticket(report.ticket, settle=True)
            if found is not None:
                return _named(found, target)
            raise WriteOutcomeUnknown(
                f"{lost.message} frontline will look for the bug before filing it again: run the "
                "escalation again in a moment, it will not file a second one."
            ) from lost

    async def _note_on_ticket(
        self, thread: TicketThread, bug: Bug, target: Target, *, finish_partial: bool = True
    ) -> Ticket:
        """The internal note and tags naming the bug, once: skipped when the ticket already has them, and
        not sent again while an earlier attempt's note may still land.

        Raises:
            WriteOutcomeUnknown: an earlier attempt's note is in the outbox, not on the ticket yet.
        """
        tag = bug_tag(target.kind, bug.key)
        ticket = thread.ticket
        noted = any(not c.public and _cites(c.body, bug.key) for c in thread.comments)
        if noted and tag in ticket.tags:
            return ticket
        if not noted:
            await self._no_note_in_flight(ticket.id, bug.key)
        note = f"Escalated to {target.display_name} {bug.key}: {bug.url}"
        update = TicketUpdate(
            comment=None if noted else CommentDraft(body=note, public=False),
            tags_add=tuple(t for t in (ESCALATED_TAG, tag) if t not in ticket.tags)
            if self.desk.capabilities.tags
            else (),
            revision=ticket.stamp,
        )
        if update.is_empty():
            return ticket
        known = [comment.id for comment in thread.comments]
        try:
            return await self.desk.submit(
                ticket.id, update, known_comment_ids=known, purpose=WritePurpose.ESCALATION
            )
        except PartiallyApplied:
            if not finish_partial:
                raise
            # The note landed and the tags did not (JSM writes them apart): add what is missing.
            fresh = await self.desk.open_ticket(ticket.id)
            return await self._note_on_ticket(fresh, bug, target, finish_partial=False)

    async def _no_note_in_flight(self, ticket_id: str, key: str) -> None:
        """Raise if an earlier attempt's note naming `key` is still unsettled in the outbox (a process
        killed while sending it, an answer lost): it may yet land, so a second one is not sent."""
        outbox = self.desk.outbox
        await outbox.reconcile(ticket_id)
        for entry in outbox.repository.unsettled(self.profile, ticket_id):
            comment = entry.update.comment
            if comment is not None and not comment.public and key in comment.body:
                raise WriteOutcomeUnknown(
                    f"The note naming {key} on #{ticket_id} from an earlier attempt is not on the ticket "
                    "yet and may still land. Run the escalation again in a moment: frontline checks it "
                    "first and will not post it twice."
                )

    def _record(self, record: EscalationRecord, bug: Bug, state: str, created: bool) -> None:
        self.repository.put(
            record.model_copy(
                update={
                    "state": state,
                    "bug_key": bug.key,
                    "bug_url": bug.url,
                    "bug_title": bug.title,
                    "bug_status": bug.status,
                    "created": created,
                    "updated_at": self.clock(),
                }
            )
        )

    async def add_context(self, ticket_id: str, text: str, *, target_name: str | None = None) -> Bug:
        """Add new context from the ticket to its existing bug, as a comment.

        Raises:
            NotFound: the ticket has no bug in that target yet.
        """
        from frontline.errors import NotFound

        target = self.target(target_name)
        record = self.repository.get(self.profile, ticket_id, target.name)
        if record is None or record.bug_key is None:
            raise NotFound(f"#{ticket_id} has no bug in {target.name} yet: escalate it first.")
        await self.tracker(target).add_comment(record.bug_key, text)
        bug = record.bug()
        assert bug is not None
        return bug

    def linked_bugs(self, ticket_id: str) -> list[Bug]:
        """The bugs this ticket is linked to, as last seen (the local records)."""
        return [
            bug for record in self.repository.for_ticket(self.profile, ticket_id) if (bug := record.bug())
        ]

    async def refresh_status(self, ticket_id: str) -> list[Bug]:
        """Read the linked bugs' current status from their trackers and remember it."""
        fresh: list[Bug] = []
        for record in self.repository.for_ticket(self.profile, ticket_id):
            if record.bug_key is None:
                continue
            target = next((t for t in self.targets if t.name == record.target), None)
            if target is None:
                continue
            bug = _named(await self.tracker(target).get_bug(record.bug_key), target)
            self.repository.put(record.model_copy(update={"bug_status": bug.status, "bug_title": bug.title}))
            fresh.append(bug)
        return fresh


def _cited_keys(thread: TicketThread, target: Target) -> list[str]:
    """Keys of `target`'s bugs the ticket's internal notes and tags name (escalated from another machine,
    say): the tracker confirms each by reading it, which does not lag like its search index."""
    notes = [comment.body for comment in thread.comments if not comment.public]
    return cited_bug_keys([*notes, *thread.ticket.tags], [target.project])


def _cites(text: str, key: str) -> bool:
    """Whether `text` names the bug `key` as a whole word (`ENG-3` is not cited by `ENG-31`)."""
    return re.search(rf"(?<![\w/#-]){re.escape(key)}(?![\w-])", text) is not None


def _named(bug: Bug, target: Target) -> Bug:
    return bug if bug.tracker == target.name else bug.model_copy(update={"tracker": target.name})


@dataclass
class MemoryEscalations:
    """Escalation records in memory, when there is no local database."""

    records: dict[tuple[str, str, str], EscalationRecord] = field(default_factory=dict)
    forms: dict[tuple[str, str], tuple[str, EscalationFields]] = field(default_factory=dict)
    preferences: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, profile: str, ticket_id: str, target: str) -> EscalationRecord | None:
        return self.records.get((profile, ticket_id, target))

    def for_ticket(self, profile: str, ticket_id: str) -> list[EscalationRecord]:
        mine = [r for (p, t, _), r in self.records.items() if p == profile and t == ticket_id]
        return sorted(mine, key=lambda r: r.started_at)

    def all(self, profile: str) -> list[EscalationRecord]:
        return sorted(
            (r for (p, _, _), r in self.records.items() if p == profile), key=lambda r: r.started_at
        )

    def put(self, record: EscalationRecord) -> None:
        self.records[(record.profile, record.ticket_id, record.target)] = record

    def save_form(
        self, profile: str, ticket_id: str, target: str, fields: EscalationFields, saved_at: datetime
    ) -> None:
        self.forms[(profile, ticket_id)] = (target, fields)

    def load_form(self, profile: str, ticket_id: str) -> tuple[str, EscalationFields] | None:
        return self.forms.get((profile, ticket_id))

    def delete_form(self, profile: str, ticket_id: str) -> None:
        self.forms.pop((profile, ticket_id), None)

    def last_target(self, profile: str) -> str | None:
        return self.preferences.get((profile, "last_target"))

    def remember_target(self, profile: str, target: str) -> None:
        self.preferences[(profile, "last_target")] = target

"""Posting the handoff once: to a Slack channel, a helpdesk ticket, a Jira issue or a GitHub issue.

Each post is recorded before it is sent (one per shift and destination) and settled by the answer. When
the answer is lost, the destination is read back where it can be: the helpdesk ticket through the outbox,
Jira and GitHub comments by the handoff's reference. A Slack webhook cannot be read back, so a lost answer
there is left unknown and never posted again by itself; the engineer checks the channel and may post again
on purpose (`again`). Publishing ends the shift.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from frontline.domain.clock import Clock
from frontline.domain.handoff import Handoff
from frontline.domain.handoff_render import ref_line, render_adf, render_markdown, render_slack
from frontline.domain.journal_ports import PublicationRepository, ShiftJournal
from frontline.domain.models import CommentDraft, TicketUpdate
from frontline.domain.outbox import WriteState
from frontline.domain.ports import Tracker
from frontline.domain.publication import Publication
from frontline.domain.shift import JournalEntry, JournalKind, Shift, WritePurpose
from frontline.errors import (
    ConfigError,
    FrontlineError,
    NotDelivered,
    PartiallyApplied,
    WriteOutcomeUnknown,
)
from frontline.services.desk import Desk

__all__ = ["Destination", "Published", "Publisher", "WebhookPoster"]

GITHUB_MAX_CHARS = 60_000
"""GitHub refuses comments over 65,536 characters."""
JIRA_MAX_CHARS = 30_000
"""Jira Cloud refuses comments over 32,767 characters."""
HELPDESK_MAX_CHARS = 60_000
"""Zendesk and JSM take comments of about 64 KB."""


@dataclass(frozen=True)
class Destination:
    """Where a handoff can go (from the profile's `[[handoff.destinations]]`)."""

    name: str
    kind: str
    ticket: str | None = None
    issue: str | None = None
    target: str | None = None

    @property
    def where(self) -> str:
        """In words: "Slack (team-slack)", "ticket 4521", "OPS-100"."""
        if self.kind == "helpdesk":
            return f"ticket {self.ticket}"
        if self.kind in ("jira", "github"):
            return f"{self.kind.capitalize()} {self.issue}"
        return f"Slack ({self.name})"


class WebhookPoster(Protocol):
    """A Slack incoming webhook (`frontline.connectors.slack`)."""

    async def post(self, text: str) -> None: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Published:
    """The outcome of a publish: the record, and whether this call posted it or found it posted."""

    publication: Publication
    posted_now: bool

    @property
    def message(self) -> str:
        p = self.publication
        where = f" ({p.url})" if p.url else ""
        if self.posted_now:
            return f"Published the handoff to {p.destination}{where}."
        return f"Already published to {p.destination} at {p.settled_at:%H:%M UTC}{where}: not posted again."


class Publisher:
    """Publishes one profile's handoffs.

    Args:
        trackers: the tracker for a Jira/GitHub destination (the profile's escalation target).
        webhook: the Slack webhook for a Slack destination (its URL read from the keyring on first use).
    """

    def __init__(
        self,
        destinations: Sequence[Destination],
        *,
        profile: str,
        desk: Desk,
        repository: Callable[[], PublicationRepository],
        journal: Callable[[], ShiftJournal],
        trackers: Callable[[Destination], Tracker],
        webhook: Callable[[Destination], WebhookPoster],
        clock: Clock,
    ) -> None:
        self.destinations = tuple(destinations)
        self.profile = profile
        self.desk = desk
        self._repository = repository
        self._journal = journal
        self._trackers = trackers
        self._webhook = webhook
        self.clock = clock
        self._webhooks: dict[str, WebhookPoster] = {}

    def _webhook_for(self, destination: Destination) -> WebhookPoster:
        if destination.name not in self._webhooks:
            self._webhooks[destination.name] = self._webhook(destination)
        return self._webhooks[destination.name]

    async def aclose(self) -> None:
        """Close the webhooks' connections (trackers belong to the escalations and close with them)."""
        while self._webhooks:
            await self._webhooks.popitem()[1].aclose()

    def destination(self, name: str) -> Destination:
        """Raises: ConfigError: the profile has no destination of that name."""
        for destination in self.destinations:
            if destination.name == name:
                return destination
        known = ", ".join(d.name for d in self.destinations) or "none configured"
        raise ConfigError(
            f"No handoff destination {name!r} in profile {self.profile!r} (known: {known}). Add one under "
            f"[[profiles.{self.profile}.handoff.destinations]]."
        )

    async def publish(self, handoff: Handoff, shift: Shift, name: str, *, again: bool = False) -> Published:
        """Post `handoff` to the destination `name` once, then end the shift.

        Raises:
            ConfigError: no such destination.
            WriteOutcomeUnknown: an earlier post's answer was lost and it cannot be told whether it is
                there (Slack); check the destination, then publish `again` if it is not.
            FrontlineError: the destination refused or could not be reached; posting again is safe.
        """
        destination = self.destination(name)
        repository = self._repository()
        earlier = repository.get(self.profile, shift.id, destination.name)
        if earlier is not None and not again:
            settled = await self._settle_earlier(earlier, destination, handoff)
            if settled.state is WriteState.SENT:
                return Published(settled, posted_now=False)
            if settled.state is not WriteState.FAILED:
                raise WriteOutcomeUnknown(_unknown_message(destination))
        publication = Publication(
            id=secrets.token_hex(8),
            profile=self.profile,
            shift_id=shift.id,
            destination=destination.name,
            state=WriteState.SENDING,
            created_at=self.clock(),
            ref=handoff.ref,
            attempts=(earlier.attempts + 1) if earlier is not None else 1,
            outbox_id=secrets.token_hex(16) if destination.kind == "helpdesk" else None,
        )
        repository.put(publication)
        settled = await self._send(publication, destination, handoff)
        return Published(settled, posted_now=True)

    async def _send(
        self, publication: Publication, destination: Destination, handoff: Handoff
    ) -> Publication:
        try:
            url = await self._post(publication, destination, handoff)
        except WriteOutcomeUnknown as lost:
            found = await self._look_for(publication, destination, handoff)
            if found is None:
                self._settle(publication, WriteState.UNKNOWN, lost.message)
                raise WriteOutcomeUnknown(f"{lost.message} {_unknown_message(destination)}") from lost
            return self._sent(publication, found or None, handoff)
        except (NotDelivered, FrontlineError) as failed:
            self._settle(publication, WriteState.FAILED, failed.message)
            raise
        except BaseException:
            self._settle(publication, WriteState.UNKNOWN, "Interrupted while posting.")
            raise
        return self._sent(publication, url, handoff)

    async def _post(self, publication: Publication, destination: Destination, handoff: Handoff) -> str | None:
        """Send once; returns where the post can be seen when the destination says."""
        if destination.kind == "slack":
            await self._webhook_for(destination).post(render_slack(handoff))
            return None
        if destination.kind == "helpdesk":
            assert destination.ticket is not None
            return await self._note_on_ticket(publication, destination.ticket, handoff)
        assert destination.issue is not None
        jira = destination.kind == "jira"
        document: dict[str, Any] | None = render_adf(handoff, max_chars=JIRA_MAX_CHARS) if jira else None
        body = render_markdown(handoff, max_chars=JIRA_MAX_CHARS if jira else GITHUB_MAX_CHARS)
        return await self._trackers(destination).add_comment(destination.issue, body, document=document)

    async def _note_on_ticket(self, publication: Publication, ticket_id: str, handoff: Handoff) -> str | None:
        """An internal note through the outbox, which settles a lost answer by reading the ticket back."""
        thread = await self.desk.open_ticket(ticket_id)
        update = TicketUpdate(
            comment=CommentDraft(body=render_markdown(handoff, max_chars=HELPDESK_MAX_CHARS), public=False),
            revision=thread.ticket.stamp,
        )
        try:
            ticket = await self.desk.submit(
                ticket_id,
                update,
                known_comment_ids=[c.id for c in thread.comments],
                purpose=WritePurpose.HANDOFF,
                entry_id=publication.outbox_id,
            )
        except PartiallyApplied:
            return thread.ticket.url  # the note is the only part; landed is landed
        return ticket.url

    async def _look_for(
        self, publication: Publication, destination: Destination, handoff: Handoff
    ) -> str | None:
        """Where the post is, if the destination shows it ("" when there without a link); None if not
        there or it cannot be told (Slack cannot be read back)."""
        if destination.kind == "slack":
            return None
        if destination.kind == "helpdesk":
            state = await self._note_state(publication, destination)
            return "" if state in (WriteState.SENT, WriteState.PARTIAL) else None
        assert destination.issue is not None
        try:
            found = await self._trackers(destination).find_comment(destination.issue, _needle(handoff))
        except FrontlineError:
            return None
        return found

    async def _note_state(self, publication: Publication, destination: Destination) -> WriteState | None:
        """Where the outbox stands on a handoff note to the collecting ticket, after checking the ticket
        (None: the outbox has no such write)."""
        await self.desk.outbox.reconcile(destination.ticket)
        entry = self.desk.outbox.repository.get(publication.outbox_id or "")
        return entry.state if entry is not None else None

    async def _settle_earlier(
        self, earlier: Publication, destination: Destination, handoff: Handoff
    ) -> Publication:
        """An earlier post of this shift's handoff: sent, failed, or (read back now) one of those."""
        if earlier.state in (WriteState.SENT, WriteState.FAILED):
            return earlier
        if destination.kind == "helpdesk" and earlier.outbox_id:
            state = await self._note_state(earlier, destination)
            if state in (None, WriteState.FAILED):
                return self._settle(earlier, WriteState.FAILED, "The note did not reach the ticket.")
            if state in (WriteState.SENT, WriteState.PARTIAL):
                return self._sent(earlier, None, handoff)
            return earlier
        found = await self._look_for(earlier, destination, handoff)
        if found is not None:
            return self._sent(earlier, found or None, handoff)
        if destination.kind == "slack":
            return earlier  # cannot be read back: stays unknown until the engineer says
        return self._settle(earlier, WriteState.FAILED, "The comment is not on the issue.")

    def _sent(self, publication: Publication, url: str | None, handoff: Handoff) -> Publication:
        """Settle as published, with its journal line, keep the handoff, and end the shift."""
        now = self.clock()
        sent = publication.settle(WriteState.SENT, now, "Published.", url=url or publication.url)
        line = JournalEntry(
            kind=JournalKind.PUBLISHED,
            at=now,
            profile=self.profile,
            detail={"destination": publication.destination, "url": sent.url or ""},
            shift_id=_real_shift_id(publication.shift_id),
        )
        self._repository().put(sent, journal=line if line.shift_id else None)
        journal = self._journal()
        if line.shift_id:
            journal.save_handoff(line.shift_id, _json(handoff))
        running = journal.current(self.profile)
        if running is not None and running.id == line.shift_id:
            journal.end(self.profile, now)  # the handoff is out: the shift is over
        return sent

    def _settle(self, publication: Publication, state: WriteState, outcome: str) -> Publication:
        settled = publication.settle(state, self.clock(), outcome)
        self._repository().put(settled)
        return settled


def _needle(handoff: Handoff) -> str:
    """The line every post of the handoff ends with, as the renderers write it."""
    return ref_line(handoff.ref)


def _unknown_message(destination: Destination) -> str:
    if destination.kind == "slack":
        return (
            f"Slack did not confirm the post to {destination.name}, and a webhook cannot be read back. Look "
            "in the channel: if the handoff is not there, publish again with --again (the console asks)."
        )
    return (
        f"Whether the handoff reached {destination.where} cannot be told yet; frontline checks before "
        "posting again, so publishing again is safe."
    )


def _real_shift_id(shift_id: str) -> str:
    """A `--since` window is not a shift of its own: its post is journalled in no shift."""
    return "" if "since-" in shift_id else shift_id


def _json(handoff: Handoff) -> str:
    import json

    return json.dumps(handoff.as_json(), sort_keys=True)

"""The bugs each ticket is linked to, for the ticket header and the queue's `bug` column.

Two sources, neither a tracker request per row: the local escalation records (what frontline filed or linked,
with the status last seen; one SQLite read for the whole profile), and bug keys of a configured Jira target
cited in the ticket's tags (and, on the ticket screen, its internal notes): a colleague's escalation, or one
from before frontline. Statuses are read from the trackers in the background: a ticket's own when it opens,
and the queue's at most once every `STATUS_REFRESH_SECONDS`, at most `MAX_STATUS_READS` reads a round,
least recently read first, so a big queue never spends a tracker's rate limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from rich.cells import cell_len

from frontline.domain.clock import Clock
from frontline.domain.escalation import Bug, cited_bug_keys
from frontline.domain.models import Comment, Ticket
from frontline.domain.text import one_line
from frontline.errors import AuthError, CredentialsError, FrontlineError, RateLimited, Unavailable
from frontline.services.escalation import Escalations, Target
from frontline.services.session import Session

STATUS_REFRESH_SECONDS = 300
"""The queue's bug statuses are read again at most this often."""
MAX_STATUS_READS = 20
"""Tracker reads per queue refresh round (a tracker's rate limit is shared with the engineer's browser)."""
TICKET_REFRESH_SECONDS = 60
"""Opening a ticket reads its bugs' statuses, unless they were read this recently."""
_TRACKER_DOWN = (AuthError, CredentialsError, RateLimited, Unavailable)
"""Failures that say the whole tracker cannot answer now: the round skips its other bugs."""

Listener = Callable[[], None]


def bug_label(bug: Bug) -> str:
    """The bug as the header shows it, `ENG-42 · In Progress` (the key alone while its status is unknown)."""
    key = one_line(bug.key)
    return f"{key} · {one_line(bug.status)}" if bug.status else key


def short_key(key: str) -> str:
    """A key for a narrow cell: GitHub's `owner/repo#17` becomes `repo#17`."""
    return key.rsplit("/", 1)[-1]


class BugLinks:
    """The profile's ticket-to-bug links as last seen, with background status reads.

    Args:
        session: the profile's session; without escalations (or targets) no links are ever shown, and
            the local database is not read for them.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._recorded: dict[str, list[Bug]] | None = None
        self._cited: dict[str, Bug] = {}
        """Bugs cited in tags or notes, as read from their tracker (key -> bug)."""
        self._read_at: dict[str, datetime] = {}
        """When each ticket's (or cited key's) status was last read."""
        self._round_at: datetime | None = None
        self._listeners: list[Listener] = []

    @property
    def escalations(self) -> Escalations | None:
        return self.session.escalations

    @property
    def clock(self) -> Clock:
        return self.session.clock

    @property
    def enabled(self) -> bool:
        return self.escalations is not None and bool(self.escalations.targets)

    @property
    def _jira_targets(self) -> list[Target]:
        if self.escalations is None:
            return []
        return [t for t in self.escalations.targets if t.kind == "jira" and t.project]

    def follow(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` whenever a link or status changed; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- reading ---------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the local records again (after an escalation or a status refresh) and tell the followers."""
        self._recorded = None
        self._changed()

    def recorded(self, ticket_id: str) -> list[Bug]:
        """The bugs frontline filed or linked for the ticket, oldest first."""
        if not self.enabled:
            return []
        if self._recorded is None:
            self._recorded = self._read_records()
        return self._recorded.get(ticket_id, [])

    def _read_records(self) -> dict[str, list[Bug]]:
        """Every record of the profile at once (one local read); a failing store shows none."""
        assert self.escalations is not None
        escalations = self.escalations
        try:
            records = escalations.repository.all(escalations.profile)
        except FrontlineError:
            return {}
        by_ticket: dict[str, list[Bug]] = {}
        for record in records:
            bug = record.bug()
            if bug is not None:
                by_ticket.setdefault(record.ticket_id, []).append(bug)
        return by_ticket

    def recorded_ids(self) -> set[str]:
        """The tickets that have a local escalation record."""
        if not self.enabled:
            return set()
        if self._recorded is None:
            self._recorded = self._read_records()
        return set(self._recorded)

    def cited(self, texts: Iterable[str]) -> list[Bug]:
        """Bugs of the Jira targets that `texts` (tags, internal notes) cite, as last read if ever."""
        texts = list(texts)
        bugs: list[Bug] = []
        for target in self._jira_targets:
            for key in cited_bug_keys(texts, [target.project]):
                bugs.append(self._cited.get(key) or Bug(key=key, url="", tracker=target.name))
        return bugs

    def for_ticket(self, ticket: Ticket, comments: Sequence[Comment] = ()) -> list[Bug]:
        """Recorded bugs first, then those its tags and internal notes cite; each key once."""
        if not self.enabled:
            return []
        bugs = list(self.recorded(ticket.id))
        known = {bug.key for bug in bugs}
        notes = [comment.body for comment in comments if not comment.public]
        for bug in self.cited([*ticket.tags, *notes]):
            if bug.key not in known:
                known.add(bug.key)
                bugs.append(bug)
        return bugs

    def cell(self, ticket: Ticket, width: int) -> str | None:
        """The queue's `bug` cell: the first bug's key, with its status when it fits; None: no link here."""
        if not self.enabled:
            return None
        bugs = self.recorded(ticket.id) or (self.cited(ticket.tags) if ticket.tags else [])
        if not bugs:
            return None
        bug = bugs[0]
        key = one_line(short_key(bug.key))
        with_status = f"{key} {one_line(bug.status)}" if bug.status else key
        return with_status if cell_len(with_status) <= width else key

    # -- refreshing ------------------------------------------------------------------------------------

    async def refresh_ticket(self, ticket: Ticket, comments: Sequence[Comment] = ()) -> bool:
        """Read the ticket's bugs' statuses (an opened ticket), unless read lately; True when read.

        Best effort: a tracker that cannot answer leaves the last seen status.
        """
        now = self.clock()
        last = self._read_at.get(ticket.id)
        if not self.for_ticket(ticket, comments) or (
            last is not None and now - last < timedelta(seconds=TICKET_REFRESH_SECONDS)
        ):
            return False
        self._recorded = None  # escalated meanwhile (here, or by `frontline escalate`): read what is recorded
        await self._read(ticket, comments, budget=MAX_STATUS_READS, skipped=set())
        self.reload()
        return True

    def round_due(self) -> bool:
        """Whether the queue's statuses may be read again."""
        if not self.enabled:
            return False
        last = self._round_at
        return last is None or self.clock() - last >= timedelta(seconds=STATUS_REFRESH_SECONDS)

    async def refresh_round(self, tickets: Sequence[Ticket]) -> int:
        """Read the statuses of the linked bugs of `tickets` (the view on screen), least recently read
        first, within `MAX_STATUS_READS`; returns how many reads it made."""
        self._round_at = self.clock()
        self._recorded = None
        linked = [t for t in tickets if self.recorded(t.id) or (t.tags and self.cited(t.tags))]
        never = datetime.min.replace(tzinfo=self._round_at.tzinfo)
        linked.sort(key=lambda t: self._read_at.get(t.id, never))
        budget, skipped = MAX_STATUS_READS, set[str]()
        for ticket in linked:
            if budget <= 0:
                break
            budget -= await self._read(ticket, (), budget=budget, skipped=skipped)
        if linked:
            self.reload()
        return MAX_STATUS_READS - budget

    async def _read(
        self, ticket: Ticket, comments: Sequence[Comment], *, budget: int, skipped: set[str]
    ) -> int:
        """Read one ticket's bugs (recorded through the service, cited ones directly); returns the reads."""
        escalations = self.escalations
        assert escalations is not None
        self._read_at[ticket.id] = self.clock()
        reads = 0
        recorded = self.recorded(ticket.id)
        if recorded and not {bug.tracker for bug in recorded} & skipped:
            reads += len(recorded)
            try:
                await escalations.refresh_status(ticket.id)
            except _TRACKER_DOWN:
                skipped.update(bug.tracker for bug in recorded)
            except FrontlineError:
                pass  # a bug deleted or hidden since: keep the last status seen
        known = {bug.key for bug in recorded}
        notes = [comment.body for comment in comments if not comment.public]
        for bug in self.cited([*ticket.tags, *notes]):
            if reads >= budget or bug.key in known or bug.tracker in skipped:
                continue
            reads += 1
            try:
                target = escalations.target(bug.tracker)
                fresh = await escalations.tracker(target).get_bug(bug.key)
            except _TRACKER_DOWN:
                skipped.add(bug.tracker)
                continue
            except FrontlineError:
                continue
            self._cited[bug.key] = fresh.model_copy(update={"tracker": target.name})
        return reads

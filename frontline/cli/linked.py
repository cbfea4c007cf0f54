"""The bugs a ticket is linked to, as the CLI's ticket JSON and `show` list them.

Two sources: the local escalation records (what frontline filed or linked: key, URL, last seen status), then
bug keys of the profile's Jira targets cited in the ticket's tags and internal notes (a colleague's
escalation, or one from before frontline), whose URL and status are not known. A profile without
escalation targets reads neither, so `queue` and `show` stay off the local database for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from frontline.domain.escalation import Bug, cited_bug_keys
from frontline.errors import FrontlineError, StoreError

if TYPE_CHECKING:
    from frontline.domain.models import Comment, Ticket
    from frontline.services.session import Session


def linked_bugs(session: Session, ticket: Ticket, comments: Sequence[Comment] = ()) -> list[Bug]:
    """The ticket's bugs: recorded ones first (oldest escalation first), then cited keys not recorded.

    A local database that fails to answer leaves out the recorded ones rather than fail a read command.
    """
    escalations = session.escalations
    if escalations is None or not escalations.targets:
        return []
    try:
        bugs = escalations.linked_bugs(ticket.id)
    except StoreError:
        bugs = []
    known = {bug.key for bug in bugs}
    texts = [*ticket.tags, *(comment.body for comment in comments if not comment.public)]
    for target in escalations.targets:
        if target.kind != "jira" or not target.project:
            continue
        for key in cited_bug_keys(texts, [target.project]):
            if key not in known:
                known.add(key)
                bugs.append(Bug(key=key, url="", tracker=target.name))
    return bugs


async def refresh_linked(session: Session, ticket_id: str) -> None:
    """Read the recorded bugs' current status from their trackers.

    Best effort: a tracker that is down, or a target without a token, leaves the last seen status; the
    ticket is what was asked for.
    """
    if session.escalations is None or not session.escalations.targets:
        return
    try:
        await session.escalations.refresh_status(ticket_id)
    except FrontlineError:
        return

"""Closed Zendesk tickets: their refusal, told apart from other validation errors, and follow-up tickets.

A closed ticket (solved, then closed by Zendesk's automation, usually after four days) cannot be reopened
or changed: any update answers 422 `RecordInvalid` with `details.status` "Status: closed prevents ticket
update". What an agent does then is open a follow-up: a new ticket created with `via_followup_source_id`
naming the closed one ("Creating a follow-up ticket", Zendesk's creating-and-updating-tickets guide). It
inherits the closed ticket's tags; frontline also keeps its requester, subject and group, as the agent
UI's follow-up does, and the first comment is the agent's reply or note.
"""

from __future__ import annotations

from frontline.connectors.zendesk.parsing import Json, as_id, as_opt_text
from frontline.errors import TicketClosed, ValidationFailed

_CLOSED_WORDING = "closed prevents ticket update"


def is_closed_refusal(error: ValidationFailed) -> bool:
    """True for Zendesk's answer to a write on a closed ticket (its wording, under `status` or `base`)."""
    texts = [error.message, *(m for field in ("status", "base") for m in error.details.get(field, []))]
    return any(_CLOSED_WORDING in text.lower() for text in texts)


def closed_error(ticket_id: str, refused: ValidationFailed) -> TicketClosed:
    """The refusal as a person reads it: what happened, that nothing changed, what to do instead."""
    return TicketClosed(
        f"Zendesk ticket #{ticket_id} is closed: Zendesk takes no more replies or changes on it, so "
        "nothing was sent and your draft is kept. Send it as a follow-up ticket instead: a new ticket "
        "for the same requester, linked to this one (Zendesk's agent interface offers it on the closed "
        "ticket too).",
        ticket_id,
        details=refused.details,
    )


def followup_body(closed: Json, source_id: int, body: str, public: bool) -> Json:
    """`POST /api/v2/tickets` for a follow-up to `closed` (its raw JSON) opened with `body`.

    Raises:
        ValidationFailed: the ticket is not closed (Zendesk would open a new ticket linked to nothing).
    """
    if closed.get("status") != "closed":
        raise ValidationFailed(
            f"Zendesk ticket #{source_id} is not closed: reply to it instead (a follow-up only follows a "
            "closed ticket)."
        )
    ticket: Json = {"via_followup_source_id": source_id, "comment": {"body": body, "public": public}}
    for field in ("requester_id", "group_id"):
        value = as_id(closed.get(field))
        if value is not None and value.isdigit():
            ticket[field] = int(value)
    subject = as_opt_text(closed.get("subject")) or as_opt_text(closed.get("raw_subject"))
    if subject:
        ticket["subject"] = subject
    return {"ticket": ticket}

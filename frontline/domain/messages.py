"""Who wrote a conversation entry, as the reader needs to know it: the customer, an agent's public reply,
or an internal note.

Zendesk says it with the author's `role` (`end-user`, `agent`, `admin`); JSM marks customer accounts
(`accountType: customer`, `qm:` ids) as role `customer`; on both, the ticket's requester is the customer
whatever their role (an agent who raised a ticket for themselves reads as its customer).
"""

from __future__ import annotations

from enum import StrEnum

from frontline.domain.models import Comment, Ticket

CUSTOMER_ROLES = frozenset({"end-user", "end_user", "customer"})


class MessageKind(StrEnum):
    CUSTOMER = "customer"
    """Written by the requester or another end user: what we answer."""
    REPLY = "reply"
    """An agent's public reply: the customer sees it."""
    NOTE = "note"
    """An internal note: agents only."""


def is_customer(comment: Comment, ticket: Ticket | None) -> bool:
    """The author is the ticket's requester or has a customer role."""
    author = comment.author
    if author is None:
        return False
    if ticket is not None and ticket.requester is not None and author.id == ticket.requester.id:
        return True
    return (author.role or "").casefold() in CUSTOMER_ROLES


def message_kind(comment: Comment, ticket: Ticket | None) -> MessageKind:
    """Internal notes first (whoever wrote them), then customer versus agent."""
    if not comment.public:
        return MessageKind.NOTE
    return MessageKind.CUSTOMER if is_customer(comment, ticket) else MessageKind.REPLY

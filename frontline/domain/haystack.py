"""What `/` filters a queue by: one lowercase haystack per ticket, and a query split into terms.

Invisible format characters are dropped from both, so `/paypal` finds `pay\u200bpal.com`.

Haystacks are built once per ticket when a view loads, so each keystroke only searches plain byte strings
(or asks the `GramIndex` built from them). They are UTF-8 `bytes`: one Arabic, Hebrew or CJK letter
makes a whole `str` take two or four bytes a character (three quarters of the haystacks of a 50,370-ticket
view: 14.5 MB as `str`, 8.1 MB as UTF-8). UTF-8 is self-synchronising (no character's encoding occurs
inside another's), so the encoded term occurs in the encoded haystack exactly where the term occurs in
the text. One `bytes` per ticket rather than one joined buffer with offsets (6.5 MB): searching a slice
of a buffer per ticket costs more than searching a `bytes`, and finding rows from match positions costs
a Python step per match (20 ms for a letter most tickets hold).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, repeat
from operator import contains

from frontline.domain.models import Status, Ticket
from frontline.domain.text import INVISIBLE, clean_text, strip_invisible

_STATUS_LABELS = {status: status.label for status in Status}
_NEEDS_CLEANING = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f]|{INVISIBLE.pattern}")
ENCODING = "utf-8"
ERRORS = "surrogatepass"
"""A lone surrogate (JSON allows `\\ud800`) is encoded rather than refused, the same way on both sides."""


def haystack(ticket: Ticket) -> bytes:
    """Everything `/` matches against, lowercased and UTF-8 encoded; fields joined by newlines so terms
    (which never hold whitespace) never span two."""
    parts = [ticket.id, ticket.display_key, ticket.subject, _STATUS_LABELS[ticket.status]]
    if ticket.status_label is not None:
        parts.append(ticket.status_label)
    if ticket.priority is not None:
        parts.append(ticket.priority.value)
    requester = ticket.requester
    if requester is not None:
        parts.append(requester.name)
        if requester.email:
            parts.append(requester.email)
    if ticket.organization is not None:
        parts.append(ticket.organization.name)
    if ticket.assignee is not None:
        parts.append(ticket.assignee.name)
    if ticket.linked_bug:
        parts.append(ticket.linked_bug)
    parts.extend(ticket.tags)
    text = "\n".join(parts)
    if _NEEDS_CLEANING.search(text):
        text = "\n".join(strip_invisible(clean_text(part)).replace("\n", " ") for part in parts)
    return text.lower().encode(ENCODING, ERRORS)


def query_terms(query: str) -> tuple[str, ...]:
    """The whitespace-separated terms of a filter query, lowercased, invisible characters dropped (as in
    the haystacks): a ticket must match every one."""
    return tuple(strip_invisible(query).lower().split())


def encoded(terms: tuple[str, ...]) -> tuple[bytes, ...]:
    """The terms as the haystacks hold text (once per keystroke, not once per haystack)."""
    return tuple(term.encode(ENCODING, ERRORS) for term in terms)


def decoded(text: bytes) -> str:
    """A haystack's text again (the filter index counts characters, not bytes)."""
    return text.decode(ENCODING, ERRORS)


def holding(needle: bytes, haystacks: Iterable[bytes]) -> Iterator[object]:
    """For each of `haystacks`, something truthy when it holds `needle` (for `itertools.compress`).

    `bytes.__contains__` takes an int (a byte) fast, but given bytes it first tries them as an int and
    clears the TypeError, and `bytes.find` builds an argument tuple per call: over 50,000 haystacks they
    cost 25-110% and up to 60% more than a compiled literal pattern's `search`, which longer needles use.
    """
    if len(needle) == 1:
        return map(contains, haystacks, repeat(needle[0]))
    return map(re.compile(re.escape(needle)).search, haystacks)


def rows_holding(rows: Sequence[int], needles: Sequence[bytes], haystacks: Sequence[bytes]) -> list[int]:
    """The `rows` (places in `haystacks`) whose haystack holds every needle, in the order given: a new
    list of the very int objects in `rows`."""
    if not needles:
        return list(rows)
    lookup = haystacks.__getitem__
    # C-level iteration throughout: several times faster than a comprehension at 50,000 rows.
    matched = list(compress(rows, holding(needles[0], map(lookup, rows))))
    for needle in needles[1:]:
        matched = list(compress(matched, holding(needle, map(lookup, matched))))
    return matched

"""The plain-text handoff (the console's preview and copy): the Markdown's outline without its escapes."""

from __future__ import annotations

from datetime import UTC, datetime

from frontline.domain.handoff import Handoff, ShiftFacts, summarize
from frontline.domain.handoff_render import render_markdown
from frontline.domain.handoff_text import render_text
from frontline.domain.models import Status, Ticket, TicketThread
from frontline.domain.shift import JournalEntry, JournalKind, Shift

AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
HOSTILE = "Can't log in (v2.1) #5 *now* \x1b]52;c;cHduZWQ=\x07[b]bold[/b]"


def handoff_with(subject: str) -> Handoff:
    ticket = Ticket(
        id="41",
        subject=subject,
        status=Status.OPEN,
        created_at=AT,
        updated_at=AT,
        url="https://acme.zendesk.com/agent/tickets/41",
    )
    line = JournalEntry(
        kind=JournalKind.NOTE, at=AT, profile="demo-zendesk", ticket_id="41", text="Check logs"
    )
    return summarize(
        ShiftFacts(
            shift=Shift(id="s1", profile="demo-zendesk", started_at=AT),
            journal=[line],
            threads={"41": TicketThread(ticket=ticket)},
            as_of=AT,
            helpdesk="Zendesk",
            ref="demo-zendesk-s1",
        )
    )


def test_text_keeps_the_markdown_outline_without_its_escapes() -> None:
    handoff = handoff_with("Can't log in (v2.1)")
    text, markdown = render_text(handoff), render_markdown(handoff)
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    unescaped = [heading.replace("\\", "") for heading in headings]
    assert [line for line in text.splitlines() if line.startswith("#")] == unescaped
    assert "\\" not in text and "demo-zendesk" in text and "Can't log in (v2.1)" in text
    assert "#41 <https://acme.zendesk.com/agent/tickets/41>" in text
    assert text.rstrip().endswith("frontline handoff ref demo-zendesk-s1")


def test_hostile_text_is_cleaned_not_interpreted() -> None:
    text = render_text(handoff_with(HOSTILE))
    assert "\x1b" not in text and "\x07" not in text
    assert "[b]bold[/b]" in text, "shown literally; the console never renders it as markup"

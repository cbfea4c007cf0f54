from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from frontline.domain.escalation import EscalationRecord
from frontline.domain.handoff import (
    Counts,
    Handoff,
    HandoffEscalation,
    HandoffNote,
    HandoffTicket,
    ShiftFacts,
    WaitingOn,
    summarize,
)
from frontline.domain.handoff_render import (
    SLACK_MAX_CHARS,
    format_duration,
    format_time,
    ref_line,
    render_adf,
    render_markdown,
    render_slack,
)
from frontline.domain.models import Comment, Person, SlaTarget, Status, Ticket, TicketThread
from frontline.domain.outbox import WriteState
from frontline.domain.shift import JournalEntry, JournalKind, Shift

AS_OF = datetime(2024, 5, 1, 16, 0, tzinfo=UTC)
START = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
HOSTILE = "*x* _y_ <!channel> <@U123> [a](http://evil) `code` <script>"
EVIL_URL = "javascript:alert(1)"

MD_HEADINGS = [
    "# Shift handoff: ",
    "## Counts",
    "## Escalations",
    "## Waiting",
    "### On the customer",
    "### On us",
    "### On engineering",
    "## SLA at risk",
    "## Customer replied since last touched",
    "## Notes for the next shift",
]
SLACK_HEADINGS = [
    "*Shift handoff: ",
    "*Counts*",
    "*Escalations*",
    "*Waiting*",
    "*On the customer*",
    "*On us*",
    "*On engineering*",
    "*SLA at risk*",
    "*Customer replied since last touched*",
    "*Notes for the next shift*",
]


def ticket(ticket_id: str, subject: str = "Login broken", **changes: Any) -> HandoffTicket:
    fields: dict[str, Any] = {
        "id": ticket_id,
        "key": f"#{ticket_id}",
        "subject": subject,
        "status": "open",
        "url": f"https://acme.zendesk.com/agent/tickets/{ticket_id}",
        "priority": "high",
        "actions": ("public reply",),
    }
    fields.update(changes)
    return HandoffTicket(**fields)


def handoff(**changes: Any) -> Handoff:
    fields: dict[str, Any] = {
        "profile": "acme",
        "helpdesk": "zendesk",
        "started_at": START,
        "ended_at": None,
        "as_of": AS_OF,
        "engineer": "Ada Lovelace",
        "counts": Counts(),
        "ref": "h-42",
    }
    fields.update(changes)
    return Handoff(**fields)


def full_handoff(subject: str = "Login broken", url: str | None = None) -> Handoff:
    """Every section populated; `subject` and `url` go into every ticket and bug."""
    link = url or "https://acme.zendesk.com/agent/tickets/1"
    t = ticket("1", subject, url=link, actions=("public reply", f"handoff note: {subject}"))
    at_risk = ticket("2", subject, url=link, sla_due_at=AS_OF + timedelta(hours=1, minutes=5))
    breached = ticket("3", subject, url=link, sla_due_at=AS_OF - timedelta(hours=2), sla_breached=True)
    replied = ticket("4", subject, url=link, customer_replied_at=AS_OF - timedelta(minutes=10))
    escalation = HandoffEscalation(
        ticket="1",
        key="OPS-7",
        url=url or "https://acme.atlassian.net/browse/OPS-7",
        status="In Progress",
        title=subject,
        subject=subject,
        ticket_url=link,
    )
    return handoff(
        counts=Counts(touched=4, replied=2, noted=1, solved=0, escalated=1),
        touched=(t, at_risk, breached, replied),
        escalations=(escalation,),
        waiting={WaitingOn.CUSTOMER: (t,), WaitingOn.US: (at_risk,), WaitingOn.ENGINEERING: (breached,)},
        sla_at_risk=(breached, at_risk),
        customer_replied=(replied,),
        notes=(HandoffNote(ticket=t, text=subject + "\nsecond line", at=AS_OF - timedelta(hours=1)),),
        pending=(t,),
        unreadable=(ticket("9", subject, url=None, status="unknown", readable=False),),
    )


def in_order(text: str, headings: list[str]) -> bool:
    positions = [text.find(heading) for heading in headings]
    return -1 not in positions and positions == sorted(positions)


def text_nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "text":
            yield node
        for child in node.get("content", ()):
            yield from text_nodes(child)


def assert_valid_adf(doc: dict[str, Any]) -> None:
    assert doc["type"] == "doc"
    assert doc["version"] == 1
    assert doc["content"]
    for node in text_nodes(doc):
        assert isinstance(node["text"], str)
        assert node["text"]
        for mark in node.get("marks", ()):
            assert mark["type"] in {"strong", "link"}
            if mark["type"] == "link":
                assert mark["attrs"]["href"].startswith(("http://", "https://"))
    for block in doc["content"]:
        if block["type"] == "bulletList":
            assert block["content"]
            assert all(item["type"] == "listItem" for item in block["content"])
    json.dumps(doc)


def adf_headings(doc: dict[str, Any]) -> list[str]:
    return [b["content"][0]["text"] for b in doc["content"] if b["type"] == "heading"]


def test_sections_in_order_in_every_format() -> None:
    h = full_handoff()
    markdown = render_markdown(h)
    assert in_order(markdown, [*MD_HEADINGS, "## Not confirmed yet", "## Could not be read"])
    slack = render_slack(h)
    assert in_order(slack, [*SLACK_HEADINGS, "*Not confirmed yet*", "*Could not be read*"])
    assert adf_headings(render_adf(h)) == [
        *(heading.lstrip("# ") for heading in MD_HEADINGS[1:]),
        "Not confirmed yet",
        "Could not be read",
    ]


def test_empty_handoff_says_none_and_leaves_out_optional_sections() -> None:
    h = handoff()
    markdown = render_markdown(h)
    assert in_order(markdown, MD_HEADINGS)
    # Escalations, three waiting lists, SLA, replied, notes.
    assert markdown.count("\n\nNone.\n\n") + markdown.endswith("None.\n\n") >= 7
    assert markdown.count("None.") == 7
    assert "Not confirmed yet" not in markdown
    assert "Could not be read" not in markdown
    slack = render_slack(h)
    assert in_order(slack, SLACK_HEADINGS)
    assert slack.count("\nNone.") == 7
    doc = render_adf(h)
    assert_valid_adf(doc)
    nones = [b for b in doc["content"] if b["type"] == "paragraph" and b["content"][0]["text"] == "None."]
    assert len(nones) == 7


def test_shift_window_counts_and_sla_times() -> None:
    h = full_handoff()
    markdown = render_markdown(h)
    assert "Shift: from 2024-05-01 08:00 UTC, still running as of 2024-05-01 16:00 UTC." in markdown
    assert "Engineer: Ada Lovelace" in markdown
    assert "Each count is a number of tickets." in markdown
    assert "- **Touched:** 4" in markdown
    assert "within 4 hours of 2024-05-01 16:00 UTC" in markdown
    assert "SLA due in 1h 5m (2024-05-01 17:05 UTC)" in markdown
    assert "**SLA breached** 2h 0m ago (due 2024-05-01 14:00 UTC)" in markdown
    assert "customer wrote 2024-05-01 15:50 UTC" in markdown
    assert "[\\#1](https://acme.zendesk.com/agent/tickets/1)" in markdown
    assert "[OPS\\-7](https://acme.atlassian.net/browse/OPS-7)" in markdown
    ended = render_markdown(handoff(ended_at=AS_OF - timedelta(hours=1)))
    assert "Shift: 2024-05-01 08:00 UTC to 2024-05-01 15:00 UTC (ended)." in ended
    assert format_duration(timedelta(minutes=-75)) == "1h 15m"
    assert format_time(datetime(2024, 5, 1, 9, 30)) == "2024-05-01 09:30 UTC"  # naive is UTC, not local
    later = datetime(2024, 5, 1, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    assert format_time(later) == "2024-05-01 09:30 UTC"


def test_rendering_is_deterministic() -> None:
    h = full_handoff(HOSTILE)
    assert render_markdown(h) == render_markdown(h)
    assert render_slack(h) == render_slack(h)
    assert render_adf(h) == render_adf(h)


def test_hostile_text_is_inert_in_markdown() -> None:
    markdown = render_markdown(full_handoff(HOSTILE + " @here #123 a&amp;b $x$"))
    for raw in ("](http://evil)", "<!channel>", "<@U123>", "<script>", "*x*", "_y_", "`code`"):
        assert raw not in markdown
    assert "a\\&amp;b" in markdown  # an entity stays literal text
    assert "@here" not in markdown  # a word joiner follows every @
    assert "#123" not in markdown  # no GitHub issue cross-reference
    assert "\\*x\\* \\_y\\_ \\<\\!channel\\>" in markdown
    assert "\\$x\\$" in markdown
    unescaped = re.findall(r"(?<!\\)[<>]", markdown.replace("<!-- frontline-handoff:h-42 -->", ""))
    assert unescaped == []  # no raw HTML anywhere


def test_hostile_text_is_inert_in_slack() -> None:
    slack = render_slack(full_handoff(HOSTILE + " @here @channel a|b"))
    for raw in ("<!channel>", "<@U123>", "<script>", "<http://evil", "@here", "@channel", "`code`"):
        assert raw not in slack
    assert "&lt;!channel&gt;" in slack
    for line in slack.splitlines():
        # Formatting characters only where the renderer put them: bold headings and counts.
        stripped = line.removeprefix("• ")
        assert "_y_" not in stripped and "*x*" not in stripped
    # Every link is <http(s)://...|label> with no stray | or > in the label.
    for chunk in slack.split("<")[1:]:
        target, _, rest = chunk.partition("|")
        assert target.startswith(("https://", "http://"))
        label = rest.partition(">")[0]
        assert "|" not in label


def test_hostile_text_is_literal_in_adf() -> None:
    doc = render_adf(full_handoff(HOSTILE))
    assert_valid_adf(doc)
    texts = [node["text"] for node in text_nodes(doc)]
    assert HOSTILE in texts
    assert all("\n" not in text for text in texts)


def test_long_subject_and_note_are_capped_everywhere() -> None:
    long_subject = "A" * 20_000
    h = full_handoff(long_subject)
    expected = "A" * 119 + "…"
    for text in (render_markdown(h), render_slack(h)):
        assert expected in text
        runs = [len(run) for run in re.findall("A+", text)]
        assert max(runs) == 499  # the note, capped at 500 with its ellipsis
        before_notes = text.partition("Notes for the next shift")[0]
        assert max(len(run) for run in re.findall("A+", before_notes)) == 119
    texts = [node["text"] for node in text_nodes(render_adf(h))]
    assert expected in texts
    assert max(len(text) for text in texts) <= 500
    notes = [t for t in texts if t.startswith("A" * 200)]
    assert notes and all(len(t) == 500 and t.endswith("…") for t in notes)


def test_non_http_urls_are_never_linked() -> None:
    h = full_handoff(url=EVIL_URL)
    markdown = render_markdown(h)
    assert "](javascript" not in markdown
    assert "javascript:" not in markdown
    slack = render_slack(h)
    assert "<javascript" not in slack
    assert "<" not in slack  # nothing linked at all
    doc = render_adf(h)
    assert_valid_adf(doc)
    assert not any(node.get("marks") and node["marks"][-1]["type"] == "link" for node in text_nodes(doc))


def test_link_targets_cannot_break_out() -> None:
    odd = 'https://acme.example/a)b|>x<y"z?q=1&r=2'
    markdown = render_markdown(full_handoff(url=odd))
    assert "(https://acme.example/a%29b%7C%3Ex%3Cy%22z?q=1&r=2)" in markdown
    slack = render_slack(full_handoff(url=odd))
    assert "<https://acme.example/a%29b%7C%3Ex%3Cy%22z?q=1&amp;r=2|" in slack
    spaced = render_markdown(full_handoff(url="https://acme.example/a b"))
    assert "](https://acme.example/a" not in spaced  # whitespace in a URL: not linked at all


def test_ref_footer_in_every_format() -> None:
    h = full_handoff()
    markdown = render_markdown(h)
    assert markdown.rstrip().endswith("<!-- frontline-handoff:h-42 -->\n*frontline handoff ref h-42*")
    assert render_slack(h).endswith("frontline handoff ref h-42")
    last = render_adf(h)["content"][-1]
    assert last == {"type": "paragraph", "content": [{"type": "text", "text": "frontline handoff ref h-42"}]}
    assert "frontline handoff ref" not in render_markdown(handoff(ref=""))
    hostile_ref = render_markdown(handoff(ref="h-1 --> <b>"))
    assert "<!-- frontline-handoff:h-1 -->" not in hostile_ref
    assert "-->" in hostile_ref and hostile_ref.count("-->") == 1
    assert ref_line("Acme Corp-1f") == "frontline handoff ref AcmeCorp-1f"
    assert ref_line("Acme Corp-1f") in render_slack(handoff(ref="Acme Corp-1f"))


def test_slack_cuts_long_lists_and_says_how_many() -> None:
    touched = tuple(ticket(str(n), f"Subject number {n} " + "x" * 100) for n in range(2_000))
    h = handoff(
        counts=Counts(touched=2_000),
        touched=touched,
        waiting={WaitingOn.US: touched},
        sla_at_risk=touched,
    )
    slack = render_slack(h)
    assert len(slack) <= SLACK_MAX_CHARS
    assert in_order(slack, SLACK_HEADINGS)
    assert "items left out to fit the message size limit." in slack
    assert slack.endswith("frontline handoff ref h-42")
    shown = slack.count("\n• <https://")
    assert 0 < shown < 4_000
    left_out = int(slack.split("_")[-2].split()[0])
    assert shown + left_out == 4_000
    assert len(render_markdown(h)) > SLACK_MAX_CHARS  # Markdown is uncut unless asked
    assert len(render_markdown(h, max_chars=60_000)) <= 60_000
    assert len(json.dumps(render_adf(h, max_chars=30_000))) <= 30_000


def test_renders_a_summarized_shift() -> None:
    requester = Person(id="c1", name="Cus Tomer", role="end-user")
    hot = Ticket(
        id="101",
        subject=HOSTILE,
        status=Status.OPEN,
        requester=requester,
        created_at=START,
        updated_at=AS_OF,
        url="https://acme.zendesk.com/agent/tickets/101",
        sla=SlaTarget(due_at=AS_OF + timedelta(minutes=30)),
    )
    thread = TicketThread(
        ticket=hot,
        comments=(
            Comment(id="c", author=requester, body="any news?", created_at=AS_OF - timedelta(minutes=5)),
        ),
    )
    journal = [
        JournalEntry(
            kind=JournalKind.WRITE,
            at=START + timedelta(hours=1),
            profile="acme",
            ticket_id="101",
            subject=HOSTILE,
            detail={"purpose": "reply", "what": "public reply", "public": "yes"},
            write_state=WriteState.SENT,
        ),
        JournalEntry(
            kind=JournalKind.ESCALATED,
            at=START + timedelta(hours=2),
            profile="acme",
            ticket_id="101",
            detail={"bug": "OPS-7", "url": "https://acme.atlassian.net/browse/OPS-7", "target": "jira"},
        ),
        JournalEntry(
            kind=JournalKind.NOTE,
            at=START + timedelta(hours=3),
            profile="acme",
            ticket_id="101",
            text="Call them <!here> tomorrow",
        ),
    ]
    record = EscalationRecord(
        profile="acme",
        ticket_id="101",
        target="jira",
        state="done",
        started_at=START,
        updated_at=START,
        bug_key="OPS-7",
        bug_url="https://acme.atlassian.net/browse/OPS-7",
        bug_title="Login <b>broken</b>",
        bug_status="In Progress",
    )
    h = summarize(
        ShiftFacts(
            shift=Shift(id="s1", profile="acme", started_at=START, engineer="Ada"),
            journal=journal,
            threads={"101": thread},
            as_of=AS_OF,
            helpdesk="zendesk",
            escalations=[record],
            ref="h-7",
        )
    )
    markdown = render_markdown(h)
    assert in_order(markdown, MD_HEADINGS)
    assert "**Escalated:** 1" in markdown
    assert "Login \\<b\\>broken\\</b\\>" in markdown
    assert "SLA due in 0h 30m" in markdown
    assert "Call them \\<\\!here\\> tomorrow" in markdown
    slack = render_slack(h)
    assert "<!here>" not in slack and "<!channel>" not in slack
    assert "<https://acme.atlassian.net/browse/OPS-7|OPS-7>" in slack
    assert_valid_adf(render_adf(h))

"""Invisible characters made visible, ignored by the filter; clamping; who wrote a message."""

from __future__ import annotations

import sys
import unicodedata
from datetime import UTC, datetime

import pytest

from frontline.domain.haystack import haystack, query_terms
from frontline.domain.messages import MessageKind, message_kind
from frontline.domain.models import Comment, Person, Ticket
from frontline.domain.queue import QueueModel
from frontline.domain.text import (
    INVISIBLE,
    cell_width,
    clamp,
    clean_text,
    invisible_segments,
    strip_invisible,
    visible_line,
    visible_text,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("pay\u200bpal.com", "pay⟨ZWSP⟩pal.com"),
        ("a\u200cb\u200dc", "a⟨ZWNJ⟩b⟨ZWJ⟩c"),
        ("\ufeffhello\u2060", "⟨BOM⟩hello⟨WJ⟩"),
        ("soft\u00adhyphen", "soft⟨SHY⟩hyphen"),
        ("file\u202egnp.exe", "file⟨RLO⟩gnp.exe"),
        ("\u2066iso\u2069 \u202aemb\u202c", "⟨LRI⟩iso⟨PDI⟩ ⟨LRE⟩emb⟨PDF⟩"),
        ("hidden\U000e0041\U000e0042", "hidden⟨tag:A⟩⟨tag:B⟩"),
        ("\x1b[31mred\x1b[0m\x07", "red"),
        ("plain text", "plain text"),
    ],
)
def test_visible_text_marks_every_invisible_character(raw: str, shown: str) -> None:
    assert visible_text(raw) == shown


def test_joiners_doing_their_job_are_kept() -> None:
    family = "👨\u200d👩\u200d👧"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # Persian "I want", with a ZWNJ
    assert visible_text(family) == family
    assert visible_text(persian) == persian
    assert visible_text("ab\u200dcd") == "ab⟨ZWJ⟩cd"


def test_every_format_character_is_invisible() -> None:
    missing = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and not INVISIBLE.match(chr(code))
    ]
    assert missing == []


def test_segments_say_which_parts_are_markers() -> None:
    assert list(invisible_segments("pay\u200bpal")) == [("pay", False), ("⟨ZWSP⟩", True), ("pal", False)]


def test_clean_text_still_strips_for_text_that_goes_on() -> None:
    assert clean_text("rtl \u202eevil\u202c") == "rtl evil"
    assert visible_line("a\n\n b\u200b") == "a b⟨ZWSP⟩"


def test_strip_invisible_and_the_queue_filter_ignore_them() -> None:
    assert strip_invisible("pay\u200bpal\u00ad.com\ufeff") == "paypal.com"
    hostile = Ticket(id="7", subject="Refund to pay\u200bpal.com", created_at=NOW, updated_at=NOW)
    plain = Ticket(id="8", subject="Nothing to see", created_at=NOW, updated_at=NOW)
    assert b"paypal.com" in haystack(hostile)
    assert query_terms("pay\u200dpal") == ("paypal",)
    model = QueueModel([hostile, plain], now=NOW)
    model.set_filter("paypal")
    assert [model.ticket_at(i).id for i in range(len(model.visible))] == ["7"]


def test_clamp_cuts_to_a_few_lines_with_an_ellipsis() -> None:
    assert clamp("short", 80, 2) == "short"
    long = "word " * 4000
    cut = clamp(long, 80, 2)
    assert cut.endswith("…") and cell_width(cut) <= 160
    wide = "你" * 20_000
    assert cell_width(clamp(wide, 80, 3, first_line_used=10)) <= 230
    assert cell_width("你a\u0301") == 3


def _comment(author: Person | None, *, public: bool = True) -> Comment:
    return Comment(id="c", author=author, body="hi", public=public, created_at=NOW)


def test_message_kind_for_zendesk_and_jsm_authors() -> None:
    requester = Person(id="100", name="Grace", role="end-user")
    agent = Person(id="1", name="Ada", role="agent")
    ticket = Ticket(id="1", requester=requester, created_at=NOW, updated_at=NOW)
    assert message_kind(_comment(requester), ticket) is MessageKind.CUSTOMER
    assert message_kind(_comment(agent), ticket) is MessageKind.REPLY
    assert message_kind(_comment(agent, public=False), ticket) is MessageKind.NOTE
    cc = Person(id="101", name="Linus", role="end-user")  # Zendesk: another end user on the ticket
    assert message_kind(_comment(cc), ticket) is MessageKind.CUSTOMER
    jsm_customer = Person(id="qm:abc", name="Mina", role="customer")
    jsm_agent = Person(id="5b10ac8d82e05b22cc7d4ef5", name="Omar")  # JSM agents carry no role
    assert message_kind(_comment(jsm_customer), None) is MessageKind.CUSTOMER
    assert message_kind(_comment(jsm_agent), ticket) is MessageKind.REPLY
    reporter = Person(id="5b10", name="Raised by an agent")
    own = Ticket(id="2", requester=reporter, created_at=NOW, updated_at=NOW)
    assert message_kind(_comment(reporter), own) is MessageKind.CUSTOMER
    assert message_kind(_comment(None), ticket) is MessageKind.REPLY

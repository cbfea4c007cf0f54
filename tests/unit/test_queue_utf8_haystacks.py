"""The filter over UTF-8 haystacks finds exactly what a search of the text finds, in every script.

Haystacks are UTF-8 bytes and terms are encoded once per keystroke (`frontline.domain.haystack`); these
tests check the bytes against the text: non-ASCII substrings (Hebrew, Arabic, CJK, emoji), case folding
beyond ASCII, invisible characters, terms that would span two fields, and the filter index (which counts
characters) agreeing with a scan (which searches bytes).
"""

from __future__ import annotations

import random

import pytest

from frontline.domain.haystack import encoded, haystack, query_terms
from frontline.domain.models import Ticket
from frontline.domain.queue import QueueModel
from tests.unit.test_queue_model import NOW, ticket

SUBJECTS = [
    "בעיה בהתחברות למערכת",
    "تعذر تسجيل الدخول",
    "导出功能报错",
    "支払いができない",
    "🔥 prod down 🔥",
    "Zoë's café",
    "Ошибка входа",
    "ΕΛΈΝΗ Παπαδοπούλου",
    "Straße gesperrt",
    "👩\u200d💻 laptop dead",
    "Invoice 500 EUR",
    "pay\u200bpal.com refund",
]
ALPHABET = "בעיהتعذر导出🔥ëßλΩ0 "
"""Characters random queries are made of: a few from each script in the tickets, and a space."""
NAMES = ["דוד כהן", "ravi العلي", "李雷", "Grace Hopper", "Алексей Müller", "Ελένη", "🦊 Fox"]


def multilingual(count: int) -> list[Ticket]:
    return [
        ticket(
            str(1000 + n),
            subject=f"{SUBJECTS[n % len(SUBJECTS)]} {n}",
            requester=NAMES[n % len(NAMES)],
            org=NAMES[(n * 3) % len(NAMES)],
            tags=("vip",) if n % 5 == 0 else (),
        )
        for n in range(count)
    ]


def shown(model: QueueModel) -> list[str]:
    return [model.ticket_at(position).id for position in range(len(model))]


def text_search(tickets: list[Ticket], query: str) -> list[str]:
    """The tickets (in the model's order) whose haystack text holds every term: a search of `str`s."""
    texts = {t.id: haystack(t).decode() for t in tickets}
    return [t.id for t in tickets if all(term in texts[t.id] for term in query_terms(query))]


@pytest.fixture(params=["scan", "index"])
def model(request: pytest.FixtureRequest) -> QueueModel:
    """The same tickets filtered by scanning the haystacks, or through a ready filter index."""
    tickets = multilingual(84)
    if request.param == "scan":
        return QueueModel(tickets, now=NOW, index_from=10**9)
    indexed = QueueModel(tickets, now=NOW, index_from=2)
    indexed.prepare_index(background=False)
    assert indexed.index_ready
    return indexed


@pytest.mark.parametrize(
    ("query", "subject"),
    [
        ("התחב", "בעיה בהתחברות למערכת"),
        ("ב", "בעיה בהתחברות למערכת"),
        ("تسجيل", "تعذر تسجيل الدخول"),
        ("功能", "导出功能报错"),
        ("報", None),  # the traditional form of 报: a different character, no match
        ("が", "支払いができない"),
        ("🔥", "🔥 prod down 🔥"),
        ("zoë", "Zoë's café"),
        ("ZOË", "Zoë's café"),
        ("ошибка", "Ошибка входа"),
        ("έλένη", None),  # an accent where the text has none
        ("ελένη", None),  # a name: on tickets of several subjects
        ("παπαδοπούλου", "ΕΛΈΝΗ Παπαδοπούλου"),
        ("straße", "Straße gesperrt"),
        ("paypal.com", "pay\u200bpal.com refund"),
        ("pay\u200dpal", "pay\u200bpal.com refund"),
        ("👩💻", "👩\u200d💻 laptop dead"),  # the joiner is invisible: dropped on both sides
    ],
)
def test_non_ascii_substrings_match_what_the_text_holds(
    model: QueueModel, query: str, subject: str | None
) -> None:
    model.set_filter(query)
    if subject is not None:
        assert shown(model) and all(model.ticket_at(p).subject.startswith(subject) for p in range(len(model)))
    assert shown(model) == text_search([model.tickets[row] for row in model._sorted], query)


def test_names_and_organisations_in_any_script_are_found(model: QueueModel) -> None:
    model.set_filter("العلي")
    assert shown(model) and all(
        "العلي" in model.ticket_at(p).requester.name or "العلي" in model.ticket_at(p).organization.name  # type: ignore[union-attr]
        for p in range(len(model))
    )
    model.set_filter("🦊 כהן")
    assert shown(model) == text_search([model.tickets[row] for row in model._sorted], "🦊 כהן")


def test_a_term_spanning_two_fields_never_matches(model: QueueModel) -> None:
    # Subject "导出功能报错 2" then status "open": "2open" runs over the newline between them.
    for query in ["2open", "错 2", "报错2", "dead0", "down4open", "הופר", "1009#1009"]:
        model.set_filter(query)
        expected = text_search([model.tickets[row] for row in model._sorted], query)
        assert shown(model) == expected, query
    model.set_filter("2open")
    assert shown(model) == []
    model.set_filter("1009\n#1009")  # split at the newline: two terms, each in its own field
    assert shown(model) == ["1009"]


def test_a_term_never_matches_across_two_tickets() -> None:
    tickets = [ticket("1", subject="abc", tags=("xy",)), ticket("2", subject="zq", tags=())]
    model = QueueModel(tickets, now=NOW)
    model.set_filter("xy2")  # the end of one haystack and the start of the next
    assert shown(model) == []


def test_random_substrings_match_the_same_tickets_by_scan_index_and_text() -> None:
    tickets = multilingual(120)
    scanned = QueueModel(tickets, now=NOW, index_from=10**9)
    indexed = QueueModel(tickets, now=NOW, index_from=2)
    indexed.prepare_index(background=False)
    texts = [haystack(t).decode() for t in tickets]
    rng = random.Random(7)
    queries = []
    for _ in range(300):
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        queries.append(text[start : start + rng.randint(1, 5)])
    queries += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))) for _ in range(100)]
    for query in queries:
        scanned.set_filter(query)
        indexed.set_filter(query)
        expected = text_search([tickets[row] for row in scanned._sorted], query)
        assert shown(scanned) == expected, query
        assert shown(indexed) == expected, query


def test_an_edited_ticket_is_found_by_its_new_text_in_any_script() -> None:
    tickets = multilingual(40)
    model = QueueModel(tickets, now=NOW, index_from=2)
    model.prepare_index(background=False)
    model.set_filter("שלום")
    assert shown(model) == []
    model.update_ticket(ticket(tickets[3].id, subject="שלום עולם"))
    model.set_filter("שלו")
    assert shown(model) == [tickets[3].id]
    model.update_ticket(ticket(tickets[3].id, subject="导出功能报错"))
    model.set_filter("שלום")  # a new query: an update alone never hides the row being edited
    assert shown(model) == []
    model.set_filter("功能报")
    assert tickets[3].id in shown(model)


def test_a_lone_surrogate_is_kept_and_the_rest_of_the_text_still_matches() -> None:
    odd = ticket("1", subject="broken \ud800 emoji from an old client")
    plain = ticket("2", subject="nothing here")
    assert haystack(odd).decode("utf-8", "surrogatepass").startswith("1\n#1\nbroken \ud800")
    assert encoded(("\ud800",)) == (b"\xed\xa0\x80",)
    for index_from in (2, 10**9):
        model = QueueModel([odd, plain], now=NOW, index_from=index_from)
        model.prepare_index(background=False)
        model.set_filter("emoji")
        assert shown(model) == ["1"]
        model.set_filter("\ud800")
        assert shown(model) == ["1"]

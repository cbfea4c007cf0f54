"""The pure parts of JSM on real sites: wiki text, statuses by id and category, transitions, schemes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from frontline.connectors.jsm.priorities import PriorityScheme, level_from_name
from frontline.connectors.jsm.statuses import pick_transition, resolution_fields, status_of
from frontline.connectors.jsm.wiki import from_wiki, to_wiki
from frontline.domain.models import Priority, Status
from frontline.sandbox.atlassian.wiki import render, visible_text

PIECES = st.sampled_from(
    ["h1. ", "bq. ", "----", "# ", "* ", "- ", "--", "---", "??", "!x!", "{{m}}", "{x}", "[a|b]", "word",
     "https://e.x/a_b*c", "snake_case", "C++", "e-mail", " ", "\n", "\n\n", "*b*", "_i_", "+u+", "^s^",
     "~t~", "-d-", "|c|", "\t", "  ", "(i)", "\\", "<b>&amp;", "x!y", "!", "?", "a.b", "{noformat}"]
)  # fmt: skip


def as_shown(text: str) -> str:
    """What a customer should see of `text`: lines without trailing spaces, paragraphs apart by one blank
    line."""
    paragraphs = ("\n".join(line.rstrip() for line in p.split("\n")) for p in re.split(r"\n[ \t]*\n", text))
    return "\n\n".join(p.strip("\n") for p in paragraphs if p.strip())


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_wiki_text_renders_and_reads_back_as_typed(text: str) -> None:
    wiki = to_wiki(text)
    assert visible_text(render(wiki)) == as_shown(text), wiki
    assert from_wiki(wiki) == as_shown(text), wiki


def test_code_fences_become_verbatim_blocks() -> None:
    wiki = to_wiki("Run this:\n```bash\n  make *all* [x]\n```\nthen *wait*")
    assert wiki == "Run this:\n\n{noformat}\n  make *all* [x]\n{noformat}\n\nthen \\*wait\\*"
    assert from_wiki(wiki) == "Run this:\n\n  make *all* [x]\n\nthen *wait*"


def test_statuses_by_id_and_category_in_any_language() -> None:
    names = {"10003": "waiting for customer", "10004": "pending"}
    waiting = {"id": "10003", "name": "Warten auf Kunden", "statusCategory": {"key": "indeterminate"}}
    assert status_of(waiting, names) is Status.PENDING
    assert status_of(waiting) is Status.OPEN, "without the site's list only the category speaks"
    assert status_of({**waiting, "untranslatedName": "Waiting for customer"}) is Status.PENDING
    assert (
        status_of({"id": "9", "name": "Erledigt", "statusCategory": {"key": "done"}}, names) is Status.SOLVED
    )
    assert status_of({"id": "1", "name": "Neu", "statusCategory": {"key": "new"}}, names) is Status.OPEN


def _to(status_id: str, name: str, category: str) -> dict[str, object]:
    return {"id": status_id, "name": name, "statusCategory": {"key": category}}


def test_open_prefers_waiting_for_support_and_never_escalates() -> None:
    names = {"1": "waiting for support", "2": "in progress", "5": "escalated", "6": "resolved"}
    transitions = [
        {"id": "41", "name": "Eskalieren", "to": _to("5", "Eskaliert", "indeterminate")},
        {"id": "11", "name": "Arbeit beginnen", "to": _to("2", "In Arbeit", "indeterminate")},
        {"id": "61", "name": "Zurück", "to": _to("1", "Warten auf Support", "new")},
    ]
    assert pick_transition(transitions, Status.OPEN, names)["id"] == "61"  # type: ignore[index]
    assert pick_transition(transitions[:2], Status.OPEN, names)["id"] == "11"  # type: ignore[index]
    assert pick_transition(transitions[:1], Status.OPEN, names) is None
    assert pick_transition(transitions[:1], Status.PENDING, names) is None, "no guessing for pending"


def test_a_resolution_screen_is_filled_with_done_like_values_first() -> None:
    screen = {"resolution": {"required": True, "allowedValues": [{"id": "2", "name": "Won't Do"}]}}
    resolve = {"id": "51", "to": _to("6", "Gelöst", "done"), "fields": screen}
    assert resolution_fields(resolve) == {"resolution": {"id": "2"}}
    screen["resolution"]["allowedValues"].append({"id": "1", "name": "Fixed"})  # type: ignore[attr-defined]
    assert resolution_fields(resolve) == {"resolution": {"id": "1"}}
    assert resolution_fields({**resolve, "to": _to("2", "In Arbeit", "indeterminate")}) == {}


def test_priority_schemes_by_name_then_by_place() -> None:
    scheme = PriorityScheme(
        [("10", "P1 - Critical"), ("11", "P2 - Major"), ("12", "P3"), ("13", "P4 - Minor")]
    )
    assert [e.level for e in scheme.entries] == [
        Priority.URGENT,
        Priority.HIGH,
        Priority.NORMAL,
        Priority.LOW,
    ]
    assert scheme.choose(Priority.NORMAL).id == "12"  # type: ignore[union-attr]
    assert scheme.level({"id": "11", "name": "whatever"}) is Priority.HIGH
    two = PriorityScheme([("1", "Sev A"), ("2", "Sev B")])
    assert two.choose(Priority.HIGH).id == "1" and two.choose(Priority.NORMAL).id == "2"  # type: ignore[union-attr]
    assert level_from_name("High and Low") is None and level_from_name("Highest") is Priority.URGENT

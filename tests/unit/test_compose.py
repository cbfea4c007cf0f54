"""Composer logic: templates, the $EDITOR buffer, building the update, macros."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from frontline.domain.assignment import StatusChoice
from frontline.domain.compose import (
    SCISSORS_LINE,
    ComposerState,
    apply_macro,
    build_editor_buffer,
    build_update,
    describe_changes,
    describe_macro,
    discover_templates,
    editor_command,
    parse_editor_buffer,
    render_template,
    template_variables,
)
from frontline.domain.drafts import Draft
from frontline.domain.models import (
    Comment,
    Macro,
    MacroPreview,
    Organization,
    Person,
    Priority,
    Status,
    Ticket,
    TicketThread,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GRACE = Person(id="100", name="Grace \x1b[31mBrewster\x1b[0m Hopper", email="grace@example.com")
ADA = Person(id="1", name="Ada Agent")
TICKET = Ticket(
    id="1000",
    key="#1000",
    subject="Cannot\nlog in",
    status=Status.OPEN,
    priority=Priority.NORMAL,
    requester=GRACE,
    organization=Organization(id="1", name="Acme"),
    tags=("api", "billing"),
    created_at=NOW,
    updated_at=NOW,
    revision="r1",
)


def test_template_variables_are_filled_and_cleaned() -> None:
    rendered = render_template(
        "Hi {{requester_first_name}},\n{{ ticket_key }} ({{subject}}) "
        "for {{requester_name}} — {{agent_name}}",
        template_variables(TICKET, ADA),
    )
    assert rendered.text == "Hi Grace,\n#1000 (Cannot log in) for Grace Brewster Hopper — Ada Agent"
    assert rendered.unknown == ()


def test_unknown_variables_stay_visible_and_are_reported() -> None:
    rendered = render_template(
        "Hi {{requester_name}} {{shoe_size}} {{shoe_size}} {{ nope }}", {"requester_name": "G"}
    )
    assert rendered.text == "Hi G {{shoe_size}} {{shoe_size}} {{ nope }}"
    assert rendered.unknown == ("shoe_size", "nope")


def test_discover_templates_lists_markdown_files_by_name(tmp_path: Path) -> None:
    assert discover_templates(tmp_path / "missing") == []
    (tmp_path / "b-refund.md").write_text("Refund {{ticket_id}}", encoding="utf-8")
    (tmp_path / "A-hello.md").write_text("Hello", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    templates = discover_templates(tmp_path)
    assert [t.name for t in templates] == ["A-hello", "b-refund"]
    assert templates[1].text == "Refund {{ticket_id}}"


def test_editor_buffer_round_trip_keeps_only_the_text_above_the_scissors() -> None:
    thread = TicketThread(
        ticket=TICKET,
        comments=(
            Comment(id="1", author=GRACE, body="It broke\x1b]0;pwned\x07 again", created_at=NOW),
            Comment(id="2", author=ADA, body="cache?", public=False, created_at=NOW),
        ),
    )
    buffer = build_editor_buffer("Dear Grace,\n\nOn it.\n", thread, public=True)
    above, below = buffer.split(SCISSORS_LINE)
    assert above == "Dear Grace,\n\nOn it.\n\n"
    assert "PUBLIC REPLY" in below
    assert "# > It broke again" in below
    assert "\x1b" not in buffer
    assert below.index("cache?") < below.index("It broke"), "newest first"
    edited = buffer.replace("On it.", "On it.\nFixed in 2.3.") + "more junk\n"
    assert parse_editor_buffer(edited) == "Dear Grace,\n\nOn it.\nFixed in 2.3."


def test_parse_without_scissors_keeps_everything() -> None:
    assert parse_editor_buffer("just text\r\n\n") == "just text"


def test_editor_command_precedence() -> None:
    assert editor_command("code --wait", {"VISUAL": "vim", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command(None, {"VISUAL": "vim", "EDITOR": "nano"}) == ["vim"]
    assert editor_command(None, {"EDITOR": "nano -R"}) == ["nano", "-R"]
    assert editor_command("  ", {}) == ["vi"]


def test_build_update_sends_only_real_changes() -> None:
    state = ComposerState(
        body="\nThanks!\n",
        public=False,
        submit_status=Status.SOLVED,
        priority=Priority.NORMAL,
        tags_add=("vip", "api"),
        tags_remove=("billing", "absent"),
    )
    update = build_update(state, TICKET)
    assert update.comment is not None
    assert update.comment.body == "Thanks!"
    assert update.comment.public is False
    assert update.status is Status.SOLVED
    assert update.priority is None, "unchanged priority is not sent"
    assert update.tags_add == ("vip",)
    assert update.tags_remove == ("billing",)
    assert update.revision == "r1"
    assert describe_changes(update, TICKET) == ["Status: open → solved", "Tags: +vip -billing"]


def test_blank_state_builds_an_empty_update() -> None:
    state = ComposerState(body="   \n", submit_status=Status.OPEN)
    assert state.is_blank() is False
    assert build_update(state, TICKET).is_empty()
    assert ComposerState().is_blank()


def test_apply_macro_fills_text_and_fields_without_sending() -> None:
    preview = MacroPreview(
        macro=Macro(id="m1", title="Close and thank"),
        comment_body="Closing this now.",
        comment_public=True,
        status=Status.SOLVED,
        tags=("api", "thanked"),
    )
    state = apply_macro(ComposerState(body="Hi Grace,", public=False), preview, TICKET)
    assert state.body == "Hi Grace,\n\nClosing this now."
    assert state.public is True
    assert state.submit_status is Status.SOLVED
    assert state.tags_add == ("thanked",)
    assert state.tags_remove == ("billing",)
    assert state.macro_id == "m1"
    assert describe_macro(preview) == ["Status → solved", "Tags → api thanked", "Adds a public reply:"]


def test_every_composer_field_is_saved_with_the_draft() -> None:
    """Adding a field to only one side would lose it on restore."""
    composer_fields = {f.name for f in dataclasses.fields(ComposerState)}
    identity = {"profile", "ticket_id", "saved_at", "subject"}  # where it lives, not what it holds
    draft_fields = {f.name for f in dataclasses.fields(Draft)} - identity
    assert composer_fields == draft_fields
    state = ComposerState(body="x", public=False, submit_status=Status.PENDING, tags_add=("a",), macro_id="m")
    draft = state.to_draft("p", "7", datetime(2026, 11, 23, tzinfo=UTC))
    assert {name: getattr(draft, name) for name in composer_fields} == dataclasses.asdict(state)


def test_a_draft_comes_back_as_the_composer_left_it() -> None:
    """`from_draft` reads every shared field, so a restored composer equals the one that was saved."""
    state = ComposerState(
        body="Hello\n\nfixed — 🎉",
        public=False,
        submit_status=Status.PENDING,
        submit_status_id="10003",
        submit_transition_id="21",
        submit_label="Respond to customer → Waiting for customer",
        priority=Priority.HIGH,
        assignee_id="1",
        group_id="5102",
        tags_add=("vip",),
        tags_remove=("api",),
        macro_id="m1",
    )
    defaults = ComposerState()
    assert all(getattr(state, f.name) != getattr(defaults, f.name) for f in dataclasses.fields(state))
    draft = state.to_draft("p", "7", datetime(2026, 11, 23, tzinfo=UTC))
    assert ComposerState.from_draft(draft) == state


def test_a_macro_that_moves_the_ticket_to_a_group_sends_and_shows_it() -> None:
    preview = MacroPreview(
        macro=Macro(id="m2", title="Refund approved"),
        group_id="5102",
        other_changes={"Custom field 360001": "refund"},
    )
    state = apply_macro(ComposerState(body="Refunded."), preview, TICKET)
    update = build_update(state, TICKET)
    assert update.group_id == "5102"
    assert any(line.startswith("Group:") and "5102" in line for line in describe_changes(update, TICKET))
    lines = describe_macro(preview)
    assert "Group → 5102" in lines
    assert any("not applied by frontline" in line for line in lines)


def test_submit_as_an_exact_status_sends_its_ids_and_reviews_in_the_helpdesks_words() -> None:
    """A Zendesk custom status in the ticket's own category is a change (compared by id), sent by id."""
    ticket = TICKET.replace(status_id="19000001", status_label="Open")
    state = ComposerState(body="On it.")
    state.submit_as(StatusChoice(Status.OPEN, "Waiting on engineering", group="Open", status_id="19000012"))
    update = build_update(state, ticket)
    assert (update.status, update.status_id, update.transition_id) == (Status.OPEN, "19000012", None)
    assert describe_changes(update, ticket, state.submit_label) == ["Status: Open → Waiting on engineering"]
    state.submit_as(StatusChoice(Status.OPEN, "Open", status_id="19000001"))
    assert build_update(state, ticket).status is None, "the status the ticket is in changes nothing"
    state.submit_as(None)
    assert (state.submit_status, state.submit_status_id, state.submit_label) == (None, None, "")


def test_a_macro_status_replaces_an_exact_choice() -> None:
    state = ComposerState(body="x")
    state.submit_as(StatusChoice(Status.PENDING, "Respond → Waiting", status_id="10003", transition_id="21"))
    preview = MacroPreview(macro=Macro(id="m", title="Close"), status=Status.SOLVED)
    applied = apply_macro(state, preview, TICKET)
    assert (applied.submit_status, applied.submit_status_id, applied.submit_transition_id) == (
        Status.SOLVED,
        None,
        None,
    )

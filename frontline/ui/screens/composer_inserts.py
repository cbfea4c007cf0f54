"""What the composer can fill in from a list: reply templates and the helpdesk's macros, and the line
that shows the fields a macro or submit-as set.

Nothing here sends anything: a template adds text where the cursor is, a macro fills the composer only
after its preview was accepted, and the review step (ctrl+s) still comes before any write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.app import App
from textual.widgets import TextArea

from frontline import locations
from frontline.domain.compose import (
    ComposerState,
    Template,
    apply_macro,
    discover_templates,
    render_template,
)
from frontline.domain.models import MacroPreview, Person, Ticket
from frontline.domain.text import clamp, one_line
from frontline.errors import FrontlineError
from frontline.services.desk import Desk
from frontline.services.drafts import DraftKeeper
from frontline.ui.screens.pickers import ChoiceScreen, MacroPreviewScreen
from frontline.ui.screens.submit_as import submit_as_text

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp


async def choose_template(app: App[object]) -> Template | None:
    """Pick one of the templates folder's files; None when cancelled or there are none (said where)."""
    directory = locations.templates_dir()
    templates = discover_templates(directory)
    if not templates:
        app.notify(f"No templates yet: add Markdown files to {directory}.", timeout=8, markup=False)
        return None
    by_name = {template.name: template for template in templates}
    choice = await app.push_screen_wait(
        ChoiceScreen("Insert template", [(template.name, template.name) for template in templates])
    )
    return by_name[choice] if choice is not None else None


def context_line(ticket: Ticket, width: int) -> str:
    """Ticket, subject and requester within two lines of `width`: a 20,000-character subject or name
    must not push the editor off screen."""
    width = max(width, 20)
    key = one_line(ticket.display_key)
    requester = "unknown requester"
    if ticket.requester is not None:
        requester = clamp(one_line(ticket.requester.name), width // 2, 1)
        if ticket.requester.email:
            requester += f" <{clamp(one_line(ticket.requester.email), width // 3, 1)}>"
    tail = f" · requester {requester}"
    subject = clamp(one_line(ticket.subject), width, 2, first_line_used=len(key) + 1 + len(tail))
    return f"{key} {subject}{tail}"


def fields_summary(state: ComposerState, ticket: Ticket) -> list[str]:
    """What submitting changes besides the text: the status, then any field a macro set."""
    parts = [f"Submit as: {submit_as_text(state, ticket)}"]
    if state.priority is not None:
        parts.append(f"Priority → {state.priority.value}")
    if state.assignee_id is not None:
        parts.append(f"Assignee → agent {state.assignee_id}")
    if state.group_id is not None:
        parts.append(f"Group → group {one_line(state.group_id)}")
    if state.tags_add or state.tags_remove:
        tags = [f"+{t}" for t in state.tags_add] + [f"-{t}" for t in state.tags_remove]
        parts.append("Tags " + " ".join(one_line(t) for t in tags))
    return parts


async def signed_in_agent(desk: Desk) -> Person | None:
    """Who fills `{{agent_name}}`: the signed-in agent, asked for once; None when the helpdesk cannot say."""
    if desk.me is not None:
        return desk.me
    try:
        return await desk.connect()
    except FrontlineError:
        return None


def insert_template(
    app: App[object], area: TextArea, template: Template, variables: Mapping[str, str]
) -> None:
    """Insert `template` on a line of its own with `variables` filled in; say what could not be filled."""
    rendered = render_template(template.text, variables)
    text = rendered.text
    if "\ufffd" in text:
        app.notify(
            f"{template.path.name} is not valid UTF-8; unreadable bytes are shown as \ufffd.",
            severity="warning",
            markup=False,
        )
    _row, column = area.cursor_location
    if column > 0:
        text = "\n" + text
    area.insert(text)
    area.focus()
    if rendered.unknown:
        names = ", ".join("{{" + name + "}}" for name in rendered.unknown)
        app.notify(
            f"Unknown template variables left as typed: {names}",
            severity="warning",
            timeout=8,
            markup=False,
        )


async def choose_macro(app: FrontlineApp, desk: Desk, ticket_id: str) -> MacroPreview | None:
    """Pick a macro and accept its preview; None when cancelled, there are none, or it failed (reported)."""
    try:
        macros = await desk.macros()
    except FrontlineError as error:
        app.report_error(error)
        return None
    if not macros:
        app.notify("This helpdesk has no macros for you.", timeout=4)
        return None
    choice = await app.push_screen_wait(ChoiceScreen("Apply a macro", [(m.id, m.title) for m in macros]))
    if choice is None:
        return None
    try:
        preview = await desk.preview_macro(ticket_id, choice)
    except FrontlineError as error:
        app.report_error(error)
        return None
    if not await app.push_screen_wait(MacroPreviewScreen(preview)):
        return None
    return preview


async def choose_macro_state(
    app: FrontlineApp, keeper: DraftKeeper, state: ComposerState, ticket: Ticket
) -> tuple[ComposerState, MacroPreview] | None:
    """The composer after a chosen, previewed macro, and the macro; None when cancelled or refused.

    A macro whose comment has the other audience moves the text to the ticket's other draft, and is
    refused (said why) when that draft already has text: nothing is overwritten.
    """
    preview = await choose_macro(app, app.desk, keeper.ticket_id)
    if preview is None:
        return None
    applied = apply_macro(state, preview, ticket)
    if applied.public != state.public and keeper.capabilities.internal_notes:
        try:
            keeper.switch_kind(state)
        except FrontlineError as error:
            app.report_error(error)
            return None
    return keeper.conform(applied), preview

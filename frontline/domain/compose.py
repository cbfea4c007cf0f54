"""The logic behind the reply composer, free of any UI: templates, the `$EDITOR` buffer, the update to send.

Templates are Markdown files in the config dir's `templates/` with `{{variables}}`. The editor buffer puts
the draft above a git-style scissors line and the quoted conversation below it, so the engineer sees the
thread while writing and only the part above the line comes back. `build_update` turns what the composer
holds into the one `TicketUpdate` that is sent, leaving out changes that would change nothing.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from frontline.domain.assignment import StatusChoice
from frontline.domain.drafts import Draft
from frontline.domain.models import (
    CommentDraft,
    MacroPreview,
    Person,
    Priority,
    Status,
    Ticket,
    TicketThread,
    TicketUpdate,
)
from frontline.domain.moments import is_known
from frontline.domain.presentation import format_stamp
from frontline.domain.text import clean_text, one_line

SCISSORS_LINE = "# ------------------------ >8 ------------------------"
SCISSORS_HINT = "# Do not modify or remove the line above. Everything below it is ignored."
QUOTED_LINES_PER_COMMENT = 200
"""Long comments are cut in the editor buffer so the editor opens fast on huge threads."""

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_PLACEHOLDER = re.compile(r"\{\{[^{}\n]{0,200}\}\}")
"""Any `{{...}}` left in a text: a template variable nobody knew, or a macro placeholder unfilled."""


@dataclass
class ComposerState:
    """What the composer holds: the text, public or internal, and the fields to change on submit."""

    body: str = ""
    public: bool = True
    submit_status: Status | None = None
    submit_status_id: str | None = None
    """The exact status chosen for submit (a Zendesk custom status, a JSM workflow status), if any."""
    submit_transition_id: str | None = None
    """JSM: the workflow transition chosen to reach `submit_status_id`."""
    submit_label: str = ""
    """The helpdesk's words for the chosen status ("Respond to customer → Waiting for customer")."""
    priority: Priority | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    tags_add: tuple[str, ...] = ()
    tags_remove: tuple[str, ...] = ()
    macro_id: str | None = None

    @property
    def submit_choice(self) -> StatusChoice | None:
        """The status to submit as, as the picker offered it; None keeps the ticket's status."""
        if self.submit_status is None:
            return None
        label = self.submit_label or self.submit_status.label
        return StatusChoice(
            status=self.submit_status,
            label=label,
            status_id=self.submit_status_id,
            transition_id=self.submit_transition_id,
        )

    def submit_as(self, choice: StatusChoice | None) -> None:
        """Submit with `choice` (its exact status and JSM transition kept), or keep the status (None)."""
        self.submit_status = choice.status if choice is not None else None
        self.submit_status_id = choice.status_id if choice is not None else None
        self.submit_transition_id = choice.transition_id if choice is not None else None
        self.submit_label = choice.label if choice is not None else ""

    def is_blank(self) -> bool:
        """Nothing a person would be sorry to lose."""
        return (
            not self.body.strip()
            and self.submit_status is None
            and self.priority is None
            and self.assignee_id is None
            and self.group_id is None
            and not self.tags_add
            and not self.tags_remove
        )

    @classmethod
    def from_draft(cls, draft: Draft) -> ComposerState:
        """The composer as `draft` left it; with `to_draft`, the one place the two field sets meet."""
        return cls(
            body=draft.body,
            public=draft.public,
            submit_status=draft.submit_status,
            submit_status_id=draft.submit_status_id,
            submit_transition_id=draft.submit_transition_id,
            submit_label=draft.submit_label,
            priority=draft.priority,
            assignee_id=draft.assignee_id,
            group_id=draft.group_id,
            tags_add=tuple(draft.tags_add),
            tags_remove=tuple(draft.tags_remove),
            macro_id=draft.macro_id,
        )

    def to_draft(self, profile: str, ticket_id: str, saved_at: datetime, subject: str = "") -> Draft:
        """This state as a `Draft` to keep, for `profile`'s ticket, saved at `saved_at`."""
        return Draft(
            profile=profile,
            ticket_id=ticket_id,
            saved_at=saved_at,
            subject=subject,
            body=self.body,
            public=self.public,
            submit_status=self.submit_status,
            submit_status_id=self.submit_status_id,
            submit_transition_id=self.submit_transition_id,
            submit_label=self.submit_label,
            priority=self.priority,
            assignee_id=self.assignee_id,
            group_id=self.group_id,
            tags_add=tuple(self.tags_add),
            tags_remove=tuple(self.tags_remove),
            macro_id=self.macro_id,
        )


def build_update(state: ComposerState, ticket: Ticket) -> TicketUpdate:
    """The single write for this state; fields equal to the ticket's current values are left out."""
    body = state.body.strip("\n")
    comment = CommentDraft(body=body, public=state.public) if body.strip() else None
    choice = state.submit_choice
    status = choice if choice is not None and not choice.is_current(ticket) else None
    priority = state.priority if state.priority not in (None, ticket.priority) else None
    current_assignee = ticket.assignee.id if ticket.assignee else None
    assignee_id = state.assignee_id if state.assignee_id not in (None, current_assignee) else None
    tags_add = tuple(tag for tag in state.tags_add if tag not in ticket.tags)
    tags_remove = tuple(tag for tag in state.tags_remove if tag in ticket.tags)
    return TicketUpdate(
        group_id=state.group_id,
        comment=comment,
        status=status.status if status is not None else None,
        status_id=status.status_id if status is not None else None,
        transition_id=status.transition_id if status is not None else None,
        priority=priority,
        assignee_id=assignee_id,
        tags_add=tags_add,
        tags_remove=tags_remove,
        revision=ticket.stamp,
    )


def describe_changes(update: TicketUpdate, ticket: Ticket, status_label: str = "") -> list[str]:
    """Human lines for the review step: "Status: open → solved", "Tags: +vip -api"; `status_label` is the
    helpdesk's words for the status chosen (a custom status, a JSM transition), else its category."""
    lines: list[str] = []
    if update.status is not None:
        target = one_line(status_label) if status_label else update.status.label
        lines.append(f"Status: {one_line(ticket.status_text)} → {target}")
    if update.priority is not None:
        before = ticket.priority.value if ticket.priority else "none"
        lines.append(f"Priority: {before} → {update.priority.value}")
    if update.assignee_id is not None:
        before = one_line(ticket.assignee.name) if ticket.assignee else "unassigned"
        lines.append(f"Assignee: {before} → agent {update.assignee_id}")
    if update.group_id is not None:
        before = one_line(ticket.group) if ticket.group else "none"
        lines.append(f"Group: {before} → group {one_line(update.group_id)}")
    if update.tags_add or update.tags_remove:
        changes = [f"+{tag}" for tag in update.tags_add] + [f"-{tag}" for tag in update.tags_remove]
        lines.append("Tags: " + " ".join(one_line(change) for change in changes))
    return lines


def apply_macro(state: ComposerState, preview: MacroPreview, ticket: Ticket) -> ComposerState:
    """The composer state after a macro: its comment is added to the text and its field changes set."""
    body = state.body
    if preview.comment_body:
        body = f"{body.rstrip()}\n\n{preview.comment_body}" if body.strip() else preview.comment_body
    tags_add, tags_remove = state.tags_add, state.tags_remove
    if preview.tags is not None:
        tags_add = tuple(tag for tag in preview.tags if tag not in ticket.tags)
        tags_remove = tuple(tag for tag in ticket.tags if tag not in preview.tags)
    applied = replace(
        state,
        body=body,
        public=preview.comment_public if preview.comment_public is not None else state.public,
        priority=preview.priority or state.priority,
        assignee_id=preview.assignee_id or state.assignee_id,
        group_id=preview.group_id or state.group_id,
        tags_add=tags_add,
        tags_remove=tags_remove,
        macro_id=preview.macro.id,
    )
    if preview.status is not None:  # the macro names a category: the helpdesk picks its usual status
        applied.submit_as(StatusChoice(status=preview.status, label=preview.status.label))
    return applied


def describe_macro(preview: MacroPreview) -> list[str]:
    """What a macro would change, one line per field, for the preview before applying it."""
    lines: list[str] = []
    if preview.status is not None:
        lines.append(f"Status → {preview.status.label}")
    if preview.priority is not None:
        lines.append(f"Priority → {preview.priority.value}")
    if preview.assignee_id is not None:
        lines.append(f"Assignee → agent {one_line(preview.assignee_id)}")
    if preview.group_id is not None:
        lines.append(f"Group → {one_line(preview.group_id)}")
    if preview.tags is not None:
        lines.append("Tags → " + (" ".join(one_line(tag) for tag in preview.tags) or "(none)"))
    for name, value in sorted(preview.other_changes.items()):
        lines.append(f"{one_line(name)} → {one_line(value)} (not applied by frontline: use the helpdesk)")
    if preview.comment_body:
        kind = "internal note" if preview.comment_public is False else "public reply"
        lines.append(f"Adds a {kind}:")
    return lines


@dataclass(frozen=True)
class Template:
    """A reply template: `name` is the file name without `.md`."""

    name: str
    path: Path
    text: str


@dataclass(frozen=True)
class RenderedTemplate:
    """A template with its variables filled; `unknown` lists the ones left as typed."""

    text: str
    unknown: tuple[str, ...] = field(default=())


def discover_templates(directory: Path) -> list[Template]:
    """Every `*.md` file of a folder, by name; a missing folder means no templates."""
    if not directory.is_dir():
        return []
    templates: list[Template] = []
    for path in sorted(directory.glob("*.md"), key=lambda p: p.name.lower()):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        templates.append(Template(name=path.stem, path=path, text=text))
    return templates


def template_variables(ticket: Ticket, agent: Person | None) -> dict[str, str]:
    """The values templates may use; names and subject are folded onto one clean line."""
    requester = one_line(ticket.requester.name) if ticket.requester else ""
    agent_name = one_line(agent.name) if agent else ""
    return {
        "requester_name": requester,
        "requester_first_name": requester.split(" ")[0] if requester else "",
        "requester_email": one_line(ticket.requester.email or "") if ticket.requester else "",
        "organization": one_line(ticket.organization.name) if ticket.organization else "",
        "ticket_id": ticket.id,
        "ticket_key": ticket.display_key,
        "subject": one_line(ticket.subject),
        "agent_name": agent_name,
        "agent_first_name": agent_name.split(" ")[0] if agent_name else "",
    }


def render_template(text: str, variables: Mapping[str, str]) -> RenderedTemplate:
    """Fill `{{name}}` placeholders; unknown names stay visible in the text and are reported."""
    unknown: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in variables:
            return variables[name]
        if name not in unknown:
            unknown.append(name)
        return match.group(0)

    return RenderedTemplate(text=_VARIABLE.sub(substitute, text), unknown=tuple(unknown))


def unfilled_placeholders(text: str) -> tuple[str, ...]:
    """Every distinct `{{...}}` still in `text`, in order: they would reach the customer as typed."""
    found: list[str] = []
    for match in _PLACEHOLDER.finditer(text):
        placeholder = " ".join(match.group(0).split())
        if placeholder not in found:
            found.append(placeholder)
    return tuple(found)


def editor_command(configured: str | None, environ: Mapping[str, str]) -> list[str]:
    """`ui.editor` from the config, else `$VISUAL`, else `$EDITOR`, else `vi`, split like a shell would."""
    for candidate in (configured, environ.get("VISUAL"), environ.get("EDITOR")):
        if candidate and candidate.strip():
            return shlex.split(candidate)
    return ["vi"]


def build_editor_buffer(body: str, thread: TicketThread, *, public: bool) -> str:
    """The draft, the scissors line, then the conversation quoted newest first."""
    ticket = thread.ticket
    audience = "PUBLIC REPLY: the customer will see this" if public else "INTERNAL NOTE: only agents see this"
    lines = [body.rstrip("\n"), "", SCISSORS_LINE, SCISSORS_HINT]
    lines.append(f"# {audience} · {ticket.display_key} {one_line(ticket.subject)}")
    lines.append("#")
    for comment in reversed(thread.comments):
        author = one_line(comment.author.name) if comment.author else "unknown"
        kind = "public" if comment.public else "internal note"
        known_time = is_known(comment.created_at)
        when = f"On {format_stamp(comment.created_at)}" if known_time else "At an unknown time"
        lines.append(f"# {when}, {author} wrote ({kind}):")
        comment_lines = clean_text(comment.body).split("\n")
        for line in comment_lines[:QUOTED_LINES_PER_COMMENT]:
            lines.append(f"# > {line}".rstrip())
        if len(comment_lines) > QUOTED_LINES_PER_COMMENT:
            lines.append(f"# > [... {len(comment_lines) - QUOTED_LINES_PER_COMMENT} more lines]")
        lines.append("#")
    return "\n".join(lines) + "\n"


def parse_editor_buffer(text: str) -> str:
    """The part above the scissors line, without trailing blank lines."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.rstrip() == SCISSORS_LINE:
            break
        kept.append(line)
    return "\n".join(kept).rstrip()

"""The escalation form's pieces: the fields, the preview of what the tracker receives, the similar bugs.

Everything shown here that came from a ticket or a tracker (subjects, bug titles, statuses) is plain text:
`Content(...)` or `markup=False`, never markup. The widgets post messages; the screen acts on them.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from frontline.domain.escalation import Bug, BugReport, EscalationFields
from frontline.domain.text import clean_text, one_line
from frontline.services.escalation import Target

RULE = "─" * 12
TEXT_FIELDS = (
    ("steps", "Steps to reproduce"),
    ("expected", "Expected"),
    ("actual", "Actual"),
    ("notes", "Notes for the developers"),
)
SEARCHED_FIELDS = frozenset({"summary", "steps"})
"""Editing these searches the tracker for similar bugs again (after a pause in typing)."""


def target_label(target: Target) -> str:
    """How the form names a target, `eng · Jira ENG`: the profile's name for it, then where that is."""
    return f"{one_line(target.name)} · {one_line(target.display_name)} {one_line(target.project)}"


def preview_text(report: BugReport, target: Target) -> str:
    """Exactly what the tracker will receive, cleaned for the terminal."""
    lines = [
        f"To {target_label(target)}",
        f"Title:  {one_line(report.title)}",
        f"Labels: {', '.join(one_line(label) for label in report.labels) or '-'}",
    ]
    if report.components:
        lines.append(f"Components: {', '.join(one_line(c) for c in report.components)}")
    lines += [f"{RULE} body (Markdown) {RULE}", clean_text(report.body)]
    return "\n".join(lines)


def similar_line(bug: Bug) -> str:
    """One similar bug: key, status, title."""
    status = one_line(bug.status) or "?"
    return f"{one_line(bug.key)}  {status}  {one_line(bug.title)}"


class EscalationForm(VerticalScroll):
    """Target, summary, steps, expected, actual, severity and notes.

    Args:
        targets: the profile's targets (at least one).
        target: the one chosen first.
        fields: the values to start with (a restored draft, or the summary from the subject).
    """

    DEFAULT_CSS = """
    EscalationForm { padding: 0 1; }
    EscalationForm Label { color: $text-muted; padding: 0 1; }
    EscalationForm TextArea { height: 4; }
    EscalationForm #escalate-notes { height: 5; }
    """

    class Edited(Message):
        """A field changed; `field` is its name ("target", "summary", "steps" ...)."""

        def __init__(self, field: str) -> None:
            super().__init__()
            self.field = field

    def __init__(self, targets: Sequence[Target], target: Target, fields: EscalationFields) -> None:
        super().__init__(id="escalate-form")
        self.targets = tuple(targets)
        self.initial_target = target
        self.initial = fields

    def compose(self) -> ComposeResult:
        yield Label("Target", markup=False)
        yield Select(
            [(Content(target_label(t)), t.name) for t in self.targets],
            value=self.initial_target.name,
            allow_blank=False,
            id="escalate-target",
        )
        yield Label("Summary (the bug's title; the ticket is named after it)", markup=False)
        yield Input(self.initial.summary, id="escalate-summary")
        for name, title in TEXT_FIELDS[:3]:
            yield Label(title, markup=False)
            yield TextArea(getattr(self.initial, name), id=f"escalate-{name}", soft_wrap=True)
        yield Label("Severity", markup=False)
        yield Input(
            self.initial.severity,
            placeholder="e.g. S2: blocks checkout for one customer",
            id="escalate-severity",
        )
        name, title = TEXT_FIELDS[3]
        yield Label(title, markup=False)
        yield TextArea(getattr(self.initial, name), id=f"escalate-{name}", soft_wrap=True)

    @property
    def target_name(self) -> str:
        value = self.query_one("#escalate-target", Select).value
        return value if isinstance(value, str) else self.initial_target.name

    def fields(self) -> EscalationFields:
        """The form as typed (the summary is kept as typed: empty means the ticket's subject)."""
        texts = {name: self.query_one(f"#escalate-{name}", TextArea).text for name, _ in TEXT_FIELDS}
        return EscalationFields(
            summary=self.query_one("#escalate-summary", Input).value,
            severity=self.query_one("#escalate-severity", Input).value,
            **texts,
        )

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _field_changed(self, event: Input.Changed | TextArea.Changed) -> None:
        event.stop()
        field = (event.control.id or "").removeprefix("escalate-")
        self.post_message(self.Edited(field))

    @on(Select.Changed, "#escalate-target")
    def _target_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Edited("target"))


class ReportPreview(VerticalScroll):
    """The bug as the tracker will receive it, updated as the form changes."""

    DEFAULT_CSS = """
    ReportPreview { height: 1fr; border: round $primary; border-title-color: $primary; padding: 0 1; }
    ReportPreview > Static { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__(id="escalate-preview")
        self.border_title = "Preview: exactly what the tracker receives"
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static("Building the preview…", markup=False)

    def show(self, text: str) -> None:
        self.text = text
        self.query_one(Static).update(Content(text))


class SimilarBugs(Vertical):
    """Open bugs in the target that look like this one, best first; `ctrl+l` links the highlighted one."""

    DEFAULT_CSS = """
    SimilarBugs { height: auto; max-height: 16; border: round $accent; border-title-color: $accent; }
    SimilarBugs #similar-status { color: $text-muted; padding: 0 1; height: auto; }
    SimilarBugs OptionList { height: auto; max-height: 12; border: none; }
    """

    def __init__(self) -> None:
        super().__init__(id="escalate-similar")
        self.border_title = "Similar open bugs"
        self.bugs: list[Bug] = []

    def compose(self) -> ComposeResult:
        yield Static("Looking for similar bugs…", id="similar-status", markup=False)
        yield OptionList(id="similar-list")

    def _status(self, text: str) -> None:
        self.query_one("#similar-status", Static).update(Content(text))

    def searching(self, target: Target) -> None:
        self._status(f"Looking for similar bugs in {one_line(target.name)}…")

    def failed(self, text: str) -> None:
        self.bugs = []
        self.query_one(OptionList).clear_options()
        self._status(text)

    def show(self, bugs: Sequence[Bug], target: Target) -> None:
        """List `bugs` (best first); keeps the highlight on the same bug when it is still listed."""
        option_list = self.query_one(OptionList)
        kept = self.highlighted
        self.bugs = list(bugs)
        option_list.clear_options()
        option_list.add_options([Option(Content(similar_line(bug))) for bug in self.bugs])
        keys = [bug.key for bug in self.bugs]
        if kept is not None and kept.key in keys:
            option_list.highlighted = keys.index(kept.key)
        name = one_line(target.name)
        if not self.bugs:
            self._status(f"No similar open bugs in {name}.")
        else:
            self._status(
                f"{len(self.bugs)} in {name}, best first. Highlight one (tab, arrows) and press ctrl+l to "
                "link the ticket to it instead of filing a new bug."
            )

    @property
    def highlighted(self) -> Bug | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self.bugs):
            return None
        return self.bugs[index]

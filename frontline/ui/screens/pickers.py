"""Small modal dialogs shared by the ticket screen and the composer: pick one, type a line, confirm.

Labels may come from the helpdesk (macro titles, template names), so they are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from frontline.domain.compose import describe_macro
from frontline.domain.models import MacroPreview
from frontline.domain.text import clean_text, one_line

_DIALOG_CSS = """
    {name} {{
        align: center middle;
    }}
    {name} > Vertical {{
        width: 72;
        max-width: 90%;
        height: auto;
        max-height: 80%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }}
    {name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
    {name} .dialog-hint {{ color: $text-muted; margin-top: 1; }}
"""


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of `choices` (value, label); dismisses with the value, or None on escape.

    With `groups` (one per choice, the helpdesk's own grouping such as JSM status categories), a heading
    that cannot be chosen goes before each run of choices of one group. `current` is marked "(current)"
    and highlighted, unless `highlighted` names another choice to start on.
    """

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="ChoiceScreen") + "ChoiceScreen OptionList { height: auto; max-height: 20; }"
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[str, str]],
        *,
        current: str | None = None,
        groups: Sequence[str] | None = None,
        highlighted: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current
        self.groups = list(groups) if groups is not None else None
        self.start_on = highlighted if highlighted is not None else current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield OptionList(*self._options(), id="choices")
            yield Static("enter choose · escape cancel", classes="dialog-hint", markup=False)

    def _options(self) -> list[Option]:
        options: list[Option] = []
        shown_group: str | None = None
        for index, (value, label) in enumerate(self.choices):
            group = self.groups[index] if self.groups is not None and index < len(self.groups) else None
            if group and group != shown_group:
                options.append(Option(Content.styled(one_line(group), "bold $text-muted"), disabled=True))
            shown_group = group
            indent = "  " if group else ""
            suffix = "  (current)" if value == self.current else ""
            options.append(Option(Content(indent + one_line(label) + suffix), id=value))
        return options

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.start_on is not None and self.start_on in {value for value, _ in self.choices}:
            option_list.highlighted = option_list.get_option_index(self.start_on)
        elif option_list.option_count:
            option_list.action_first()
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FilterChoiceScreen(ModalScreen[str | None]):
    """Pick one of many `choices` (value, label) by typing part of it: the list keeps what matches every
    word typed; up/down move, enter picks the highlighted one; None on escape."""

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="FilterChoiceScreen")
        + "FilterChoiceScreen OptionList { height: auto; max-height: 16; }"
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filter-picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="filter-picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="filter-picker.up"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], *, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint or "type to filter · ↑↓ move · enter choose · escape cancel"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(placeholder="Filter", id="filter-input")
            yield OptionList(id="choices")
            yield Static(Content(self.hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self._show("")
        self.query_one(Input).focus()

    def matching(self, text: str) -> list[tuple[str, str]]:
        """The choices whose label holds every word of `text` (case-insensitive)."""
        words = text.casefold().split()
        return [(v, label) for v, label in self.choices if all(w in label.casefold() for w in words)]

    def _show(self, text: str) -> None:
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        shown = self.matching(text)
        if shown:
            option_list.add_options([Option(Content(one_line(label)), id=value) for value, label in shown])
            option_list.highlighted = 0
        else:
            option_list.add_option(Option(Content("Nothing matches."), disabled=True))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        if highlighted is None:
            return
        option = option_list.get_option_at_index(highlighted)
        if not option.disabled and option.id is not None:
            self.dismiss(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        option_list = self.query_one(OptionList)
        if step > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPromptScreen(ModalScreen[str | None]):
    """Type one line (tags, a token); dismisses with the text, or None on escape.

    With `password`, what is typed is shown as dots: a token never appears on screen or in a snapshot.
    """

    DEFAULT_CSS = _DIALOG_CSS.format(name="TextPromptScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(self, title: str, value: str = "", *, hint: str = "", password: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.hint = hint
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Input(self.value, id="prompt-input", password=self.password)
            yield Static(Content(self.hint or "enter save · escape cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; `y` confirms, `n` or escape declines."""

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="ConfirmScreen") + "ConfirmScreen > Vertical { border: thick $error; }"
    )
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), classes="dialog-title")
            if self.detail:
                yield Static(Content(self.detail))
            yield Static("y yes · n no", classes="dialog-hint", markup=False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class MacroPreviewScreen(ModalScreen[bool]):
    """What a macro would change; `a`/enter applies it to the composer (nothing is sent), escape cancels."""

    DEFAULT_CSS = (
        _DIALOG_CSS.format(name="MacroPreviewScreen")
        + """
    MacroPreviewScreen #macro-comment { border: round $primary; height: auto; max-height: 12; padding: 0 1; }
    MacroPreviewScreen #macro-comment.-internal { border: dashed $warning; background: $warning 12%; }
    """
    )
    BINDINGS = [
        Binding("a,enter", "answer(True)", "Apply to draft", id="macro.apply"),
        Binding("escape", "answer(False)", "Cancel", id="macro.cancel"),
    ]

    def __init__(self, preview: MacroPreview) -> None:
        super().__init__()
        self.preview = preview

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Content(f"Macro preview: {one_line(self.preview.macro.title)}"), classes="dialog-title"
            )
            changes = describe_macro(self.preview) or ["Changes nothing on this ticket."]
            yield Static(Content("\n".join(changes)), id="macro-changes")
            if self.preview.comment_body:
                comment = VerticalScroll(id="macro-comment")
                if self.preview.comment_public is False:
                    comment.add_class("-internal")
                with comment:
                    yield Static(Content(clean_text(self.preview.comment_body)))
            yield Static(
                "a apply to the draft (nothing is sent until you submit) · escape cancel",
                classes="dialog-hint",
                markup=False,
            )

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

"""The escalation form: turn a ticket into a bug in the team's tracker, or link it to one already there.

Left, what the engineer adds (target, summary, steps, expected, actual, severity, notes); right, the open bugs
that look like it (searched in the background as they type, after a pause) and a live preview of exactly
what the tracker will receive. `ctrl+s` files it and `ctrl+l` links the ticket to the highlighted similar bug;
both are the app's writes (`frontline.ui.escalation_writes`), so leaving the form never cancels them. The
form is a draft: saved shortly after each change (a kill -9 keeps it) and on `escape`, restored by the next
`E` on the ticket, forgotten once the ticket is escalated.
"""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, Static

from frontline.domain.escalation import EscalationFields
from frontline.domain.models import TicketThread
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.escalation import Escalations, Target
from frontline.ui.escalation_writes import EscalationOutcome
from frontline.ui.screens.base import FrontlineScreen
from frontline.ui.widgets.escalation_form import (
    SEARCHED_FIELDS,
    EscalationForm,
    ReportPreview,
    SimilarBugs,
    preview_text,
)

AUTOSAVE_SECONDS = 0.5
SIMILAR_DEBOUNCE_SECONDS = 0.8
"""Typing pauses this long before the tracker is searched again."""
SIMILAR_LIMIT = 10


def fields_for(thread: TicketThread) -> EscalationFields:
    """A fresh form: the summary from the ticket's subject, the rest for the engineer."""
    return EscalationFields(summary=one_line(thread.ticket.subject))


class EscalationScreen(FrontlineScreen, Screen[str | None]):
    """The form for one ticket; dismisses with "filed" (or "linked"), "kept" (a draft) or None.

    Args:
        thread: the ticket and its conversation (the report quotes it).
        escalations: the profile's escalations (at least one target).
        target: the target chosen first (a restored draft's, else the service's default).
        fields: the fields to start with (a restored draft's, else `fields_for(thread)`).
        notice: something to say above the form first (a draft restored, an earlier attempt in doubt).
    """

    DEFAULT_CSS = """
    EscalationScreen SelectCurrent .arrow { color: $foreground; }
    EscalationScreen #escalate-title { height: auto; padding: 0 1; background: $panel; text-style: bold; }
    EscalationScreen #escalate-notice { height: auto; padding: 0 1; color: $text; display: none; }
    EscalationScreen #escalate-notice.-visible { display: block; background: $accent 20%; }
    EscalationScreen #escalate-notice.-error { display: block; background: $error 30%; }
    EscalationScreen #escalate-body { height: 1fr; }
    EscalationScreen #escalate-form { width: 1fr; }
    EscalationScreen #escalate-side { width: 1fr; }
    EscalationScreen.-filing #escalate-form { opacity: 60%; }
    """

    BINDINGS = [
        Binding("ctrl+s", "file", "File the bug", id="escalate.file", priority=True),
        Binding("ctrl+l", "link", "Link to similar", id="escalate.link", priority=True),
        Binding("escape", "close", "Close (keep draft)", id="escalate.close"),
    ]

    def __init__(
        self,
        thread: TicketThread,
        escalations: Escalations,
        *,
        target: Target,
        fields: EscalationFields | None = None,
        notice: str = "",
    ) -> None:
        super().__init__()
        self.thread = thread
        self.escalations = escalations
        self.start_target = target
        self.start_fields = fields if fields is not None else fields_for(thread)
        self.first_notice = notice
        self.filing = False
        self._saved: tuple[str, EscalationFields] = (target.name, self.start_fields)
        self._save_timer: Timer | None = None
        self._searched: tuple[str, str] | None = None

    @property
    def ticket_id(self) -> str:
        return self.thread.ticket.id

    @property
    def form(self) -> EscalationForm:
        return self.query_one(EscalationForm)

    @property
    def target(self) -> Target:
        name = self.form.target_name
        return next((t for t in self.escalations.targets if t.name == name), self.start_target)

    def compose(self) -> ComposeResult:
        ticket = self.thread.ticket
        yield Static(
            Content(f"Escalate {one_line(ticket.display_key)} {one_line(ticket.subject)}"),
            id="escalate-title",
        )
        yield Static(id="escalate-notice")
        with Horizontal(id="escalate-body"):
            yield EscalationForm(self.escalations.targets, self.start_target, self.start_fields)
            with Vertical(id="escalate-side"):
                yield SimilarBugs()
                yield ReportPreview()
        yield Footer()

    def on_mount(self) -> None:
        if self.first_notice:
            self.show_notice(self.first_notice)
        self.query_one("#escalate-summary").focus()
        self.update_preview()
        self.search_similar(wait=False)

    def show_notice(self, text: str, *, error: bool = False) -> None:
        """Say something above the form: information, or (red) why it was not filed."""
        notice = self.query_one("#escalate-notice", Static)
        notice.update(Content(text))
        notice.set_class(bool(text) and not error, "-visible")
        notice.set_class(bool(text) and error, "-error")

    # -- as the engineer types -------------------------------------------------------------------------

    @on(EscalationForm.Edited)
    def _edited(self, event: EscalationForm.Edited) -> None:
        self.update_preview()
        if event.field in SEARCHED_FIELDS or event.field == "target":
            self.search_similar(wait=event.field != "target")
        self._schedule_save()

    @work(group="escalate-preview", exclusive=True, exit_on_error=False)
    async def update_preview(self) -> None:
        """Build the report exactly as filing would (the service's `report`) and show it."""
        target, fields = self.target, self.form.fields()
        preview = self.query_one(ReportPreview)
        try:
            report = await self.escalations.report(self.thread, target, fields)
        except FrontlineError as error:
            preview.show(f"No preview: {one_line(error.message)}")
            return
        preview.show(preview_text(report, target))

    @work(group="escalate-similar", exclusive=True, exit_on_error=False)
    async def search_similar(self, *, wait: bool = True) -> None:
        """Ask the target for open bugs like this one once typing pauses; never the same text twice."""
        target, fields = self.target, self.form.fields()
        text = " ".join(f"{one_line(fields.summary)} {one_line(fields.steps)}".split())
        text = text or one_line(self.thread.ticket.subject)
        if self._searched == (target.name, text):
            return
        similar = self.query_one(SimilarBugs)
        if wait:
            await asyncio.sleep(SIMILAR_DEBOUNCE_SECONDS)
        similar.searching(target)
        try:
            tracker = self.escalations.tracker(target)
            if not tracker.capabilities.similar:
                similar.failed(f"{target.name} cannot be searched for similar bugs.")
                return
            bugs = await tracker.similar_bugs(text, limit=SIMILAR_LIMIT)
        except FrontlineError as error:
            similar.failed(f"Could not search {target.name}: {one_line(error.message)}")
            return
        self._searched = (target.name, text)
        similar.show(bugs[:SIMILAR_LIMIT], target)
        self.refresh_bindings()

    # -- the draft -------------------------------------------------------------------------------------

    def _schedule_save(self) -> None:
        if self.filing:
            return
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(AUTOSAVE_SECONDS, self.save_draft)

    def save_draft(self) -> bool:
        """Keep the form for the next `E` (only when it differs from what is kept); False if it failed."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        current = (self.form.target_name, self.form.fields())
        if current == self._saved:
            return True
        repository = self.escalations.repository
        profile = self.escalations.profile
        try:
            if current[1] == fields_for(self.thread) and current[0] == self.start_target.name:
                repository.delete_form(profile, self.ticket_id)  # back to the untouched form
            else:
                repository.save_form(profile, self.ticket_id, *current, self.frontline.clock())
        except FrontlineError as error:
            self.show_notice(f"Your form could not be kept: {one_line(error.message)}", error=True)
            return False
        self._saved = current
        return True

    # -- actions ---------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Filing and linking are dimmed while a write for this ticket is in flight; linking needs a bug."""
        if action in {"file", "link"} and self.filing:
            return None
        if action == "link" and not any(similar.bugs for similar in self.query(SimilarBugs)):
            return None
        return True

    def action_close(self) -> None:
        kept = self.save_draft()
        self.dismiss("kept" if kept and not self.filing else None)

    def action_file(self) -> None:
        self._start(link_to=None)

    def action_link(self) -> None:
        """Link to the similar bug highlighted in the list; from elsewhere, go to the list first, so a
        ticket is never linked to a suggestion nobody looked at."""
        similar = self.query_one(SimilarBugs)
        option_list = similar.query_one(OptionList)
        bug = similar.highlighted
        if bug is None or not option_list.has_focus:
            option_list.focus()
            if option_list.highlighted is None and similar.bugs:
                option_list.highlighted = 0
            self.notify("Pick the similar bug (arrows), then ctrl+l links the ticket to it.", timeout=5)
            return
        self._start(link_to=bug.key)

    def _start(self, *, link_to: str | None) -> None:
        if self.filing:
            return
        self.save_draft()  # a kill -9 while filing keeps the form
        target = self.target
        started = self.frontline.escalation_writes.file(
            self.thread.ticket, target, self.form.fields(), link_to=link_to, listener=self._settled
        )
        if not started:
            return
        self.filing = True
        self.add_class("-filing")
        self.form.disabled = True
        what = f"Linking to {one_line(link_to)}" if link_to else f"Filing in {one_line(target.name)}"
        self.show_notice(f"{what}… (you can leave this screen: it goes on)")
        self.refresh_bindings()

    def _settled(self, outcome: EscalationOutcome) -> bool:
        """How the write ended, shown here when the form is still open; False when it is closed."""
        if not self.is_attached:
            return False
        self.filing = False
        self.remove_class("-filing")
        self.form.disabled = False
        self.refresh_bindings()
        if outcome.done:
            self.dismiss("filed")
            return True
        self.show_notice(f"{outcome.notice} Press ctrl+s to try again.", error=True)
        return True

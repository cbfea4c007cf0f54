"""Filing a bug, linking a ticket to one, and adding context to it: the app's writes, told honestly.

They run as the app's writes (`frontline.ui.writes`), so leaving the form never cancels one, and at most one
per ticket at a time: two escalations racing could both find no bug and both file one. How each ended is a
notification wherever the person is, and the form's own notice when it is still open. Tracker failures are
told here, not through `app.report_error`: a tracker refusing its token is not the helpdesk signing out.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from frontline.domain.escalation import Bug, EscalationFields
from frontline.domain.models import Ticket
from frontline.domain.text import one_line
from frontline.errors import FrontlineError, ValidationFailed, WriteOutcomeUnknown
from frontline.ui.worker_errors import report_worker_error

if TYPE_CHECKING:
    from frontline.services.escalation import EscalationResult, Escalations, Target
    from frontline.ui.app import FrontlineApp


@dataclass(frozen=True)
class EscalationOutcome:
    """How one escalation write ended: `done` (the ticket is linked, or the comment added), else `notice`
    says why not and what to do, for the form that started it."""

    done: bool
    notice: str = ""
    result: EscalationResult | None = None


Listener = Callable[[EscalationOutcome], bool]
"""Shows the outcome in the form (or dialog) that started the write; False when that is closed."""


def validation_notice(error: ValidationFailed, target: Target) -> str:
    """What the tracker refused, field by field, for the form."""
    lines = [f"{target.display_name} refused the bug: {one_line(error.message)}"]
    for field, messages in error.details.items():
        lines.append(f"  {one_line(field)}: {one_line(' '.join(messages))}")
    lines.append("Nothing was filed; your form is kept.")
    return "\n".join(lines)


def done_message(result: EscalationResult, target: Target, ticket_key: str, *, link_to: str | None) -> str:
    """The notification after a write that worked: "Filed ENG-42 in eng: URL", "Linked #1000 to ENG-7 in
    eng: URL", or that the ticket was escalated already."""
    bug = result.bug
    key, url, name = one_line(bug.key), one_line(bug.url), one_line(target.name)
    if result.created:
        return f"Filed {key} in {name}: {url}"
    if link_to is not None:
        return f"Linked {ticket_key} to {key} in {name}: {url}"
    return f"{ticket_key} was already escalated to {key} in {name}: linked it, filed nothing new. {url}"


class EscalationWrites:
    """The escalation writes in flight, one per ticket."""

    def __init__(self, app: FrontlineApp) -> None:
        self.app = app
        self._in_flight: set[str] = set()

    @property
    def escalations(self) -> Escalations:
        escalations = self.app.session.escalations
        assert escalations is not None, "escalation writes start only when the profile has targets"
        return escalations

    def in_flight(self, ticket_id: str) -> bool:
        return ticket_id in self._in_flight

    def _start(self, ticket: Ticket, work: Callable[[], Coroutine[Any, Any, None]], what: str) -> bool:
        if ticket.id in self._in_flight:
            self.app.notify(
                f"{one_line(ticket.display_key)} is being escalated already: wait for it to finish.",
                severity="warning",
                timeout=5,
                markup=False,
            )
            return False
        self._in_flight.add(ticket.id)
        self.app.writes.run(work(), name=f"{what} of {one_line(ticket.display_key)}")
        return True

    def file(
        self,
        ticket: Ticket,
        target: Target,
        fields: EscalationFields,
        *,
        link_to: str | None = None,
        listener: Listener | None = None,
    ) -> bool:
        """File the bug in `target` (or link the ticket to `link_to`); False when one is in flight."""
        what = "the link" if link_to else "the escalation"
        return self._start(
            ticket, lambda: self._file(ticket, target, fields, link_to, listener or _ignore), what
        )

    async def _file(
        self,
        ticket: Ticket,
        target: Target,
        fields: EscalationFields,
        link_to: str | None,
        listener: Listener,
    ) -> None:
        key = one_line(ticket.display_key)
        try:
            result = await self.escalations.escalate(
                ticket.id, fields, target_name=target.name, link_to=link_to
            )
        except ValidationFailed as error:
            shown = listener(EscalationOutcome(False, validation_notice(error, target)))
            self._tell(error, f"{target.display_name} refused the bug for {key}", shown=shown)
        except WriteOutcomeUnknown as error:
            notice = self._in_doubt_notice(ticket, target, error)
            shown = listener(EscalationOutcome(False, notice))
            self._tell(error, f"{key}: not sure it was filed", notice=notice, shown=shown, warning=True)
        except FrontlineError as error:
            notice = self._failure_notice(ticket, target, error, linking=link_to is not None)
            shown = listener(EscalationOutcome(False, notice))
            self._tell(error, f"{key}: not escalated", notice=notice, shown=shown)
        except Exception as error:  # a bug: said once, with where the details are
            report_worker_error(self.app, error)
            listener(EscalationOutcome(False, "Not filed: an unexpected error (see the notification)."))
        else:
            self.app.notify(done_message(result, target, key, link_to=link_to), timeout=8, markup=False)
            for warning in result.warnings:
                self.app.notify(one_line(warning), severity="warning", timeout=15, markup=False)
            self._linked(ticket.id)
            listener(EscalationOutcome(True, result=result))
        finally:
            self._in_flight.discard(ticket.id)

    def _unfinished(self, ticket: Ticket, target: Target) -> str | None:
        """The bug's key when it is filed but the ticket's side did not finish (note, tag, link)."""
        try:
            record = self.escalations.repository.get(self.escalations.profile, ticket.id, target.name)
        except FrontlineError:
            return None
        if record is None or record.bug_key is None or record.state == "done":
            return None
        self.app.bug_links.reload()
        return record.bug_key

    def _in_doubt_notice(self, ticket: Ticket, target: Target, error: WriteOutcomeUnknown) -> str:
        """Honest about what is not known: the bug itself, or only the note on the ticket."""
        key = self._unfinished(ticket, target)
        if key is not None:
            return (
                f"{one_line(key)} is filed in {target.name}; not sure the note on "
                f"{one_line(ticket.display_key)} landed yet. Escalating again will not post it twice or "
                f"file a second bug. {one_line(error.message)}"
            )
        return (
            f"Not sure it was filed in {target.name}; escalating again will not file a second one. "
            f"{one_line(error.message)}"
        )

    def _failure_notice(self, ticket: Ticket, target: Target, error: FrontlineError, *, linking: bool) -> str:
        """Why it failed; when the bug exists already, that a retry finishes the link without a new bug."""
        key = self._unfinished(ticket, target)
        if key is not None:
            return (
                f"{one_line(key)} is in {target.name}, but linking it to {one_line(ticket.display_key)} "
                f"failed: {one_line(error.message)} Escalating again finishes it; it files nothing new."
            )
        what = "Not linked" if linking else "Not filed"
        return f"{what}: {one_line(error.message)} Your form is kept."

    def add_context(
        self,
        ticket: Ticket,
        target: Target,
        bug: Bug,
        text: str,
        *,
        recorded: bool,
        listener: Listener | None = None,
    ) -> bool:
        """Add `text` as a comment on the ticket's existing bug. A bug found in the tracker but not recorded
        here is first linked (recorded, noted and tagged once), which files nothing."""
        return self._start(
            ticket,
            lambda: self._add_context(ticket, target, bug, text, recorded, listener or _ignore),
            "the context",
        )

    async def _add_context(
        self, ticket: Ticket, target: Target, bug: Bug, text: str, recorded: bool, listener: Listener
    ) -> None:
        key = one_line(bug.key)
        try:
            if not recorded:
                await self.escalations.escalate(
                    ticket.id, EscalationFields(), target_name=target.name, link_to=bug.key
                )
                self._linked(ticket.id)
            await self.escalations.add_context(ticket.id, text, target_name=target.name)
        except FrontlineError as error:
            notice = f"Not added to {key}: {one_line(error.message)} Your text is kept."
            listener(EscalationOutcome(False, notice))
            self._tell(error, f"Context not added to {key}", notice=notice, shown=True)
        except Exception as error:  # a bug: said once, with where the details are
            report_worker_error(self.app, error)
            listener(EscalationOutcome(False, "Not added: an unexpected error (see the notification)."))
        else:
            self.app.notify(f"Added the new context to {key} in {target.name}.", timeout=6, markup=False)
            listener(EscalationOutcome(True))
        finally:
            self._in_flight.discard(ticket.id)

    def _linked(self, ticket_id: str) -> None:
        """The ticket's links (and its note and tags) changed: the queue and the open ticket show it."""
        from frontline.ui.screens.ticket import TicketScreen  # loaded with the first ticket opened

        self.app.bug_links.reload()
        for screen in self.app.screen_stack:
            if isinstance(screen, TicketScreen) and screen.ticket_id == ticket_id:
                screen.load()

    def _tell(
        self, error: FrontlineError, title: str, *, notice: str = "", shown: bool, warning: bool = False
    ) -> None:
        """A notification wherever the person is; when the form is closed, how to get back to it."""
        text = notice or one_line(error.message)
        if not shown:
            text += " E on the ticket opens the form again."
        self.app.notify(
            text,
            title=title,
            severity="warning" if warning else "error",
            timeout=20,
            markup=False,
        )


def _ignore(_outcome: EscalationOutcome) -> bool:
    return False

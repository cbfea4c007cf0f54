"""Writes that outlive the screen that started them: leaving a screen never cancels a send in flight.

A Textual worker belongs to the node that runs it, and removing that node cancels it: a send run by the
composer was cancelled mid-request when the composer closed, while the helpdesk applied the write anyway.
Writes therefore run as the app's workers (group "writes"), at most one draft send per ticket at a time,
and how each ended is told wherever the person is: a notification always, and the composer's own notice
when it is still open. Quitting waits for them, within a bound. A write made while the helpdesk cannot be
reached waits in the outbox (`WriteQueued`): that is said as information, not as a failure, and the
composer closes as after a send.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual.markup import escape
from textual.worker import Worker, WorkerCancelled, WorkerFailed

from frontline.domain.models import Ticket, TicketThread, TicketUpdate
from frontline.domain.text import one_line
from frontline.errors import (
    ConflictError,
    FrontlineError,
    PartiallyApplied,
    TicketClosed,
    WriteOutcomeUnknown,
    WriteQueued,
)
from frontline.ui.worker_errors import report_worker_error

if TYPE_CHECKING:
    from frontline.domain.compose import ComposerState
    from frontline.services.drafts import DraftKeeper
    from frontline.ui.app import FrontlineApp

WRITES_GROUP = "writes"
QUIT_WAIT_SECONDS = 30.0
"""How long quitting waits for writes in flight: the HTTP client's 20 s timeout plus a read-back."""


@dataclass(frozen=True)
class SendOutcome:
    """How a draft send ended.

    `sent` is the ticket as the helpdesk returned it (None when it did not land, or nobody knows yet);
    `error` is why, or what went wrong after a write that landed. `draft_kept` says whether the text is
    still a draft that can be sent again; when False it left for good (sent, partly sent, queued, or held by
    the outbox until a read-back says what happened), and sending it again could reach the customer twice.
    """

    sent: Ticket | None
    error: BaseException | None = None
    draft_kept: bool = False

    @property
    def queued(self) -> bool:
        """The helpdesk was unreachable: the text waits in the outbox and goes out once it is back."""
        return isinstance(self.error, WriteQueued)


SendListener = Callable[[SendOutcome], None]


class DraftSend:
    """One reviewed draft on its way to the helpdesk; the composer showing it sets `listener`."""

    def __init__(
        self, keeper: DraftKeeper, thread: TicketThread, state: ComposerState, update: TicketUpdate
    ) -> None:
        self.keeper = keeper
        self.ticket = thread.ticket
        self.known_comment_ids = tuple(comment.id for comment in thread.comments)
        """The comments the engineer saw while writing: none of them can be this reply."""
        self.state = state
        self.update = update
        self.listener: SendListener | None = None

    @property
    def what(self) -> str:
        """What goes out ("Reply", "Note" or "Changes"), for the messages about it."""
        comment = self.update.comment
        if comment is None:
            return "Changes"
        return "Reply" if comment.public else "Note"


def what_to_do(error: BaseException, *, in_composer: bool) -> str:
    """The next step after a send that did not land, for the composer's notice or a notification."""
    from frontline.services.drafts import DraftNotKept  # loaded with the composer

    if isinstance(error, DraftNotKept):
        return ""
    again = "press ctrl+s to try again" if in_composer else "press r on the ticket to send it again"
    if isinstance(error, ConflictError):
        back = (
            "Press escape, R to reload the ticket, then r" if in_composer else "Reload the ticket (R), then r"
        )
        return f"Your draft is kept. {back} to review and send again."
    if isinstance(error, WriteOutcomeUnknown) or not isinstance(error, FrontlineError):
        return "Your draft is kept. Reload the ticket to check whether it arrived before sending again."
    return f"Your draft is kept: {again}."


def not_sent_notice(error: BaseException) -> str:
    """The composer's notice after a send that did not land: why, and what to do."""
    from frontline.services.drafts import DraftNotKept

    if isinstance(error, DraftNotKept):
        return f"Not sent: {error.send_error.message} {error.message}"
    reason = error.message if isinstance(error, FrontlineError) else f"{type(error).__name__}."
    return f"Not sent: {reason} {what_to_do(error, in_composer=True)}"


class Writes:
    """The app's writes in flight.

    Args:
        app: the console; writes are its workers, so no screen's closing cancels them.
    """

    def __init__(self, app: FrontlineApp) -> None:
        self.app = app
        self._draft_sends: dict[str, DraftSend] = {}
        self._quitting = False

    def run(self, work: Coroutine[Any, Any, None], *, name: str) -> Worker[None]:
        """Run one write as the app's worker: no screen closing and no refresh cancels it. Once it ends,
        the outbox is shown as it is then (the status bar's count, the ticket's banner)."""
        return self.app.run_worker(
            self._then_show_outbox(work), name=name, group=WRITES_GROUP, exclusive=False, exit_on_error=False
        )

    async def _then_show_outbox(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work`, then show the outbox; not when cancelled (the app is closing, its store with it)."""
        try:
            await work
        except Exception:
            self.app.outbox_watch.changed()
            raise
        self.app.outbox_watch.changed()

    def in_flight(self) -> list[Worker[Any]]:
        """The writes not finished yet."""
        return [w for w in self.app.workers if w.group == WRITES_GROUP and not w.is_finished]

    def draft_send(self, ticket_id: str) -> DraftSend | None:
        """The draft send in flight for `ticket_id`, so a composer opened meanwhile shows it, not a copy."""
        return self._draft_sends.get(ticket_id)

    def send_draft(
        self, keeper: DraftKeeper, thread: TicketThread, state: ComposerState, update: TicketUpdate
    ) -> DraftSend | None:
        """Start sending `state` (a copy); None, and nothing sent, when this ticket's send is in flight."""
        ticket = thread.ticket
        if ticket.id in self._draft_sends:
            return None
        send = DraftSend(keeper, thread, replace(state), update)
        self._draft_sends[ticket.id] = send
        self.run(self._send(send), name=f"the {send.what.lower()} to {ticket.display_key}")
        return send

    async def _send(self, send: DraftSend) -> None:
        try:
            sent = await send.keeper.send(
                self.app.desk,
                send.ticket,
                send.state,
                known_comment_ids=send.known_comment_ids,
                queue_if_unreachable=True,
            )
        except WriteQueued as queued:
            outcome = SendOutcome(None, queued, draft_kept=False)
        except FrontlineError as error:
            outcome = SendOutcome(None, error, draft_kept=not send.keeper.closed)
        except Exception as error:  # a bug: said once, with where the details are
            report_worker_error(self.app, error)
            outcome = SendOutcome(None, error, draft_kept=not send.keeper.closed)
        else:
            outcome = SendOutcome(sent)
        finally:
            self._draft_sends.pop(send.ticket.id, None)
        self._settle(send, outcome)

    def _settle(self, send: DraftSend, outcome: SendOutcome) -> None:
        """Tell the person (a notification wherever they are), then the composer or the ticket screen."""
        self._notify(send, outcome, in_composer=send.listener is not None)
        if isinstance(outcome.error, TicketClosed) and outcome.draft_kept:
            from frontline.ui.followup import offer_followup

            offer_followup(self.app, send.ticket, send.state, send.keeper, outcome.error)
        if send.listener is not None:
            send.listener(outcome)
            return
        from frontline.ui.screens.ticket import TicketScreen  # loaded with the first ticket opened

        for screen in self.app.screen_stack:
            if isinstance(screen, TicketScreen) and screen.ticket_id == send.ticket.id:
                if outcome.draft_kept or outcome.queued:
                    screen.show_draft_banner()
                    screen.show_outbox_banner()
                else:
                    screen.load()

    def _notify(self, send: DraftSend, outcome: SendOutcome, *, in_composer: bool) -> None:
        key = send.ticket.display_key
        error = outcome.error
        if outcome.sent is not None:
            status = escape(one_line(outcome.sent.status_text))
            self.app.notify(f"{send.what} sent to {key} · status {status}", timeout=4)
            if isinstance(error, FrontlineError):
                self.app.report_error(error)
            return
        if isinstance(error, WriteQueued):
            self.app.notify(
                f"Queued: the {send.what.lower()} to {key} goes out when {self.app.desk.helpdesk_name} is "
                "back. It is sent once, by itself; nothing to send again.",
                title="Queued",
                timeout=8,
                markup=False,
            )
            return
        if isinstance(error, PartiallyApplied):
            self.app.notify(
                f"{key}: {error.message} Do not send it again; reload the ticket (R) for the rest.",
                title=error.title,
                severity="warning",
                timeout=20,
                markup=False,
            )
            return
        from frontline.services.drafts import DraftNotKept

        if isinstance(error, DraftNotKept):
            self.app.report_error(error.send_error)
            self.app.report_error(error)
            return
        if not isinstance(error, FrontlineError):
            return  # a bug, already reported by report_worker_error
        if not outcome.draft_kept:
            self.app.notify(
                f"{send.what} to {key}: {error.message} frontline checks the ticket before anything is "
                "sent again; if it did not arrive, the text comes back as a draft.",
                title=error.title,
                severity="warning",
                timeout=20,
                markup=False,
            )
            return
        if in_composer:
            self.app.report_error(error)
            return
        self.app.notify(
            f"{send.what} to {key} not sent: {error.message} {what_to_do(error, in_composer=False)}",
            title=error.title,
            severity="error",
            timeout=20,
            markup=False,
        )

    def quit(self) -> None:
        """Quit once the writes in flight have settled, at most QUIT_WAIT_SECONDS; asked again, quit now.

        A write cut off by quitting may still land; the outbox checks it on the next start.
        """
        pending = self.in_flight()
        if not pending or self._quitting:
            self.app.exit()
            return
        self._quitting = True
        names = ", ".join(worker.name for worker in pending)
        self.app.notify(
            f"Waiting for {names} to finish sending before quitting (at most {QUIT_WAIT_SECONDS:.0f} s). "
            "Press q (ctrl+q in the composer) again to quit now.",
            title="Still sending",
            timeout=QUIT_WAIT_SECONDS,
            markup=False,
        )
        self.app.run_worker(self._quit_when_settled(pending), group="quit", exit_on_error=False)

    async def _quit_when_settled(self, pending: list[Worker[Any]]) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*(_settled(worker) for worker in pending)), QUIT_WAIT_SECONDS
            )
        self.app.exit()


async def _settled(worker: Worker[Any]) -> None:
    """Wait for `worker` however it ends."""
    with contextlib.suppress(WorkerFailed, WorkerCancelled):
        await worker.wait()

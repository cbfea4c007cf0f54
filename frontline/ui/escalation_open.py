"""`E` on a ticket (ticket screen or queue): nowhere to escalate, already escalated, or the form.

What is already known decides, cheapest first: the local records (a finished escalation shows its bug; an
unfinished one reopens the form, whose filing finishes it without a second bug), then the tracker's own
consistent handles for the ticket (`Escalations.existing`). A tracker that cannot be asked does not stop
the form: filing looks again before it files. The check is a read run by the screen that asked, so
leaving that screen cancels it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.screen import Screen

from frontline.domain.escalation import EscalationRecord
from frontline.domain.models import TicketThread
from frontline.domain.text import one_line
from frontline.errors import FrontlineError
from frontline.services.escalation import Escalations, Target
from frontline.ui.screens.escalate import EscalationScreen
from frontline.ui.screens.escalated import ExistingBugScreen

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

OPEN_GROUP = "escalation-open"


def no_targets_message(profile: str) -> str:
    return (
        f"Profile {profile!r} has no escalation targets, so there is nowhere to file a bug. Add a "
        f"[[profiles.{profile}.escalation]] entry (Jira or GitHub) to the config file; the README's "
        '"Escalation targets" section shows how.'
    )


def start_escalation(screen: Screen[Any], ticket_id: str, thread: TicketThread | None = None) -> None:
    """Open the escalation of `ticket_id` (its loaded `thread`, if the caller has it) over `screen`."""
    app = cast("FrontlineApp", screen.app)
    escalations = app.session.escalations
    if escalations is None or not escalations.targets:
        app.notify(
            no_targets_message(app.session.profile_name),
            title="Nowhere to escalate",
            severity="warning",
            timeout=12,
            markup=False,
        )
        return
    if app.escalation_writes.in_flight(ticket_id):
        app.notify("This ticket is being escalated now: wait for it to finish.", timeout=5)
        return
    screen.run_worker(
        _open(app, escalations, ticket_id, thread), group=OPEN_GROUP, exclusive=True, exit_on_error=False
    )


async def _open(
    app: FrontlineApp, escalations: Escalations, ticket_id: str, thread: TicketThread | None
) -> None:
    if thread is None or thread.ticket.id != ticket_id:
        try:
            thread = await app.desk.open_ticket(ticket_id)
        except FrontlineError as error:
            app.report_error(error)
            return
    try:
        records = escalations.repository.for_ticket(escalations.profile, ticket_id)
        draft = escalations.repository.load_form(escalations.profile, ticket_id)
    except FrontlineError as error:
        app.notify(error.message, title=error.title, severity="warning", timeout=8, markup=False)
        records, draft = [], None
    done = [r for r in records if r.state == "done" and r.bug_key is not None]
    if done:
        record = _preferred(done, escalations)
        target = _target_named(escalations, record.target)
        bug = record.bug()
        if target is not None and bug is not None:
            app.push_screen(ExistingBugScreen(thread, escalations, target, bug, recorded=True))
            return
    target = escalations.target()
    notice = ""
    unfinished = [r for r in records if r.state != "done" and _target_named(escalations, r.target)]
    if unfinished:
        record = unfinished[-1]
        target = _target_named(escalations, record.target) or target
        notice = _unfinished_notice(record)
    else:
        try:
            existing = await escalations.existing(thread, target)
        except FrontlineError as error:
            existing = None
            notice = (
                f"Could not ask {target.name} whether this ticket already has a bug: "
                f"{one_line(error.message)} Filing looks again first: it never files a second one."
            )
        if existing is not None:
            app.push_screen(ExistingBugScreen(thread, escalations, target, existing, recorded=False))
            return
    fields = None
    if draft is not None:
        target = _target_named(escalations, draft[0]) or target
        fields = draft[1]
        notice = " ".join(filter(None, ["Your draft of this escalation is back.", notice]))
    app.push_screen(EscalationScreen(thread, escalations, target=target, fields=fields, notice=notice))


def _preferred(records: list[EscalationRecord], escalations: Escalations) -> EscalationRecord:
    """The record in the default target when there is one, else the latest."""
    default = escalations.target().name
    return next((r for r in records if r.target == default), records[-1])


def _target_named(escalations: Escalations, name: str) -> Target | None:
    return next((t for t in escalations.targets if t.name == name), None)


def _unfinished_notice(record: EscalationRecord) -> str:
    if record.bug_key is not None:
        return (
            f"{one_line(record.bug_key)} is already in {one_line(record.target)}, but linking it to the "
            "ticket did not finish: ctrl+s finishes it and files nothing new."
        )
    return (
        f"An earlier attempt may have filed this in {one_line(record.target)} without an answer: ctrl+s "
        "looks for that bug first and never files a second one."
    )

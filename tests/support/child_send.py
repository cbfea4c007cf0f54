"""A frontline process that sends one reply and is killed (SIGKILL) by the test before it hears back.

    python child_send.py KIND BASE_URL EMAIL TOKEN TICKET TEXT [--hold-before-send]

It runs with the test's environment (its `FRONTLINE_DATA_DIR`) and builds the same session as `frontline
demo`: the real connector over HTTP and the SQLite drafts and outbox under the data dir. It saves TEXT as
the ticket's draft and sends it through the desk, as the console does. Just before the request leaves
(the outbox has recorded it) it prints `sending`; with `--hold-before-send` it prints `holding` instead and
waits there forever, so a kill lands between the outbox record and the request.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from frontline.bootstrap import build_session
from frontline.config import HelpdeskSettings
from frontline.domain.drafts import Draft
from frontline.domain.models import CommentDraft, Ticket, TicketUpdate


def say(word: str) -> None:
    print(word, flush=True)


async def send(args: argparse.Namespace) -> None:
    settings = HelpdeskSettings.model_validate(
        {"kind": args.kind, "base_url": args.base_url, "email": args.email}
    )
    session = build_session(f"demo-{args.kind}", settings, args.token)
    await session.desk.connect()
    drafts = session.drafts
    assert drafts is not None, session.store_error
    draft = Draft(
        profile=session.profile_name,
        ticket_id=args.ticket,
        body=args.text,
        public=True,
        saved_at=datetime.now(UTC),
    )
    drafts.put(draft)
    helpdesk = session.helpdesk
    update_ticket = helpdesk.update_ticket

    async def announced(ticket_id: str, update: TicketUpdate) -> Ticket:
        if args.hold_before_send:
            say("holding")
            await asyncio.Event().wait()
        say("sending")
        return await update_ticket(ticket_id, update)

    helpdesk.update_ticket = announced  # type: ignore[method-assign]
    update = TicketUpdate(comment=CommentDraft(body=args.text, public=True))
    await session.desk.submit(args.ticket, update, draft=draft)
    say("answered")  # the test kills this process before it gets here
    await session.aclose()


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("kind", "base_url", "email", "token", "ticket", "text"):
        parser.add_argument(name)
    parser.add_argument("--hold-before-send", action="store_true")
    asyncio.run(send(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A frontline process that escalates one ticket and is killed (SIGKILL) by the test before it finishes.

    python child_escalate.py PROFILE_JSON TOKEN TICKET TARGET

PROFILE_JSON holds the profile's `helpdesk` and `escalation` sections (as `EscalationProbe.profile`
builds them). It runs with the test's environment (its `FRONTLINE_DATA_DIR`) and builds the session the
way the console does: the real connectors over HTTP, the SQLite escalation records and outbox under the
data dir. It prints `escalating` just before the escalation starts and `escalated KEY` if it ever ends
(the test kills it first, once the sandbox's request log shows the request it waits for).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from frontline.bootstrap import build_session
from frontline.config import ProfileSettings
from frontline.domain.escalation import EscalationFields


def say(line: str) -> None:
    print(line, flush=True)


async def escalate(args: argparse.Namespace) -> None:
    profile = ProfileSettings.model_validate(json.loads(args.profile))
    session = build_session(
        f"demo-{profile.helpdesk.kind}",
        profile.helpdesk,
        args.token,
        escalation=profile.escalation,
        tracker_token=lambda entry: args.token,
    )
    escalations = session.escalations
    assert escalations is not None
    fields = EscalationFields(steps="1. Open the invoices page", expected="It loads", actual="It times out")
    say("escalating")
    result = await escalations.escalate(args.ticket, fields, target_name=args.target)
    say(f"escalated {result.bug.key}")
    await session.aclose()


def main() -> int:
    parser = argparse.ArgumentParser()
    for name in ("profile", "token", "ticket", "target"):
        parser.add_argument(name)
    asyncio.run(escalate(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

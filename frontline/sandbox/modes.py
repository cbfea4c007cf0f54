"""The hard parts of a real account that a sandbox run can switch on, per system (`--jsm-mode ...`).

The default sandbox is the friendly case: every queue shows every column, every desk takes the agent as
an agent, names are English. Real sites are not all like that; each mode here makes one system behave like
one kind of real site, for the whole run. Free of Starlette: `frontline sandbox --help` reads it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

JSM_MODES: dict[str, str] = {
    "sparse-queues": "queues show only some columns (issue type, key, summary, created, reporter, due "
    "date): rows carry no status, priority, updated time or SLA",
    "customer-desk": "a third desk (HR) where the agent is only a customer: its queues answer 403, its "
    "requests 404 and their comment lists are empty",
    "localized": "status and transition names in German, as the agent's language setting shows them; "
    "GET /rest/api/3/status keeps each status's English untranslatedName",
    "resolution-screen": "'Resolve this issue' has a screen with a required Resolution (offered in the "
    "order Won't Do, Duplicate, Done, ...): without one, Jira answers 400",
    "escalate": "an 'Escalate' transition to 'Escalated' (an in-progress status), listed first and "
    "available from every status",
    "priority-scheme": "project SUP has its own priority scheme (P1 - Critical, P2 - Major, "
    "P3 - Standard, P4 - Minor) and refuses the default names",
}
"""JSM mode -> what it changes."""

ZENDESK_MODES: dict[str, str] = {
    "custom-statuses": "the account has custom ticket statuses (GET /api/v2/custom_statuses): tickets "
    "carry custom_status_id, many in 'Waiting on engineering', 'In progress', 'Waiting on customer' ...; "
    "a write with a bare status sets that category's default status, even within the same category",
    "no-view-sideloads": "views/{id}/tickets ignores include=: no users, organizations, groups or slas "
    "(tickets/show_many still sideloads them)",
    "inline-images": "some comments show pasted screenshots (<img> in html_body), listed as attachments "
    "with inline: true only with include_inline_images=true; some show images hosted elsewhere",
    "unverified-senders": "some comments carry metadata.flags: a colleague's forwarded email added as a "
    "private note (flag 2, not part of the conversation), web forms sent without signing in (flag 3)",
    "markdown": "a comment's Markdown body is rendered as Zendesk does: html_body formatted, plain_body "
    "its text ('**Fixed** in [v2](...)' reads 'Fixed in v2'), body kept as sent",
    "redirects": "the configured address is a vanity domain: every /api/v2 request answers 301 to "
    "https://acme.zendesk.com/... (not part of all: it makes the account unusable, as it should)",
}
"""Zendesk mode -> what it changes. In every mode, as on every account, closed tickets refuse updates
(422 "Status: closed prevents ticket update") and POST /api/v2/tickets with via_followup_source_id opens
a follow-up."""

MODES: dict[str, dict[str, str]] = {"jsm": JSM_MODES, "zendesk": ZENDESK_MODES}
"""System name -> its modes."""

NOT_IN_ALL = frozenset({"redirects"})
"""Modes `all` leaves out: they stop every request rather than make one part hard."""


def parse_modes(system: str, raw: str | Iterable[str] | None) -> frozenset[str]:
    """The modes named in `raw` (comma-separated or a list; `all` for every one) for `system`.

    Raises:
        ValueError: a mode the system does not have (the message lists the ones it has).
    """
    if raw is None:
        return frozenset()
    names = raw.split(",") if isinstance(raw, str) else list(raw)
    wanted = {name.strip() for name in names if name and name.strip()}
    known = MODES.get(system, {})
    if "all" in wanted:
        wanted = (wanted - {"all"}) | (set(known) - NOT_IN_ALL)
    unknown = sorted(wanted - set(known))
    if unknown:
        offered = ", ".join(known) or "none"
        raise ValueError(f"{system} has no mode {', '.join(unknown)} (modes: {offered}, all)")
    return frozenset(wanted)


def modes_help() -> str:
    """The modes of every system, for `frontline sandbox --help`."""
    lines: list[str] = []
    for system, modes in MODES.items():
        lines.append(f"  --{system}-mode MODE[,MODE...] (or all):")
        for name, what in modes.items():
            lines += textwrap.wrap(
                what, width=106, initial_indent=f"    {name:<18} ", subsequent_indent=" " * 23
            )
    return "\n".join(lines)

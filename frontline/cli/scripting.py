"""The contract of the scriptable commands (`queue`, `show`, `reply`, `escalate`, `shift`, `handoff`,
`login`, `doctor`).

`--json` help points here, so this is where the schema is written down; the commands themselves live in
`frontline.cli.queue`, `.show`, `.reply`, `.escalate`, `.login` and `.doctor`, the shapes in
`frontline.cli.output`.

Every command takes `--profile NAME` (else `FRONTLINE_PROFILE`, the config's `profile`, or the only one).
Errors go to stderr as a short message, never a traceback. Exit codes (`frontline.cli.errors.ExitCode`):
0 success, 1 the helpdesk or tracker failed (unreachable, rejected, not found, conflict; for `reply`: it did
not land, sending again is safe), 2 a configuration, credentials or input problem (for `escalate`: also an
unknown `--target`, and no terminal to confirm on without `--yes`), 3 partly applied (`reply`: the comment
landed, a field change did not: do not send the comment again; `escalate`: the bug is filed, linking it to
the ticket failed: run it again to finish), 4 outcome unknown (`reply`: it is kept in the outbox and checked
before the next write to that ticket: do not send it again; `escalate`: the tracker's answer to the create
was lost and the bug cannot be found yet: run it again later, it looks before filing), 130 interrupted.

`escalate` files nothing twice: a ticket that already has a bug in the target prints that bug with
`"created": false`. Without `--yes` it previews the report and asks on the terminal.

JSON output (`--json`) is stable: keys are only ever added, never renamed or removed. Times are ISO 8601
with a UTC offset; text fields are verbatim from the helpdesk (control characters arrive JSON-escaped).

    person        = {"id": str, "name": str, "email": str | null}
    organization  = {"id": str, "name": str}
    ticket        = {"id": str, "key": str, "subject": str,
                     "status": str,            # new | open | pending | hold | solved | closed
                     "status_label": str | null,   # the account's own status ("Waiting on engineering",
                                               # a Zendesk custom status) when it says more than `status`
                     "priority": str | null,   # urgent | high | normal | low
                     "requester": person | null, "assignee": person | null,
                     "organization": organization | null, "tags": [str],
                     "sla_due_at": time | null, "sla_paused": bool,
                     "created_at": time | null, "updated_at": time | null,   # null: not sent by the helpdesk
                     "url": str | null,
                     "linked_bug": str | null,  # the helpdesk's link, else the first of linked_bugs
                     "linked_bugs": [linked_bug]}
    linked_bug    = {"key": str,               # ENG-42 (Jira) | owner/repo#17 (GitHub)
                     "url": str | null, "status": str | null,   # null: a key only cited in a tag or note
                     "tracker": str}           # the escalation target's name in the profile
    comment       = {"id": str, "author": person | null, "public": bool,
                     "created_at": time | null, "body": str,
                     "attachments": [{"id": str, "file_name": str, "content_type": str | null,
                                      "size": int | null, "url": str | null,
                                      "inline": bool}],   # true: an image shown inside the text
                     "warnings": [str]}        # what the helpdesk flagged: "unverified sender", ...

    frontline queue --json  -> {"view": {"id": str, "title": str}, "tickets": [ticket],
                                "warnings": [str]}   # what the listing left out (a desk without agent rights)
    frontline show --json   -> {"ticket": ticket, "comments": [comment]}    (oldest comment first)
    frontline reply --json  -> {"ticket": ticket, "comment": {"public": bool}} (the ticket after the write)
    frontline reply --follow-up --json -> {"ticket": ticket,   # the new follow-up ticket
                                           "comment": {"public": bool}, "followup_to": str}
    frontline escalate --json -> {"bug": {"key": str, "url": str, "status": str | null, "tracker": str,
                                          "title": str},
                                  "created": bool,   # false: the bug already existed, nothing was filed
                                  "ticket": ticket}  # the ticket after the note and tags naming the bug

`linked_bugs` lists the bugs frontline filed or linked for the ticket (its local records, oldest first; `show`
reads their current status from the trackers first, the others show the last seen one), then bug keys of
the profile's Jira targets cited in the ticket's tags and (except in `queue`) internal notes.

The shift (`frontline.cli.shift`) and its handoff (`frontline.cli.handoff`; the shapes are
`frontline.domain.handoff.Handoff.as_json`). `handoff --publish NAME` exits 4 when Slack did not confirm
the post (a webhook cannot be read back: check the channel, then `--again`); posting twice otherwise
publishes once.

    frontline shift status --json -> {"shift": {"id", "started_at", "ended_at": time | null, "engineer",
                                                "started_by": "command" | "auto"} | null,
                                      "lines": [{"at": time, "kind": str, "ticket": str | null,
                                                 "subject": str, "what": str}]}
    handoff_ticket = {"id", "key", "subject", "status", "url": str | null, "priority": str | null,
                      "actions": [str]?, "sla_due_at": time?, "sla_breached": bool?,
                      "customer_replied_at": time?, "readable": false?}
    frontline handoff --format json -> {
        "shift": {"started_at", "ended_at": time | null, "engineer", "profile", "helpdesk", "as_of"},
        "counts": {"touched", "replied", "noted", "solved", "escalated"},   # tickets, not actions
        "touched": [handoff_ticket],
        "escalations": [{"ticket", "key", "url", "status", "title", "subject", "ticket_url", "created",
                         "tracker"}],
        "waiting": {"customer": [handoff_ticket], "us": [handoff_ticket], "engineering": [handoff_ticket]},
        "sla_at_risk": [handoff_ticket], "sla_horizon_hours": float,
        "customer_replied": [handoff_ticket],
        "notes": [handoff_ticket + {"text", "at"}],
        "pending": [handoff_ticket],      # writes not confirmed yet (queued, or their answer lost)
        "unreadable": [handoff_ticket],   # could not be read: status "unknown", what the journal knows
        "ref": str, "warnings": [str]}
"""

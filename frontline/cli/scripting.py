"""The contract of the scriptable commands (`queue`, `show`, `reply`, `login`, `doctor`) for scripts.

`--json` help points here, so this is where the schema is written down; the commands themselves live in
`frontline.cli.queue`, `.show`, `.reply`, `.login` and `.doctor`, the shapes in `frontline.cli.output`.

Every command takes `--profile NAME` (else `FRONTLINE_PROFILE`, the config's `profile`, or the only one).
Errors go to stderr as a short message, never a traceback. Exit codes (`frontline.cli.errors.ExitCode`):
0 success, 1 the helpdesk failed (unreachable, rejected, not found, conflict; for `reply`: it did not land,
sending again is safe), 2 a configuration, credentials or input problem, 3 `reply` partly applied (the
comment landed, a field change did not: do not send the comment again), 4 `reply` outcome unknown (it is
kept in the outbox and checked before the next write to that ticket: do not send it again), 130 interrupted.

JSON output (`--json`) is stable: keys are only ever added, never renamed or removed. Times are ISO 8601
with a UTC offset; text fields are verbatim from the helpdesk (control characters arrive JSON-escaped).

    person        = {"id": str, "name": str, "email": str | null}
    organization  = {"id": str, "name": str}
    ticket        = {"id": str, "key": str, "subject": str,
                     "status": str,            # new | open | pending | hold | solved | closed
                     "priority": str | null,   # urgent | high | normal | low
                     "requester": person | null, "assignee": person | null,
                     "organization": organization | null, "tags": [str],
                     "sla_due_at": time | null, "sla_paused": bool,
                     "created_at": time, "updated_at": time, "url": str | null, "linked_bug": str | null}
    comment       = {"id": str, "author": person | null, "public": bool, "created_at": time, "body": str,
                     "attachments": [{"id": str, "file_name": str, "content_type": str | null,
                                      "size": int | null, "url": str | null}]}

    frontline queue --json  -> {"view": {"id": str, "title": str}, "tickets": [ticket]}
    frontline show --json   -> {"ticket": ticket, "comments": [comment]}    (oldest comment first)
    frontline reply --json  -> {"ticket": ticket, "comment": {"public": bool}} (the ticket after the write)
"""

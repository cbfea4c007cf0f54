"""`frontline sandbox`: run the fake vendor servers in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TextIO

from frontline.sandbox.context import (
    CONTROL_PREFIX,
    SANDBOX_EMAIL,
    SANDBOX_OAUTH_CLIENT_ID,
    SANDBOX_SCOPED_TOKEN,
    SANDBOX_TOKEN,
    site_cloud_id,
)
from frontline.sandbox.modes import modes_help, parse_modes

DESCRIPTION = """\
Run the sandbox: fake Zendesk Support, Jira Service Management, Jira and GitHub servers, and a Slack
incoming webhook, on loopback.

Each system gets its own base URL and serves the vendor's real paths and JSON shapes, seeded with
realistic, deterministic data (several views/queues, SLA states, long threads, internal notes and a few
hostile records). Any client that speaks the vendor API (curl, the vendors' docs, frontline itself)
works against it unchanged. State changes last as long as the process."""

EPILOG = f"""\
credentials (every system):
  email {SANDBOX_EMAIL}   token {SANDBOX_TOKEN}
  Zendesk: basic auth "{SANDBOX_EMAIL}/token:{SANDBOX_TOKEN}" or "Authorization: Bearer {SANDBOX_TOKEN}"
  Zendesk OAuth: public client "{SANDBOX_OAUTH_CLIENT_ID}", authorization code + PKCE (S256); the sign-in
    page GET /oauth/authorizations/new approves at once and redirects to redirect_uri (https, or http on
    127.0.0.1/localhost); POST /oauth/tokens exchanges the code and refreshes (rotating both tokens)
  Jira/JSM: the classic token on BASE/rest/...; the scoped token "{SANDBOX_SCOPED_TOKEN}" (basic auth
    "{SANDBOX_EMAIL}:{SANDBOX_SCOPED_TOKEN}") only through the gateway face BASE/ex/jira/CLOUD_ID/rest/...
    (gateway_url = BASE); GET BASE/_edge/tenant_info gives the cloudId, always
    jsm {site_cloud_id("jsm")}, jira {site_cloud_id("jira")}
  Slack: the webhook URL is the credential: http://127.0.0.1:PORT/services/T0SANDBOX/B0HANDOFF/{SANDBOX_TOKEN}

try it:
  curl -u {SANDBOX_EMAIL}/token:{SANDBOX_TOKEN} http://127.0.0.1:PORT/api/v2/views
  curl -g -u {SANDBOX_EMAIL}/token:{SANDBOX_TOKEN} 'http://127.0.0.1:PORT/api/v2/views/360001/tickets?page[size]=25'

point a profile at it (config.toml):
  [profiles.sandbox.helpdesk]
  kind = "zendesk"
  base_url = "http://127.0.0.1:PORT"
  email = "{SANDBOX_EMAIL}"
  token_env = "SANDBOX_TOKEN"        # and export SANDBOX_TOKEN={SANDBOX_TOKEN}

control endpoint ({CONTROL_PREFIX} on every base URL, no auth; no vendor uses it):
  GET/POST/DELETE {CONTROL_PREFIX}/faults      read / set {{"spec": "..."}} / clear the fault plan
  GET/DELETE      {CONTROL_PREFIX}/requests    what the server received (?method=PUT&path=/api/v2/tickets/*)
  POST            {CONTROL_PREFIX}/reset       back to the seeded state, no faults
  POST            {CONTROL_PREFIX}/expire-token  revoke the token ({{"new_token": "..."}} to rotate)
  Zendesk also:   GET {CONTROL_PREFIX}/tickets/ID, POST .../tickets/ID/touch,
                  POST .../tickets/ID/customer-reply, GET/POST {CONTROL_PREFIX}/rate-limit {{"limit": N}},
                  GET {CONTROL_PREFIX}/oauth/state, POST .../oauth/access-ttl {{"seconds": 1}},
                  POST .../oauth/expire-access-tokens, POST .../oauth/expire-refresh-tokens
  Jira/JSM also:  GET/POST {CONTROL_PREFIX}/atlassian/scoped-token {{"token": "..."}} (a new scoped token)
  Slack also:     GET/DELETE {CONTROL_PREFIX}/slack/posts (what the channel received),
                  POST .../slack/archive (410 from then on; {{"archived": false}} undoes),
                  GET/POST/DELETE .../slack/errors {{"error": "rollup_error", "count": 1}} (next answers)

faults (--faults, comma-separated rules, MODE[:key=value]...):
  latency:ms=200:jitter=50       add delay          429:retry_after=2     rate limited
  5xx[:status=503]               server error       reset                 connection reset, no answer
  timeout[:seconds=30]           hang, then close   malformed             truncated JSON body
  drop_after_commit              apply the write, then cut the connection before answering
  token_expiry                   from then on the current token gets the vendor's 401
  every rule: rate=P (probability) or count=N (next N), after=N (skip N first), method=PUT|POST,
  path=/api/v2/tickets/* (glob). Deterministic for a given --seed.
  example: --faults "429:rate=0.1:retry_after=2,latency:ms=200:jitter=50,drop_after_commit:count=1:method=PUT"

modes (the hard parts of real accounts, switched on for the whole run; default: none):
{modes_help()}
  example: --jsm-mode sparse-queues,localized   or   --jsm-mode all
           --zendesk-mode custom-statuses,markdown   or   --zendesk-mode all
  Zendesk in every mode, as on every account: a closed ticket refuses updates (422 "Status: closed
  prevents ticket update"); POST /api/v2/tickets with via_followup_source_id opens a follow-up to it.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=1, help="seed for data and fault dice (default 1)")
    parser.add_argument(
        "--tickets", type=int, default=200, help="tickets per helpdesk (default 200; 50000 is fine)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="first port; systems get PORT, PORT+1, ... (default: free ports)"
    )
    parser.add_argument("--faults", default=None, help="fault plan applied from the start (see below)")
    parser.add_argument(
        "--systems",
        default="zendesk,jsm,jira,github,slack",
        help="comma-separated systems to serve (default zendesk,jsm,jira,github,slack)",
    )
    parser.add_argument(
        "--jsm-mode",
        default=None,
        metavar="MODES",
        help="Jira Service Management modes, comma-separated, or all (see below)",
    )
    parser.add_argument(
        "--zendesk-mode",
        default=None,
        metavar="MODES",
        help="Zendesk Support modes, comma-separated, or all (see below)",
    )


def run(args: argparse.Namespace, *, stop: threading.Event | None = None, out: TextIO | None = None) -> int:
    """Serve until Ctrl-C (or until `stop` is set, for tests). Returns the exit status."""
    from frontline.sandbox.faults import FaultSpecError, parse_rules
    from frontline.sandbox.server import SandboxServer

    out = out or sys.stdout
    systems = [name.strip() for name in str(args.systems).split(",") if name.strip()]
    try:
        parse_rules(args.faults)
    except FaultSpecError as exc:
        print(f"frontline sandbox: bad --faults: {exc}", file=sys.stderr)
        return 2
    modes: dict[str, str] = {}
    for system in ("jsm", "zendesk"):
        mode = getattr(args, f"{system}_mode", None)
        try:
            parse_modes(system, mode)
        except ValueError as exc:
            print(f"frontline sandbox: bad --{system}-mode: {exc}", file=sys.stderr)
            return 2
        if mode:
            modes[system] = mode
    server = SandboxServer(
        seed=args.seed,
        tickets=args.tickets,
        host=args.host,
        port=args.port,
        systems=systems,
        faults=args.faults,
        modes=modes,
    )
    for name, reason in server.skipped.items():
        print(f"frontline sandbox: skipping {name}: {reason}", file=sys.stderr)
    if not server.systems:
        print("frontline sandbox: no system to serve", file=sys.stderr)
        return 2
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        print(f"frontline sandbox: could not start: {exc}", file=sys.stderr)
        return 1
    try:
        width = max(len(server.system(name).title) for name in server.systems)
        print(f"frontline sandbox (seed {args.seed}, {args.tickets} tickets per helpdesk)", file=out)
        for name in server.systems:
            print(f"  {server.system(name).title:<{width}}  {server.urls[name]}", file=out)
        print(f"  credentials: email {server.email}  token {server.token}", file=out)
        if "zendesk" in server.urls:
            print(
                f"  try: curl -u {server.email}/token:{server.token} {server.urls['zendesk']}/api/v2/views",
                file=out,
            )
            print(
                f"  zendesk oauth: client_id {SANDBOX_OAUTH_CLIENT_ID} (public, PKCE S256),"
                " redirect_uri https://... or http://127.0.0.1|localhost:PORT/...",
                file=out,
            )
        for name in ("jsm", "jira"):
            if name in server.urls:
                print(
                    f"  {name} scoped token {SANDBOX_SCOPED_TOKEN} via gateway_url {server.urls[name]}"
                    f" (cloudId {site_cloud_id(name)})",
                    file=out,
                )
        if "slack" in server.urls:
            from frontline.sandbox.slack import webhook_path

            print(f"  slack webhook: {server.urls['slack']}{webhook_path(server.token)}", file=out)
        if args.faults:
            print(f"  faults: {args.faults}", file=out)
        for system, mode in modes.items():
            if system in server.urls:
                print(f"  {system} modes: {', '.join(sorted(parse_modes(system, mode)))}", file=out)
        print("Press Ctrl-C to stop.", file=out, flush=True)
        waiter = stop or threading.Event()
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("\nstopping", file=out)
    finally:
        server.stop()
    return 0

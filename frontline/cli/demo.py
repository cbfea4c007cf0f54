"""`frontline demo`: the console on the embedded sandbox, with no account, config or network."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from frontline.bootstrap import Session
    from frontline.config import Settings
    from frontline.sandbox.server import SandboxServer

TRACKERS = ("jira", "github")
HANDOFF_SYSTEMS = ("slack",)


class _HelpdeskKinds:
    """The `--helpdesk` choices, read from the connector registry only when argparse shows or checks them.

    The registry loads every connector's settings model (pydantic), which `frontline --help` must not.
    """

    def _kinds(self) -> tuple[str, ...]:
        from frontline.connectors.registry import HELPDESK_KINDS

        return HELPDESK_KINDS

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds())

    def __contains__(self, kind: object) -> bool:
        return kind in self._kinds()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    helpdesk = parser.add_argument("--helpdesk", default="zendesk", help="which helpdesk to show")
    # Set after add_argument, which formats the choices (and so would read the registry) straight away.
    helpdesk.choices = _HelpdeskKinds()
    parser.add_argument("--tickets", type=int, default=300, help="how many tickets to seed (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated data (default 1)")
    parser.add_argument(
        "--faults", default=None, help="inject faults, same syntax as `frontline sandbox --faults`"
    )


def run(args: argparse.Namespace) -> int:
    return run_demo(helpdesk=args.helpdesk, tickets=args.tickets, seed=args.seed, faults=args.faults)


def run_demo(
    *, helpdesk: str = "zendesk", tickets: int = 300, seed: int = 1, faults: str | None = None
) -> int:
    """Start the sandbox in a background thread, open the app on it, and stop the sandbox on exit.

    The user's settings still apply (theme, keymap, refresh interval); their profiles are not used.
    Drafts are kept under the profile name `demo-<helpdesk>`, so they survive a restart of the demo.
    """
    from frontline.allocator import return_freed_memory
    from frontline.config import load_settings

    return_freed_memory()  # before the sandbox's thread starts: see `frontline.allocator`
    settings = load_settings()
    from frontline.sandbox.server import SandboxServer

    server = SandboxServer(
        seed=seed, tickets=tickets, systems=(helpdesk, *TRACKERS, *HANDOFF_SYSTEMS), faults=faults
    )
    server.start()
    try:
        session = demo_session(server, helpdesk, settings)
        from frontline.ui.app import FrontlineApp

        FrontlineApp(session).run()
    finally:
        server.stop()
    return 0


def demo_session(server: SandboxServer, helpdesk: str, settings: Settings | None = None) -> Session:
    """A session on the running sandbox's `helpdesk`, with the demo's own profile name, escalating to the
    sandbox's trackers that are running (Jira project `ENG`, GitHub repository `acme/app`), and publishing
    handoffs to the sandbox's Slack channel and Jira issue `ENG-1` when they run."""
    from frontline.bootstrap import build_session
    from frontline.config import ProfileSettings
    from frontline.sandbox.slack import webhook_path as slack_webhook_path

    # Validated like a profile's sections: `helpdesk` is a plain string from the command line.
    profile = ProfileSettings.model_validate(
        {
            # The sandbox token, as an API token: the demo needs no browser sign-in.
            "helpdesk": {
                "kind": helpdesk,
                "auth": "api_token",
                "base_url": server.urls[helpdesk],
                "email": server.email,
            },
            "escalation": demo_targets(server, helpdesk),
            "handoff": {"destinations": demo_destinations(server)},
        }
    )
    return build_session(
        f"demo-{helpdesk}",
        profile.helpdesk,
        server.token,
        settings=settings,
        escalation=profile.escalation,
        tracker_token=lambda entry: server.token,
        handoff=profile.handoff,
        webhook_url=lambda destination: server.urls["slack"] + slack_webhook_path(server.token),
    )


def demo_targets(server: SandboxServer, helpdesk: str) -> list[dict[str, object]]:
    """The demo profile's escalation entries, for the sandbox trackers that are served.

    GitHub's `acme/app` is the seeded repository where the sandbox token has push access (labels stick).
    """
    labels = [f"from-{helpdesk}"]
    entries: dict[str, dict[str, object]] = {
        "jira": {"name": "eng", "kind": "jira", "project": "ENG", "email": server.email, "labels": labels},
        "github": {"name": "app", "kind": "github", "project": "acme/app", "labels": labels},
    }
    return [
        {**entry, "base_url": server.urls[kind]} for kind, entry in entries.items() if kind in server.urls
    ]


def demo_destinations(server: SandboxServer) -> list[dict[str, object]]:
    """Where the demo's handoff can be published: the sandbox's Slack channel and a Jira issue."""
    destinations: list[dict[str, object]] = []
    if "slack" in server.urls:
        destinations.append({"name": "team-slack", "kind": "slack"})
    if "jira" in server.urls:
        destinations.append({"name": "eng-jira", "kind": "jira", "issue": "ENG-1", "target": "eng"})
    return destinations

"""`frontline demo`: the console on the embedded sandbox, with no account, config or network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from frontline.bootstrap import Session, build_session
from frontline.config import HelpdeskSettings, Settings, load_settings

if TYPE_CHECKING:
    from frontline.sandbox.server import SandboxServer

TRACKERS = ("jira", "github")


def run_demo(
    *, helpdesk: str = "zendesk", tickets: int = 300, seed: int = 1, faults: str | None = None
) -> int:
    """Start the sandbox in a background thread, open the app on it, and stop the sandbox on exit.

    The user's settings still apply (theme, keymap, refresh interval); their profiles are not used.
    Drafts are kept under the profile name `demo-<helpdesk>`, so they survive a restart of the demo.
    """
    settings = load_settings()
    from frontline.sandbox.server import SandboxServer

    server = SandboxServer(seed=seed, tickets=tickets, systems=(helpdesk, *TRACKERS), faults=faults)
    server.start()
    try:
        session = demo_session(server, helpdesk, settings)
        from frontline.ui.app import FrontlineApp

        FrontlineApp(session).run()
    finally:
        server.stop()
    return 0


def demo_session(server: SandboxServer, helpdesk: str, settings: Settings | None = None) -> Session:
    """A session on the running sandbox's `helpdesk`, with the demo's own profile name."""
    section = HelpdeskSettings(kind=helpdesk, base_url=server.urls[helpdesk], email=server.email)
    return build_session(f"demo-{helpdesk}", section, server.token, settings=settings)

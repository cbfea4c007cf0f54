"""`frontline demo`: the console on the embedded sandbox, with no account, config or network."""

from __future__ import annotations

from frontline.config import load_settings
from frontline.domain.desk import Desk

TRACKERS = ("jira", "github")


def run_demo(
    *, helpdesk: str = "zendesk", tickets: int = 300, seed: int = 1, faults: str | None = None
) -> int:
    """Start the sandbox in a background thread, open the app on it, and stop the sandbox on exit.

    The user's settings still apply (theme, keymap, refresh interval); their profiles are not used.
    Drafts are kept under the profile name `demo-<helpdesk>`, so they survive a restart of the demo.
    """
    settings = load_settings()
    from frontline.adapters.registry import build_helpdesk
    from frontline.sandbox.server import SandboxServer

    server = SandboxServer(seed=seed, tickets=tickets, systems=(helpdesk, *TRACKERS), faults=faults)
    server.start()
    try:
        adapter = build_helpdesk(
            helpdesk, base_url=server.urls[helpdesk], email=server.email, token=server.token
        )
        desk = Desk(adapter, profile_name=f"demo-{helpdesk}")
        from frontline.ui.app import FrontlineApp

        FrontlineApp(desk, settings).run()
    finally:
        server.stop()
    return 0

"""`frontline` with no subcommand: the console on the active profile's real helpdesk."""

from __future__ import annotations

from frontline import locations
from frontline.config import load_settings
from frontline.errors import ConfigError


def run_console(*, profile: str | None = None) -> int:
    """Resolve the profile and its token before the UI starts, so problems print as plain messages."""
    settings = load_settings()
    name = settings.active_profile_name(profile)
    if name is None:
        raise ConfigError(
            "No profile is configured yet.\n"
            "Try the sandbox first: `frontline demo`.\n"
            "To connect a real helpdesk, add a [profiles.NAME.helpdesk] section to\n"
            f"{locations.config_file()} (see the README), then run `frontline login NAME`."
        )
    from frontline.bootstrap import open_session

    session = open_session(settings, name)
    from frontline.ui.app import FrontlineApp

    FrontlineApp(session).run()
    return 0

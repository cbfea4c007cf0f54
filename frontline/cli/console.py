"""`frontline` with no subcommand: the console on the active profile's real helpdesk."""

from __future__ import annotations

import gc

from frontline import locations
from frontline.allocator import return_freed_memory
from frontline.config import load_settings
from frontline.errors import ConfigError


def run_console(*, profile: str | None = None) -> int:
    """Resolve the profile before the UI starts, so problems print as plain messages.

    The helpdesk's token is read just after the queue first paints (from the local cache, on a warm start):
    a missing one closes the console and prints the same message, with the same exit code, as a bad profile.
    The cached queue is read meanwhile, while Textual and the screens are imported.

    The cyclic garbage collector is paused until the first screen has painted: the start allocates some
    hundreds of thousands of long-lived objects (modules, classes, the widget tree) and nothing cyclic
    to free, and the collections it would trigger meanwhile cost ~50 ms of the start. Freed memory goes
    back to the system (`allocator`), set before the first thread starts.
    """
    return_freed_memory()
    gc.disable()
    try:
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

        session = open_session(settings, name, sign_in_later=True)
        session.cache.read_queue_early()  # in a thread, while the UI's modules load
        from frontline.ui.app import FrontlineApp

        app = FrontlineApp(session, after_first_paint=gc.enable)
        app.run()
    finally:
        gc.enable()
    if app.startup_error is not None:
        raise app.startup_error
    return 0

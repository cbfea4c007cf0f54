"""`frontline login PROFILE`: prompt for an API token (hidden) and keep it in the system keyring."""

from __future__ import annotations

import argparse
import getpass
from typing import TYPE_CHECKING, TextIO

from frontline.cli.common import add_profile_argument, print_text, profile_name
from frontline.cli.errors import ExitCode, guard
from frontline.errors import ConfigError, CredentialsError

if TYPE_CHECKING:
    from frontline.config import TrackerSettings
    from frontline.connectors.spec import Role


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("name", nargs="?", metavar="PROFILE", help="the profile (default: --profile)")
    # No default here: it is `credentials.HELPDESK`, and importing that module loads the keyring.
    parser.add_argument("--system", help="helpdesk (default) or a tracker kind of the profile: jira, github")
    parser.add_argument("--delete", action="store_true", help="remove the stored token instead")


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Store (or with `--delete` remove) the token; without a keyring, explain the environment fallback."""
    from frontline.config import load_settings
    from frontline.connectors.registry import connector
    from frontline.credentials import HELPDESK, delete_token, keyring_status, set_token

    def work() -> int:
        settings = load_settings()
        name = profile_name(settings, args.name or getattr(args, "profile", None))
        profile = settings.get_profile(name)
        system = HELPDESK if args.system is None else args.system.strip().lower()
        trackers: dict[str, TrackerSettings] = {tracker.kind: tracker for tracker in profile.escalation}
        if system != HELPDESK and system not in trackers:
            known = ", ".join([HELPDESK, *trackers])
            raise ConfigError(f"Profile {name!r} has no system {system!r} (it has: {known}).")
        target = profile.helpdesk if system == HELPDESK else trackers[system]
        role: Role = "helpdesk" if system == HELPDESK else "tracker"
        if args.delete:
            removed = delete_token(name, system)
            print_text(f"Removed the {system} token of {name!r}." if removed else "No token was stored.", out)
            return ExitCode.OK
        status = keyring_status()
        if not status.usable:
            variable = target.token_env or connector(target.kind, role).auth.token_env
            where = "helpdesk" if system == HELPDESK else "escalation"
            raise CredentialsError(
                f"Cannot store the token: {status.description}.\n"
                "frontline reads the token from an environment variable instead:\n"
                + (
                    ""
                    if target.token_env
                    else f'  1. add token_env = "{variable}" to [profiles.{name}.{where}]\n'
                )
                + f"  {'2' if not target.token_env else '1'}. export {variable}=<your API token>\n"
                f"Then check with `frontline doctor --profile {name}`."
            )
        who = f"{target.email} at {target.base_url}" if target.email else target.base_url or system
        token = getpass.getpass(f"API token for {name} ({system}: {who}): ")
        print_text(set_token(name, system, token, kind=target.kind), out)
        print_text(f"Check the connection with `frontline doctor --profile {name}`.", out)
        return ExitCode.OK

    return guard(work, err)

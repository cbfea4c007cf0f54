"""`frontline login PROFILE`: prompt for an API token (hidden) and keep it in the system keyring, or
without one in the user-only secrets file (the sentence printed says which, with a warning for the file).

`--handoff NAME` keeps a Slack handoff destination's incoming-webhook URL instead (the URL is the secret),
under system `slack:NAME`.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, TextIO

from frontline.cli.common import add_profile_argument, print_text, profile_name
from frontline.cli.errors import ExitCode, guard
from frontline.errors import ConfigError, InputError

if TYPE_CHECKING:
    from frontline.config import ProfileSettings, TrackerSettings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("name", nargs="?", metavar="PROFILE", help="the profile (default: --profile)")
    # No default here: it is `credentials.HELPDESK`, and importing that module loads the keyring.
    parser.add_argument("--system", help="helpdesk (default) or a tracker kind of the profile: jira, github")
    parser.add_argument(
        "--handoff",
        metavar="NAME",
        help="store the webhook URL of the profile's Slack handoff destination NAME instead",
    )
    parser.add_argument("--delete", action="store_true", help="remove the stored token instead")
    parser.add_argument(
        "--paste",
        action="store_true",
        help="OAuth sign-in without a browser on this machine: paste the address the browser was sent to",
    )


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Store (or with `--delete` remove) the token; without a keyring it goes to the user-only file."""
    from frontline.config import load_settings
    from frontline.connectors.zendesk import ZendeskSettings
    from frontline.credentials import HELPDESK, delete_token, set_token

    def work() -> int:
        settings = load_settings()
        name = profile_name(settings, args.name or getattr(args, "profile", None))
        profile = settings.get_profile(name)
        if getattr(args, "handoff", None) is not None:
            if args.system is not None:
                raise InputError("Give --system or --handoff, not both.")
            return store_webhook(name, profile, args.handoff, delete=args.delete, out=out)
        system = HELPDESK if args.system is None else args.system.strip().lower()
        trackers: dict[str, TrackerSettings] = {tracker.kind: tracker for tracker in profile.escalation}
        if system != HELPDESK and system not in trackers:
            known = ", ".join([HELPDESK, *trackers])
            raise ConfigError(f"Profile {name!r} has no system {system!r} (it has: {known}).")
        target = profile.helpdesk if system == HELPDESK else trackers[system]
        if args.delete:
            removed = delete_token(name, system)
            print_text(f"Removed the {system} token of {name!r}." if removed else "No token was stored.", out)
            return ExitCode.OK
        if system == HELPDESK and isinstance(target, ZendeskSettings) and target.auth == "oauth":
            from frontline.cli.login_oauth import sign_in

            return sign_in(name, target, settings, paste=args.paste, out=out)
        if getattr(args, "paste", False):
            raise InputError('--paste is for OAuth sign-in (a Zendesk profile with auth = "oauth").')
        if system == HELPDESK and target.kind == "zendesk":
            from frontline.cli.login_oauth import API_TOKEN_WARNING

            print(f"Warning: {API_TOKEN_WARNING}", file=err or sys.stderr)
        who = f"{target.email} at {target.base_url}" if target.email else target.base_url or system
        token = getpass.getpass(f"API token for {name} ({system}: {who}): ")
        print_text(set_token(name, system, token, kind=target.kind), out)
        print_text(f"Check the connection with `frontline doctor --profile {name}`.", out)
        return ExitCode.OK

    return guard(work, err)


def store_webhook(
    name: str, profile: ProfileSettings, destination: str, *, delete: bool, out: TextIO | None
) -> int:
    """Store (or remove) a Slack destination's webhook URL, refused unless https (http on loopback only).

    Raises:
        ConfigError: no Slack destination of that name, or not an incoming-webhook URL.
        CredentialsError: the keyring or the secrets file could not be written.
    """
    from frontline.connectors.slack.address import parse_webhook_url
    from frontline.credentials import delete_token, set_token, webhook_system

    system = webhook_system(destination)
    # Deleting works for a destination already gone from the config, so its URL does not linger.
    if delete:
        removed = delete_token(name, system)
        print_text(f"Removed the {system} webhook URL of {name!r}." if removed else "No URL was stored.", out)
        return ExitCode.OK
    slack = {d.name: d for d in profile.handoff.destinations if d.kind == "slack"}
    if destination not in slack:
        known = ", ".join(sorted(slack)) or "none"
        raise ConfigError(
            f"Profile {name!r} has no Slack handoff destination {destination!r} (it has: {known}). Add "
            f'[[profiles.{name}.handoff.destinations]] with name = "{destination}" and kind = "slack".'
        )
    url = getpass.getpass(f"Slack incoming-webhook URL for {name} ({destination}): ").strip()
    parse_webhook_url(url)  # https only (http on loopback); the error never repeats the secret part
    print_text(set_token(name, system, url, kind="slack"), out)
    print_text(f"Publish with `frontline handoff --profile {name} --publish {destination}`.", out)
    return ExitCode.OK

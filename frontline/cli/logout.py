"""`frontline logout [PROFILE]`: remove every secret frontline keeps for a profile.

That is the helpdesk's token or OAuth sign-in, each escalation target's token and each Slack handoff
destination's webhook URL, from the keyring and the user-only secrets file. Environment variables are
the shell's: they are named, never changed. Nothing printed quotes a secret.
"""

from __future__ import annotations

import argparse
import os
import shutil
from typing import TYPE_CHECKING, TextIO

from frontline.cli.common import add_profile_argument, print_text, profile_name
from frontline.cli.errors import ExitCode, guard

if TYPE_CHECKING:
    from frontline.config import ProfileSettings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("name", nargs="?", metavar="PROFILE", help="the profile (default: --profile)")


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Remove the profile's secrets, one line per removed entry; a profile gone from the config works too."""
    from frontline import locations
    from frontline.config import load_settings
    from frontline.connectors.registry import TRACKER_KINDS
    from frontline.credentials import HELPDESK, delete_profile_secrets

    def work() -> int:
        settings = load_settings()
        profile: ProfileSettings | None = None
        if args.name and args.name not in settings.profiles:
            name = args.name
            systems = [HELPDESK, *TRACKER_KINDS]
            print_text(f"{name!r} is not a profile in {locations.config_file()}: removing what it left.", out)
        else:
            name = profile_name(settings, args.name or getattr(args, "profile", None))
            profile = settings.get_profile(name)
            systems = profile_systems(profile)
        removed = delete_profile_secrets(name, systems)
        for line in removed:
            print_text(line, out)
        if not removed:
            print_text(f"Nothing was stored for {name}.", out)
        if profile is not None:
            for line in outside_frontline(profile):
                print_text(line, out)
        return ExitCode.OK

    return guard(work, err)


def profile_systems(profile: ProfileSettings) -> list[str]:
    """Every entry a profile can keep: `helpdesk`, each tracker kind, `slack:NAME` per Slack destination."""
    from frontline.credentials import HELPDESK, webhook_system

    trackers = [tracker.kind for tracker in profile.escalation]
    slack = [webhook_system(d.name) for d in profile.handoff.destinations if d.kind == "slack"]
    return list(dict.fromkeys([HELPDESK, *trackers, *slack]))


def outside_frontline(profile: ProfileSettings) -> list[str]:
    """What still signs this profile in that frontline cannot remove: set variables, the gh CLI."""
    variables = [profile.helpdesk.token_env, *(tracker.token_env for tracker in profile.escalation)]
    variables += [d.webhook_env for d in profile.handoff.destinations if d.kind == "slack"]
    lines = [
        f"${variable} is still set in your environment and frontline will keep using it; it cannot "
        f"unset it for you: `unset {variable}` (and remove it from your shell's startup files)."
        for variable in dict.fromkeys(v for v in variables if v)
        if os.environ.get(variable, "").strip()
    ]
    if any(tracker.kind == "github" for tracker in profile.escalation) and shutil.which("gh"):
        lines.append("frontline also uses the gh CLI's GitHub sign-in; `gh auth logout` ends that one.")
    return lines

"""`frontline handoff`: the shift handoff as Markdown or JSON, written out or published once.

Standard output carries the document and nothing else, so it can be piped (`--format json | jq`); warnings
(a ticket or view that could not be read) go to standard error. `--out FILE` writes it atomically, readable
by its owner only (it holds customer subjects). `--publish NAME` posts it to one of the profile's
destinations instead of printing it: a post is recorded before it is sent, so running the command again
never posts it twice; when Slack's answer was lost it exits 4 until `--again` says to post once more. The
JSON keys are `frontline.domain.handoff.Handoff.as_json` (keys are only ever added).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from frontline.cli.common import (
    SessionFactory,
    add_profile_argument,
    open_profile_session,
    print_text,
    with_session,
)
from frontline.cli.errors import ExitCode, guard
from frontline.domain.text import one_line
from frontline.errors import ConfigError, InputError

if TYPE_CHECKING:
    from frontline.domain.handoff import Handoff
    from frontline.services.publishing import Publisher
    from frontline.services.session import Session

FORMATS = ("md", "json")
MAX_WITHIN_HOURS = 168.0
"""The longest SLA horizon, as the profile's `sla_horizon_hours` allows."""

_RELATIVE = re.compile(r"(?P<count>\d{1,6})\s*(?P<unit>[mhd])")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
SINCE_HELP = "2026-12-02T08:00 (local time unless it has an offset) or a span back from now: 8h, 90m, 2d"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_argument(parser)
    parser.add_argument("--format", choices=FORMATS, default="md", help="Markdown (default) or JSON")
    parser.add_argument(
        "--since", metavar="WHEN", help=f"everything since WHEN instead of the shift: {SINCE_HELP}"
    )
    parser.add_argument("--out", metavar="FILE", help="write it to FILE (owner-only) instead of stdout")
    parser.add_argument(
        "--within",
        metavar="HOURS",
        type=float,
        help="SLAs breaching within HOURS are at risk (default: the profile's sla_horizon_hours)",
    )
    parser.add_argument(
        "--no-views", action="store_true", help="SLAs at risk from the touched tickets only (no view reads)"
    )
    parser.add_argument("--publish", metavar="NAME", help="post it to the profile's handoff destination NAME")
    parser.add_argument(
        "--again",
        action="store_true",
        help="with --publish: post once more after an unconfirmed post (look in the channel first)",
    )


def run(
    args: argparse.Namespace,
    *,
    session_factory: SessionFactory = open_profile_session,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Write the handoff of the running (or last) shift, or of everything since `--since`."""

    async def work(session: Session) -> int:
        if args.again and not args.publish:
            raise InputError("--again only goes with --publish NAME.")
        publisher = publisher_of(session) if args.publish else None
        if publisher is not None:
            publisher.destination(args.publish)  # an unknown name fails before any reading
        horizon = within(args.within, session.sla_horizon)
        since = parse_since(args.since, session.clock()) if args.since else None
        if since is not None and publisher is not None and is_relative(args.since):
            raise InputError(
                f"--since {one_line(args.since)} moves with the clock, so every run would be a new handoff "
                f"and would post again. Give the moment itself: --since {_local_iso(since)}"
            )
        handoff = await session.handoff.write(since=since, horizon=horizon, include_views=not args.no_views)
        for warning in handoff.warnings:
            print_text(f"warning: {one_line(warning)}", err or sys.stderr)
        document = render(handoff, args.format)
        if args.out:
            write_private(Path(args.out).expanduser(), document)
            print_text(f"Wrote the handoff to {one_line(args.out)}.", err or sys.stderr)
        elif publisher is None:
            print_text(document, out)
        if publisher is not None:
            shift = session.handoff.shift_to_hand_off(since)
            published = await publisher.publish(handoff, shift, args.publish, again=args.again)
            print_text(one_line(published.message), out)
        return ExitCode.OK

    return guard(lambda: with_session(args, session_factory, work), err)


def publisher_of(session: Session) -> Publisher:
    """The session's publisher, or why there is none."""
    if session.publisher is None:
        name = session.profile_name
        raise ConfigError(
            f"Profile {name!r} has no handoff destinations: add one under "
            f"[[profiles.{name}.handoff.destinations]] (see the README)."
        )
    return session.publisher


def render(handoff: Handoff, output_format: str) -> str:
    """The document: Markdown (cleaned for the terminal) or the public JSON, without a trailing newline."""
    if output_format == "json":
        return json.dumps(handoff.as_json(), indent=2, sort_keys=False)
    from frontline.domain.handoff_render import render_markdown
    from frontline.domain.text import clean_text

    return clean_text(render_markdown(handoff)).rstrip("\n")


def within(hours: float | None, default: timedelta) -> timedelta:
    """`--within HOURS` as a horizon, else the profile's.

    Raises:
        InputError: not more than 0 or more than a week.
    """
    if hours is None:
        return default
    if not 0 < hours <= MAX_WITHIN_HOURS:
        raise InputError(f"--within takes hours above 0 and up to {MAX_WITHIN_HOURS:g}; got {hours:g}.")
    return timedelta(hours=hours)


def is_relative(value: str) -> bool:
    return _RELATIVE.fullmatch(value.strip().lower()) is not None


def parse_since(value: str, now: datetime) -> datetime:
    """`--since` as a UTC moment: an ISO time (local unless it has an offset) or `8h`, `90m`, `2d` ago.

    Raises:
        InputError: neither form, zero, or in the future.
    """
    text = value.strip()
    relative = _RELATIVE.fullmatch(text.lower())
    if relative is not None:
        span = int(relative["count"]) * _UNITS[relative["unit"]]
        if not span:
            raise InputError(f"--since {one_line(value)} is no time at all; {SINCE_HELP}.")
        return now - span
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--since {one_line(value)!r} is not a time; give {SINCE_HELP}.") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a naive time is this machine's local time
    moment = moment.astimezone(UTC)
    if moment > now:
        raise InputError(f"--since {one_line(value)} is in the future; {SINCE_HELP}.")
    return moment


def write_private(path: Path, document: str) -> None:
    """Replace `path` with `document` in one step (a temporary file beside it, then a rename), mode 0600.

    Raises:
        InputError: the file cannot be written (its directory is missing or not writable).
    """
    directory = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(document + "\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"Cannot write {path}: {exc.strerror or exc}.") from None
        raise


def _local_iso(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%dT%H:%M")

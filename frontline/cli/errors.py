"""How a failure leaves `frontline`: one error printer and one table of exit codes.

Scripts branch on these numbers, and people read these messages instead of a traceback, so every
command and `main` go through here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import IntEnum
from typing import TextIO

from frontline.errors import (
    ConfigError,
    CredentialsError,
    FrontlineError,
    InputError,
    PartiallyApplied,
    WriteOutcomeUnknown,
)


class ExitCode(IntEnum):
    """What `frontline` exits with. Stable: users' scripts rely on these numbers."""

    OK = 0
    HELPDESK = 1
    """The helpdesk failed (unreachable, rejected, not found, conflict), or any other failure, such as
    the reader of our output going away."""
    CONFIG = 2
    """A configuration, credentials or input problem; argparse exits 2 on a usage error too."""
    PARTIAL = 3
    """A write was sent but not all of it applied (say the reply landed and the status change did not):
    sending it again would duplicate what landed."""
    UNKNOWN = 4
    """A write may or may not have landed; it waits in the outbox and is checked before the next write to
    that ticket (and by the console on start). Do not send it again."""
    INTERRUPTED = 130
    """Ctrl-C, as shells report SIGINT."""


_CONFIG_ERRORS = (ConfigError, CredentialsError, InputError)


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code of a failure: fix something (2), partly sent (3), not known yet (4), Ctrl-C (130),
    or else 1 (for a write: it did not land, sending again is safe)."""
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(error, _CONFIG_ERRORS):
        return ExitCode.CONFIG
    if isinstance(error, PartiallyApplied):
        return ExitCode.PARTIAL
    if isinstance(error, WriteOutcomeUnknown):
        return ExitCode.UNKNOWN
    return ExitCode.HELPDESK


def print_error(error: FrontlineError, stream: TextIO | None = None) -> None:
    """A short, readable message on stderr: the title, then what happened and what to do."""
    stream = stream or sys.stderr
    print(f"frontline: {error.title}", file=stream)
    for line in error.message.splitlines():
        print(f"  {line}", file=stream)


def guard(work: Callable[[], int], err: TextIO | None = None) -> int:
    """Run a command so that a `FrontlineError` becomes its message and exit code, and Ctrl-C a quiet 130."""
    try:
        return work()
    except FrontlineError as error:
        print_error(error, err)
        return exit_code_for(error)
    except KeyboardInterrupt as interrupt:
        return exit_code_for(interrupt)

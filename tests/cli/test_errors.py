"""One error printer and one table of exit codes, shared by `main` and every command."""

from __future__ import annotations

import io

import pytest

from frontline.cli.errors import ExitCode, exit_code_for, guard, print_error
from frontline.errors import (
    AuthError,
    ConfigError,
    ConflictError,
    CredentialsError,
    FrontlineError,
    InputError,
    NotFound,
    NotSent,
    PartiallyApplied,
    Unavailable,
    WriteOutcomeUnknown,
)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConfigError("x"), 2),
        (CredentialsError("x"), 2),
        (InputError("x"), 2),
        (NotFound("x"), 1),
        (ConflictError("x"), 1),
        (AuthError("x"), 1),
        (Unavailable("x"), 1),
        (NotSent("x"), 1),
        (PartiallyApplied("x", applied=("reply",), not_applied=("status solved",)), 3),
        (WriteOutcomeUnknown("x"), 4),
        (FrontlineError("x"), 1),
        (BrokenPipeError(), 1),
        (KeyboardInterrupt(), 130),
    ],
)
def test_exit_codes_scripts_rely_on(error: BaseException, code: int) -> None:
    assert exit_code_for(error) == code


def test_the_table_itself_is_stable() -> None:
    assert {member.name: int(member) for member in ExitCode} == {
        "OK": 0,
        "HELPDESK": 1,
        "CONFIG": 2,
        "PARTIAL": 3,
        "UNKNOWN": 4,
        "INTERRUPTED": 130,
    }


def test_print_error_is_the_title_then_the_indented_message() -> None:
    stream = io.StringIO()
    print_error(NotFound("No ticket 9.\nCheck the id."), stream)
    assert stream.getvalue() == "frontline: Not found\n  No ticket 9.\n  Check the id.\n"


def test_guard_prints_the_error_and_returns_its_code() -> None:
    def fails() -> int:
        raise CredentialsError("No token for acme.")

    def interrupted() -> int:
        raise KeyboardInterrupt

    err = io.StringIO()
    assert guard(fails, err) == 2
    assert err.getvalue() == "frontline: Missing credentials\n  No token for acme.\n"
    quiet = io.StringIO()
    assert guard(interrupted, quiet) == 130
    assert quiet.getvalue() == ""
    assert guard(lambda: 0, quiet) == 0

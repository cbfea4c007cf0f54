"""`frontline`, `frontline demo` and `frontline sandbox` as a newcomer starts them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from frontline.cli import main


def frontline(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "frontline", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        check=False,
    )


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["demo", "--help"], ["sandbox", "--help"], ["reply", "--help"], ["escalate", "--help"]],
)
def test_help_works(argv: list[str]) -> None:
    result = frontline(*argv)
    assert result.returncode == 0, result.stderr
    assert "usage: frontline" in result.stdout


def test_console_without_a_profile_points_to_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    error = capsys.readouterr().err
    assert "No profile is configured yet" in error
    assert "frontline demo" in error
    assert "Traceback" not in error


def test_console_with_a_broken_config_names_the_file_and_stops_before_the_ui() -> None:
    config = os.environ["FRONTLINE_CONFIG"]
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w", encoding="utf-8") as handle:
        handle.write("[ui\ntheme = 'x'\n")
    result = frontline()
    assert result.returncode == 2
    assert config in result.stderr
    assert "not valid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_with_a_profile_but_no_token_says_how_to_add_one() -> None:
    config = os.environ["FRONTLINE_CONFIG"]
    os.makedirs(os.path.dirname(config), exist_ok=True)
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(
            '[profiles.acme.helpdesk]\nauth = "api_token"\nbase_url = "https://acme.zendesk.com"\n'
            'email = "me@acme.test"\n'
            'token_env = "ACME_ZENDESK_TOKEN"\n'
        )
    result = frontline()
    assert result.returncode == 2
    assert "frontline login acme" in result.stderr or "ACME_ZENDESK_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


HEAVY_PACKAGES = ("textual", "httpx", "pydantic", "starlette", "uvicorn")


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_stay_light(flag: str) -> None:
    code = (
        "import contextlib, io, sys\n"
        "from frontline.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main([{flag!r}])\n"
        "loaded = [m for m, module in sys.modules.items() if module is not None]  # None: blocked\n"
        f"heavy = sorted({{m for m in loaded if m.split('.')[0] in {HEAVY_PACKAGES!r}}})\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "", f"frontline {flag} imported {result.stdout.strip()}"


def test_demo_offers_the_registry_helpdesk_kinds() -> None:
    from frontline.connectors.registry import HELPDESK_KINDS

    result = frontline("demo", "--help")
    assert f"--helpdesk {{{','.join(HELPDESK_KINDS)}}}" in result.stdout
    rejected = frontline("demo", "--helpdesk", "nope")
    assert rejected.returncode == 2
    assert "invalid choice: 'nope'" in rejected.stderr

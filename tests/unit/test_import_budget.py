"""The import budget, checked by structure: what `frontline --help`, `--version` and the console's first
screen must not import. Speed itself is measured by `bench/`, never asserted here.

Each case runs in a fresh interpreter (`python -c`), since this test process has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import version

import pytest
from pydantic import BaseModel
from support.field_docs import field_docstrings, undocumented_fields

from frontline.config import Settings
from frontline.connectors import registry

HEAVY = ("textual", "httpx", "pydantic", "pydantic_settings", "starlette", "uvicorn", "authlib", "keyring")
"""Third-party packages no `--help` may import."""

SANDBOX = ("frontline.sandbox", "starlette", "uvicorn")
CONSOLE_NEVER = (
    *SANDBOX,
    "authlib",
    "keyring",
    "tomlkit",
    "frontline.cli",
    "frontline.store",
    "frontline.credentials",
    "frontline.config_write",
    "frontline.connectors.slack",
    "frontline.connectors.zendesk.oauth",
)
"""What building the console (and importing its app module) never needs: the demo's sandbox, the CLI's
scripting half, the OAuth stack, the local database (opened on first use), config writes, Slack."""

OTHER_VENDORS = (
    "frontline.connectors.jsm.client",
    "frontline.connectors.jira.client",
    "frontline.connectors.github.client",
    "frontline.connectors.atlassian.client",
)
LATER_SCREENS = (
    "frontline.ui.screens.composer",
    "frontline.ui.screens.review",
    "frontline.ui.screens.drafts_list",
    "frontline.ui.screens.outbox",
    "frontline.ui.screens.escalate",
    "frontline.ui.screens.escalated",
    "frontline.ui.screens.bulk",
)
"""Screens the console opens only on request: imported when first opened."""
NOT_ON_THE_FIRST_SCREEN = (
    "frontline.ui.screens.ticket",
    "frontline.ui.screens.handoff",
    "frontline.ui.screens.handoff_note",
    "frontline.ui.screens.goto",
    "frontline.ui.screens.pickers",
    "frontline.ui.followup",
    "frontline.services.drafts",
    "frontline.services.handoff",
    "frontline.services.publishing",
    "frontline.domain.handoff",
    "frontline.domain.handoff_json",
    "frontline.domain.handoff_text",
    "frontline.domain.handoff_render",
)
"""Loaded when a ticket, a handoff, a picker or a draft is first needed, never to paint the queue (the
previous shift's handoff is read once the queue has painted)."""
SIGN_IN = (
    "keyring",
    "frontline.credentials",
    "httpx",
    "filelock",
    "frontline.connectors.http",
    "frontline.connectors.scheduler",
    "frontline.connectors.zendesk.client",
)
"""What reading a token and building the helpdesk's connector load: the console does both on its first
request, after the queue has painted from the local cache."""


def loaded_after(code: str) -> set[str]:
    """The modules loaded after running `code` in a fresh interpreter (not the names `sys.modules` holds
    as `None`, imports blocked on purpose: `httpx._main`, see `frontline/__init__.py`)."""
    loaded = "sorted(name for name, module in sys.modules.items() if module is not None)"  # None: blocked
    script = textwrap.dedent(code) + f"\nimport json, sys\nprint(json.dumps({loaded}))\n"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def under(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """The `modules` that are one of `packages` or inside one."""
    return sorted(m for m in modules if any(m == p or m.startswith(f"{p}.") for p in packages))


def after_cli(*argv: str) -> set[str]:
    return loaded_after(
        f"""
        import contextlib, io
        from frontline.cli import main
        with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
            main({list(argv)!r})
        """
    )


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_import_no_framework_sandbox_or_command_module(flag: str) -> None:
    modules = after_cli(flag)
    assert under(modules, HEAVY) == []
    assert under(modules, ("frontline.sandbox", "frontline.config", "frontline.domain", "asyncio")) == []
    commands = [m for m in modules if m.startswith("frontline.cli.") and m not in NEEDED_BY_MAIN]
    assert commands == []


NEEDED_BY_MAIN = {"frontline.cli.commands", "frontline.cli.errors"}


@pytest.mark.parametrize(
    "command", ["queue", "show", "reply", "escalate", "shift", "handoff", "login", "logout", "doctor", "demo"]
)
def test_every_subcommand_help_stays_light(command: str) -> None:
    modules = after_cli(command, "--help")
    assert under(modules, (*HEAVY, "frontline.sandbox", "frontline.config")) == []
    assert f"frontline.cli.{command}" in modules  # its arguments came from its own module


def test_sandbox_help_imports_the_sandbox_arguments_but_no_server() -> None:
    modules = after_cli("sandbox", "--help")
    assert "frontline.sandbox.cli" in modules
    assert under(modules, HEAVY) == []


def test_version_is_the_package_metadata() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frontline", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == f"frontline {version('frontline')}"


def test_the_console_app_module_imports_only_the_first_screen() -> None:
    modules = loaded_after("import frontline.ui.app")
    assert under(modules, (*CONSOLE_NEVER, "httpx", "frontline.bootstrap")) == []
    assert under(modules, LATER_SCREENS) == []
    assert under(modules, NOT_ON_THE_FIRST_SCREEN) == []
    assert "textual.widgets._data_table" not in modules  # help, drafts, outbox and bulk tables only
    assert "frontline.ui.screens.queue" in modules


def test_a_zendesk_console_imports_its_own_connector_only() -> None:
    modules = loaded_after(
        """
        from frontline.bootstrap import build_session
        from frontline.config import ProfileSettings, Settings
        from frontline.ui.app import FrontlineApp
        helpdesk = {"kind": "zendesk", "auth": "api_token", "base_url": "https://acme.zendesk.com",
                    "email": "me@acme.test"}
        profile = ProfileSettings.model_validate({"helpdesk": helpdesk})
        FrontlineApp(build_session("acme", profile.helpdesk, "token", settings=Settings()))
        """
    )
    assert "frontline.connectors.zendesk.client" in modules  # the case can fail: this one is built
    assert "httpx" in modules and under(modules, ("httpx._main", "click", "pygments")) == []
    assert under(modules, OTHER_VENDORS) == []
    assert under(modules, CONSOLE_NEVER) == []
    assert under(modules, LATER_SCREENS) == []
    assert under(modules, NOT_ON_THE_FIRST_SCREEN) == []


def test_the_console_reads_no_token_and_builds_no_connector_before_its_first_request() -> None:
    modules = loaded_after(
        """
        import os
        from frontline.bootstrap import open_session
        from frontline.config import ProfileSettings, Settings
        from frontline.ui.app import FrontlineApp
        os.environ.pop("ACME_TOKEN", None)  # none anywhere: nothing asks for it yet
        helpdesk = {"kind": "zendesk", "auth": "api_token", "base_url": "https://acme.zendesk.com",
                    "email": "me@acme.test", "token_env": "ACME_TOKEN"}
        settings = Settings(profiles={"acme": ProfileSettings.model_validate({"helpdesk": helpdesk})})
        FrontlineApp(open_session(settings, "acme", sign_in_later=True))
        """
    )
    assert "frontline.services.sign_in_first" in modules  # the case can fail: the console's path is taken
    assert under(modules, (*SIGN_IN, *CONSOLE_NEVER, *OTHER_VENDORS)) == []
    assert under(modules, (*LATER_SCREENS, *NOT_ON_THE_FIRST_SCREEN)) == []


def test_the_static_kinds_agree_with_each_connector_package() -> None:
    specs = {spec.kind: spec.role for spec in registry.CONNECTORS}
    assert specs == dict(registry.KINDS)
    assert registry.connector("JSM ", "helpdesk").kind == "jsm"


def config_models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """`model` and every settings model reachable from its fields' annotations."""
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        pending: list[object] = [field.annotation]
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                config_models(annotation, seen)
            pending.extend(getattr(annotation, "__args__", ()))
    return seen


def test_every_config_field_has_a_docstring_though_pydantic_does_not_read_them() -> None:
    models = config_models(Settings, set()) | {spec.settings for spec in registry.CONNECTORS}
    missing = {model.__name__: undocumented_fields(model) for model in models}
    assert {name: fields for name, fields in missing.items() if fields} == {}
    assert len(models) > 5


def test_the_docstring_reader_sees_a_missing_docstring() -> None:
    class Sample(BaseModel):
        documented: int = 0
        """Said."""

        bare: int = 0

    assert field_docstrings(Sample) == {"documented": "Said."}
    assert undocumented_fields(Sample) == ["bare"]

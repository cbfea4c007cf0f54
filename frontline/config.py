"""Settings: defaults < TOML file < `FRONTLINE_*` environment < command-line flags.

The file lives at `locations.config_file()`. Tokens never live here: a profile names where its token
comes from (the keyring, or the env var in `token_env`), see `frontline.credentials`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from frontline import locations
from frontline.errors import ConfigError

HelpdeskKind = Literal["zendesk", "jsm"]
TrackerKind = Literal["jira", "github"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class HelpdeskSettings(_Section):
    """The helpdesk a profile works on."""

    kind: HelpdeskKind = "zendesk"
    """Which helpdesk this is: `zendesk` or `jsm` (Jira Service Management)."""

    base_url: str = ""
    """The account's address, for example `https://acme.zendesk.com`."""

    email: str = ""
    """The agent's sign-in email (used with API tokens)."""

    views: list[str] = Field(default_factory=list)
    """View (or queue) ids to show, in order; empty shows every active view."""

    token_env: str | None = None
    """Environment variable holding the token when no keyring is available, e.g. `ZENDESK_TOKEN`."""

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith(("https://", "http://")):
            raise ValueError(
                "must start with https:// (for example https://acme.zendesk.com; http:// is only for a "
                "local sandbox)"
            )
        return value


class TrackerSettings(_Section):
    """A bug tracker tickets are escalated to (used by escalation)."""

    kind: TrackerKind = "jira"
    """`jira` (Jira Software) or `github` (GitHub Issues)."""

    base_url: str = ""
    """`https://acme.atlassian.net` or `https://api.github.com`."""

    project: str = ""
    """Jira project key (`ENG`) or GitHub `owner/repo`."""

    email: str = ""
    """Sign-in email for Jira API tokens; unused for GitHub."""

    token_env: str | None = None
    """Environment variable holding the tracker token when no keyring is available."""


class ProfileSettings(_Section):
    """A named binding of one helpdesk to its escalation targets."""

    helpdesk: HelpdeskSettings = Field(default_factory=HelpdeskSettings)
    """The helpdesk this profile reads and writes."""

    escalation: list[TrackerSettings] = Field(default_factory=list)
    """Bug trackers to escalate into, first one is the default."""


class UiSettings(_Section):
    """How the console looks and behaves."""

    theme: str = "frontline-dark"
    """Theme name; built-ins are frontline-dark, frontline-light and frontline-high-contrast."""

    refresh_seconds: int = Field(default=60, ge=10, le=3600)
    """How often the queue refreshes itself, in seconds."""

    bell: bool = False
    """Ring the terminal bell when a customer replies."""

    editor: str | None = None
    """Editor for long replies; defaults to $VISUAL, then $EDITOR, then vi."""


class Settings(BaseSettings):
    """Everything configurable. Nested env vars use `__`: `FRONTLINE_UI__THEME=frontline-light`."""

    model_config = SettingsConfigDict(
        env_prefix="FRONTLINE_",
        env_nested_delimiter="__",
        extra="forbid",
        use_attribute_docstrings=True,
    )

    profile: str | None = None
    """The profile to use when none is given with `--profile` or `FRONTLINE_PROFILE`."""

    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    """Named profiles, `[profiles.acme.helpdesk]` in the file."""

    ui: UiSettings = Field(default_factory=UiSettings)
    """Look and behaviour of the console."""

    keymap: dict[str, str] = Field(default_factory=dict)
    """Key overrides by binding id, e.g. `"queue.refresh" = "f5,R"`. See `?` in the app for ids."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = _TOML_PATH_OVERRIDE.get("path") or locations.config_file()
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_path))

    def active_profile_name(self, cli_profile: str | None = None) -> str | None:
        """`--profile` > `FRONTLINE_PROFILE` > `profile` in the file > the only profile there is."""
        if cli_profile:
            return cli_profile
        if self.profile:
            return self.profile
        if len(self.profiles) == 1:
            return next(iter(self.profiles))
        return None

    def get_profile(self, name: str) -> ProfileSettings:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none yet"
            raise ConfigError(
                f"There is no profile named {name!r} in {locations.config_file()} (profiles: {known}).",
            ) from None


_TOML_PATH_OVERRIDE: dict[str, Path] = {}
SECRET_KEYS = frozenset({"token", "api_token", "password", "secret", "access_token"})


def load_settings(config_path: Path | None = None, **cli_overrides: Any) -> Settings:
    """Load settings, turning every problem into one readable `ConfigError` (never a traceback).

    Args:
        config_path: read this file instead of `locations.config_file()`.
        cli_overrides: values given on the command line; they win over env and file.
    """
    path = config_path or locations.config_file()
    _check_toml(path)
    _TOML_PATH_OVERRIDE["path"] = path
    try:
        return Settings(**{k: v for k, v in cli_overrides.items() if v is not None})
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    finally:
        _TOML_PATH_OVERRIDE.clear()


def _check_toml(path: Path) -> None:
    if not path.exists():
        return
    try:
        tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}.") from None


def _describe(exc: ValidationError, path: Path) -> str:
    """One line per problem: where it came from, the dotted key, and what is wrong."""
    lines = [f"Problems in the settings (file {path}, or FRONTLINE_* environment variables):"]
    env_keys = {k for k in os.environ if k.startswith("FRONTLINE_")}
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        env_name = "FRONTLINE_" + "__".join(str(p) for p in error["loc"]).upper()
        where = f" (from {env_name})" if env_name in env_keys else ""
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
            if str(error["loc"][-1]).lower() in SECRET_KEYS:
                message = (
                    "tokens never go in the config file: run `frontline login PROFILE` to keep it in the "
                    "system keyring, or name an environment variable with token_env"
                )
        lines.append(f"  {key}{where}: {message}")
    return "\n".join(lines)

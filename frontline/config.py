"""Settings: defaults < TOML file < `FRONTLINE_*` environment < command-line flags.

The file lives at `locations.config_file()`. Tokens never live here: a profile names where its token
comes from (the keyring, or the env var in `token_env`), see `frontline.credentials`. A profile's
helpdesk and escalation sections are read by their connector's own settings model, chosen by `kind`
from `frontline.connectors.registry`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from frontline import locations
from frontline.connectors.registry import CONNECTORS, connector, connectors
from frontline.connectors.settings import HelpdeskSettings, TrackerSettings
from frontline.connectors.spec import Role
from frontline.connectors.tls import NetworkSettings
from frontline.errors import ConfigError

__all__ = [
    "HandoffDestination",
    "HandoffSettings",
    "HelpdeskSettings",
    "ProfileSettings",
    "Settings",
    "TrackerSettings",
    "UiSettings",
    "load_settings",
]


class _Section(BaseModel):
    # Field docstrings document the file for readers; pydantic does not read them (use_attribute_docstrings
    # costs ~40 ms at import): tests/unit/test_import_budget.py checks every field has one.
    model_config = ConfigDict(extra="forbid")


_OTHER_KIND = "(not a known kind)"
"""The union tag for sections whose kind no connector has."""


def _by_kind(base: type[BaseModel], role: Role) -> Any:
    """The `role` connectors' settings models as one type that pydantic picks from by `kind`.

    A missing `kind` means `base`'s default. An unknown kind, or a section that is not a table, is
    validated by `base` itself, whose error names the known kinds ("Input should be 'zendesk' or 'jsm'").
    """
    specs = connectors(role)
    known = {spec.kind for spec in specs}
    default = base.model_fields["kind"].default

    def tag(value: Any) -> str:
        if isinstance(value, dict):
            kind = value.get("kind", default)
        else:
            kind = getattr(value, "kind", None) if isinstance(value, base) else None
        return kind if isinstance(kind, str) and kind in known else _OTHER_KIND

    def as_input(value: Any) -> Any:
        # A plain base model (built in code, e.g. by the demo) is re-read by its kind's own model.
        return value.model_dump(exclude_unset=True) if type(value) is base else value

    members = [Annotated[spec.settings, Tag(spec.kind)] for spec in specs]
    members.append(Annotated[base, Tag(_OTHER_KIND)])
    return Annotated[Union[tuple(members)], Discriminator(tag), BeforeValidator(as_input)]  # noqa: UP007


if TYPE_CHECKING:  # type checkers see the common base; pydantic sees the per-connector union
    HelpdeskSection = HelpdeskSettings
    TrackerSection = TrackerSettings
else:
    HelpdeskSection = _by_kind(HelpdeskSettings, "helpdesk")
    TrackerSection = _by_kind(TrackerSettings, "tracker")


def _default_helpdesk() -> HelpdeskSettings:
    """The default kind's own settings model, empty."""
    kind = HelpdeskSettings.model_fields["kind"].default
    settings = connector(kind, "helpdesk").settings()
    assert isinstance(settings, HelpdeskSettings)
    return settings


class HandoffDestination(_Section):
    """One place `frontline handoff --publish NAME` (and `p` on the console's handoff) posts the handoff."""

    name: str = Field(min_length=1)
    """What you call it on the command line and in the console, e.g. `team-slack`."""

    kind: Literal["slack", "helpdesk", "jira", "github"]
    """`slack` (an incoming webhook), `helpdesk` (an internal note on `ticket`), `jira` or `github` (a
    comment on `issue`, signed in as the profile's escalation target of that kind)."""

    ticket: str | None = None
    """For `helpdesk`: the ticket that collects handoffs (its id or key)."""

    issue: str | None = None
    """For `jira` (`OPS-100`) and `github` (`acme/app#12`, or `12` in the target's repository)."""

    target: str | None = None
    """For `jira` and `github`: the escalation target (its `name`) to post as; default: the first one."""

    webhook_env: str | None = None
    """For `slack`: the environment variable holding the webhook URL when the keyring has none (the URL
    is a secret: store it with `frontline login PROFILE --handoff NAME`, never in this file)."""

    @model_validator(mode="after")
    def _needs_its_address(self) -> HandoffDestination:
        if self.kind == "helpdesk" and not self.ticket:
            raise ValueError("a helpdesk destination needs `ticket` (the ticket that collects handoffs)")
        if self.kind in ("jira", "github") and not self.issue:
            raise ValueError(f"a {self.kind} destination needs `issue` (where the handoff is commented)")
        return self


class HandoffSettings(_Section):
    """The shift handoff: its SLA horizon and where it can be published."""

    sla_horizon_hours: float = Field(default=4, gt=0, le=168)
    """An SLA breaching within this many hours after the handoff is listed as at risk."""

    destinations: list[HandoffDestination] = Field(default_factory=list)
    """Where the handoff can be posted (`[[profiles.NAME.handoff.destinations]]`)."""

    @model_validator(mode="after")
    def _distinct_names(self) -> HandoffSettings:
        names = [d.name for d in self.destinations]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"handoff destinations named twice: {', '.join(twice)}")
        return self


class ProfileSettings(_Section):
    """A named binding of one helpdesk to its escalation targets."""

    helpdesk: HelpdeskSection = Field(default_factory=_default_helpdesk)
    """The helpdesk this profile reads and writes; its `kind` picks the connector's settings model."""

    escalation: list[TrackerSection] = Field(default_factory=list)
    """Bug trackers to escalate into, first one is the default."""

    handoff: HandoffSettings = Field(default_factory=lambda: HandoffSettings())
    """The shift handoff's horizon and destinations."""


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
    )

    profile: str | None = None
    """The profile to use when none is given with `--profile` or `FRONTLINE_PROFILE`."""

    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    """Named profiles, `[profiles.acme.helpdesk]` in the file."""

    ui: UiSettings = Field(default_factory=UiSettings)
    """Look and behaviour of the console."""

    keymap: dict[str, str] = Field(default_factory=dict)
    """Key overrides by binding id, e.g. `"queue.refresh" = "f5,R"`. See `?` in the app for ids."""

    network: NetworkSettings = Field(default_factory=NetworkSettings)
    """Which certificate authorities to trust (`[network]`: `ca_bundle`, `trust`); TLS is always verified."""

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
        loc = _as_written(error["loc"])
        key = ".".join(str(part) for part in loc)
        env_name = "FRONTLINE_" + "__".join(str(p) for p in loc).upper()
        where = f" (from {env_name})" if env_name in env_keys else ""
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key (check the spelling)"
            if str(loc[-1]).lower() in SECRET_KEYS:
                message = (
                    "tokens never go in the config file: run `frontline login PROFILE` to keep it in the "
                    "system keyring, or name an environment variable with token_env"
                )
        lines.append(f"  {key}{where}: {message}")
    return "\n".join(lines)


def _as_written(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """An error location as the file spells it: without the tag pydantic inserts after a section
    chosen by kind (`profiles.acme.helpdesk.<tag>.base_url`, `profiles.acme.escalation.0.<tag>.kind`)."""
    tags = {spec.kind for spec in CONNECTORS} | {_OTHER_KIND}
    at = None
    if len(loc) > 3 and loc[0] == "profiles" and loc[2] == "helpdesk":
        at = 3
    elif len(loc) > 4 and loc[0] == "profiles" and loc[2] == "escalation" and isinstance(loc[3], int):
        at = 4
    if at is None or loc[at] not in tags:
        return loc
    return loc[:at] + loc[at + 1 :]

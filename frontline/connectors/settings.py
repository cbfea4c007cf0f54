"""The config sections every connector's settings model extends: one helpdesk, many trackers.

A vendor package subclasses one of these, narrows `kind` to its own value and may retell a field's
docstring for its product; `frontline.config` then picks the subclass by `kind`. The field names,
defaults and messages here are the config file's public format: change them only on purpose.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

TRACKER_RATE_LIMITS = {"jira": 100, "github": 80}
"""Requests a minute a tracker's scheduler allows by default. GitHub documents 80 content-creating
requests a minute (its secondary limit); Jira Cloud documents no per-minute figure for API tokens (per
second burst limits answered with `Retry-After`), so 100 is frontline's own modest pace."""

DEFAULT_TRACKER_RATE_LIMIT = 60
"""For a tracker kind not in `TRACKER_RATE_LIMITS`."""


class _Section(BaseModel):
    # Field docstrings are not read at import (costly); a test checks every field has one.
    model_config = ConfigDict(extra="forbid")


def _check_kind(value: Any, known: tuple[str, ...]) -> Any:
    """Refuse a kind no connector has, with pydantic's own wording for a wrong literal."""
    if isinstance(value, str) and value in known:
        return value
    names = [repr(kind) for kind in known]
    expected = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})


class HelpdeskSettings(_Section):
    """The helpdesk a profile works on."""

    kind: str = "zendesk"
    """Which helpdesk this is: a connector kind such as `zendesk` or `jsm` (Jira Service Management)."""

    base_url: str = ""
    """The account's address, for example `https://acme.zendesk.com`."""

    email: str = ""
    """The agent's sign-in email (used with API tokens)."""

    views: list[str] = Field(default_factory=list)
    """View (or queue) ids to show, in order; empty shows every active view."""

    token_env: str | None = None
    """Environment variable holding the token when no keyring is available, e.g. `ZENDESK_TOKEN`."""

    account_rate_limit: int = Field(default=200, ge=1, le=100_000)
    """The account's API requests per minute, shared by every person and integration using it. Zendesk:
    Team 200, Professional 400, Enterprise 700, High Volume add-on 2500 (Essential: 10)."""

    engineers_sharing: int = Field(default=5, ge=1, le=10_000)
    """How many people run frontline on this account at the same time (their refreshes add up)."""

    refresh_budget_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    """Requests a minute automatic queue refreshes may use; unset: `account_rate_limit` divided by twice
    `engineers_sharing` (200 / (5 * 2) = 20), leaving half the account's limit to everything else.
    Lowered by itself while the helpdesk answers "too many requests"."""

    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    """Most requests a minute that every frontline process of this profile on this machine (consoles
    and CLI commands together) sends to the helpdesk, interactive and background alike; they share one
    token bucket in the data dir. Unset: `account_rate_limit`, the plan's documented limit, replaced by
    the limit Zendesk announces in its answers (`X-Rate-Limit`). Set: a ceiling the announced limit can
    only lower."""

    def refresh_budget(self) -> int:
        """`refresh_budget_per_minute`, or the share of the account's limit derived from the two above,
        never more than the machine's `rate_limit_per_minute`."""
        if self.refresh_budget_per_minute is not None:
            budget = self.refresh_budget_per_minute
        else:
            budget = max(1, self.account_rate_limit // (2 * self.engineers_sharing))
        return min(budget, self.rate_limit_per_minute or budget)

    def scheduler_rate(self) -> tuple[int, bool]:
        """The request scheduler's requests a minute, and whether the server's announced limit replaces it
        (only when `rate_limit_per_minute` is unset)."""
        if self.rate_limit_per_minute is not None:
            return self.rate_limit_per_minute, False
        return self.account_rate_limit, True

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> Any:
        # Imported here: the registry imports the connector packages, which import this module.
        from frontline.connectors.registry import HELPDESK_KINDS

        return _check_kind(value, HELPDESK_KINDS)

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

    kind: str = "jira"
    """Which tracker this is: a connector kind such as `jira` (Jira Software) or `github` (GitHub Issues)."""

    name: str = ""
    """The target's name, used by `frontline escalate --target NAME` and shown in the form; empty means
    the kind (`jira`). Names must be unique within a profile."""

    labels: list[str] = Field(default_factory=list)
    """Labels every escalated bug gets (besides the ticket's own label), e.g. `["from-support"]`."""

    base_url: str = ""
    """`https://acme.atlassian.net` or `https://api.github.com`."""

    project: str = ""
    """Jira project key (`ENG`) or GitHub `owner/repo`."""

    email: str = ""
    """Sign-in email for Jira API tokens; unused for GitHub."""

    token_env: str | None = None
    """Environment variable holding the tracker token when no keyring is available."""

    rate_limit_per_minute: int | None = Field(default=None, ge=1, le=100_000)
    """Most requests a minute every frontline process of this profile on this machine sends to this
    tracker, shared through a token bucket in the data dir; unset: 80 for GitHub (its documented
    content-creation limit), 100 for Jira (which documents only per-second bursts and `Retry-After`)."""

    def scheduler_rate(self) -> int:
        """`rate_limit_per_minute`, or the tracker kind's default (`TRACKER_RATE_LIMITS`)."""
        if self.rate_limit_per_minute is not None:
            return self.rate_limit_per_minute
        return TRACKER_RATE_LIMITS.get(self.kind, DEFAULT_TRACKER_RATE_LIMIT)

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> Any:
        from frontline.connectors.registry import TRACKER_KINDS

        return _check_kind(value, TRACKER_KINDS)

"""The one composition root: everything a profile needs, built in one place and closed in one place.

The console, the CLI, the demo and the tests all get their objects from here, so the concrete classes
(connectors, the SQLite store) are named only in this module and in the CLI. Building is cheap and
offline: nothing here talks to the network; `Session.desk.connect()` does, later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frontline import locations
from frontline.config import (
    HandoffDestination,
    HandoffSettings,
    HelpdeskSettings,
    Settings,
    TrackerSettings,
)
from frontline.connectors.zendesk import ZendeskSettings
from frontline.domain.clock import Clock, utc_now
from frontline.domain.ports import Helpdesk, Tracker
from frontline.errors import AuthError, ConfigError, CredentialsError
from frontline.services.desk import Desk
from frontline.services.escalation import Escalations, Target
from frontline.services.refresh_budget import DEFAULT_REFRESH_BUDGET
from frontline.services.session import LocalStores, Session

if TYPE_CHECKING:
    from frontline.services.publishing import Destination, Publisher, WebhookPoster

__all__ = ["Session", "build_session", "open_session", "session_for_helpdesk"]


def sqlite_stores(data_dir: Path) -> Callable[[], LocalStores]:
    """Opens the SQLite drafts, outbox, journal, seen state and cache under `data_dir` when first needed.

    Raises (when called):
        StoreError: the database cannot be opened or is from a newer frontline.
    """

    def open_stores() -> LocalStores:
        from frontline.store.cache import CacheStore
        from frontline.store.db import Store
        from frontline.store.drafts import DraftStore
        from frontline.store.escalations import EscalationStore
        from frontline.store.journal import JournalStore, PublicationStore
        from frontline.store.outbox import OutboxStore
        from frontline.store.seen import SeenStore

        store = Store.open(data_dir)
        return LocalStores(
            drafts=DraftStore(store),
            outbox=OutboxStore(store),
            escalations=EscalationStore(store),
            journal=JournalStore(store),
            publications=PublicationStore(store),
            closable=store,
            seen=SeenStore(store),
            cache=CacheStore(store),
        )

    return open_stores


def session_for_helpdesk(
    helpdesk: Helpdesk,
    *,
    profile_name: str,
    settings: Settings | None = None,
    view_ids: Sequence[str] = (),
    stores: LocalStores | None = None,
    data_dir: Path | None = None,
    clock: Clock = utc_now,
    refresh_budget: int | None = None,
) -> Session:
    """A session around an already built helpdesk (the demo's sandbox connector, a test's fake).

    `stores` replaces the SQLite database under `data_dir` (tests pass repositories of their own);
    `refresh_budget` is the requests a minute automatic refreshes may use (the desk's default if None).
    """
    data_dir = data_dir or locations.data_dir()
    sessions: list[Session] = []
    desk = Desk(
        helpdesk,
        profile_name=profile_name,
        view_ids=view_ids,
        clock=clock,
        outbox=lambda: sessions[0].outbox(),
        refresh_budget=refresh_budget or DEFAULT_REFRESH_BUDGET,
    )
    session = Session(
        profile_name=profile_name,
        settings=settings or Settings(),
        helpdesk=helpdesk,
        desk=desk,
        clock=clock,
        data_dir=data_dir,
        open_stores=(lambda: stores) if stores is not None else sqlite_stores(data_dir),
    )
    sessions.append(session)
    return session


def build_session(
    profile_name: str,
    helpdesk_settings: HelpdeskSettings,
    token: str,
    *,
    settings: Settings | None = None,
    escalation: Sequence[TrackerSettings] = (),
    tracker_token: Callable[[TrackerSettings], str] | None = None,
    handoff: HandoffSettings | None = None,
    webhook_url: Callable[[HandoffDestination], str] | None = None,
    transport: Any = None,
    data_dir: Path | None = None,
    clock: Clock = utc_now,
    helpdesk_auth: Any = None,
) -> Session:
    """A session on a helpdesk described by `helpdesk_settings`, signed in with `token` (or with
    `helpdesk_auth`, an httpx auth such as a refreshing OAuth sign-in, in its place), escalating to
    the `escalation` targets (their tokens are read by `tracker_token` on first use: the keyring or the
    target's `token_env` by default), publishing handoffs to `handoff`'s destinations (a Slack webhook's
    URL read by `webhook_url` on first use: the keyring or the destination's `webhook_env`).

    Raises:
        ConfigError: the helpdesk kind is unknown or its connector rejects the address or credentials.
    """
    from frontline.connectors.registry import build_helpdesk
    from frontline.connectors.tls import verify_option

    # TLS is always verified; `[network]` adds a CA bundle or the system trust store (corporate proxies).
    verify = verify_option(settings.network) if settings is not None else True
    data_dir = data_dir or locations.data_dir()
    per_minute, adopt = helpdesk_settings.scheduler_rate()
    options: dict[str, Any] = {
        "settings": helpdesk_settings,
        "verify": verify,
        "scheduler": _scheduler(data_dir, profile_name, "helpdesk", per_minute, adopt_server_limit=adopt),
    }
    if helpdesk_auth is not None:
        options["auth"] = helpdesk_auth
    helpdesk = build_helpdesk(
        helpdesk_settings.kind,
        base_url=helpdesk_settings.base_url,
        email=helpdesk_settings.email,
        token=token,
        transport=transport,
        **options,
    )
    session = session_for_helpdesk(
        helpdesk,
        profile_name=profile_name,
        settings=settings,
        view_ids=helpdesk_settings.views,
        data_dir=data_dir,
        clock=clock,
        refresh_budget=helpdesk_settings.refresh_budget(),
    )
    session.renew_token = (
        _token_renewer(profile_name, helpdesk_settings.kind, helpdesk)
        if helpdesk_auth is None
        else _browser_sign_in(profile_name)
    )
    session.escalations = _escalations(
        session,
        helpdesk_settings,
        escalation,
        tracker_token or _stored_tracker_token(profile_name),
        transport,
        verify,
    )
    attach_publisher(
        session,
        handoff or HandoffSettings(),
        webhook_url=webhook_url or _stored_webhook_url(profile_name),
        transport=transport,
        verify=verify,
    )
    return session


def attach_publisher(
    session: Session,
    handoff: HandoffSettings,
    *,
    webhook_url: Callable[[HandoffDestination], str],
    transport: Any = None,
    verify: Any = True,
) -> None:
    """Wire the handoff's destinations into `session` (the demo and tests call it on their sessions);
    the publisher is built when first used, so the console's first screen does not load it."""
    session.sla_horizon = timedelta(hours=handoff.sla_horizon_hours)
    settings = {d.name: d for d in handoff.destinations}

    def tracker(destination: Destination) -> Tracker:
        escalations = session.escalations
        targets = escalations.targets if escalations is not None else []
        chosen = next(
            (
                t
                for t in targets
                if (t.name == destination.target)
                or (destination.target is None and t.kind == destination.kind)
            ),
            None,
        )
        if chosen is None or escalations is None:
            raise ConfigError(
                f"The handoff destination {destination.name!r} posts to {destination.kind}, but profile "
                f"{session.profile_name!r} has no such escalation target"
                + (f" named {destination.target!r}" if destination.target else "")
                + ": add it under [[profiles.NAME.escalation]] (it gives the address and the token)."
            )
        return escalations.tracker(chosen)

    def webhook(destination: Destination) -> WebhookPoster:
        from frontline.connectors.slack import build_slack_webhook

        return build_slack_webhook(
            webhook_url(settings[destination.name]), transport=transport, verify=verify
        )

    def publisher() -> Publisher:
        from frontline.services.publishing import Destination, Publisher

        return Publisher(
            [
                Destination(name=d.name, kind=d.kind, ticket=d.ticket, issue=d.issue, target=d.target)
                for d in handoff.destinations
            ],
            profile=session.profile_name,
            desk=session.desk,
            repository=session.publications,
            journal=session.journal,
            trackers=tracker,
            webhook=webhook,
            clock=session.clock,
        )

    session.publisher = None
    session.publisher_factory = publisher


def _stored_webhook_url(profile_name: str) -> Callable[[HandoffDestination], str]:
    def url(destination: HandoffDestination) -> str:
        from frontline.credentials import get_webhook_url

        return get_webhook_url(profile_name, destination.name, webhook_env=destination.webhook_env).token

    return url


def _escalations(
    session: Session,
    helpdesk_settings: HelpdeskSettings,
    entries: Sequence[TrackerSettings],
    tracker_token: Callable[[TrackerSettings], str],
    transport: Any,
    verify: Any = True,
) -> Escalations:
    """The profile's escalation targets, each tracker built (and its token read) on first use."""
    from frontline.connectors.registry import build_tracker, connector

    by_name: dict[str, TrackerSettings] = {}
    targets: list[Target] = []
    for entry in entries:
        name = entry.name or entry.kind
        if name in by_name:
            raise ConfigError(
                f"Profile {session.profile_name!r} names two escalation targets {name!r}: give each a "
                "distinct name."
            )
        by_name[name] = entry
        targets.append(
            Target(
                name=name,
                kind=entry.kind,
                display_name=connector(entry.kind, "tracker").display_name,
                project=entry.project,
                labels=tuple(entry.labels),
                components=tuple(getattr(entry, "components", ()) or ()),
            )
        )

    def open_tracker(target: Target) -> Tracker:
        entry = by_name[target.name]
        system = f"tracker-{target.name}"
        return build_tracker(
            entry,
            tracker_token(entry),
            helpdesk_site=helpdesk_settings.base_url,
            transport=transport,
            verify=verify,
            scheduler=_scheduler(session.data_dir, session.profile_name, system, entry.scheduler_rate()),
        )

    return Escalations(
        session.desk,
        targets,
        open_tracker,
        session.escalation_records,
        helpdesk_kind=helpdesk_settings.kind,
        helpdesk_url=helpdesk_settings.base_url,
        clock=session.clock,
    )


def _scheduler(
    data_dir: Path, profile_name: str, system: str, per_minute: int, *, adopt_server_limit: bool = False
) -> Any:
    """The request scheduler of the profile's `system`, shared with its other processes on this machine
    through a state file under `data_dir` (`frontline.connectors.scheduler`)."""
    from frontline.connectors.scheduler import scheduler_for

    return scheduler_for(
        data_dir, profile_name, system, per_minute=per_minute, adopt_server_limit=adopt_server_limit
    )


def _stored_tracker_token(profile_name: str) -> Callable[[TrackerSettings], str]:
    def token(entry: TrackerSettings) -> str:
        from frontline.credentials import get_token

        host = entry.base_url or None  # GitHub Enterprise: the gh CLI is asked for that host's token
        return get_token(
            profile_name, entry.kind, token_env=entry.token_env, kind=entry.kind, host=host
        ).token

    return token


def _token_renewer(profile_name: str, kind: str, helpdesk: Helpdesk) -> Callable[[str], str]:
    """Store a new token for the profile's helpdesk, then use it on the open connection."""

    def renew(token: str) -> str:
        from frontline.credentials import HELPDESK, set_token
        from frontline.errors import CredentialsError

        token = token.strip()
        if not token:
            raise ConfigError("The token is empty; nothing changed.")
        try:
            where = set_token(profile_name, HELPDESK, token, kind=kind)
        except CredentialsError as error:
            where = f"Using it for this session only: {error.message.splitlines()[0]}"
        helpdesk.use_token(token)
        return where

    return renew


def _browser_sign_in(profile_name: str) -> Callable[[str], str]:
    """What the console's sign-in does for an OAuth profile: point to `frontline login`, which runs the
    browser sign-in; the open session's auth picks the new pair up from the vault on its next 401."""

    def renew(token: str) -> str:
        raise AuthError(
            f"Sign in again in a terminal with `frontline login {profile_name}` (it opens the browser); "
            "this console uses the new sign-in from its next request.",
            title="Sign in with the browser",
        )

    return renew


def _zendesk_oauth(settings: Settings, profile_name: str, helpdesk: ZendeskSettings) -> Any:
    """The refreshing auth over the profile's kept OAuth sign-in.

    Raises:
        ConfigError: no `client_id`; CredentialsError: not signed in, or the sign-in cannot be read.
    """
    from frontline.connectors.tls import verify_option
    from frontline.connectors.zendesk.oauth import refreshing_auth
    from frontline.credentials import HELPDESK, oauth_vault

    client_id = helpdesk.oauth_client_id(profile_name)
    vault = oauth_vault(profile_name, HELPDESK)
    tokens = vault.load()
    if tokens is None:
        raise CredentialsError(
            f"Profile {profile_name!r} is not signed in to Zendesk: run `frontline login {profile_name}` "
            "(it opens Zendesk's sign-in page in your browser)."
        )
    return refreshing_auth(
        helpdesk.base_url,
        client_id,
        vault,
        relogin=f"Run `frontline login {profile_name}` to sign in again.",
        tokens=tokens,
        verify=verify_option(settings.network),
    )


def open_session(
    settings: Settings,
    profile_name: str,
    *,
    transport: Any = None,
    data_dir: Path | None = None,
    clock: Clock = utc_now,
) -> Session:
    """A session on the profile's helpdesk with its stored token, or for a Zendesk profile with
    `auth = "oauth"` its kept sign-in, refreshed as it expires (not yet connected).

    Raises:
        ConfigError: unknown profile, missing base URL, unknown helpdesk kind, or OAuth without client_id.
        CredentialsError: no token in the keyring, the secrets file or the profile's env var; for OAuth,
            not signed in (`frontline login PROFILE`).
    """
    from frontline.credentials import HELPDESK, get_token

    helpdesk = settings.get_profile(profile_name).helpdesk
    if not helpdesk.base_url:
        raise ConfigError(
            f"Profile {profile_name!r} has no helpdesk address: set base_url under "
            f"[profiles.{profile_name}.helpdesk] in {locations.config_file()}."
        )
    token, auth = "", None
    if isinstance(helpdesk, ZendeskSettings) and helpdesk.auth == "oauth":
        auth = _zendesk_oauth(settings, profile_name, helpdesk)
    else:
        token = get_token(profile_name, HELPDESK, token_env=helpdesk.token_env, kind=helpdesk.kind).token
    return build_session(
        profile_name,
        helpdesk,
        token,
        helpdesk_auth=auth,
        settings=settings,
        escalation=settings.get_profile(profile_name).escalation,
        handoff=settings.get_profile(profile_name).handoff,
        transport=transport,
        data_dir=data_dir,
        clock=clock,
    )

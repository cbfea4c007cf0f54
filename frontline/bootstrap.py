"""The one composition root: everything a profile needs, built in one place and closed in one place.

The console, the CLI, the demo and the tests all get their objects from here, so the concrete classes
(connectors, the SQLite store) are named only in this module and in the CLI. Building is cheap and
offline: nothing here talks to the network; `Session.desk.connect()` does, later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
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
from frontline.errors import ConfigError
from frontline.services.desk import Desk
from frontline.services.refresh_budget import DEFAULT_REFRESH_BUDGET
from frontline.services.session import LocalStores, Session
from frontline.session_credentials import (
    browser_sign_in,
    helpdesk_token,
    stored_tracker_token,
    stored_webhook_url,
    token_renewer,
    zendesk_oauth,
)

if TYPE_CHECKING:
    from frontline.services.escalation import Escalations
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
    read_token: Callable[[], str] | None = None,
    read_auth: Callable[[], Any] | None = None,
) -> Session:
    """A session on a helpdesk described by `helpdesk_settings`, signed in with `token` (or with
    `helpdesk_auth`, an httpx auth such as a refreshing OAuth sign-in, in its place), escalating to
    the `escalation` targets (their tokens are read by `tracker_token` on first use: the keyring or the
    target's `token_env` by default), publishing handoffs to `handoff`'s destinations (a Slack webhook's
    URL read by `webhook_url` on first use: the keyring or the destination's `webhook_env`).

    With `read_token` (or `read_auth`, for a kept OAuth sign-in) the connector is built on the helpdesk's
    first request instead, signed in with what it returns then (`SignInFirst`): the console paints its
    first screen without reading a secret or importing the connector's client.

    Raises:
        ConfigError: the helpdesk kind is unknown, `[network]` is unusable, or the connector rejects the
            address or credentials (with `read_token` or `read_auth`: on the first request).
    """
    from frontline.connectors.tls import verify_option

    # TLS is always verified; `[network]` adds a CA bundle or the system trust store (corporate proxies).
    verify = verify_option(settings.network) if settings is not None else True
    data_dir = data_dir or locations.data_dir()

    def connect(token: str) -> Helpdesk:
        from frontline.connectors.registry import build_helpdesk

        per_minute, adopt = helpdesk_settings.scheduler_rate()
        options: dict[str, Any] = {
            "settings": helpdesk_settings,
            "verify": verify,
            "scheduler": _scheduler(data_dir, profile_name, "helpdesk", per_minute, adopt_server_limit=adopt),
        }
        auth = read_auth() if read_auth is not None else helpdesk_auth
        if auth is not None:
            options["auth"] = auth
        return build_helpdesk(
            helpdesk_settings.kind,
            base_url=helpdesk_settings.base_url,
            email=helpdesk_settings.email,
            token=token,
            transport=transport,
            **options,
        )

    later = read_token is not None or read_auth is not None
    helpdesk = _sign_in_first(helpdesk_settings, connect, read_token) if later else connect(token)
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
        token_renewer(profile_name, helpdesk_settings.kind, helpdesk)
        if helpdesk_auth is None and read_auth is None
        else browser_sign_in(profile_name)
    )
    session.escalations = _escalations(
        session,
        helpdesk_settings,
        escalation,
        tracker_token or stored_tracker_token(profile_name),
        transport,
        verify,
    )
    attach_publisher(
        session,
        handoff or HandoffSettings(),
        webhook_url=webhook_url or stored_webhook_url(profile_name),
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
    from frontline.services.escalation import Escalations, Target

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


def _sign_in_first(
    helpdesk: HelpdeskSettings, connect: Callable[[str], Helpdesk], read_token: Callable[[], str] | None
) -> Helpdesk:
    """The helpdesk connected (its client imported, its token read) on its first request: `SignInFirst`.

    Raises:
        ConfigError: the helpdesk kind is unknown.
    """
    import secrets

    from frontline.connectors.registry import connector
    from frontline.services.sign_in_first import SignInFirst

    spec = connector(helpdesk.kind, "helpdesk")
    # Never sent; random, so that redacting it (as every token is) hides nothing else.
    stand_in = f"not-read-yet-{secrets.token_urlsafe(24)}"
    return SignInFirst(connect, read_token, kind=spec.kind, display_name=spec.display_name, stand_in=stand_in)


def open_session(
    settings: Settings,
    profile_name: str,
    *,
    transport: Any = None,
    data_dir: Path | None = None,
    clock: Clock = utc_now,
    sign_in_later: bool = False,
) -> Session:
    """A session on the profile's helpdesk with its stored token, or for a Zendesk profile with
    `auth = "oauth"` its kept sign-in, refreshed as it expires (not yet connected).

    With `sign_in_later` (the console), the token or the kept sign-in is read on the helpdesk's first
    request instead (`SignInFirst`: the queue paints from the local cache meanwhile); the errors below,
    but for the address and the kind, are raised then, by that request and by `SignInFirst.sign_in`.

    Raises:
        ConfigError: unknown profile, missing base URL, unknown helpdesk kind, or OAuth without client_id.
        CredentialsError: no token in the keyring, the secrets file or the profile's env var; for OAuth,
            not signed in (`frontline login PROFILE`).
    """
    helpdesk = settings.get_profile(profile_name).helpdesk
    if not helpdesk.base_url:
        raise ConfigError(
            f"Profile {profile_name!r} has no helpdesk address: set base_url under "
            f"[profiles.{profile_name}.helpdesk] in {locations.config_file()}."
        )
    token, auth, read_token, read_auth = "", None, None, None
    if isinstance(helpdesk, ZendeskSettings) and helpdesk.auth == "oauth":
        if sign_in_later:
            read_auth = partial(zendesk_oauth, settings, profile_name, helpdesk)
        else:
            auth = zendesk_oauth(settings, profile_name, helpdesk)
    elif sign_in_later:
        read_token = helpdesk_token(profile_name, helpdesk)
    else:
        token = helpdesk_token(profile_name, helpdesk)()
    return build_session(
        profile_name,
        helpdesk,
        token,
        helpdesk_auth=auth,
        read_token=read_token,
        read_auth=read_auth,
        settings=settings,
        escalation=settings.get_profile(profile_name).escalation,
        handoff=settings.get_profile(profile_name).handoff,
        transport=transport,
        data_dir=data_dir,
        clock=clock,
    )

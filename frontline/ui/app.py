"""The Textual application: thin glue between a `Session` (from `frontline.bootstrap`) and the screens.

Besides the screens it holds app-wide helpers: `writes` (sends that outlive their screen),
`outbox_watch` (the outbox checked on start and while anything waits), `auth` (signed out mid-shift,
and signing in again) and `shift_clock` (the running shift's start, from the journal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from frontline.config import Settings
from frontline.domain.clock import Clock
from frontline.domain.ports import DraftRepository
from frontline.errors import (
    AuthError,
    ConfigError,
    CredentialsError,
    FrontlineError,
    RateLimited,
    Unavailable,
)
from frontline.services.desk import Desk
from frontline.services.previews import ThreadCache
from frontline.services.session import Session
from frontline.services.sign_in_first import SignInFirst
from frontline.ui.bug_links import BugLinks
from frontline.ui.commands import FrontlineCommands
from frontline.ui.escalation_writes import EscalationWrites
from frontline.ui.keymap import apply_keymap
from frontline.ui.memory_keeper import MemoryKeeper
from frontline.ui.outbox_watch import OutboxWatch
from frontline.ui.screens.help import HELP_BINDING, show_help
from frontline.ui.screens.queue import QueueScreen
from frontline.ui.shift_clock import PreviousHandoff, ShiftClock, previous_handoff
from frontline.ui.sign_in import SIGN_IN_BINDING_ID, SignIn
from frontline.ui.themes import APP_THEME_VARIABLE_DEFAULTS, install_themes
from frontline.ui.writes import Writes


def bound_classes() -> tuple[type, ...]:
    """Every class that declares bindings: the keymap is checked against their ids (a test walks
    `frontline.ui` for any class left out). Imported here: the console opens on the queue, the other
    screens load when first opened, or at start only when `[keymap]` has entries to check."""
    from frontline.ui.screens.bulk import BulkScreen
    from frontline.ui.screens.composer import ComposerScreen
    from frontline.ui.screens.conversation_search import ConversationSearch
    from frontline.ui.screens.drafts_list import DraftsScreen, QuitConfirmScreen
    from frontline.ui.screens.escalate import EscalationScreen
    from frontline.ui.screens.escalated import ExistingBugScreen
    from frontline.ui.screens.goto import LookupScreen
    from frontline.ui.screens.handoff import HandoffScreen
    from frontline.ui.screens.handoff_note import HandoffNoteScreen
    from frontline.ui.screens.help import HelpScreen
    from frontline.ui.screens.outbox import OutboxScreen
    from frontline.ui.screens.pickers import (
        ChoiceScreen,
        ConfirmScreen,
        FilterChoiceScreen,
        MacroPreviewScreen,
        TextPromptScreen,
    )
    from frontline.ui.screens.review import ReviewScreen
    from frontline.ui.screens.ticket import TicketScreen
    from frontline.ui.screens.ticket_details import TicketDetailsScreen
    from frontline.ui.widgets.queue_list import QueueList

    return (
        QueueScreen,
        QueueList,
        TicketScreen,
        ComposerScreen,
        ReviewScreen,
        ChoiceScreen,
        TextPromptScreen,
        ConfirmScreen,
        MacroPreviewScreen,
        HelpScreen,
        LookupScreen,
        OutboxScreen,
        DraftsScreen,
        QuitConfirmScreen,
        EscalationScreen,
        ExistingBugScreen,
        HandoffNoteScreen,
        HandoffScreen,
        BulkScreen,
        FilterChoiceScreen,
        TicketDetailsScreen,
        ConversationSearch,
    )


class FrontlineApp(App[None]):
    """The shift console.

    Args:
        session: the profile's objects (desk, stores, clock, settings), built by `frontline.bootstrap`;
            the app closes it on exit.
        config_path: the config file a theme picked in the palette is saved to.
        after_first_paint: called once the first screen has painted (the console resumes the cyclic
            garbage collector it pauses while it starts, `frontline.cli.console`).
    """

    TITLE = "frontline"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {FrontlineCommands}
    CSS = """
    /* Disabled keys in the theme's $text-disabled instead of Textual's `dim`, which drops them under
       4.5:1 on the footer: still greyer than enabled keys, still readable. */
    FooterKey.-disabled { text-style: none; }
    FooterKey.-disabled > .footer-key--key { color: $text-disabled; }
    FooterKey.-disabled > .footer-key--description { color: $text-disabled; }
    """
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        HELP_BINDING,
        Binding("O", "show_outbox", "Outbox", id="app.outbox", show=False),
        Binding("D", "show_drafts", "Drafts and outbox", id="app.drafts", show=False),
        Binding("number_sign", "goto", "Go to ticket…", id="app.goto", show=False),
        Binding("L", "sign_in", "Sign in again", id=SIGN_IN_BINDING_ID, show=False),
    ]

    signed_out: reactive[bool] = reactive(False)
    """The helpdesk refused the token: banners say so and background polling stops until `L`."""

    def __init__(
        self,
        session: Session,
        *,
        config_path: Path | None = None,
        after_first_paint: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self._after_first_paint = after_first_paint
        self.config_path = config_path
        self.settings_problems: list[str] = install_themes(self, session.settings)
        """Settings that could not be applied (a broken theme file, an unknown key id), told on mount.
        The theme is set here, before any CSS is parsed: set on mount, it would parse all of it again."""
        self._store_error_reported = False
        self.writes = Writes(self)
        """Sends in flight: the app runs them, so closing a screen never cancels one."""
        self.outbox_watch = OutboxWatch(self)
        self.bug_links = BugLinks(session)
        """The tickets' escalated bugs as last seen (ticket header, the queue's bug column)."""
        self.escalation_writes = EscalationWrites(self)
        """Bugs filed, linked or commented on: app writes, one per ticket at a time."""
        self.auth = SignIn(self)
        self.shift_clock = ShiftClock(self)
        """The running shift's start as the journal has it (the status bar's `shift 2h05m`)."""
        self.memory_keeper = MemoryKeeper()
        """Frees, every few minutes while the engineer is idle, what the frozen generation holds."""
        self.previous_handoff: PreviousHandoff | None = None
        """The handoff the previous shift published, read on start ("shift: previous handoff")."""
        self._asking_to_quit = False
        self._watches_started = False
        self.startup_error: CredentialsError | ConfigError | None = None
        """No token for the helpdesk, or settings its connector refuses, found once the queue has painted:
        the console exits and the command line prints it (`frontline.cli.console`), as it did when these
        were found before the UI started."""

    @property
    def desk(self) -> Desk:
        return self.session.desk

    @property
    def settings(self) -> Settings:
        return self.session.settings

    @property
    def thread_cache(self) -> ThreadCache:
        """Conversations kept in the local store, for the queue's preview (offline too)."""
        return self.session.cache

    @property
    def clock(self) -> Clock:
        return self.session.clock

    @property
    def data_dir(self) -> Path:
        return self.session.data_dir

    @property
    def shift_started_at(self) -> datetime | None:
        """When the running shift started (stored, so it survives restarts); None when off shift."""
        return self.shift_clock.started_at

    def drafts(self) -> DraftRepository | None:
        """The draft store, or None when the local database is unusable (reported once)."""
        drafts = self.session.drafts
        if self.session.store_error is not None and not self._store_error_reported:
            self._store_error_reported = True
            self.report_error(self.session.store_error)
        return drafts

    async def on_unmount(self) -> None:
        """Close the HTTP clients and the database."""
        await self.session.aclose()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self.memory_keeper.touched()  # the engineer is here: no collection pass now
        await super().on_event(event)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(APP_THEME_VARIABLE_DEFAULTS)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands, minus its theme picker: ours ("theme: ...") also saves the choice."""
        for command in super().get_system_commands(screen):
            if command.title.lower() != "theme":
                yield command

    def on_mount(self) -> None:
        keymap = self.settings.keymap
        self.settings_problems += apply_keymap(self, keymap, bound_classes() if keymap else ())
        problems = self.settings_problems
        if problems:
            self.notify(
                "\n".join(problems), title="Settings problems", severity="warning", timeout=20, markup=False
            )
        self.push_screen(self.first_screen())
        if not isinstance(self.screen, QueueScreen):
            self.call_after_refresh(self.start_watches)  # the queue calls it once its cache has painted

    def start_watches(self) -> None:
        """The helpdesk's sign-in, the outbox, the shift clock and the previous handoff (local database
        reads): started after the first screen has painted, so the console shows the queue before it
        reads a token or opens the store."""
        if self._watches_started:
            return
        self._watches_started = True
        if self._after_first_paint is not None:
            self._after_first_paint()
        self._sign_in()
        self.outbox_watch.start()
        self.shift_clock.start()
        self.memory_keeper.start(self)
        self._offer_previous_handoff()

    def _sign_in(self) -> None:
        """Connect the helpdesk now if it was left for the first request (`SignInFirst`): a missing token or
        a refused address is told at once, whatever the first request is."""
        helpdesk = self.session.helpdesk
        if isinstance(helpdesk, SignInFirst) and not helpdesk.signed_in:
            self.run_worker(self._signed_in(helpdesk), group="sign-in", exit_on_error=False)

    async def _signed_in(self, helpdesk: SignInFirst) -> None:
        try:
            await helpdesk.sign_in()
        except (CredentialsError, ConfigError) as error:
            self.startup_error = error
            self.exit(return_code=2)

    def first_screen(self) -> Screen[None]:
        """The screen the console opens on: the queue."""
        return QueueScreen()

    async def action_quit(self) -> None:
        """Quit, after a send in flight has finished (bounded; `q` again quits at once), and asking first
        (default: stay) when drafts are unsent or writes wait in the outbox: all are kept for next time."""
        if self._asking_to_quit:
            return
        from frontline.ui.screens.drafts_list import QuitConfirmScreen, quit_question_for

        question = None if self.writes.in_flight() else quit_question_for(self)
        if question is None:
            self.writes.quit()
            return
        self._asking_to_quit = True
        self.push_screen(QuitConfirmScreen(*question), self._quit_answered)

    def _quit_answered(self, quit_anyway: bool | None) -> None:
        self._asking_to_quit = False
        if quit_anyway:
            self.writes.quit()

    def action_show_drafts(self) -> None:
        from frontline.ui.screens.drafts_list import DraftsScreen

        if not isinstance(self.screen, DraftsScreen):
            self.push_screen(DraftsScreen())

    def action_show_outbox(self) -> None:
        from frontline.ui.screens.outbox import OutboxScreen

        if not isinstance(self.screen, OutboxScreen):
            self.push_screen(OutboxScreen())

    def action_goto(self) -> None:
        from frontline.ui.screens.goto import open_goto

        open_goto(self)

    def action_sign_in(self) -> None:
        self.auth.prompt()

    def action_show_help(self) -> None:
        show_help(self)

    def _offer_previous_handoff(self) -> None:
        try:
            self.previous_handoff = previous = previous_handoff(self.session)
        except FrontlineError:
            return  # the local database's failure is told where it matters (drafts, the outbox)
        if previous is not None and previous.named:
            for screen in self.screen_stack:
                if isinstance(screen, QueueScreen):
                    screen.name_in_handoff(previous.named)
        if previous is not None and previous.before_any_work:
            self.notify(
                'The previous shift left a handoff: ctrl+p, then "shift: previous handoff".',
                title="Handoff",
                timeout=10,
                markup=False,
            )

    def show_previous_handoff(self) -> None:
        """Show the previous shift's handoff as it was published (plain text, to read and copy)."""
        previous = self.previous_handoff
        if previous is None:
            self.notify("No handoff was kept from the previous shift.", timeout=4)
            return
        from frontline.ui.screens.handoff import HandoffScreen

        self.push_screen(HandoffScreen(previous.text, title=previous.title))

    def report_error(self, error: FrontlineError) -> None:
        """The one place that decides how an error is shown: transient ones warn, others are errors.

        A refused token turns the console signed out, which one banner shows until `L`: the helpdesk's
        reason is told once, as it happens, and not again for every request refused meanwhile.
        """
        if isinstance(error, AuthError):
            if self.signed_out:
                return
            self.auth.signed_out()
        transient = isinstance(error, Unavailable | RateLimited)
        severity: SeverityLevel = "warning" if transient else "error"
        timeout = 6 if transient else 12
        self.notify(error.message, title=error.title, severity=severity, timeout=timeout, markup=False)

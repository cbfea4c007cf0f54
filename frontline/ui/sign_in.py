"""Signed out mid-shift: one persistent banner, no background polling, and signing in again from inside.

When the helpdesk answers 401 the app's `signed_out` turns on: every screen's `SignedOutBanner` shows it
(one line that stays, not a toast per refresh) and automatic refreshes and outbox checks stop. `L` asks for
a new token (a password field), hands it to `Session.renew_token` in a thread (the keyring blocks), checks
it with the helpdesk, then resumes: screens reload, the outbox is checked and flushed. Drafts and outbox
entries are never touched on the way. The token is shown nowhere: not in notifications, screens or logs.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from frontline.errors import AuthError, FrontlineError
from frontline.redaction import redact, remember_secrets
from frontline.ui.keymap import key_for
from frontline.ui.worker_errors import report_worker_error

if TYPE_CHECKING:
    from frontline.ui.app import FrontlineApp

SIGN_IN_BINDING_ID = "app.sign_in"


@runtime_checkable
class ResumesAfterSignIn(Protocol):
    """A screen that polls or shows helpdesk data: told when the engineer has signed in again."""

    def signed_in(self) -> None:
        """Reload what was stale while signed out, and resume any polling."""
        ...


class SignIn:
    """The console's sign-in state and the way back in.

    Args:
        app: the console; its `signed_out` reactive drives the banners.
    """

    def __init__(self, app: FrontlineApp) -> None:
        self.app = app
        self._prompting = False

    def signed_out(self) -> None:
        """The helpdesk refused the token: show the banner (once) and stop polling."""
        self.app.signed_out = True

    def banner_text(self) -> str:
        """What the banner says while signed out, with the person's key for signing in."""
        name = self.app.desk.helpdesk_name
        if self.app.session.renew_token is None:
            return f"Signed out: {name} refused the token. Restart frontline to sign in again."
        key = key_for(self.app.screen, SIGN_IN_BINDING_ID, "L")
        return f"Signed out: {name} refused the token. Press {key} to sign in again."

    def prompt(self) -> None:
        """Ask for a new token in a password field (nothing typed is shown)."""
        if self.app.session.renew_token is None:
            self.app.notify(
                "Restart frontline to sign in again.", title="Cannot sign in here", timeout=8, markup=False
            )
            return
        if self._prompting:
            return
        self._prompting = True
        from frontline.ui.screens.pickers import TextPromptScreen

        prompt = TextPromptScreen(
            f"Sign in to {self.app.desk.helpdesk_name} again: paste a new API token",
            hint="The token is kept where your tokens live (the keyring) · enter sign in · escape cancel",
            password=True,
        )
        self.app.push_screen(prompt, self._submitted)

    def _submitted(self, token: str | None) -> None:
        self._prompting = False
        if token is None:
            return
        if not token.strip():
            self.app.notify(
                "No token entered; nothing changed.", title="Not signed in", timeout=6, markup=False
            )
            return
        remember_secrets([token.strip()])  # hidden from every log and error message from now on
        self.app.run_worker(self._renew(token), group="sign-in", exclusive=True, exit_on_error=False)

    async def _renew(self, token: str) -> None:
        renew = self.app.session.renew_token
        if renew is None:
            return
        try:
            where = await asyncio.to_thread(renew, token)
        except FrontlineError as error:
            self.app.notify(
                redact(error.message, [token]), title=error.title, severity="error", timeout=12, markup=False
            )
            return
        except Exception as error:  # a bug: reported redacted, with where the details are
            report_worker_error(self.app, error)
            return
        if not await self._accepted():
            return
        self.app.signed_out = False
        self.app.notify(redact(where, [token]), title="Signed in again", timeout=8, markup=False)
        for screen in list(self.app.screen_stack):
            if isinstance(screen, ResumesAfterSignIn):
                screen.signed_in()
        self.app.outbox_watch.check()

    async def _accepted(self) -> bool:
        """Whether the helpdesk takes the new token; when it cannot be asked, it is given the benefit."""
        try:
            await self.app.desk.connect()
        except AuthError:
            key = key_for(self.app.screen, SIGN_IN_BINDING_ID, "L")
            self.app.notify(
                f"{self.app.desk.helpdesk_name} refused the new token too. Press {key} to try another.",
                title="Still signed out",
                severity="error",
                timeout=12,
                markup=False,
            )
            return False
        except FrontlineError:
            return True  # unreachable right now: the next refresh tells
        return True

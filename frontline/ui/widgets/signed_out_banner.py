"""The one line that says the console is signed out, on every screen that shows helpdesk data.

It follows the app's `signed_out` reactive, so it appears once when the helpdesk refuses the token and stays
until the engineer signs in again: no toast per refresh stacking over the status bar.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widgets import Static


class SignedOutBanner(Static):
    """Hidden while signed in; "Signed out: … Press L to sign in again." while not."""

    DEFAULT_CSS = """
    SignedOutBanner {
        height: auto;
        padding: 0 1;
        background: $error 35%;
        color: $text;
        text-style: bold;
        display: none;
    }
    SignedOutBanner.-shown { display: block; }
    """

    def on_mount(self) -> None:
        if hasattr(self.app, "signed_out"):
            self.watch(self.app, "signed_out", self._follow, init=True)

    def _follow(self, signed_out: bool) -> None:
        if signed_out:
            auth: Any = getattr(self.app, "auth", None)
            text = auth.banner_text() if auth is not None else "Signed out: the helpdesk refused the token."
            self.update(Content(text))
        self.set_class(signed_out, "-shown")

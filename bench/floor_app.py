"""The launch floor: a bare Textual app painting 50 queue-like rows, run exactly as the console is.

Run by `bench/run.py` in a pseudo-terminal, timed from process start to the first row in the terminal
output. It imports what any Textual console over HTTP pays for (Textual, httpx, pydantic-settings) and
draws 50 rows in the console's row format, so the same detector sees both. `q` quits.
"""

from __future__ import annotations

import httpx  # noqa: F401  (the floor pays for the imports a console over HTTP needs)
import pydantic_settings  # noqa: F401
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widget import Widget

ROWS = [
    f"  #{100 + n:<5} normal   open    4h{n:02d}m     Row {n} of the floor list      Grace {n:<10}  1d"
    for n in range(50)
]


class Rows(Widget):
    """A line-API list of 50 fixed rows."""

    def render_line(self, y: int) -> Strip:
        text = ROWS[y] if y < len(ROWS) else ""
        return Strip([Segment(text.ljust(self.size.width))])


class FloorApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Rows()


if __name__ == "__main__":
    FloorApp().run()

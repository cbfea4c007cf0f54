"""A safety net for workers: an error nobody caught still reaches the person, never silence.

Screens catch `FrontlineError` in their workers and show it with what to do next. Anything else is a bug;
with `exit_on_error=False` Textual would keep it to itself. Screens mix in `ReportsWorkerErrors` so such
an error is shown as a notification and its traceback is appended to `errors.log` in the data directory
(tracebacks name code, never the token: secrets are not kept in local variables that tracebacks print).
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.worker import Worker, WorkerState

from frontline.errors import FrontlineError

ERROR_LOG = "errors.log"


class ReportsWorkerErrors:
    """Mix into a Screen (before `Screen`) to report its workers' uncaught errors."""

    app: App[Any]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        report_worker_error(self.app, event.worker.error)


def report_worker_error(app: App[Any], error: BaseException) -> None:
    """Show an uncaught worker error: ours with its own message, a bug with where the details are."""
    if isinstance(error, FrontlineError):
        report = getattr(app, "report_error", None)
        if report is not None:
            report(error)
            return
    log_path = _append_to_log(app, error)
    where = f" Details: {log_path}." if log_path else ""
    app.notify(
        f"{type(error).__name__}: {error}.{where} Nothing you typed was lost.",
        title="Unexpected error",
        severity="error",
        timeout=20,
        markup=False,
    )


def _append_to_log(app: App[Any], error: BaseException) -> Path | None:
    data_dir = getattr(app, "data_dir", None)
    if not isinstance(data_dir, Path):
        return None
    path = data_dir / ERROR_LOG
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now(UTC).isoformat()}\n")
            log.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return path

"""A safety net for workers: an error nobody caught still reaches the person, never silence.

Screens catch `FrontlineError` in their workers and show it with what to do next. Anything else is a bug;
with `exit_on_error=False` Textual would keep it to itself. Screens mix in `ReportsWorkerErrors` so such
an error is shown as a notification and its traceback is appended to `errors.log` in the data directory
(created readable by the user only). Both are redacted with every secret the process has used: an
unexpected error's text is not ours and may quote a request, a header or a token.
"""

from __future__ import annotations

import logging
import os
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.worker import Worker, WorkerState

from frontline.errors import FrontlineError
from frontline.redaction import known_secrets, redact

ERROR_LOG = "errors.log"
log = logging.getLogger("frontline.ui")


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
    log.debug("uncaught worker error", exc_info=error)  # redacted by the debug log, when there is one
    log_path = _append_to_log(app, error)
    where = f" Details: {log_path}." if log_path else ""
    text = redact(f"{type(error).__name__}: {error}", known_secrets())
    app.notify(
        f"{text}.{where} Nothing you typed was lost.",
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
    report = redact("".join(traceback.format_exception(error)), known_secrets())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with open(descriptor, "a", encoding="utf-8") as errors_log:
            errors_log.write(f"--- {datetime.now(UTC).isoformat()}\n")
            errors_log.write(report)
    except OSError:
        return None
    return path

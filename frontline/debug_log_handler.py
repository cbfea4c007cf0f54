"""The `--debug` log's file handler: rotating, created readable by the user only, redacting every record.

Kept apart from `frontline.debug_log` so that a run without `--debug` (and `frontline --help`) never
imports `logging.handlers` or the redaction patterns: only a run that writes the log pays for them.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from frontline.redaction import known_secrets, redact

_FORMAT = "%(asctime)s %(levelname)-5s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Replaces a record's message and arguments by their redacted text before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = known_secrets()
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format: keep both, as text
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message, secrets), None
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        return True


class RedactingFormatter(logging.Formatter):
    """The final line, traceback and stack included, redacted again: nothing reaches the file unread."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), known_secrets())


def _private_rotator(source: str, destination: str) -> None:
    """Rotate, then create the fresh log file with mode 0600 before the handler reopens it."""
    os.replace(source, destination)
    _create_private(source)


def _create_private(path: str) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    os.chmod(path, 0o600)  # an older file may have been created wider


def open_handler(path: Path, *, max_bytes: int, backup_count: int) -> logging.Handler:
    """The redacting, rotating DEBUG handler writing to `path` (its directory is created user-only).

    Raises:
        OSError: the directory or the file cannot be created.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _create_private(str(path))
    handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8")
    handler.rotator = _private_rotator
    handler.setLevel(logging.DEBUG)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter(_FORMAT))
    return handler

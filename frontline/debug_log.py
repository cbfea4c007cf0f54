"""`frontline --debug`: a rotating log of what frontline did, in the data directory, with no secret in it.

Off by default: then the `frontline` loggers have no handler and stay at the root's WARNING level, so
the connectors' DEBUG records are never even formatted. On (`--debug` or `FRONTLINE_DEBUG=1`), records
go to `frontline-debug.log` (1 MB, three old files kept), each created readable by the user only. Every record
passes a redaction filter first: its message and arguments, and the final text with any traceback, are
cleaned of credential-looking values and of every secret the process has used (`known_secrets`), so a
server that echoes a token cannot put it in the file.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from frontline import __version__, locations
from frontline.errors import ConfigError
from frontline.redaction import known_secrets, redact

DEBUG_LOG = "frontline-debug.log"
"""The log's file name in the data directory; rotated copies end in `.1`, `.2`, `.3`."""
ENV_VAR = "FRONTLINE_DEBUG"
"""Set to 1 (or true, yes, on) to get the log without the flag, for instance for the console."""
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
ROOT_LOGGER = "frontline"
_FORMAT = "%(asctime)s %(levelname)-5s %(name)s: %(message)s"
_ON = frozenset({"1", "true", "yes", "on"})


def wanted(flag: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this run logs: the `--debug` flag, or `FRONTLINE_DEBUG` set to a true value."""
    return flag or environ.get(ENV_VAR, "").strip().lower() in _ON


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


def start(path: Path) -> logging.Handler:
    """Attach the redacting, rotating file handler at `path` to the `frontline` loggers.

    Raises:
        ConfigError: the directory or the file cannot be created.
    """
    from logging.handlers import RotatingFileHandler  # only a --debug run pays for it

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _create_private(str(path))
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"Cannot write the debug log at {path} ({error.strerror or error}). "
            f"Set FRONTLINE_DATA_DIR to a writable directory, or run without --debug."
        ) from None
    handler.rotator = _private_rotator
    handler.setLevel(logging.DEBUG)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(RedactingFormatter(_FORMAT))
    logger = logging.getLogger(ROOT_LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # the file is the one place these records go; never a console handler
    return handler


def stop(handler: logging.Handler) -> None:
    """Detach and close the handler; the loggers go back to silence."""
    logger = logging.getLogger(ROOT_LOGGER)
    logger.removeHandler(handler)
    handler.close()
    if not logger.handlers:
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


@contextmanager
def debug_logging(enabled: bool, *, command: str, data_dir: Path | None = None) -> Iterator[Path | None]:
    """While the block runs, log to the data directory's debug log if `enabled`; yields its path or None.

    Raises:
        ConfigError: the log cannot be written (from `start`).
    """
    if not enabled:
        yield None
        return
    path = (data_dir or locations.data_dir()) / DEBUG_LOG
    handler = start(path)
    logging.getLogger(ROOT_LOGGER).info(
        "frontline %s, Python %s on %s: %s",
        __version__,
        platform.python_version(),
        sys.platform,
        command,
    )
    try:
        yield path
    finally:
        stop(handler)

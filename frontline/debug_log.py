"""`frontline --debug`: a rotating log of what frontline did, in the data directory, with no secret in it.

Off by default: then the `frontline` loggers have no handler and stay at the root's WARNING level, so
the connectors' DEBUG records are never even formatted. On (`--debug` or `FRONTLINE_DEBUG=1`), records
go to `frontline-debug.log` (1 MB, three old files kept), each created readable by the user only. Every record
passes a redaction filter first: its message and arguments, and the final text with any traceback, are
cleaned of credential-looking values and of every secret the process has used (`known_secrets`), so a
server that echoes a token cannot put it in the file.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging
    from pathlib import Path

DEBUG_LOG = "frontline-debug.log"
"""The log's file name in the data directory; rotated copies end in `.1`, `.2`, `.3`."""
ENV_VAR = "FRONTLINE_DEBUG"
"""Set to 1 (or true, yes, on) to get the log without the flag, for instance for the console."""
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
ROOT_LOGGER = "frontline"
_ON = frozenset({"1", "true", "yes", "on"})


def wanted(flag: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this run logs: the `--debug` flag, or `FRONTLINE_DEBUG` set to a true value."""
    return flag or environ.get(ENV_VAR, "").strip().lower() in _ON


def start(path: Path) -> logging.Handler:
    """Attach the redacting, rotating file handler at `path` to the `frontline` loggers.

    Logging and the redaction patterns are imported here: every `frontline` run imports this module, and
    only a `--debug` run needs them.

    Raises:
        ConfigError: the directory or the file cannot be created.
    """
    import logging

    from frontline.debug_log_handler import open_handler
    from frontline.errors import ConfigError

    try:
        handler = open_handler(path, max_bytes=MAX_BYTES, backup_count=BACKUP_COUNT)
    except OSError as error:
        raise ConfigError(
            f"Cannot write the debug log at {path} ({error.strerror or error}). "
            f"Set FRONTLINE_DATA_DIR to a writable directory, or run without --debug."
        ) from None
    logger = logging.getLogger(ROOT_LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # the file is the one place these records go; never a console handler
    return handler


def stop(handler: logging.Handler) -> None:
    """Detach and close the handler; the loggers go back to silence."""
    import logging

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
    import logging
    import platform

    from frontline import locations, package_version

    path = (data_dir or locations.data_dir()) / DEBUG_LOG
    handler = start(path)
    logging.getLogger(ROOT_LOGGER).info(
        "frontline %s, Python %s on %s: %s",
        package_version(),
        platform.python_version(),
        sys.platform,
        command,
    )
    try:
        yield path
    finally:
        stop(handler)

"""What a sandbox system received, so tests can assert exactly-once behaviour over real HTTP."""

from __future__ import annotations

import json
import time
from collections import deque
from dataclasses import asdict, dataclass
from fnmatch import fnmatchcase
from typing import Any


@dataclass
class RecordedRequest:
    """One vendor request as the server saw it, with the answer (or the fault that replaced it)."""

    seq: int
    method: str
    path: str
    query: str
    body: Any
    status: int | None = None
    fault: str | None = None
    at: float = 0.0
    """When it arrived (epoch seconds), so tests can check that clients kept out of a `Retry-After`."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    """A bounded, in-order log of vendor requests (control routes are not recorded)."""

    def __init__(self, limit: int = 20_000) -> None:
        self._records: deque[RecordedRequest] = deque(maxlen=limit)
        self._seq = 0

    def add(self, method: str, path: str, query: str, raw_body: bytes) -> RecordedRequest:
        self._seq += 1
        record = RecordedRequest(self._seq, method, path, query, decode_body(raw_body), at=time.time())
        self._records.append(record)
        return record

    def clear(self) -> None:
        self._records.clear()

    def select(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Records matching an HTTP method (`PUT` or `PUT|POST`) and a path glob."""
        methods = {m.upper() for m in method.split("|")} if method else None
        return [
            record
            for record in self._records
            if (methods is None or record.method in methods)
            and (path is None or fnmatchcase(record.path, path))
        ]


def decode_body(raw: bytes) -> Any:
    """The JSON body, or the text when it is not JSON, or None when empty."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return raw.decode("utf-8", "replace")[:10_000]

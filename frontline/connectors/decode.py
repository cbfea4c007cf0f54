"""Reading what a server said without letting it crash us: JSON with bounds, retry hints, page walks.

Garbled or hostile answers must end in `MalformedResponse` (or a sane wait), never in a traceback:
Python's own parsers raise RecursionError on deep nesting, ValueError on integers over 4,300 digits and
OverflowError on absurd times. Every limit here is checked before those parsers can fail, and without
recursion. `ApiClient` is the only caller of `decode_json`; connectors never call `json.loads`.
"""

from __future__ import annotations

import email.utils
import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

import httpx

from frontline.errors import MalformedResponse

MAX_BODY_BYTES = 32 * 1024 * 1024
"""The largest answer read; a bigger one is refused before it is parsed (or, streamed, before it is
all in memory)."""

ERROR_BODY_BYTES = 64 * 1024
"""Error answers are read only this far: the start of an error page says all there is to say."""

MAX_DEPTH = 200
"""The deepest nesting of arrays and objects accepted; real helpdesk answers stay under 20."""

MAX_NUMBER_CHARS = 100
"""The longest number accepted, sign and exponent included; ids and timestamps need under 25."""

LONGEST_WAIT = 24 * 3600.0
"""Retry hints are clamped to a day: anything longer (or unreadable as a number) reads as "a day"."""

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
"""Times outside these years are unreadable: they overflow Python's datetime arithmetic at the edges."""

MAX_PAGES = 500
"""The most pages one list walk follows (50,000 records at Zendesk's page size)."""

MAX_CURSOR_CHARS = 4096
"""The longest pagination cursor or next link accepted."""

_STRINGS = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_DELTA_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_SECONDARY_LIMIT = b"secondary rate limit"
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


async def read_body(response: httpx.Response, *, service: str, where: str) -> bytes:
    """A streamed answer's (decompressed) body: a 2xx over `MAX_BODY_BYTES` is refused, an error page
    is cut at `ERROR_BODY_BYTES`, and an undecodable error page reads as empty.

    Raises:
        MalformedResponse: a 2xx body that is too large or cannot be decompressed.
    """
    success = response.is_success
    limit = MAX_BODY_BYTES if success else ERROR_BODY_BYTES
    too_large = f"{service} sent an answer larger than {limit >> 20} MB for {where}; not read."
    declared = response.headers.get("content-length", "")
    if success and declared.isascii() and declared.isdigit() and len(declared) < 16 and int(declared) > limit:
        raise MalformedResponse(too_large)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():
            if size + len(chunk) > limit:
                if success:
                    raise MalformedResponse(too_large)
                chunks.append(chunk[: limit - size])
                break
            chunks.append(chunk)
            size += len(chunk)
    except httpx.DecodingError:
        if success:
            raise MalformedResponse(
                f"{service} sent an answer that could not be decompressed for {where}."
            ) from None
        return b""
    return b"".join(chunks)


class _Refused(ValueError):
    """Raised inside `json.loads` hooks; turned into `MalformedResponse` with the service's name."""


def decode_json(
    content: bytes,
    *,
    service: str,
    where: str,
    max_bytes: int = MAX_BODY_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """A JSON document from `content`, or `MalformedResponse` saying which bound it broke.

    `where` names the request for the message ("/api/v2/views"); it must hold no secrets.
    """
    if len(content) > max_bytes:
        raise MalformedResponse(
            f"{service} sent an answer larger than {max_bytes // (1024 * 1024)} MB for {where}; not read."
        )
    try:
        text = content.decode(json.detect_encoding(content))
    except (UnicodeDecodeError, LookupError):
        raise MalformedResponse(f"{service} sent a response that is not valid JSON for {where}.") from None
    if nesting_depth(text) > max_depth:
        raise MalformedResponse(
            f"{service} sent an answer nested deeper than {max_depth} levels for {where}; not read."
        )
    try:
        value = json.loads(
            text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
        )
    except _Refused as refused:
        raise MalformedResponse(f"{service} sent {refused} for {where}; not read.") from None
    except (ValueError, RecursionError):
        raise MalformedResponse(f"{service} sent a response that is not valid JSON for {where}.") from None
    return _scrub_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON `text`, brackets inside strings ignored.

    A regex, `bytes.translate` and `accumulate` do the work, so a 32 MB answer is measured without
    recursion or a Python loop per character (a 100-ticket page takes well under a millisecond). Meant
    for text about to be parsed: on broken JSON it may miscount, and the parser rejects it anyway.
    """
    outside_strings = _STRINGS.sub("", text).encode("ascii", "ignore")
    brackets = outside_strings.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number {len(text)} digits long")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number {len(text)} characters long")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("a number too large to represent")
    return value


def _parse_constant(name: str) -> float:
    raise _Refused(f"{name}, which is not a JSON number")


def _scrub_surrogates(value: Any) -> Any:
    """Lone UTF-16 surrogates (`"\\ud800"`) replaced, so printing the text cannot raise."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, list):
        return [_scrub_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_scrub_surrogates(key): _scrub_surrogates(item) for key, item in value.items()}
    return value


# --- retry hints ----------------------------------------------------------------------------------


def throttle_wait(response: httpx.Response, *, is_read: bool, attempt: int, now: float) -> float | None:
    """Seconds to wait before retrying, or None when the answer is not "slow down".

    429 and GitHub's rate-limit 403s wait the server's hint (or back off); a 503 with `Retry-After` is
    waited out for reads only, since a write must not be sent twice.
    """
    status, headers = response.status_code, response.headers
    hint = retry_after_seconds(headers.get("retry-after"), now)
    if status == 503 and is_read and hint is not None:
        return hint
    budget_spent = headers.get("x-ratelimit-remaining", "").strip() == "0"
    secondary = status == 403 and (
        budget_spent
        or "retry-after" in headers
        or _SECONDARY_LIMIT in response.content[:ERROR_BODY_BYTES].lower()
    )
    if status != 429 and not secondary:
        return None
    if hint is None:
        hint = reset_seconds(headers, now)
    if hint is None and secondary and not budget_spent:
        hint = 60.0  # GitHub: without a hint, wait at least a minute
    return hint if hint is not None else float(min(2**attempt, 30))


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """`Retry-After` (delta-seconds or an HTTP date, RFC 9110 §10.2.3) as seconds in [0, a day].

    None when absent or unreadable (`inf`, `nan`, negative, garbage): the caller backs off instead.
    """
    if value is None:
        return None
    text = value.strip()
    seconds = _delta_seconds(text)
    if seconds is not None:
        return seconds
    if len(text) > 64:
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
        return _clamp(when.timestamp() - now)
    except (TypeError, ValueError, OverflowError, IndexError, OSError):
        return None


def reset_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds until a rate-limit window resets, from the headers vendors send, clamped to [0, a day].

    `ratelimit-reset` (Zendesk, IETF draft) is delta-seconds. `x-ratelimit-reset` is epoch seconds on
    GitHub, an ISO 8601 time on Jira (`2026-08-20T10:15Z`); a small number there reads as a delta.
    """
    draft = _delta_seconds(headers.get("ratelimit-reset", "").strip())
    if draft is not None:
        return draft
    text = headers.get("x-ratelimit-reset", "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        if len(text) > 12:
            return LONGEST_WAIT
        number = int(text)
        return _clamp(number - now if number >= 1_000_000_000 else float(number))
    moment = _iso_time(text)
    return None if moment is None else _clamp(moment.timestamp() - now)


def _delta_seconds(text: str) -> float | None:
    """Non-negative decimal seconds, clamped; an absurdly long run of digits reads as a day."""
    if not text or not _DELTA_SECONDS.fullmatch(text):
        return None
    whole = text.partition(".")[0]
    if len(whole) > 12:
        return LONGEST_WAIT
    return _clamp(float(text[:32]))


def _iso_time(text: str) -> datetime | None:
    if len(text) > 64:
        return None
    try:
        moment = datetime.fromisoformat(text)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _clamp(seconds: float) -> float:
    if not math.isfinite(seconds):
        return LONGEST_WAIT
    return min(max(0.0, seconds), LONGEST_WAIT)


# --- times ----------------------------------------------------------------------------------------


def as_utc(moment: datetime) -> datetime | None:
    """An aware UTC datetime (naive reads as UTC), or None outside years 1900-2999.

    Year 1 or 9999 with an offset overflows on conversion, and any later arithmetic on such a time
    (an SLA countdown, a sort key) could too: no helpdesk record is from outside that range.
    """
    try:
        utc = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return utc if EARLIEST_YEAR <= utc.year <= LATEST_YEAR else None


def from_epoch(seconds: float) -> datetime | None:
    """Epoch seconds as an aware UTC datetime, or None when absurd (huge, NaN, out of range)."""
    try:
        return as_utc(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, OSError, ValueError):
        return None


# --- page walks -----------------------------------------------------------------------------------


class PageTrail:
    """One walk through a paged list: at most `max_pages` pages and never the same cursor twice.

    A server that keeps saying "more" (the same cursor, or an endless supply of new ones) would
    otherwise make a list call run forever.
    """

    def __init__(self, service: str, what: str, *, max_pages: int | None = None) -> None:
        self.service = service
        self.what = what
        self.max_pages = max_pages if max_pages is not None else MAX_PAGES
        self.pages = 1
        self._seen: set[str] = set()

    def follow(self, cursor: str) -> str:
        """Record that the next page is `cursor` and return it.

        Raises:
            MalformedResponse: `cursor` came before, is absurdly long, or the page cap is reached.
        """
        if len(cursor) > MAX_CURSOR_CHARS or _CONTROL_CHARS.search(cursor):
            raise MalformedResponse(
                f"{self.service} sent a next-page link for {self.what} that is not usable (control "
                f"characters, or longer than {MAX_CURSOR_CHARS} characters); not followed."
            )
        if cursor in self._seen:
            raise MalformedResponse(
                f"{self.service} kept saying there are more pages of {self.what} (same cursor twice); "
                "stopped."
            )
        if self.pages >= self.max_pages:
            raise MalformedResponse(
                f"{self.service} kept saying there are more pages of {self.what} after {self.max_pages} "
                "pages; stopped."
            )
        self._seen.add(cursor)
        self.pages += 1
        return cursor

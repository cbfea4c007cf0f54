"""How Zendesk writes values: timestamps, tag lists, and the text of an HTML comment."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

_TAG_SPLIT = re.compile(r"[\s,]+")
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)


def iso(timestamp: float) -> str:
    """`2026-05-04T12:00:00Z`: whole seconds, UTC."""
    return datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_tags(tags: list[str]) -> list[str]:
    """Lower-case, space-free, unique, in first-seen order (Zendesk splits tags on spaces)."""
    seen: dict[str, None] = {}
    for raw in tags:
        for tag in _TAG_SPLIT.split(raw.strip().lower()):
            if tag:
                seen.setdefault(tag, None)
    return list(seen)


def html_to_text(markup: str) -> str:
    """The text of an `html_body`: tags (and scripts, styles) dropped, entities decoded."""
    return html.unescape(_TAGS.sub(" ", markup)).strip()

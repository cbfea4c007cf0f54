"""What a Zendesk comment says besides its text: Zendesk's warning flags and its inline images.

Flags (`metadata.flags`, omitted when there are none; see "Comment flags" in the Ticket Comments API):
0 Zendesk is unsure the comment should be trusted, 2 the author was not part of the conversation, 3 the
author was not signed in, 11 submitted by someone on the author's behalf: all mean the sender is not
verified, which Agent Workspace marks with a warning. 4 marks an automatic email, 5 a rejected attachment.
`flags_options["<flag>"].trusted: true` means an agent has since trusted it.

Inline images are listed as attachments with `inline: true` only when the list asks for them
(`include_inline_images=true`); an `html_body` may also show images hosted elsewhere.
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from frontline.connectors.zendesk.parsing import Json, as_id, as_opt_text
from frontline.domain.models import Attachment

UNVERIFIED_SENDER = "unverified sender"
_UNVERIFIED_FLAGS = frozenset({0, 2, 3, 11})
_OTHER_FLAGS = {
    4: "automatic email: notifications were not sent",
    5: "an attachment was rejected (too big)",
}
_IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE)
MAX_INLINE_IMAGES = 50
"""A hostile body cannot list more than this many images."""


def comment_warnings(raw: Json) -> tuple[str, ...]:
    """What the reader should know before trusting this comment, from `metadata.flags`."""
    metadata = raw.get("metadata")
    flags = metadata.get("flags") if isinstance(metadata, dict) else None
    if not isinstance(flags, list):
        return ()
    options = metadata.get("flags_options") if isinstance(metadata, dict) else None
    warnings: list[str] = []
    for flag in flags:
        if isinstance(flag, bool) or not isinstance(flag, int) or _trusted(options, flag):
            continue
        text = UNVERIFIED_SENDER if flag in _UNVERIFIED_FLAGS else _OTHER_FLAGS.get(flag)
        if text is not None and text not in warnings:
            warnings.append(text)
    return tuple(warnings)


def _trusted(options: Any, flag: int) -> bool:
    entry = options.get(str(flag)) if isinstance(options, dict) else None
    return isinstance(entry, dict) and entry.get("trusted") is True


def to_attachment(raw: Any) -> Attachment | None:
    """One entry of a comment's `attachments` (an inline image when `inline` is true)."""
    if not isinstance(raw, dict):
        return None
    attachment_id = as_id(raw.get("id"))
    if attachment_id is None:
        return None
    size = raw.get("size")
    return Attachment(
        id=attachment_id,
        file_name=as_opt_text(raw.get("file_name")) or f"attachment-{attachment_id}",
        content_type=as_opt_text(raw.get("content_type")),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        url=as_opt_text(raw.get("content_url")),
        inline=raw.get("inline") is True,
    )


def comment_attachments(raw: Json, comment_id: str) -> tuple[Attachment, ...]:
    """The listed attachments, then images shown in `html_body` that are not among them."""
    listed = raw.get("attachments")
    mapped = [to_attachment(a) for a in listed] if isinstance(listed, list) else []
    attachments = [a for a in mapped if a is not None]
    known = _known_urls(listed if isinstance(listed, list) else [])
    markup = raw.get("html_body")
    if isinstance(markup, str) and "<img" in markup.lower():
        for index, url in enumerate(image_sources(markup)):
            if url not in known:
                known.add(url)
                attachments.append(
                    Attachment(id=f"{comment_id}:img{index}", file_name=_file_name(url), url=url, inline=True)
                )
    return tuple(attachments)


def image_sources(markup: str) -> list[str]:
    """The http(s) `src` of every `<img>` in `markup`, in order, without repeats (at most a bounded few)."""
    sources: list[str] = []
    for match in _IMG_SRC.finditer(markup):
        url = html.unescape(next(group for group in match.groups() if group is not None)).strip()
        if url.lower().startswith(("https://", "http://")) and url not in sources:
            sources.append(url)
            if len(sources) >= MAX_INLINE_IMAGES:
                break
    return sources


def _known_urls(listed: list[Any]) -> set[str]:
    urls: set[str] = set()
    for entry in listed:
        if isinstance(entry, dict):
            urls.update(
                u for key in ("content_url", "mapped_content_url") if (u := as_opt_text(entry.get(key)))
            )
    return urls


def _file_name(url: str) -> str:
    """A name for an image known only by its address: Zendesk's `?name=`, else the path's last part."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "inline image"
    named = parse_qs(parts.query).get("name")
    if named and named[0].strip():
        return named[0].strip()[:200]
    last = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]).strip()
    return last[:200] or "inline image"

"""Make hostile text inert in Markdown, Slack mrkdwn and links, for the handoff renderers.

Ticket subjects, notes and bug titles are written by customers and engineers and end up in GitHub
comments, helpdesk notes and Slack channels. Escaping keeps them literal text: no markup, no raw HTML, no
deceptive links, and no mention that pings a person or a channel (`@here`, `<!channel>`, `@octocat`) or
cross-references an unrelated GitHub issue (`#123`). A word joiner (U+2060, invisible) is what breaks the
mentions and references, since GitHub matches them on the rendered text where a backslash escape is gone.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from frontline.domain.text import one_line

WORD_JOINER = "\u2060"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&$])")
"""CommonMark's backslash-escapable punctuation that can start markup, HTML, an entity or GitHub math."""

_MENTION = re.compile(r"@")
_ISSUE_REFERENCE = re.compile(r"(?:(?<=#)|(?<=\bGH-)|(?<=\bgh-))(?=\d)")

_SLACK_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
"""Slack has no escape for its formatting characters, so they become look-alikes that format nothing."""

_URL_SAFE = "-._~:/?#[]@!$&'*+,;=%"
"""Characters kept as they are in a link target; anything else (spaces, quotes, brackets, `|`) is
percent-encoded so it cannot end the link in any of the three formats."""
_HTTP_URL = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)
_UNSAFE_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_REF_UNSAFE = re.compile(r"[^A-Za-z0-9._:-]")


def cap(text: str, limit: int) -> str:
    """`text` on one clean line, cut to `limit` characters with an ellipsis."""
    line = one_line(text)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def md_escape(text: str, *, in_link: bool = False) -> str:
    """Literal text for GitHub-flavoured Markdown (link labels need no issue-reference guard)."""
    text = _MENTION.sub("@" + WORD_JOINER, text)
    if not in_link:
        text = _ISSUE_REFERENCE.sub(WORD_JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def slack_entities(text: str) -> str:
    """The three characters Slack asks to be escaped in any message text."""
    return "".join(_SLACK_ENTITIES.get(char, char) for char in text)


def slack_escape(text: str, *, in_link: bool = False) -> str:
    """Literal text for Slack mrkdwn: entities, look-alikes for formatting, no mentions, no `|` in labels."""
    text = slack_entities(_MENTION.sub("@" + WORD_JOINER, text).translate(_SLACK_LOOKALIKES))
    return slack_label(text) if in_link else text


def slack_label(text: str) -> str:
    """A `<url|label>` label cannot hold `|` (it would split the label): use a look-alike."""
    return text.replace("|", "\u2223")


def safe_url(url: str | None) -> str | None:
    """`url` fit to be a link target, or None: only http(s) with a host, no whitespace or control chars."""
    if not url:
        return None
    url = url.strip()
    if not _HTTP_URL.match(url) or _UNSAFE_IN_URL.search(url):
        return None
    return quote(url, safe=_URL_SAFE)


def slack_url(url: str) -> str:
    """A `safe_url` as Slack wants it inside `<...>`."""
    return slack_entities(url)


def safe_ref(ref: str) -> str:
    """A handoff reference as written into posts: letters, digits and `._:-` only (no `-->`, no markup),
    so the line can be found again verbatim in the raw text of any format."""
    return _REF_UNSAFE.sub("", ref)

"""GitHub issue JSON to the domain's `Bug`, issue keys (`owner/repo#17`), and search queries.

Everything read here came from a server: shapes are checked, text is folded onto one safe line, and a
link that is not http(s) is never handed to the UI to open.
"""

from __future__ import annotations

import re
from typing import Any

from frontline.connectors.github import REPOSITORY
from frontline.domain.escalation import Bug
from frontline.domain.text import one_line
from frontline.errors import NotFound

_KEY = re.compile(rf"(?:(?P<repo>{REPOSITORY.pattern})#|#)?(?P<number>[1-9][0-9]{{0,9}})")
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")
_WORD = re.compile(r"\w+")
_OPERATORS = frozenset({"and", "or", "not"})
_STOP_WORDS = frozenset(
    re.split(
        r"\s+",
        "a an the and or not but for with from into onto when then than that this these those there here is "
        "are was were be been being it its of on in at to by as if no yes can cannot could would should will "
        "just our your their my we you they he she them us do does did done has have had get gets got repo",
    )
)

SIMILAR_WORDS = 6
"""Terms in a similar-bugs query: joined by OR, and GitHub refuses more than five AND/OR/NOT operators."""

MAX_QUERY_CHARS = 256
"""GitHub refuses longer search queries (422)."""

MAX_BODY_CHARS = 65_536
"""GitHub refuses longer issue and comment bodies (422)."""


class GitHubBug(Bug):
    """A GitHub issue as a `Bug`, with what GitHub adds.

    `dropped_labels` is set on the bug `create_bug` returns: the labels that were asked for and did not
    stick (without push access GitHub drops them silently; frontline then does not even send them).
    """

    number: int = 0
    """The issue's number in its repository (the `17` of `owner/repo#17`)."""
    state_reason: str | None = None
    """Why a closed issue was closed (`completed`, `not_planned`, `duplicate`), or `reopened`."""
    dropped_labels: tuple[str, ...] = ()


def issue_key(repository: str, number: int) -> str:
    """`owner/repo#17`."""
    return f"{repository}#{number}"


def parse_key(key: str, default_repository: str) -> tuple[str, int]:
    """(`owner/repo`, number) from `owner/repo#17`; `#17` and `17` mean the configured repository.

    Raises:
        NotFound: the key is not a GitHub issue key.
    """
    match = _KEY.fullmatch(key.strip())
    if match is None:
        raise NotFound(f"{one_line(key)[:80]!r} is not a GitHub issue key (owner/repo#17).")
    return match.group("repo") or default_repository, int(match.group("number"))


def is_pull_request(item: Any) -> bool:
    """Issue lists and search return pull requests too, told apart by their `pull_request` key."""
    return isinstance(item, dict) and "pull_request" in item


def body_of(item: Any) -> str:
    """An issue's Markdown body ("" when absent or not text)."""
    body = item.get("body") if isinstance(item, dict) else None
    return body if isinstance(body, str) else ""


def label_names(item: Any) -> tuple[str, ...]:
    """Label names of an issue: objects with a `name`, or bare strings."""
    raw = item.get("labels") if isinstance(item, dict) else None
    names: list[str] = []
    for label in raw if isinstance(raw, list) else []:
        name = label.get("name") if isinstance(label, dict) else label
        if isinstance(name, str) and one_line(name):
            names.append(one_line(name)[:255])
    return tuple(names)


def to_bug(item: Any, *, repository: str, tracker: str) -> GitHubBug | None:
    """The issue as a `GitHubBug`, or None when it has no usable number."""
    if not isinstance(item, dict):
        return None
    number = item.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 10**10:
        return None
    url = item.get("html_url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or len(url) > 2048:
        url = ""
    title = item.get("title")
    state = item.get("state")
    reason = item.get("state_reason")
    return GitHubBug(
        key=issue_key(repository, number),
        url=one_line(url),
        title=one_line(title)[:500] if isinstance(title, str) else "",
        status=state if state in ("open", "closed") else "",
        labels=label_names(item),
        tracker=tracker,
        number=number,
        state_reason=one_line(reason)[:40] if isinstance(reason, str) and reason else None,
    )


def login_of(item: Any) -> str | None:
    """The `login` of a user object, if it looks like one (it goes into a query string)."""
    login = item.get("login") if isinstance(item, dict) else None
    return login if isinstance(login, str) and _LOGIN.fullmatch(login) else None


def marker_query(repository: str, marker: str) -> str:
    """A search for issues whose body carries the marker's text (`frontline:zendesk:acme:35436`)."""
    phrase = marker.removeprefix("<!--").removesuffix("-->").strip()
    phrase = re.sub(r'["\\]', " ", phrase)[:150]
    return f'repo:{repository} is:issue in:body "{phrase}"'


def similar_query(repository: str, text: str) -> str | None:
    """A search for open issues sharing the most telling words of `text`, or None without any.

    Only `\\w+` runs survive, so quotes, qualifiers (`repo:other/x`), parentheses and operators in
    customer text cannot change what is searched; words join with OR, so an issue need not share all.
    """
    chosen: list[str] = []
    for word in _WORD.findall(text.lower()):
        word = word[:40]
        if len(word) < 3 or word in _STOP_WORDS or word in _OPERATORS or word in chosen:
            continue
        chosen.append(word)
        if len(chosen) == SIMILAR_WORDS:
            break
    prefix = f"repo:{repository} is:issue is:open"
    while chosen:
        query = f"{prefix} ({' OR '.join(chosen)})" if len(chosen) > 1 else f"{prefix} {chosen[0]}"
        if len(query) <= MAX_QUERY_CHARS:
            return query
        chosen.pop()
    return None


def unique_labels(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Labels in order without blanks or repeats (GitHub compares label names case-insensitively)."""
    seen: set[str] = set()
    unique: list[str] = []
    for label in (label.strip() for label in labels):
        if label and label.lower() not in seen:
            seen.add(label.lower())
            unique.append(label)
    return tuple(unique)


def with_marker(body: str, marker: str) -> str:
    """The body with the ticket's hidden marker at the end (once), within GitHub's size limit."""
    if marker in body and len(body) <= MAX_BODY_CHARS:
        return body
    text = body.replace(marker, "").rstrip()
    room = MAX_BODY_CHARS - len(marker) - 4
    if len(text) > room:
        text = text[: room - 2].rstrip() + " …"
    return f"{text}\n\n{marker}"


def labels_notice(repository: str, dropped: tuple[str, ...], *, push: bool) -> str | None:
    if not dropped:
        return None
    if not push:
        return (
            f"labels were not applied: the token has no push access to {repository} "
            "(the issue names the ticket by its hidden marker instead)"
        )
    return f"GitHub did not keep the labels {', '.join(dropped)} on the new issue in {repository}"

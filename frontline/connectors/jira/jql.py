"""The JQL frontline sends, built so user text can never change a query's meaning.

Every value goes into a quoted JQL string with JQL's escapes (`jql_string`). Free text for the
"similar bugs" search is reduced to at most ten plain words first (`search_terms`): letters and digits
only, lower case, so nothing in it is a Lucene operator (`AND`/`OR`/`NOT` count only in capitals),
a wildcard, a quote or a backslash. The words are joined with `OR` (Jira joins bare words with AND,
which would find nothing for a sentence) and the results are ranked locally (`overlap`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from frontline.domain.text import clean_text

MAX_TERMS = 10
"""Words of free text sent to a text search: enough to find a bug, short enough to stay fast."""

_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no"}
    | {"not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this"}
    | {"to", "was", "will", "with", "we", "you", "i", "my", "our", "your", "can", "cannot", "does", "do"}
    | {"when", "from", "have", "has", "after", "before", "please", "hi", "hello", "thanks", "thank"}
)


def jql_string(value: str) -> str:
    """`value` as a JQL string literal: quoted, backslashes, quotes and line breaks escaped, other
    control characters dropped (JQL has no escape for them)."""
    cleaned = _CONTROL.sub("", value)
    return '"' + "".join(_ESCAPES.get(char, char) for char in cleaned) + '"'


def search_terms(text: str, limit: int = MAX_TERMS) -> list[str]:
    """The first `limit` distinct words of `text` worth searching for: lower case, no stop words, at
    least two characters (numbers of three digits or more are kept: error codes)."""
    terms: list[str] = []
    for word in _WORD.findall(clean_text(text).lower()):
        if word in _STOP_WORDS or len(word) < 2 or (word.isdigit() and len(word) < 3) or word in terms:
            continue
        terms.append(word)
        if len(terms) >= limit:
            break
    return terms


def find_jql(project: str, label: str, global_id: str, *, by_remote_link: bool = True) -> str:
    """The issues filed for one ticket: its label, or a remote link with its globalId, oldest first."""
    ticket = f"labels = {jql_string(label)}"
    if by_remote_link:
        ticket = f"({ticket} OR issue in issuesWithRemoteLinksByGlobalId({jql_string(global_id)}))"
    return f"project = {jql_string(project)} AND {ticket} ORDER BY created ASC"


def similar_jql(project: str, terms: Sequence[str]) -> str:
    """Open issues of the project mentioning any of `terms` (see `search_terms`), recent first."""
    query = " OR ".join(terms)
    return (
        f"project = {jql_string(project)} AND statusCategory != Done AND text ~ {jql_string(query)} "
        "ORDER BY updated DESC"
    )


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def overlap(terms: Sequence[str], title: str) -> int:
    """How many of `terms` a title mentions (a crude stem on both sides: "fails" meets "failing")."""
    words = {_stem(word) for word in _WORD.findall(title.lower())}
    return sum(1 for term in terms if _stem(term) in words)

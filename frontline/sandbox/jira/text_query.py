"""The text query behind JQL's `~` (Jira's Lucene-based "search syntax for text fields"), in small.

Terms and `"phrases"`, combined with `AND` by default, `OR`/`||`, `AND`/`&&`, `NOT`/`!`/`-` and `+`,
parentheses, a trailing `*` wildcard (`?` acts like `*`), `\\` escapes; `~` and `^` are ignored, as Jira
now does. Matching is by word, case-insensitive, with crude English stemming and stop words ignored.
What Jira would refuse (unbalanced parentheses or quotes, a wildcard first, an unescaped `:` `[` `]`
`{` `}` `/`, an operator with nothing after it) raises `TextQueryError` with Jira's wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_WORD = re.compile(r"\w+")
_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no"}
    | {"not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this"}
    | {"to", "was", "will", "with"}
)
_INVALID = frozenset(":[]{}/")
_SUFFIXES = ("ing", "es", "ed", "s")

Words = list[str]
TextPredicate = Callable[[Words], bool]


class TextQueryError(ValueError):
    """Jira refuses the text query; the message is Jira's."""


def words_of(text: str) -> Words:
    """The indexed words of a text: lower-cased word characters."""
    return [word.lower() for word in _WORD.findall(text)]


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _word_matches(token: str, query_word: str, prefix: bool) -> bool:
    if prefix:
        return token.startswith(query_word)
    return token == query_word or _stem(token) == _stem(query_word)


def _lex(query: str, field: str) -> list[tuple[str, str]]:
    """("op", "(" | ")" | "AND" | "OR" | "NOT" | "+"), ("phrase", text) and ("term", text) tokens."""
    invalid = TextQueryError(
        f"The text query '{query}' for field '{field}' is not valid: probably your use of wildcard "
        "characters is not correct."
    )
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(query):
        char = query[position]
        if char.isspace() or char in "~^":
            position += 1
        elif char in "()":
            tokens.append(("op", char))
            position += 1
        elif char == '"':
            end = query.find('"', position + 1)
            if end < 0:
                raise invalid
            tokens.append(("phrase", query[position + 1 : end]))
            position = end + 1
        elif query.startswith(("&&", "||"), position):
            tokens.append(("op", "AND" if char == "&" else "OR"))
            position += 2
        elif char in "!-+" and not tokens_continue(query, position):
            tokens.append(("op", "+" if char == "+" else "NOT"))
            position += 1
        else:
            term: list[str] = []
            while position < len(query) and not query[position].isspace() and query[position] not in '()"':
                char = query[position]
                if char == "\\":
                    if position + 1 >= len(query):
                        raise invalid
                    term.append(" " if not query[position + 1].isalnum() else query[position + 1])
                    position += 2
                    continue
                if char in _INVALID:
                    raise invalid
                if char in "*?" and not term:
                    raise invalid
                term.append("*" if char in "*?" else char)
                position += 1
            text = "".join(term)
            tokens.append(("op", text) if text in ("AND", "OR", "NOT") else ("term", text))
    return tokens


def tokens_continue(query: str, position: int) -> bool:
    """Whether `!`, `-` or `+` at `position` is inside a word (`e-mail`) rather than an operator."""
    return position > 0 and not query[position - 1].isspace() and query[position - 1] not in "()"


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], invalid: TextQueryError) -> None:
        self.tokens = tokens
        self.position = 0
        self.invalid = invalid

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise self.invalid
        self.position += 1
        return token

    def disjunction(self) -> TextPredicate:
        parts = [self.conjunction()]
        while self.peek() == ("op", "OR"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else (lambda words: any(p(words) for p in parts))

    def conjunction(self) -> TextPredicate:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token not in (("op", "OR"), ("op", ")")):
            if token == ("op", "AND"):
                self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda words: all(p(words) for p in parts))

    def unary(self) -> TextPredicate:
        kind, value = self.take()
        if (kind, value) == ("op", "NOT"):
            inner = self.unary()
            return lambda words: not inner(words)
        if (kind, value) == ("op", "+"):
            return self.unary()
        if (kind, value) == ("op", "("):
            inner = self.disjunction()
            if self.take() != ("op", ")"):
                raise self.invalid
            return inner
        if kind == "op":
            raise self.invalid
        return _phrase(value) if kind == "phrase" else _term(value)


def _term(text: str) -> TextPredicate:
    """Every word of the term somewhere in the text (a trailing `*` matches any ending)."""
    prefix = text.endswith("*")
    wanted = [w for w in words_of(text.replace("*", " ")) if w not in _STOP_WORDS]
    if not wanted:
        return lambda words: True
    last = len(wanted) - 1
    return lambda words: all(
        any(_word_matches(token, word, prefix and index == last) for token in words)
        for index, word in enumerate(wanted)
    )


def _phrase(text: str) -> TextPredicate:
    """The words in this order, next to each other."""
    wanted = words_of(text)
    if not wanted:
        return lambda words: True

    def matches(words: Words) -> bool:
        span = len(wanted)
        return any(
            all(_word_matches(words[start + i], wanted[i], False) for i in range(span))
            for start in range(len(words) - span + 1)
        )

    return matches


def compile_text_query(query: str, field: str) -> TextPredicate:
    """A predicate over a text's `words_of`, or `TextQueryError`."""
    if not query.strip():
        raise TextQueryError(f"The field '{field}' does not support searching for an empty string.")
    invalid = TextQueryError(
        f"The text query '{query}' for field '{field}' is not valid: probably your use of wildcard "
        "characters is not correct."
    )
    parser = _Parser(_lex(query, field), invalid)
    if parser.peek() is None:
        return lambda words: True
    predicate = parser.disjunction()
    if parser.peek() is not None:
        raise invalid
    return predicate

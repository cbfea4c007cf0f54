"""The filter index: which tickets hold each character and each pair of adjacent characters.

A full scan of 50,000 haystacks costs 5-25 ms a keystroke; `GramIndex` answers one- and two-character
terms exactly and narrows longer ones to a small superset in 1-3 ms. It is built off the UI thread
(`IndexBuild`) from a snapshot of the haystacks, and kept up to date with `update` and `append` when
tickets change in place, so a refresh that changes a few tickets does not rebuild it. Row lists are
never changed in place (a change replaces them), so `copy` is two shallow dict copies: a refresh
prepared on a worker thread updates its own copy while the UI keeps filtering with the original.
"""

from __future__ import annotations

import threading
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import add

from frontline.domain.background import courteous
from frontline.domain.haystack import decoded

INDEX_CHUNK = 8_192
_TO_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


def grams(haystack: bytes) -> set[str]:
    """Every character of a haystack's text and every pair of adjacent characters.

    Characters, not bytes: a pair of UTF-8 bytes inside one Hebrew or Arabic letter tells far less
    than a pair of letters, so byte pairs would leave many more candidates to check.
    """
    text = decoded(haystack)
    found = set(text)
    found.update(map(add, text, text[1:]))
    return found


def bits_from_rows(rows: Iterable[int], count: int) -> int:
    """A bitset (bit i set for each row i) from row numbers below `count`, in linear time."""
    flags = bytearray(count)
    deque(map(flags.__setitem__, rows, repeat(1)), maxlen=0)
    return int(flags.translate(_TO_DIGITS)[::-1], 2)


def flags_from_bits(bits: int, count: int) -> bytes:
    """One byte per row, 1 where `bits` has the row's bit: what `itertools.compress` selects with."""
    return format(bits, f"0{count}b")[::-1].encode("ascii").translate(_TO_FLAGS)


def candidate_flags(index: GramIndex, terms: Sequence[str]) -> bytes | None:
    """One flag per ticket (load order): 1 where the index finds every term; None when it finds none.

    Exact for terms of one or two characters; longer ones leave a superset, which the caller narrows by
    looking for them in the haystacks (`haystack.rows_holding`), in the order it shows the rows: a
    permutation of these flags and a `compress` give those rows without a new int per row.
    """
    bits = index.everything
    for term in terms:
        bits &= index.candidates(term)
        if not bits:
            return None
    return flags_from_bits(bits, index.count)


def _new_rows() -> array[int]:
    return array("i")


class GramIndex:
    """For each character and each pair of adjacent characters, the tickets whose haystack holds it.

    A one- or two-character term is answered exactly; a longer one gets the tickets holding all of its
    pairs, a small superset that the caller then searches. Sets of tickets are Python ints used as
    bitsets (bit i = ticket i), so combining terms costs microseconds at 50,000 tickets. Pairs found in
    few tickets keep a row list instead: a bitset costs count/8 bytes however few bits it has.
    """

    def __init__(self, haystacks: Sequence[bytes], cancelled: threading.Event | None = None) -> None:
        self.count = count = len(haystacks)
        self.everything = (1 << count) - 1
        self._bits: dict[str, int] = {}
        self._rows: dict[str, array[int]] = {}
        rare = max(count // 32, 1)
        # Chunks keep the row lists being inverted small (about 4 MB at a time, not 50 at 50,000).
        for start in range(0, count, INDEX_CHUNK):
            if cancelled is not None and cancelled.is_set():
                return
            postings: defaultdict[str, array[int]] = defaultdict(_new_rows)
            get = postings.__getitem__
            for offset, text in enumerate(haystacks[start : start + INDEX_CHUNK]):
                deque(map(array.append, map(get, grams(text)), repeat(offset)), maxlen=0)
            size = min(INDEX_CHUNK, count - start)
            for gram, rows in postings.items():
                bits = self._bits.get(gram)
                known = self._rows.get(gram) if bits is None else None
                if bits is None and (len(known) if known else 0) + len(rows) < rare:
                    found = array("l", map(start.__add__, rows))
                    self._rows[gram] = known + found if known else found
                    continue
                if known:
                    bits = bits_from_rows(self._rows.pop(gram), count)
                self._bits[gram] = (bits or 0) | bits_from_rows(rows, size) << start

    def tickets_with(self, gram: str) -> int:
        """The bitset of tickets whose haystack contains `gram` (one or two characters)."""
        bits = self._bits.get(gram)
        if bits is not None:
            return bits
        rows = self._rows.get(gram)
        return bits_from_rows(rows, self.count) if rows else 0

    def candidates(self, term: str) -> int:
        """Tickets that may contain `term`: exactly those that do when it has one or two characters."""
        bits = self.everything
        for gram in {term} if len(term) <= 2 else set(map(add, term, term[1:])):
            bits &= self.tickets_with(gram)
            if not bits:
                break
        return bits

    def copy(self) -> GramIndex:
        """An index that `update` and `append` can change without touching this one (bitsets are ints,
        row lists are replaced rather than changed in place)."""
        twin = GramIndex.__new__(GramIndex)
        twin.count, twin.everything = self.count, self.everything
        twin._bits, twin._rows = dict(self._bits), dict(self._rows)
        return twin

    def _add_row(self, gram: str, index: int) -> None:
        rows = self._rows.get(gram)
        self._rows[gram] = rows + array("l", (index,)) if rows is not None else array("l", (index,))

    def append(self, text: bytes) -> None:
        """A ticket was added after the last one, with haystack `text`."""
        index = self.count
        self.count += 1
        bit = 1 << index
        self.everything |= bit
        for gram in grams(text):
            if gram in self._bits:
                self._bits[gram] |= bit
            else:
                self._add_row(gram, index)

    def update(self, index: int, old: bytes, new: bytes) -> None:
        """Ticket `index`'s haystack changed from `old` to `new`."""
        before, after = grams(old), grams(new)
        bit = 1 << index
        for gram in before - after:
            if gram in self._bits:
                self._bits[gram] &= ~bit
            elif gram in self._rows:
                self._rows[gram] = array("l", (row for row in self._rows[gram] if row != index))
        for gram in after - before:
            if gram in self._bits:
                self._bits[gram] |= bit
            else:
                self._add_row(gram, index)


class IndexBuild:
    """A `GramIndex` being built on a daemon thread; `make` gives the haystacks (made on that thread
    too when the model has not made them yet: `haystacks` holds them once made)."""

    def __init__(self, make: Callable[[], list[bytes]], *, background: bool) -> None:
        self.make = make
        self.haystacks: list[bytes] | None = None
        self.changed: set[int] = set()  # tickets updated in place since the snapshot
        self.cancelled = threading.Event()
        self.result: GramIndex | None = None
        if background:
            threading.Thread(target=self._run, name="queue-index", daemon=True).start()
        else:
            self._run()

    def _run(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self._build()
        else:
            with courteous():  # the UI thread shares the GIL: see `background`
                self._build()

    def _build(self) -> None:
        self.haystacks = haystacks = self.make()
        index = GramIndex(haystacks, self.cancelled)
        if not self.cancelled.is_set():
            self.result = index

"""Reference cycles for tests of the cyclic garbage collector's freezing (`domain.background`), and the
`unfrozen` fixture (a pytest plugin: `tests/conftest.py`)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest


class Node:
    """One half of a reference cycle (two nodes pointing at each other): only the cyclic collector frees
    it."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cyclic_garbage(*, frozen: bool = False) -> weakref.ref[Node]:
    """A cycle dropped at once (`frozen`: after `gc.freeze`, as a load freezes its rows); the weak
    reference says whether it was freed."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    if frozen:
        gc.freeze()
    return weakref.ref(first)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Freezing is process-wide: what a test froze is handed back to the collector after it."""
    yield
    gc.unfreeze()

"""Which requests a person is waiting on: interactive work goes ahead of background refresh.

The services mark what an engineer asked for (open a ticket, send a reply, search) with `interactive()`
or `@interactive_work`; the connectors' request scheduler reads `is_interactive()` when a request waits
for its turn. A context variable carries the mark through awaits and into tasks started inside it, so
neither the UI nor the services need to know about HTTP, and the connectors need no extra argument.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

_INTERACTIVE: ContextVar[bool] = ContextVar("frontline_interactive", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def is_interactive() -> bool:
    """True inside work a person is waiting for; background refresh is everything else."""
    return _INTERACTIVE.get()


@contextmanager
def interactive() -> Iterator[None]:
    """Mark the requests made inside this block (and in tasks it starts) as interactive."""
    token = _INTERACTIVE.set(True)
    try:
        yield
    finally:
        _INTERACTIVE.reset(token)


def interactive_work(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorate a service's async use case so every request it makes goes ahead of background work."""

    @functools.wraps(method)
    async def marked(*args: P.args, **kwargs: P.kwargs) -> R:
        with interactive():
            return await method(*args, **kwargs)

    return marked

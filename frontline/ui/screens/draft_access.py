"""Where the screens get the draft store: one per app, opened lazily under `app.data_dir`.

If the app provides its own `drafts` attribute (a `DraftStore`), that one is used. A database that cannot
be opened is reported once and the composer keeps working without saving drafts.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.app import App

from frontline.errors import FrontlineError
from frontline.store.db import Store
from frontline.store.drafts import DraftStore

_STORES: WeakKeyDictionary[App[object], DraftStore | None] = WeakKeyDictionary()


def draft_store(app: App[object]) -> DraftStore | None:
    """The app's `DraftStore`, or None when the local database is unusable (already reported)."""
    provided = getattr(app, "drafts", None)
    if isinstance(provided, DraftStore):
        return provided
    if app in _STORES:
        return _STORES[app]
    store: DraftStore | None
    try:
        store = DraftStore(Store.open(app.data_dir))  # type: ignore[attr-defined]
    except FrontlineError as error:
        store = None
        report = getattr(app, "report_error", None)
        if report is not None:
            report(error)
    _STORES[app] = store
    return store

"""Local state on disk: one SQLite database for drafts (and later cache, outbox, shift journal)."""

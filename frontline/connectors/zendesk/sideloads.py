"""The queue's SLA, organizations and groups when `views/{id}/tickets` ignores `include`.

The spec lists no sideloads for that endpoint, and an account may answer without them: then the SLA column
would be silently empty and organizations would read "Organization 123". `tickets/show_many` documents
them, so a page that came back without them is fetched again through it: one more request per page, and
only for pages that need it. An account without SLAs (below Professional) sends no `slas` there either;
once seen, SLAs alone no longer cause the extra request.
"""

from __future__ import annotations

from typing import Any

from frontline.connectors.http import ApiClient
from frontline.connectors.zendesk.parsing import Json, as_id, expect_list, expect_object, index_by_id
from frontline.errors import MalformedResponse, NotFound, PermissionDenied, ValidationFailed

SHOW_MANY_SIDELOADS = "users,organizations,groups,slas"
SHOW_MANY_LIMIT = 100
"""`tickets/show_many` takes at most 100 ids: one view page."""


class SideloadFallback:
    """Completes view pages that came back without their sideloads (see the module docstring)."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.slas_available: bool | None = None
        """False once `show_many` also answered without SLAs: the account has none."""

    def missing(self, records: list[Json], payload: Json) -> list[str]:
        """Which sideloads the page lacks that its tickets need (`slas`, `organizations`, `groups`)."""
        if not records:
            return []
        lacking: list[str] = []
        if self.slas_available is not False and not any("slas" in record for record in records):
            lacking.append("slas")
        for key, field in (("organizations", "organization_id"), ("groups", "group_id")):
            if key not in payload and any(as_id(record.get(field)) for record in records):
                lacking.append(key)
        return lacking

    async def complete(self, records: list[Json], payload: Json, what: str) -> tuple[list[Json], Json]:
        """`records` and `payload`, refetched through `tickets/show_many` when sideloads are missing.

        The view's order and membership stay; a ticket `show_many` does not return keeps the view's copy.
        Best effort: a refused or garbled `show_many` leaves the page as the view sent it.
        """
        if not self.missing(records, payload):
            return records, payload
        ids = [ticket_id for record in records if (ticket_id := as_id(record.get("id"))) is not None]
        try:
            answer = expect_object(
                await self.client.get_json(
                    "/api/v2/tickets/show_many",
                    params={"ids": ",".join(ids[:SHOW_MANY_LIMIT]), "include": SHOW_MANY_SIDELOADS},
                ),
                what,
            )
            fresh = index_by_id(expect_list(answer, "tickets", what))
        except (PermissionDenied, NotFound, ValidationFailed, MalformedResponse):
            return records, payload
        merged = [fresh.get(str(as_id(record.get("id"))), record) for record in records]
        self.slas_available = any("slas" in record for record in merged)
        return merged, _merged_sideloads(payload, answer)


def _merged_sideloads(payload: Json, answer: Json) -> Json:
    """`payload` with the `users`, `organizations` and `groups` of both answers (the newer wins)."""
    merged = dict(payload)
    for key in ("users", "organizations", "groups"):
        records: dict[str, Any] = {}
        for source in (payload, answer):
            value = source.get(key)
            if isinstance(value, list):
                records.update(index_by_id(value))
        if records or key in answer:
            merged[key] = list(records.values())
    return merged

"""The fake Zendesk's state and rules: view indexes, search, and ticket writes with real validation.

Handlers stay thin: they parse the request, call the store and render. The store raises `ZendeskError`
carrying the vendor's status and body for everything the real API rejects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from frontline.sandbox.context import Clock
from frontline.sandbox.zendesk import hard_parts, seed
from frontline.sandbox.zendesk.catalog import CUSTOM_FIELD_IDS, MACROS, VIEWS
from frontline.sandbox.zendesk.errors import ZendeskError, bad_request, closed_ticket, invalid, not_found
from frontline.sandbox.zendesk.formats import html_to_text, iso, normalize_tags
from frontline.sandbox.zendesk.search import compile_query

STATUS_RANK = {name: rank for rank, name in enumerate(seed.STATUSES)}
PRIORITY_RANK = {None: 0, "low": 1, "normal": 2, "high": 3, "urgent": 4}
SORT_COLUMNS = {
    "created_at": "created",
    "created": "created",
    "updated_at": "updated",
    "updated": "updated",
    "id": "id",
    "nice_id": "id",
    "priority": "priority",
    "status": "status",
}
MAX_COMMENTS = 5000


def _sort_value(ticket: dict[str, Any], column: str) -> float:
    if column == "priority":
        return PRIORITY_RANK[ticket["priority"]]
    if column == "status":
        return STATUS_RANK[ticket["status"]]
    return ticket[column]


class ZendeskStore:
    """One account's tickets, people and configuration, with cached per-view sorted indexes; `modes` are
    the hard parts of real accounts it plays (`hard_parts`)."""

    def __init__(
        self, seed_value: int, ticket_count: int, clock: Clock, modes: frozenset[str] = frozenset()
    ) -> None:
        self.clock = clock
        self.modes = modes
        self.data = seed.build(seed_value, ticket_count, clock().timestamp())
        if "custom-statuses" in modes:
            hard_parts.assign_custom_statuses(self.data)
        self.views = {view["id"]: view for view in VIEWS}
        self.macros = {macro["id"]: macro for macro in MACROS}
        self.version = 0
        self._index: dict[tuple[Any, ...], tuple[list[int], list[tuple[float, int]]]] = {}
        self._index_version = 0

    def now(self) -> float:
        return self.clock().timestamp()

    # -- reading ----------------------------------------------------------------------------------

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        ticket = self.data.tickets.get(ticket_id)
        if ticket is None:
            raise not_found()
        return ticket

    def comments(self, ticket: dict[str, Any]) -> list[dict[str, Any]]:
        if ticket["comments"] is None:
            built = seed.build_comments(self.data, ticket)
            hard_parts.decorate_comments(self.data, ticket, built, self.modes)
            ticket["comments"] = built
        return ticket["comments"]

    def view(self, view_id: int) -> dict[str, Any]:
        view = self.views.get(view_id)
        if view is None:
            raise not_found()
        return view

    def view_predicate(self, view: dict[str, Any], me_id: int) -> Callable[[dict[str, Any]], bool]:
        kind = view["kind"]
        solved = STATUS_RANK["solved"]
        recent = self.now() - seed.DAY
        predicates: dict[str, Callable[[dict[str, Any]], bool]] = {
            "mine": lambda t: t["assignee_id"] == me_id and STATUS_RANK[t["status"]] < solved,
            "unassigned": lambda t: t["assignee_id"] is None and STATUS_RANK[t["status"]] < solved,
            "urgent_high": lambda t: (
                t["priority"] in ("urgent", "high") and STATUS_RANK[t["status"]] < solved
            ),
            "pending": lambda t: t["status"] == "pending",
            "recent": lambda t: t["updated"] >= recent,
            "unsolved": lambda t: STATUS_RANK[t["status"]] < solved,
            "solved": lambda t: t["status"] == "solved",
        }
        return predicates[kind]

    def view_index(
        self, view: dict[str, Any], me_id: int, sort_by: str | None, sort_order: str | None
    ) -> tuple[list[int], list[tuple[float, int]]]:
        """Ticket ids of a view in order, with ascending keyset keys for cursors (cached until a write)."""
        column = SORT_COLUMNS.get(sort_by or "") or SORT_COLUMNS[view["sort"][0]]
        descending = (sort_order or (view["sort"][1] if not sort_by else "asc")) == "desc"
        if self._index_version != self.version:
            self._index.clear()
            self._index_version = self.version
        key = (view["id"], me_id if view["kind"] == "mine" else None, column, descending)
        cached = self._index.get(key)
        if cached is None:
            cached = self._build_index(
                filter(self.view_predicate(view, me_id), self.data.tickets.values()), column, descending
            )
            self._index[key] = cached
        return cached

    @staticmethod
    def _build_index(
        tickets: Iterable[dict[str, Any]], column: str, descending: bool
    ) -> tuple[list[int], list[tuple[float, int]]]:
        sign = -1 if descending else 1
        keys = sorted((sign * _sort_value(t, column), sign * t["id"]) for t in tickets)
        return [abs(ticket_id) for _, ticket_id in keys], keys

    def search(self, query: str, me_id: int) -> tuple[str, list[dict[str, Any]]]:
        """(result type, matching records) for the supported subset of the search language."""
        compiled = compile_query(query, me_id, self.data)
        if compiled.result_type == "user":
            return "user", [u for u in self.data.users.values() if compiled.matches_user(u)]
        if compiled.result_type == "organization":
            return "organization", [o for o in self.data.organizations.values() if compiled.matches_org(o)]
        return "ticket", [t for t in self.data.tickets.values() if compiled.matches(t)]

    def attachment(self, attachment_id: int) -> dict[str, Any]:
        ticket_id = attachment_id // 10 // 100_000
        ticket = self.data.tickets.get(ticket_id)
        if ticket is not None:
            for comment in self.comments(ticket):
                for attachment in comment["attachments"]:
                    if attachment["id"] == attachment_id:
                        return attachment
        raise not_found()

    # -- writing ----------------------------------------------------------------------------------

    def _bump(self, ticket: dict[str, Any]) -> float:
        """Advance `updated` by at least a second, so every write changes the safe-update stamp."""
        ticket["updated"] = max(self.now(), ticket["updated"] + 1.0)
        self.version += 1
        return ticket["updated"]

    def check_stamp(self, ticket: dict[str, Any], payload: dict[str, Any]) -> None:
        """409 when `safe_update` is on and `updated_stamp` is not the ticket's current `updated_at`."""
        if not payload.get("safe_update"):
            return
        stamp = payload.get("updated_stamp")
        if not isinstance(stamp, str):
            raise invalid({"updated_stamp": "Updated stamp is required when safe_update is true"})
        if stamp != iso(ticket["updated"]):
            raise ZendeskError(
                409,
                {
                    "error": "UpdateConflict",
                    "description": "Safe Update prevented the update due to outdated ticket data. "
                    "Please fetch the latest ticket data and try again.",
                },
            )

    def update_ticket(
        self, ticket_id: int, payload: Any, author_id: int
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Apply a `{"ticket": {...}}` update; returns (ticket, audit).

        Raises:
            ZendeskError: 400 bad body, 404 unknown ticket, 409 stale stamp, 422 invalid or closed.
        """
        if not isinstance(payload, dict) or not isinstance(payload.get("ticket"), dict):
            raise bad_request("InvalidEndpoint", "ticket parameter is missing")
        changes = payload["ticket"]
        ticket = self.ticket(ticket_id)
        if ticket["status"] == "closed":
            raise closed_ticket()
        self.check_stamp(ticket, changes)
        comment = self.validate_comment(changes.get("comment"), ticket, author_id)
        fields = self.validate_fields(changes)
        events: list[dict[str, Any]] = []
        for name, value in fields.items():
            previous = ticket[name]
            if name == "custom_fields":
                value = {**previous, **value}
            if value != previous:
                ticket[name] = value
                events.append(_change_event(name, value, previous))
        if comment is not None:
            comments = self.comments(ticket)
            ticket["seq"] = ticket.get("seq", len(comments)) + 1
            created = self._bump(ticket)
            comment.update(id=seed.comment_id(ticket_id, ticket["seq"]), created=created)
            comments.append(comment)
            events.insert(
                0,
                {
                    "id": comment["id"],
                    "type": "Comment",
                    "body": comment["body"],
                    "public": comment["public"],
                    "author_id": author_id,
                },
            )
            if comment["public"] and author_id in self.data.agent_ids:
                self._reply_sla(ticket)
        else:
            self._bump(ticket)
        return ticket, self._audit(ticket, author_id, events)

    def _audit(self, ticket: dict[str, Any], author_id: int, events: list[dict[str, Any]]) -> dict[str, Any]:
        ticket["seq"] = ticket.get("seq", len(self.comments(ticket))) + 1
        audit_id = seed.comment_id(ticket["id"], ticket["seq"])
        for index, event in enumerate(events):
            event.setdefault("id", audit_id * 10 + index + 1)
        return {
            "id": audit_id,
            "ticket_id": ticket["id"],
            "author_id": author_id,
            "created": ticket["updated"],
            "events": events,
        }

    @staticmethod
    def _reply_sla(ticket: dict[str, Any]) -> None:
        """A public agent reply achieves the reply-time metric, as the real SLA engine does."""
        for metric in ticket["sla"]:
            if metric["stage"] == "active" and metric["metric"] in ("first_reply_time", "next_reply_time"):
                metric.update(stage="achieved", breach_at=None)

    def validate_comment(self, raw: Any, ticket: dict[str, Any], author_id: int) -> dict[str, Any] | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise invalid({"comment": "Comment must be an object"})
        body, html_body = raw.get("body"), raw.get("html_body")
        if body is not None and not isinstance(body, str):
            raise invalid({"comment": "Comment body must be a string"})
        if html_body is not None and not isinstance(html_body, str):
            raise invalid({"comment": "Comment html_body must be a string"})
        text = body if body is not None else html_to_text(html_body or "")
        if not text.strip():
            raise invalid({"comment": "Comment: value cannot be blank"})
        public = raw.get("public")
        if public is None:
            public = self.comments(ticket)[0]["public"]  # sticky: the first comment's publicness
        elif not isinstance(public, bool):
            raise invalid({"comment": "Comment public must be true or false"})
        author = raw.get("author_id", author_id)
        if not isinstance(author, int) or author not in self.data.users:
            raise invalid({"comment": "Comment author is not a valid user"})
        if len(self.comments(ticket)) >= MAX_COMMENTS:
            raise invalid({"comment": f"Ticket has reached the limit of {MAX_COMMENTS} comments"})
        return {
            "author_id": author,
            "body": text,
            "html": html_body if body is None else None,
            "public": public,
            "attachments": [],
            "channel": "api",
        }

    def validate_fields(self, changes: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        errors: dict[str, str] = {}
        if "status" in changes:
            status = changes["status"]
            if status not in seed.STATUSES or status == "closed":
                errors["status"] = f"Status: {status!r} is not a valid status"
            fields["status"] = status
        if "custom-statuses" in self.modes:
            fields.update(hard_parts.status_changes(changes, errors))
        if "priority" in changes:
            if changes["priority"] not in PRIORITY_RANK:
                errors["priority"] = f"Priority: {changes['priority']!r} is not valid"
            fields["priority"] = changes["priority"]
        if "type" in changes:
            if changes["type"] not in seed.TYPES:
                errors["type"] = f"Type: {changes['type']!r} is not valid"
            fields["type"] = changes["type"]
        for name, table, label in (
            ("assignee_id", self.data.agent_ids, "Assignee"),
            ("group_id", self.data.groups, "Group"),
        ):
            if name in changes:
                value = changes[name]
                if value is not None and (
                    not isinstance(value, int) or isinstance(value, bool) or value not in table
                ):
                    errors[name.removesuffix("_id")] = f"{label}: {value!r} is not valid"
                fields[name] = value
        if "subject" in changes:
            if not isinstance(changes["subject"], str):
                errors["subject"] = "Subject must be a string"
            fields["subject"] = changes["subject"]
        if "tags" in changes:
            tags = changes["tags"]
            if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
                errors["tags"] = "Tags must be a list of strings"
            else:
                fields["tags"] = normalize_tags(tags)
        if "custom_fields" in changes:
            merged = self._custom_fields(changes["custom_fields"], errors)
            if merged is not None:
                fields["custom_fields"] = merged
        if errors:
            raise invalid(errors)
        return fields

    @staticmethod
    def _custom_fields(raw: Any, errors: dict[str, str]) -> dict[int, Any] | None:
        if not isinstance(raw, list):
            errors["custom_fields"] = "Custom fields must be a list of {id, value}"
            return None
        values: dict[int, Any] = {}
        for item in raw:
            field_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(field_id, int) or field_id not in CUSTOM_FIELD_IDS:
                errors["custom_fields"] = f"Custom field {field_id!r} does not exist"
                return None
            values[field_id] = item.get("value")
        return values

    def set_tags(self, ticket_id: int, payload: Any, mode: str) -> dict[str, Any]:
        """`add` (PUT), `replace` (POST) or `remove` (DELETE) tags, honouring safe_update."""
        ticket = self.ticket(ticket_id)
        if not isinstance(payload, dict) or not isinstance(payload.get("tags"), list):
            raise bad_request("InvalidEndpoint", "tags parameter is missing")
        if ticket["status"] == "closed":
            raise invalid({"status": "Status: closed prevents ticket update"})
        self.check_stamp(ticket, payload)
        tags = normalize_tags([str(tag) for tag in payload["tags"]])
        if mode == "add":
            ticket["tags"] = normalize_tags([*ticket["tags"], *tags])
        elif mode == "replace":
            ticket["tags"] = tags
        else:
            ticket["tags"] = [tag for tag in ticket["tags"] if tag not in set(tags)]
        self._bump(ticket)
        return ticket

    def touch(self, ticket_id: int) -> dict[str, Any]:
        """Another agent's edit: only the stamp moves."""
        ticket = self.ticket(ticket_id)
        self._bump(ticket)
        return ticket

    def customer_reply(self, ticket_id: int, body: str) -> dict[str, Any]:
        """A public comment from the requester; a solved or pending ticket reopens, as in Zendesk."""
        ticket = self.ticket(ticket_id)
        comment = self.validate_comment({"body": body, "public": True}, ticket, ticket["requester_id"])
        assert comment is not None
        comments = self.comments(ticket)
        ticket["seq"] = ticket.get("seq", len(comments)) + 1
        comment.update(
            id=seed.comment_id(ticket_id, ticket["seq"]), created=self._bump(ticket), channel="email"
        )
        comments.append(comment)
        if ticket["status"] in ("pending", "solved", "hold"):
            ticket["status"] = "open"
            hard_parts.reopen(ticket)
        return comment


def _change_event(name: str, value: Any, previous: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "Change",
        "field_name": name.removesuffix("_id") if name != "type" else "type",
    }
    if name == "tags":
        value, previous = " ".join(value), " ".join(previous)
    elif name == "custom_fields":
        value, previous = str(value), str(previous)
    if value is not None:
        event["value"] = value
    if previous is not None:
        event["previous_value"] = previous
    return event

"""Zendesk's error answers, raised from the store and the request parsing and answered by the routes."""

from __future__ import annotations

from typing import Any

from frontline.sandbox.http_helpers import VendorError


class ZendeskError(VendorError):
    """A Zendesk error answer: HTTP status plus the `{"error", "description"}` body Zendesk sends."""


def not_found() -> ZendeskError:
    return ZendeskError(404, {"error": "RecordNotFound", "description": "Not found"})


def bad_request(error: str, description: str) -> ZendeskError:
    """A 400 with Zendesk's error name (`InvalidPaginationParameter`, `InvalidJSON`, ...)."""
    return ZendeskError(400, {"error": error, "description": description})


def invalid(details: dict[str, str]) -> ZendeskError:
    """422 RecordInvalid with per-field details, as Zendesk reports validation errors."""
    return _record_invalid({name: (text, "InvalidValue") for name, text in details.items()})


def closed_ticket() -> ZendeskError:
    """The 422 for any write to a closed ticket."""
    return _record_invalid({"status": ("Status: closed prevents ticket update", "ClosedTicket")})


def _record_invalid(details: dict[str, tuple[str, str]]) -> ZendeskError:
    body: dict[str, Any] = {
        "error": "RecordInvalid",
        "description": "Record validation errors",
        "details": {name: [{"description": text, "error": kind}] for name, (text, kind) in details.items()},
    }
    return ZendeskError(422, body)

"""The one exception tree of frontline.

Every failure a user can meet is a `FrontlineError` with a short `title` and a message that says what
happened and what to do next. Adapters translate HTTP and network failures into these in one place
(`frontline.connectors.http`); screens and the CLI only ever see these classes.
"""

from __future__ import annotations


class FrontlineError(Exception):
    """Base of every error frontline shows to a person."""

    title: str = "Something went wrong"

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class ConfigError(FrontlineError):
    """The configuration file or environment is invalid."""

    title = "Configuration problem"


class InputError(FrontlineError):
    """What the person typed or pointed at cannot be used (an empty reply, a missing file)."""

    title = "Nothing sent"


class CredentialsError(FrontlineError):
    """No usable token was found for a profile, or the keyring failed."""

    title = "Missing credentials"


class AuthError(FrontlineError):
    """The helpdesk rejected the credentials (401)."""

    title = "Not signed in"


class PermissionDenied(FrontlineError):
    """The credentials are valid but not allowed to do this (403)."""

    title = "Not allowed"


class NotFound(FrontlineError):
    """The ticket, view or record does not exist, or is not visible to this user (404)."""

    title = "Not found"


class ConflictError(FrontlineError):
    """Somebody else changed the record since it was loaded (409). The local draft is kept."""

    title = "Changed by someone else"


class ValidationFailed(FrontlineError):
    """The helpdesk refused the request as invalid (400/422); `details` maps field -> messages."""

    title = "Rejected by the helpdesk"

    def __init__(
        self, message: str, title: str | None = None, details: dict[str, list[str]] | None = None
    ) -> None:
        super().__init__(message, title)
        self.details = details or {}


class TicketClosed(ValidationFailed):
    """The ticket is closed and takes no more replies or changes (Zendesk's 422); a follow-up ticket can
    carry the reply instead (`Helpdesk.create_followup`). Nothing was applied."""

    title = "Ticket is closed"

    def __init__(
        self,
        message: str,
        ticket_id: str,
        title: str | None = None,
        details: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message, title, details)
        self.ticket_id = ticket_id


class RateLimited(FrontlineError):
    """The helpdesk asked us to slow down (429) and retries ran out."""

    title = "Rate limited"

    def __init__(self, message: str, retry_after: float | None = None, title: str | None = None) -> None:
        super().__init__(message, title)
        self.retry_after = retry_after


class Unavailable(FrontlineError):
    """The network failed or the server answered 5xx; the operation may be retried."""

    title = "Helpdesk unreachable"


class WriteOutcomeUnknown(Unavailable):
    """A write was sent but the connection failed before the answer: it may or may not have been applied."""

    title = "Not sure it was sent"


class PartiallyApplied(FrontlineError):
    """A multi-step write stopped midway: some changes landed (the reply, say) and the rest did not.

    Sending the same write again would duplicate what landed; `not_applied` is what is still missing.
    """

    title = "Sent, but not everything applied"

    def __init__(
        self,
        message: str,
        *,
        applied: tuple[str, ...],
        not_applied: tuple[str, ...],
        cause: FrontlineError | None = None,
        title: str | None = None,
    ) -> None:
        super().__init__(message, title)
        self.applied = applied
        self.not_applied = not_applied
        self.cause = cause


class NotDelivered(Unavailable):
    """No connection could be made: the request never left, so nothing was applied."""

    title = "Helpdesk unreachable"


class WriteQueued(FrontlineError):
    """The helpdesk is unreachable or rate limiting: the write waits in the outbox and goes out once when
    it is back. Not a failure; nothing needs sending again."""

    title = "Queued"


class NotSent(Unavailable):
    """The write did not land (a read-back shows it missing): sending again is safe."""

    title = "Not sent"


class MalformedResponse(FrontlineError):
    """The server answered with something that is not the documented shape."""

    title = "Unexpected answer from the helpdesk"


class Unsupported(FrontlineError):
    """The connected system cannot do this (see the adapter's capabilities)."""

    title = "Not supported here"


class StoreError(FrontlineError):
    """The local database cannot be opened, failed, or is from a newer frontline."""

    title = "Local data problem"

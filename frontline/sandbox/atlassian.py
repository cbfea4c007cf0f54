"""What the fake Jira Service Management and Jira sites share: records, dates, errors and auth.

Both sites are "Jira" underneath: issues with statuses from a workflow, priorities, people identified
by `accountId`, and comments. JSM adds requests, queues and SLAs on top (`jsm.py`); the platform API
(`jira_platform.py`) serves both.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from frontline.sandbox.system import SandboxContext

# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class StatusDef:
    """A workflow status and its category (`new`, `indeterminate`, `done`)."""

    id: str
    name: str
    category: str


@dataclass(frozen=True)
class TransitionDef:
    """A workflow transition; `sources` empty means it is global (available from any other status)."""

    id: str
    name: str
    to: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workflow:
    statuses: tuple[StatusDef, ...]
    transitions: tuple[TransitionDef, ...]

    def status(self, status_id: str) -> StatusDef:
        return next(s for s in self.statuses if s.id == status_id)

    def by_name(self, name: str) -> StatusDef:
        return next(s for s in self.statuses if s.name.lower() == name.lower())

    def available(self, status_id: str) -> list[TransitionDef]:
        return [
            t for t in self.transitions if t.to != status_id and (not t.sources or status_id in t.sources)
        ]


@dataclass
class Account:
    account_id: str
    display_name: str
    email: str | None
    account_type: str = "atlassian"
    time_zone: str = "Europe/Berlin"


@dataclass
class CommentRecord:
    id: str
    author_id: str
    body: str
    """Plain text; `adf` holds the original document when one was posted through the platform API."""
    public: bool
    created: datetime
    adf: dict[str, Any] | None = None


@dataclass
class RemoteLinkRecord:
    id: int
    global_id: str | None
    payload: dict[str, Any]


@dataclass(slots=True)
class IssueRecord:
    """One Jira issue (a JSM request is one too). `comments` is None until first generated or used."""

    id: str
    key: str
    project_key: str
    issue_type: str
    summary: str
    status_id: str
    priority_id: str | None
    reporter_id: str
    assignee_id: str | None
    labels: list[str]
    created: datetime
    updated: datetime
    description: str = ""
    description_adf: dict[str, Any] | None = None
    comments: list[CommentRecord] | None = None
    remote_links: list[RemoteLinkRecord] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    # JSM only
    service_desk_id: str | None = None
    request_type_id: str | None = None
    organization_id: str | None = None
    participants: list[str] = field(default_factory=list)
    sla_seed: int = 0
    seq: int = 0


PRIORITIES: tuple[tuple[str, str], ...] = (
    ("1", "Highest"),
    ("2", "High"),
    ("3", "Medium"),
    ("4", "Low"),
    ("5", "Lowest"),
)
PRIORITY_BY_ID = dict(PRIORITIES)
PRIORITY_BY_NAME = {name.lower(): pid for pid, name in PRIORITIES}
CATEGORY_IDS = {
    "new": (2, "To Do", "blue-gray"),
    "indeterminate": (4, "In Progress", "yellow"),
    "done": (3, "Done", "green"),
}

# ---------------------------------------------------------------------------------------------- dates


def jira_date(moment: datetime) -> str:
    """`2021-01-17T12:34:00.000+0000`: milliseconds and an offset without a colon."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def epoch_millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def friendly_date(moment: datetime, now: datetime) -> str:
    moment, now = moment.astimezone(UTC), now.astimezone(UTC)
    clock = moment.strftime("%I:%M %p").lstrip("0")
    if moment.date() == now.date():
        return f"Today {clock}"
    if moment.date() == (now - timedelta(days=1)).date():
        return f"Yesterday {clock}"
    return moment.strftime("%d/%b/%y ") + clock


def date_dto(moment: datetime, now: datetime) -> dict[str, Any]:
    """JSM `DateDTO`."""
    moment = moment.astimezone(UTC)
    return {
        "iso8601": moment.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "jira": jira_date(moment),
        "friendly": friendly_date(moment, now),
        "epochMillis": epoch_millis(moment),
    }


def duration_dto(millis: int) -> dict[str, Any]:
    """JSM `DurationDTO`, with the vendor's odd friendly text (`"4h 240m"`, `"-1h -83m"`)."""
    minutes = int(millis / 60000)
    hours = int(minutes / 60)
    return {"millis": millis, "friendly": f"{hours}h {minutes}m" if hours else f"{minutes}m"}


# ---------------------------------------------------------------------------------------------- errors


def jira_error(
    status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None
) -> Response:
    """Jira platform `ErrorCollection`."""
    return JSONResponse({"errorMessages": messages or [], "errors": errors or {}}, status_code=status)


def jsm_error(status: int, message: str, i18n_key: str = "sd.generic.error") -> Response:
    """JSM `ErrorResponse`."""
    body = {"errorMessage": message, "i18nErrorMessage": {"i18nKey": i18n_key, "parameters": []}}
    return JSONResponse(body, status_code=status)


async def read_json(request: Request) -> tuple[Any, Response | None]:
    """The request's JSON body, or the 400 Jira sends for a body it cannot parse."""
    raw = await request.body()
    if not raw:
        return None, None
    try:
        return json.loads(raw), None
    except (json.JSONDecodeError, UnicodeDecodeError):
        if request.url.path.startswith("/rest/servicedeskapi"):
            return None, jsm_error(400, "The request body is not valid JSON.", "sd.request.body.invalid")
        return None, jira_error(400, ["Unexpected character in the request body: it is not valid JSON."])


def int_param(
    request: Request, name: str, default: int, *, lowest: int = 0, highest: int | None = None
) -> int:
    raw = request.query_params.get(name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        value = default
    value = max(lowest, value)
    return min(value, highest) if highest is not None else value


# ---------------------------------------------------------------------------------------------- auth


def basic_auth_ok(request: Request, context: SandboxContext) -> bool:
    """Atlassian accepts `Basic base64(email:api_token)`."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    email, _, token = decoded.partition(":")
    if token in context.revoked_tokens:
        return False
    return hmac.compare_digest(email.lower(), context.email.lower()) and hmac.compare_digest(
        token, context.token
    )


def atlassian_unauthorized(request: Request) -> Response:
    """What Jira Cloud answers to missing or bad credentials (JSM paths answer its ErrorResponse)."""
    if request.url.path.startswith("/rest/servicedeskapi"):
        response = jsm_error(401, "Client must be authenticated to access this resource.", "sd.auth.required")
    else:
        response = PlainTextResponse("Client must be authenticated to access this resource.", status_code=401)
    response.headers["WWW-Authenticate"] = 'OAuth realm="sandbox"'
    return response


# ---------------------------------------------------------------------------------------------- people


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def avatar_urls(account_id: str) -> dict[str, str]:
    return {
        size: f"https://avatar.sandbox.invalid/{account_id}/{size}.png"
        for size in ("16x16", "24x24", "32x32", "48x48")
    }


def platform_user(base: str, account: Account) -> dict[str, Any]:
    """Jira platform `UserDetails`."""
    body: dict[str, Any] = {
        "self": f"{base}/rest/api/3/user?accountId={account.account_id}",
        "accountId": account.account_id,
        "displayName": account.display_name,
        "active": True,
        "timeZone": account.time_zone,
        "accountType": account.account_type,
        "avatarUrls": avatar_urls(account.account_id),
    }
    if account.email:
        body["emailAddress"] = account.email
    return body


def jsm_user(base: str, account: Account) -> dict[str, Any]:
    """JSM `UserDTO`."""
    body: dict[str, Any] = {
        "accountId": account.account_id,
        "displayName": account.display_name,
        "active": True,
        "timeZone": account.time_zone,
        "_links": {
            "jiraRest": f"{base}/rest/api/2/user?accountId={account.account_id}",
            "avatarUrls": avatar_urls(account.account_id),
            "self": f"{base}/rest/api/2/user?accountId={account.account_id}",
        },
    }
    if account.email:
        body["emailAddress"] = account.email
    return body


def paged(
    base: str, path: str, values: list[Any], start: int, limit: int, total: int, extra: str = ""
) -> dict[str, Any]:
    """A JSM `PagedDTO`: `{size, start, limit, isLastPage, _links, values}`."""
    is_last = start + len(values) >= total
    links: dict[str, Any] = {"base": f"{base}/rest/servicedeskapi", "context": "", "self": f"{base}{path}"}
    suffix = f"&{extra}" if extra else ""
    if not is_last:
        links["next"] = f"{base}{path}?start={start + limit}&limit={limit}{suffix}"
    if start > 0:
        links["prev"] = f"{base}{path}?start={max(0, start - limit)}&limit={limit}{suffix}"
    return {
        "_expands": [],
        "size": len(values),
        "start": start,
        "limit": limit,
        "isLastPage": is_last,
        "_links": links,
        "values": values,
    }


def atlassian_throttled(retry_after: int) -> Response:
    """Jira Cloud's burst-limit 429: `Retry-After` in seconds plus the `X-RateLimit-*` and reason headers."""
    reset = (datetime.now(UTC) + timedelta(seconds=retry_after)).strftime("%Y-%m-%dT%H:%MZ")
    response = jira_error(429, ["Rate limit exceeded."])
    response.headers.update(
        {
            "Retry-After": str(retry_after),
            "X-RateLimit-Limit": "100",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset,
            "RateLimit-Reason": "jira-burst-based",
        }
    )
    return response

"""Atlassian JSON shapes shared by both sites: dates, durations, users and JSM pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from frontline.sandbox.atlassian.records import Account


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

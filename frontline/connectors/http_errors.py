"""The words of `ApiClient`'s failures: one function per kind, from what the exchange showed.

Kept apart from `frontline.connectors.http` so the retry policy reads on its own; the client (and a
connector's subclass of it, such as Slack's) calls these with server text it has already cleaned.
"""

from __future__ import annotations

import ssl

import httpx

from frontline.errors import (
    AuthError,
    ConfigError,
    ConflictError,
    FrontlineError,
    NotDelivered,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unavailable,
    ValidationFailed,
    WriteOutcomeUnknown,
)


def sentence(detail: str) -> str:
    """`": <detail>."` after a status, or `"."` when the server said nothing useful."""
    if not detail:
        return "."
    return f": {detail}" + ("" if detail.endswith((".", "!", "?")) else ".")


def origin(url: httpx.URL) -> str:
    """`https://host[:port]`, the part of an address that says where credentials go."""
    return f"{url.scheme}://{url.netloc.decode('ascii', 'replace')}"


def rate_limited(service: str, wait: float) -> RateLimited:
    """Throttled longer than the client waits in place, or too many times in a row."""
    return RateLimited(
        f"{service} is rate limiting requests; try again in {_seconds(wait)}.", retry_after=wait
    )


def _seconds(delay: float) -> str:
    if delay < 120:
        return f"{round(delay)} s"
    return f"{round(delay / 60)} min" if delay < 7200 else f"{round(delay / 3600)} h"


def untrusted_certificate(error: BaseException) -> str | None:
    """Why the server's TLS certificate was refused, if that is what `error` (an httpx error) comes
    down to; None for any other failure."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause.verify_message or "certificate verify failed"
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def certificate_error(service: str, reason: str) -> ConfigError:
    """The server's certificate is not trusted: retrying cannot help, the trust settings might."""
    return ConfigError(
        f"{service}'s TLS certificate is not trusted ({reason}). Behind a proxy that inspects TLS, set "
        'trust = "system" or ca_bundle = "/path/to/ca.pem" under [network] in the config file; '
        "frontline never turns certificate checks off."
    )


def transport_error(service: str, what: str, *, is_read: bool, never_sent: bool) -> Unavailable:
    """No answer: `what` says why (`http_log.describe_transport_error`)."""
    message = f"Cannot reach {service} ({what}). Check the network; nothing was lost."
    if never_sent:
        return NotDelivered(message)
    if not is_read:
        return WriteOutcomeUnknown(
            f"The connection to {service} failed after the change was sent ({what}). "
            "It may or may not have been applied: refresh the ticket before sending again."
        )
    return Unavailable(message)


def server_error(service: str, status: int, reason: str, *, is_read: bool) -> Unavailable:
    """A 5xx once retries are spent (reads) or at once (writes, which are never sent twice)."""
    if is_read:
        return Unavailable(
            f"{service} answered {status} ({reason}). Nothing was lost; try again in a moment."
        )
    return WriteOutcomeUnknown(
        f"{service} answered {status} ({reason}) to the change. It may or may not have been "
        "applied: refresh the ticket before sending again."
    )


def redirect_error(response: httpx.Response, *, setting: str, shown: str | None) -> ConfigError:
    """A 3xx from the configured address: a vanity domain or a sign-in page stands in front of the API.

    Args:
        setting: the config key that holds the address (`base_url`, `gateway_url`).
        shown: where it pointed (scheme, host and path; cleaned by the caller), None if nowhere usable.
    """
    source = origin(response.request.url)
    status = response.status_code
    where = (
        f"redirected to {shown} ({status})" if shown else f"answered {status}, a redirect to nowhere usable"
    )
    return ConfigError(
        f"{source} {where}: set {setting} to the address the API answers on (is a vanity domain, or a "
        "sign-in (SSO) page, in front of it?). frontline never follows a redirect with your credentials."
    )


def redirect_target(response: httpx.Response) -> str | None:
    """The `Location` resolved against the request, without its query or fragment (they may carry a
    sign-in request or a token), or None when absent or not a URL."""
    location = response.headers.get("location", "").strip()[:2048]
    if not location:
        return None
    try:
        target = response.request.url.join(location)
    except httpx.InvalidURL:
        return None
    if target.scheme not in ("http", "https") or not target.host:
        return None
    return origin(target) + target.path


def status_error(service: str, status: int, detail: str, fields: dict[str, list[str]]) -> FrontlineError:
    """A 4xx (not a throttle): its kind from the status, its words from the body (`detail`)."""
    suffix = sentence(detail)
    if status == 401:
        return AuthError(
            f"{service} rejected the credentials (401){suffix} "
            "Check the token with `frontline login` or `frontline doctor`."
        )
    if status == 403:
        return PermissionDenied(f"{service} does not allow this for your account (403){suffix}")
    if status == 404:
        return NotFound(f"{service} has no such record, or it is not visible to you (404){suffix}")
    if status == 409:
        return ConflictError(
            f"{service} says the record was changed by someone else since you loaded it (409). "
            "Your draft is kept; refresh and send again."
        )
    if status == 410:
        return NotFound(f"{service} has retired this API (410){suffix}")
    if status in (400, 422):
        return ValidationFailed(f"{service} refused the request ({status}){suffix}", details=fields)
    return FrontlineError(f"{service} answered {status}{suffix}")

"""Validate every request frontline sends against the vendors' official OpenAPI specs (`shared/specs/`).

`RequestValidator.transport()` wraps an httpx transport: each request is matched to its spec operation
by method and path template (the Atlassian gateway's `/ex/jira/{cloudId}` prefix stripped, the request
presented on the spec's own server since the sandbox's loopback host is none of them), its parameters,
body and security are validated with openapi-core, the outcome is recorded, and the request goes on
unchanged. `sync_transport()` does the same for Zendesk's blocking OAuth token endpoint.

Known gaps in the specs are allowed for, each an `ALLOW_*` constant with its reason, and recorded as such;
anything else the spec does not allow is a violation. The specs are loaded once per session.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
import yaml
from jsonschema_path import SchemaPath
from openapi_core.datatypes import RequestParameters
from openapi_core.security.exceptions import SecurityProviderError
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.security.providers import BaseProvider
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.validation.request.exceptions import SecurityValidationError
from openapi_core.validation.request.validators import (
    V30RequestBodyValidator,
    V30RequestParametersValidator,
    V30RequestSecurityValidator,
)
from werkzeug.datastructures import Headers, ImmutableMultiDict

from support.spec_check import JSM_SPEC, PLATFORM_SPEC, SPECS, load_spec

ZENDESK_SPEC = "zendesk-support-oas.yaml"

SPEC_HOSTS = {
    ZENDESK_SPEC: "https://example.zendesk.com",
    JSM_SPEC: "https://your-domain.atlassian.net",
    PLATFORM_SPEC: "https://your-domain.atlassian.net",
}
"""Where each spec's `servers` put the API: requests are presented there."""

SPEC_ROOTS = (
    ("/rest/servicedeskapi/", JSM_SPEC),
    ("/rest/api/3/", PLATFORM_SPEC),
    ("/api/v2/", ZENDESK_SPEC),
    ("/oauth/", ZENDESK_SPEC),
)
"""Which spec serves a path, by its first segments."""

GATEWAY_PREFIX = re.compile(r"^/ex/jira/[A-Za-z0-9-]+(?=/)")
"""Atlassian's API gateway (`https://api.atlassian.com/ex/jira/{cloudId}/rest/...`) in front of the
site's own paths: the specs describe the site, so the prefix is stripped before matching."""

SANDBOX_CONTROL = "/__sandbox__"
TENANT_INFO = "/_edge/tenant_info"

ALLOW_SANDBOX_CONTROL = "sandbox control route (`/__sandbox__`): the test's own, not a vendor API"
ALLOW_TENANT_INFO = (
    "Atlassian `GET /_edge/tenant_info` (the site's public cloud id, read once for scoped tokens): a "
    "documented site endpoint that no Atlassian OpenAPI spec describes"
)
ALLOW_JSM_BASIC = (
    "JSM spec: every operation lists only `OAuth2` under `security`, although the spec's own "
    "`components.securitySchemes` declares `basicAuth` ('You can access this resource via basic auth') "
    "and the API accepts Basic email:API-token (the platform spec lists `basicAuth` on its operations)"
)
ALLOW_ZENDESK_BEARER = (
    "Zendesk spec: only `basicAuth` is declared, although the API accepts OAuth access tokens as "
    "`Authorization: Bearer` (shared/specs/SOURCES.md, loading notes)"
)
ALLOW_ZENDESK_SIDELOADS = (
    "Zendesk spec: `include` (side-loading, documented API-wide in the API reference's Side-loading "
    "introduction) is declared on no operation"
)
ALLOW_ZENDESK_CURSOR = (
    "Zendesk spec: `page[size]`/`page[after]` on an operation whose description says 'Cursor pagination' "
    "(see the Pagination introduction) but which does not declare them, as others do"
)
ALLOW_ZENDESK_TOKEN_ENDPOINT = (
    "Zendesk spec: `POST /oauth/tokens` inherits the global `basicAuth`, but a public OAuth client "
    "authenticates by `client_id` and its PKCE verifier in the body (RFC 6749 2.3, RFC 7636), with no "
    "Authorization header"
)


# --- the specs ----------------------------------------------------------------------------------------


class _SpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading, plus the YAML 1.1 `value` tag (a bare `=`) read as a plain string (SOURCES.md)."""


_SpecLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@cache
def spec_document(name: str) -> dict[str, Any]:
    if name == ZENDESK_SPEC:
        with (SPECS / name).open("rb") as handle:
            document: dict[str, Any] = yaml.load(handle, Loader=_SpecLoader)
        return document
    return load_spec(name)


class _BearerProvider(BaseProvider):
    """openapi-core cannot check `oauth2` schemes (it warns and passes them); on the wire an OAuth
    access token is `Authorization: Bearer <token>`, so that is what this one requires."""

    def __call__(self, parameters: RequestParameters) -> Any:
        scheme, _, credentials = str(parameters.header.get("Authorization", "")).partition(" ")
        if scheme.lower() != "bearer" or not credentials:
            raise SecurityProviderError("Missing OAuth bearer token.")
        return credentials


class _SecurityProviders(SecurityProviderFactory):
    PROVIDERS = {**SecurityProviderFactory.PROVIDERS, "oauth2": _BearerProvider}


@dataclass(frozen=True)
class _SpecValidators:
    """The three request validators of one spec, run separately so that a security failure (which
    stops openapi-core's combined validator) does not hide a parameter or body failure."""

    finder: APICallPathFinder
    parameters: V30RequestParametersValidator
    body: V30RequestBodyValidator
    security: V30RequestSecurityValidator


@cache
def spec_validators(name: str) -> _SpecValidators:
    spec = SchemaPath.from_dict(spec_document(name))
    providers = _SecurityProviders()
    return _SpecValidators(
        finder=APICallPathFinder(spec),
        parameters=V30RequestParametersValidator(spec),
        body=V30RequestBodyValidator(spec),
        security=V30RequestSecurityValidator(spec, security_provider_factory=providers),
    )


# --- one request, as openapi-core reads it ------------------------------------------------------------


@dataclass
class SpecRequest:
    """An httpx request in openapi-core's `Request` protocol, on the spec's server."""

    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters

    @classmethod
    def of(cls, request: httpx.Request, spec: str, path: str) -> SpecRequest:
        return cls(
            host_url=SPEC_HOSTS[spec],
            path=path,
            method=request.method.lower(),
            body=request.content or None,
            content_type=request.headers.get("content-type", ""),
            parameters=RequestParameters(
                query=ImmutableMultiDict(list(request.url.params.multi_items())),
                header=Headers(list(request.headers.items())),
            ),
        )


@dataclass(frozen=True)
class Operation:
    """One operation of one spec."""

    spec: str
    method: str
    template: str
    operation_id: str

    def __str__(self) -> str:
        return f"{self.method} {self.template} ({self.operation_id})"


@dataclass(frozen=True)
class Checked:
    """What became of one request: its operation (None when the spec has none), the spec's
    complaints, and the known spec gaps it was let through for."""

    system: str
    method: str
    path: str
    """As sent (with the gateway's prefix, if any)."""
    operation: Operation | None
    errors: tuple[str, ...] = ()
    allowances: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def __str__(self) -> str:
        what = str(self.operation) if self.operation else "no operation"
        problems = "; ".join(self.errors) or "ok"
        return f"[{self.system}] {self.method} {self.path} -> {what}: {problems}"


def spec_for(path: str) -> str | None:
    return next((spec for root, spec in SPEC_ROOTS if path.startswith(root)), None)


def _describe(error: BaseException) -> str:
    """openapi-core's error, with the schema's own complaints (they hide in `__cause__`) one by one."""
    cause = error.__cause__
    details = getattr(cause, "schema_errors", None)
    if not details:
        return str(error)
    head = str(error).replace(f": {cause}", "")
    complaints = (f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}" for e in details)
    return f"{head}: " + "; ".join(complaints)


def _scheme(request: httpx.Request) -> str:
    """The Authorization scheme sent (`basic`, `bearer`), or "" without one."""
    return request.headers.get("authorization", "").partition(" ")[0].lower()


def _security_gap(spec: str, operation: Operation, request: httpx.Request) -> str | None:
    """The known spec gap a security failure of `request` is, or None when it is a real one."""
    scheme = _scheme(request)
    if spec == JSM_SPEC and scheme == "basic":
        return ALLOW_JSM_BASIC
    if spec == ZENDESK_SPEC and operation.template == "/oauth/tokens" and not scheme:
        return ALLOW_ZENDESK_TOKEN_ENDPOINT
    if spec == ZENDESK_SPEC and scheme == "bearer":
        return ALLOW_ZENDESK_BEARER
    return None


@cache
def declared_query(spec: str, method: str, template: str) -> frozenset[str]:
    """The query parameters an operation declares (its path item's and its own, `$ref`s resolved)."""
    document = spec_document(spec)
    item = document["paths"][template]
    names: set[str] = set()
    for parameter in [*item.get("parameters", []), *item[method.lower()].get("parameters", [])]:
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter.get("in") == "query":
            names.add(parameter["name"])
    return frozenset(names)


def _query_gap(spec: str, operation: Operation, name: str) -> str | None:
    """The known spec gap an undeclared query parameter is, or None when nothing documents it."""
    if spec != ZENDESK_SPEC:
        return None
    if name == "include":
        return ALLOW_ZENDESK_SIDELOADS
    description = spec_document(spec)["paths"][operation.template][operation.method.lower()].get(
        "description"
    )
    if name in ("page[size]", "page[after]") and "Cursor pagination" in str(description):
        return ALLOW_ZENDESK_CURSOR
    return None


def check_request(request: httpx.Request, system: str = "?") -> Checked:
    """Validate one request (its body already read) against the spec its path belongs to.

    openapi-core checks what the operation declares (path and query parameters, body, security); a query
    parameter it does not declare is a violation too (a misspelt `maxResult` is ignored by the server).
    """
    method, sent = request.method.upper(), request.url.path
    if sent.startswith(SANDBOX_CONTROL):
        return Checked(system, method, sent, None, allowances=(ALLOW_SANDBOX_CONTROL,))
    path = GATEWAY_PREFIX.sub("", sent)
    if path == TENANT_INFO and method == "GET":
        return Checked(system, method, sent, None, allowances=(ALLOW_TENANT_INFO,))
    spec = spec_for(path)
    if spec is None:
        return Checked(system, method, sent, None, ("no vendor spec describes this path",))
    validators = spec_validators(spec)
    wire = SpecRequest.of(request, spec, path)
    try:
        found = validators.finder.find(wire.method, wire.host_url + path)
    except PathError as error:
        return Checked(system, method, sent, None, (f"not an operation of {spec}: {error}",))
    template = found.path_result.pattern
    named = found.operation / "operationId"
    operation = Operation(spec, method, template, named.read_str() if named.exists() else template)
    errors = [_describe(e) for e in validators.parameters.iter_errors(wire)]
    errors += [_describe(e) for e in validators.body.iter_errors(wire)]
    gaps: list[str] = []
    for refusal in validators.security.iter_errors(wire):
        gap = (
            _security_gap(spec, operation, request) if isinstance(refusal, SecurityValidationError) else None
        )
        if gap is None:
            errors.append(f"{_describe(refusal)} (sent: {_scheme(request) or 'no Authorization'})")
        else:
            gaps.append(gap)
    for name in dict.fromkeys(request.url.params.keys()):
        if name not in declared_query(spec, method, template):
            gap = _query_gap(spec, operation, name)
            if gap is None:
                errors.append(f"Query parameter {name!r} is not declared by {operation.operation_id}")
            else:
                gaps.append(gap)
    return Checked(system, method, sent, operation, tuple(errors), tuple(dict.fromkeys(gaps)))


# --- the recorder and its transports ------------------------------------------------------------------


@dataclass
class RequestValidator:
    """Checks and records every request sent through its transports.

    Args:
        systems: `host:port` -> the sandbox system listening there, to say who sent what.
    """

    systems: Mapping[str, str] = field(default_factory=dict)
    records: list[Checked] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check(self, request: httpx.Request) -> Checked:
        netloc = request.url.netloc.decode("ascii", "replace")
        checked = check_request(request, self.systems.get(netloc, netloc))
        with self._lock:
            self.records.append(checked)
        return checked

    def transport(self, inner: httpx.AsyncBaseTransport | None = None) -> ValidatingTransport:
        return ValidatingTransport(self, inner or httpx.AsyncHTTPTransport())

    def sync_transport(self, inner: httpx.BaseTransport | None = None) -> ValidatingSyncTransport:
        return ValidatingSyncTransport(self, inner or httpx.HTTPTransport())

    # -- what was seen -------------------------------------------------------------------------------
    def violations(self) -> list[Checked]:
        return [record for record in self.records if not record.ok]

    def allowed(self) -> dict[str, int]:
        """How many requests each spec gap let through."""
        counts: dict[str, int] = {}
        for record in self.records:
            for gap in record.allowances:
                counts[gap] = counts.get(gap, 0) + 1
        return counts

    def performed(self) -> set[tuple[str, str, str]]:
        """(system, method, path template) of every operation validated, whatever the outcome."""
        return {
            (record.system, record.method, record.operation.template)
            for record in self.records
            if record.operation is not None
        }

    def assert_valid(self) -> None:
        """Fail listing every request the specs do not allow."""
        bad = self.violations()
        assert not bad, f"{len(bad)} of {len(self.records)} requests break the spec:\n" + "\n".join(
            map(str, bad)
        )


class ValidatingTransport(httpx.AsyncBaseTransport):
    """Validates and records each request, then sends it on through `inner`."""

    def __init__(self, validator: RequestValidator, inner: httpx.AsyncBaseTransport) -> None:
        self.validator = validator
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.validator.check(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class ValidatingSyncTransport(httpx.BaseTransport):
    """`ValidatingTransport` for blocking clients (Zendesk's OAuth token endpoint)."""

    def __init__(self, validator: RequestValidator, inner: httpx.BaseTransport) -> None:
        self.validator = validator
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.validator.check(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()

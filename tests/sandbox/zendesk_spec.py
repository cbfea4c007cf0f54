"""Validate real sandbox responses against the official Zendesk OpenAPI spec with openapi-core.

The spec is loaded once per session (PyYAML with a constructor for the bare `=` scalar, see
shared/specs/SOURCES.md). Its own lint errors (for example an unresolved `brand_id` path parameter)
are not ours to fix, so the spec validator is off; responses are still checked by openapi-core's
response validator against the operation's schema. Requests are presented on the spec's default
server, since the sandbox's loopback host is not one of the spec's servers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = (
    Path(os.environ.get("FRONTLINE_SPECS_DIR", Path(__file__).resolve().parents[3] / "shared" / "specs"))
    / "zendesk-support-oas.yaml"
)
SPEC_HOST = "https://example.zendesk.com"


class _SpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loading, plus the YAML 1.1 `value` tag (a bare `=`) read as a plain string."""


_SpecLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@dataclass
class SpecRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    body: bytes | None
    content_type: str
    host_url: str = SPEC_HOST
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(query=ImmutableMultiDict(self.query), header=Headers())


@dataclass
class SpecResponse:
    status_code: int
    data: bytes
    headers: Headers
    content_type: str


class ZendeskSpec:
    """The official spec, ready to validate `httpx.Response`s from the sandbox."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.api = OpenAPI.from_dict(document, config=Config(spec_validator_cls=None))

    @classmethod
    def load(cls, path: Path = SPEC_PATH) -> ZendeskSpec:
        with path.open("rb") as handle:
            return cls(yaml.load(handle, Loader=_SpecLoader))

    def validate(self, response: httpx.Response) -> None:
        """Raise openapi-core's validation error when the response breaks the spec."""
        request = response.request
        path = request.url.path.removesuffix(".json")
        spec_request = SpecRequest(
            method=request.method.lower(),
            path=path,
            query=list(request.url.params.multi_items()),
            body=request.content or None,
            content_type=request.headers.get("content-type", "application/json"),
        )
        spec_response = SpecResponse(
            status_code=response.status_code,
            data=response.content,
            headers=Headers(list(response.headers.items())),
            content_type=response.headers.get("content-type", "application/json").split(";")[0],
        )
        self.api.validate_response(spec_request, spec_response)

    def operation_id(self, method: str, template: str) -> str:
        return self.document["paths"][template][method.lower()]["operationId"]

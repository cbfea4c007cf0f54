"""GitHub's error bodies: `{"message", "documentation_url"}`, plus `errors` on a 422."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

DOCS = "https://docs.github.com/rest"
RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = (
    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)


def gh_error(
    status: int, message: str, docs: str = DOCS, errors: list[dict[str, Any]] | None = None
) -> Response:
    """GitHub's basic error; `errors` lists the fields a 422 refused."""
    body: dict[str, Any] = {"message": message, "documentation_url": docs}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status)


def validation_failed(resource: str, field: str, code: str, docs: str = DOCS) -> Response:
    """The 422 GitHub sends when one field of a write is missing or invalid."""
    return gh_error(422, "Validation Failed", docs, [{"resource": resource, "field": field, "code": code}])


def bad_json() -> Response:
    """The 400 GitHub sends for a body that is not a JSON object."""
    return gh_error(400, "Problems parsing JSON")


def not_found(docs: str = f"{DOCS}/issues/issues#get-an-issue") -> Response:
    return gh_error(404, "Not Found", docs)

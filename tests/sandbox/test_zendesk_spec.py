"""Every Zendesk operation the sandbox emulates answers in the shape the official OpenAPI spec describes."""

from __future__ import annotations

import httpx
import pytest
from openapi_core.validation.response.exceptions import InvalidData
from zendesk_spec import ZendeskSpec

from frontline.sandbox.server import SandboxServer

# (method, path as sent, spec path template, JSON body)
OPERATIONS = [
    ("GET", "/api/v2/users/me", "/api/v2/users/me", None),
    ("GET", "/api/v2/users/10002", "/api/v2/users/{user_id}", None),
    ("GET", "/api/v2/users/20001", "/api/v2/users/{user_id}", None),
    ("GET", "/api/v2/users/show_many?ids=10001,20001,20002", "/api/v2/users/show_many", None),
    ("GET", "/api/v2/organizations", "/api/v2/organizations", None),
    ("GET", "/api/v2/organizations/3601", "/api/v2/organizations/{organization_id}", None),
    ("GET", "/api/v2/views", "/api/v2/views", None),
    ("GET", "/api/v2/views/active", "/api/v2/views/active", None),
    ("GET", "/api/v2/views/360001", "/api/v2/views/{view_id}", None),
    ("GET", "/api/v2/views/360001/count", "/api/v2/views/{view_id}/count", None),
    ("GET", "/api/v2/views/count_many?ids=360001,360002", "/api/v2/views/count_many", None),
    (
        "GET",
        "/api/v2/views/360006/tickets?page[size]=50&include=users,groups,organizations,slas",
        "/api/v2/views/{view_id}/tickets",
        None,
    ),
    ("GET", "/api/v2/views/360006/tickets?page=2&per_page=25", "/api/v2/views/{view_id}/tickets", None),
    ("GET", "/api/v2/tickets/5?include=users,groups,organizations,slas", "/api/v2/tickets/{ticket_id}", None),
    ("GET", "/api/v2/tickets/show_many?ids=1,2,3", "/api/v2/tickets/show_many", None),
    ("GET", "/api/v2/tickets/3/comments?include=users", "/api/v2/tickets/{ticket_id}/comments", None),
    ("GET", "/api/v2/tickets/3/comments?page[size]=2", "/api/v2/tickets/{ticket_id}/comments", None),
    ("GET", "/api/v2/tickets/3/comments/count", "/api/v2/tickets/{ticket_id}/comments/count", None),
    (
        "PUT",
        "/api/v2/tickets/6",
        "/api/v2/tickets/{ticket_id}",
        {
            "ticket": {
                "comment": {"body": "On it.", "public": False},
                "priority": "urgent",
                "tags": ["a", "b"],
            }
        },
    ),
    ("GET", "/api/v2/tickets/6/tags", "/api/v2/tickets/{ticket_id}/tags", None),
    ("PUT", "/api/v2/tickets/6/tags", "/api/v2/tickets/{ticket_id}/tags", {"tags": ["added"]}),
    ("POST", "/api/v2/tickets/6/tags", "/api/v2/tickets/{ticket_id}/tags", {"tags": ["only"]}),
    ("DELETE", "/api/v2/tickets/6/tags", "/api/v2/tickets/{ticket_id}/tags", {"tags": ["only"]}),
    ("GET", "/api/v2/search?query=type:ticket status<solved", "/api/v2/search", None),
    ("GET", "/api/v2/search?query=type:user maria", "/api/v2/search", None),
    ("GET", "/api/v2/search/count?query=type:ticket priority:urgent", "/api/v2/search/count", None),
    ("GET", "/api/v2/macros", "/api/v2/macros", None),
    ("GET", "/api/v2/macros/active", "/api/v2/macros/active", None),
    ("GET", "/api/v2/macros/7701", "/api/v2/macros/{macro_id}", None),
    (
        "GET",
        "/api/v2/tickets/6/macros/7703/apply",
        "/api/v2/tickets/{ticket_id}/macros/{macro_id}/apply",
        None,
    ),
    ("GET", "/api/v2/ticket_fields", "/api/v2/ticket_fields", None),
]


@pytest.mark.parametrize(("method", "path", "template", "body"), OPERATIONS, ids=lambda v: str(v)[:60])
def test_response_matches_official_spec(
    client: httpx.Client,
    zendesk_spec: ZendeskSpec,
    method: str,
    path: str,
    template: str,
    body: object,
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code < 300, response.text[:300]
    assert zendesk_spec.operation_id(method, template)  # the operation exists in the official spec
    zendesk_spec.validate(response)


def test_attachment_metadata_matches_spec(client: httpx.Client, zendesk_spec: ZendeskSpec) -> None:
    comments = client.get("/api/v2/tickets/11/comments").json()["comments"]
    attachment = comments[0]["attachments"][0]
    assert {"file_name", "content_url", "content_type", "size"} <= attachment.keys()
    response = client.get(f"/api/v2/attachments/{attachment['id']}")
    zendesk_spec.validate(response)
    assert response.json()["attachment"]["file_name"] == attachment["file_name"]


def test_hostile_and_sla_tickets_still_match_spec(
    client: httpx.Client, zendesk_spec: ZendeskSpec, zd: SandboxServer
) -> None:
    """The whole first view, including hostile records and every SLA state, validates page by page."""
    url: str | None = "/api/v2/views/360006/tickets?page[size]=100&include=slas"
    while url:
        response = client.get(url)
        zendesk_spec.validate(response)
        url = response.json()["links"]["next"]


def test_validator_rejects_a_wrong_shape(zendesk_spec: ZendeskSpec, zd: SandboxServer) -> None:
    """Guard against a validator that accepts anything."""
    request = httpx.Request("GET", f"{zd.urls['zendesk']}/api/v2/tickets/1")
    bad = httpx.Response(200, json={"ticket": {"id": "not-a-number", "requester_id": 1}}, request=request)
    with pytest.raises(InvalidData):
        zendesk_spec.validate(bad)

"""Atlassian's two ways in on the fake JSM and Jira sites: classic tokens on the site, scoped tokens only
through the gateway face `/ex/jira/{cloudId}`, and the cloudId from `/_edge/tenant_info`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from support.spec_check import JSM_SPEC, PLATFORM_SPEC, validate_body

from frontline.sandbox.atlassian import SCOPED_TOKEN, site_cloud_id
from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SD = "/rest/servicedeskapi"
GATEWAY_401 = {"code": 401, "message": "Unauthorized"}


@pytest.fixture(scope="module")
def sites() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, tickets=120, systems=("jsm", "jira"), clock=lambda: NOW) as server:
        assert set(server.urls) == {"jsm", "jira"}, server.skipped
        yield server


@pytest.fixture
def sandbox(sites: SandboxServer) -> Iterator[SandboxServer]:
    yield sites
    for name in sites.systems:
        sites.runtime(name).reset()


def check(spec: str, response: httpx.Response) -> Any:
    """The answer's JSON, validated against the spec for the vendor path below the gateway prefix."""
    path = response.request.url.path.split("/", 4)[-1]
    assert response.request.url.path.startswith("/ex/jira/")
    body = response.json()
    validate_body(spec, response.request.method, f"/{path}", response.status_code, body)
    return body


def gateway(sandbox: SandboxServer, name: str, token: str = SCOPED_TOKEN) -> httpx.Client:
    """A client configured as the product is for a scoped token: `gateway_url` + `/ex/jira/{cloudId}`."""
    base = f"{sandbox.urls[name]}/ex/jira/{site_cloud_id(name)}"
    return httpx.Client(base_url=base, auth=httpx.BasicAuth(sandbox.email, token), timeout=10)


def site(sandbox: SandboxServer, name: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=sandbox.urls[name], auth=httpx.BasicAuth(sandbox.email, token), timeout=10)


def test_tenant_info_gives_each_site_a_stable_cloud_id_without_credentials(sandbox: SandboxServer) -> None:
    ids = {}
    for name in ("jsm", "jira"):
        response = httpx.get(f"{sandbox.urls[name]}/_edge/tenant_info", timeout=10)
        assert response.status_code == 200 and set(response.json()) == {"cloudId"}
        ids[name] = response.json()["cloudId"]
        assert ids[name] == site_cloud_id(name) == str(uuid.UUID(ids[name]))
    assert ids["jsm"] != ids["jira"]


def test_the_scoped_token_works_through_the_gateway_for_jsm(sandbox: SandboxServer) -> None:
    with gateway(sandbox, "jsm") as http:
        base = str(http.base_url).rstrip("/")
        desks = check(JSM_SPEC, http.get(f"{SD}/servicedesk"))
        assert [d["projectKey"] for d in desks["values"]] == ["SUP", "IT"]
        assert desks["_links"]["self"] == f"{base}{SD}/servicedesk"
        page = check(JSM_SPEC, http.get(f"{SD}/servicedesk/1/queue/1/issue", params={"limit": 5}))
        assert page["_links"]["next"].startswith(f"{base}{SD}/servicedesk/1/queue/1/issue?start=5")
        request = check(JSM_SPEC, http.get(f"{SD}/request/SUP-1"))
        assert request["issueKey"] == "SUP-1"
        comment = http.post(
            f"{SD}/request/SUP-1/comment", json={"body": "Through the gateway", "public": False}
        )
        assert comment.status_code == 201
        garbled = http.post(
            f"{SD}/request/SUP-1/comment", content=b"{", headers={"Content-Type": "application/json"}
        )
        assert (
            garbled.status_code == 400
            and garbled.json()["i18nErrorMessage"]["i18nKey"] == "sd.request.body.invalid"
        )
    with site(sandbox, "jsm", sandbox.token) as classic:
        bodies = [c["body"] for c in classic.get(f"{SD}/request/SUP-1/comment").json()["values"]]
        assert "Through the gateway" in bodies


def test_the_scoped_token_works_through_the_gateway_for_jira(sandbox: SandboxServer) -> None:
    with gateway(sandbox, "jira") as http:
        base = str(http.base_url).rstrip("/")
        assert check(PLATFORM_SPEC, http.get("/rest/api/3/myself"))["accountId"]
        issue = check(PLATFORM_SPEC, http.get("/rest/api/3/issue/ENG-1"))
        assert issue["self"].startswith(f"{base}/rest/api/3/issue/")
        found = http.post("/rest/api/3/search/jql", json={"jql": "project = ENG", "maxResults": 2})
        assert found.status_code == 200 and len(found.json()["issues"]) == 2
    recorded = httpx.get(f"{sandbox.urls['jira']}/__sandbox__/requests", timeout=10).json()["requests"]
    assert recorded[0]["path"] == f"/ex/jira/{site_cloud_id('jira')}/rest/api/3/myself"


@pytest.mark.parametrize("name", ["jsm", "jira"])
def test_the_scoped_token_on_the_site_gets_401(sandbox: SandboxServer, name: str) -> None:
    with site(sandbox, name, SCOPED_TOKEN) as http:
        myself = http.get("/rest/api/3/myself")
        assert myself.status_code == 401 and "must be authenticated" in myself.text
    if name == "jsm":
        with site(sandbox, name, SCOPED_TOKEN) as http:
            desks = http.get(f"{SD}/servicedesk")
            assert (
                desks.status_code == 401 and desks.json()["i18nErrorMessage"]["i18nKey"] == "sd.auth.required"
            )


@pytest.mark.parametrize("name", ["jsm", "jira"])
def test_the_classic_token_works_on_the_site_but_not_through_the_gateway(
    sandbox: SandboxServer, name: str
) -> None:
    with site(sandbox, name, sandbox.token) as http:
        assert http.get("/rest/api/3/myself").status_code == 200
    with gateway(sandbox, name, sandbox.token) as http:
        refused = http.get("/rest/api/3/myself")
        assert refused.status_code == 401 and refused.json() == GATEWAY_401
    anonymous = httpx.get(f"{sandbox.urls[name]}/ex/jira/{site_cloud_id(name)}/rest/api/3/myself", timeout=10)
    assert anonymous.status_code == 401 and anonymous.json() == GATEWAY_401


def test_an_unknown_cloud_id_gets_the_gateway_s_404(sandbox: SandboxServer) -> None:
    auth = httpx.BasicAuth(sandbox.email, SCOPED_TOKEN)
    for cloud_id in (str(uuid.uuid4()), site_cloud_id("jira")):
        response = httpx.get(
            f"{sandbox.urls['jsm']}/ex/jira/{cloud_id}/rest/api/3/myself", auth=auth, timeout=10
        )
        assert response.status_code == 404 and response.json() == {"code": 404, "message": "Not Found"}


def test_token_expiry_ends_the_scoped_token_until_a_new_one_is_made(sandbox: SandboxServer) -> None:
    control = f"{sandbox.urls['jsm']}/__sandbox__"
    httpx.post(f"{control}/faults", json={"spec": "token_expiry:count=1"}, timeout=10).raise_for_status()
    with gateway(sandbox, "jsm") as http:
        expired = http.get(f"{SD}/servicedesk")
        assert expired.status_code == 401 and expired.json() == GATEWAY_401
    with site(sandbox, "jsm", sandbox.token) as http:
        assert http.get(f"{SD}/servicedesk").status_code == 401
    rotated = httpx.post(f"{control}/atlassian/scoped-token", json={"token": "renewed-scoped"}, timeout=10)
    assert rotated.json()["cloudId"] == site_cloud_id("jsm")
    with gateway(sandbox, "jsm", "renewed-scoped") as http:
        assert http.get(f"{SD}/servicedesk").status_code == 200
    with gateway(sandbox, "jsm") as http:
        assert http.get(f"{SD}/servicedesk").status_code == 401
    httpx.post(f"{control}/reset", timeout=10).raise_for_status()
    with gateway(sandbox, "jsm") as http:
        assert http.get(f"{SD}/servicedesk").status_code == 200

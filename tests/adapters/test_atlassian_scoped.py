"""Scoped Atlassian API tokens: JSM and Jira talk to the API gateway (`/ex/jira/{cloudId}`, the cloud id
read from the site's `/_edge/tenant_info`) while links keep pointing at the site; a 401 says which kind
of token failure it probably is. Over real HTTP against the sandbox, whose gateway face stands in for
https://api.atlassian.com on each site's own server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from support.sandbox_control import SleepRecorder

from frontline.connectors.jira import JiraSettings
from frontline.connectors.jira.client import JiraTracker, build_jira_tracker
from frontline.connectors.jsm import JsmSettings
from frontline.connectors.jsm.client import JsmAdapter, build_jsm_adapter
from frontline.connectors.registry import build_helpdesk, build_tracker
from frontline.domain.escalation import BugReport, TicketRef
from frontline.domain.models import CommentDraft, Priority, TicketUpdate
from frontline.errors import AuthError, ConfigError
from frontline.sandbox.atlassian import SCOPED_TOKEN, site_cloud_id
from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SCOPES_NAMED = ("read:jira-work", "write:jira-work", "read:jira-user")


@pytest.fixture(scope="module")
def sites() -> Iterator[SandboxServer]:
    with SandboxServer(seed=3, tickets=120, systems=("jsm", "jira"), clock=lambda: NOW) as server:
        assert set(server.urls) == {"jsm", "jira"}, server.skipped
        yield server


@pytest.fixture
def sandbox(sites: SandboxServer) -> Iterator[SandboxServer]:
    for name in sites.systems:
        control(sites, name).delete("/requests")
    yield sites
    for name in sites.systems:
        sites.runtime(name).reset()


def control(sandbox: SandboxServer, system: str) -> httpx.Client:
    return httpx.Client(base_url=f"{sandbox.urls[system]}/__sandbox__", timeout=10)


def paths(sandbox: SandboxServer, system: str) -> list[str]:
    """Every vendor path the system received, in order."""
    with control(sandbox, system) as client:
        return [r["path"] for r in client.get("/requests").json()["requests"]]


def assert_all_through_the_gateway(sandbox: SandboxServer, system: str) -> None:
    """One credential-free tenant_info, then only gateway paths; never the site's own `/rest/...`."""
    seen = paths(sandbox, system)
    gateway = f"/ex/jira/{site_cloud_id(system)}/rest/"
    assert seen[0] == "/_edge/tenant_info" and seen.count("/_edge/tenant_info") == 1
    assert len(seen) > 2 and all(path.startswith(gateway) for path in seen[1:]), seen
    assert not any(path.startswith("/rest/") for path in seen)


def jsm_settings(sandbox: SandboxServer, **overrides: Any) -> JsmSettings:
    values: dict[str, Any] = {
        "base_url": sandbox.urls["jsm"],
        "email": sandbox.email,
        "auth": "scoped_token",
        "gateway_url": sandbox.urls["jsm"],
    }
    return JsmSettings(**{**values, **overrides})


def jsm(sandbox: SandboxServer, token: str = SCOPED_TOKEN, **overrides: Any) -> JsmAdapter:
    settings = jsm_settings(sandbox, **overrides)
    adapter = build_helpdesk(
        "jsm",
        base_url=settings.base_url,
        email=settings.email,
        token=token,
        settings=settings,
        sleep=SleepRecorder(),
        auth=None,  # an option meant for another helpdesk kind: ignored, not an error
    )
    assert isinstance(adapter, JsmAdapter)
    return adapter


def jira_settings(sandbox: SandboxServer, **overrides: Any) -> JiraSettings:
    values: dict[str, Any] = {
        "name": "eng-jira",
        "base_url": sandbox.urls["jira"],
        "project": "ENG",
        "email": sandbox.email,
        "auth": "scoped_token",
        "gateway_url": sandbox.urls["jira"],
    }
    return JiraSettings(**{**values, **overrides})


def jira(sandbox: SandboxServer, token: str = SCOPED_TOKEN, **overrides: Any) -> JiraTracker:
    return build_jira_tracker(jira_settings(sandbox, **overrides), token, sleep=SleepRecorder())


async def test_jsm_reads_and_writes_through_the_gateway_and_links_to_the_site(sandbox: SandboxServer) -> None:
    site = sandbox.urls["jsm"]
    adapter = jsm(sandbox)
    try:
        ticket = await adapter.get_ticket("SUP-1")  # two requests at once: the cloud id is asked once
        assert ticket.url == f"{site}/browse/SUP-1"
        assert (await adapter.whoami()).email == sandbox.email
        views = await adapter.list_views()
        page = await adapter.list_view_tickets(views[0].id, page_size=5)
        assert page.items and all(t.url == f"{site}/browse/{t.id}" for t in page.items)
        update = TicketUpdate(
            comment=CommentDraft(body="Through the gateway", public=False), priority=Priority.HIGH
        )
        updated = await adapter.update_ticket("SUP-1", update)
        assert updated.priority == Priority.HIGH and updated.url == f"{site}/browse/SUP-1"
        assert "Through the gateway" in [c.body for c in await adapter.list_comments("SUP-1")]
    finally:
        await adapter.aclose()
    assert_all_through_the_gateway(sandbox, "jsm")


async def test_jira_files_reads_and_comments_through_the_gateway(sandbox: SandboxServer) -> None:
    site = sandbox.urls["jira"]
    tracker = build_tracker(jira_settings(sandbox), SCOPED_TOKEN)
    assert isinstance(tracker, JiraTracker)
    ticket = TicketRef(helpdesk="zendesk", site="acme", ticket_id="35436", title="Checkout fails")
    try:
        assert (await tracker.get_bug("ENG-1")).url == f"{site}/browse/ENG-1"
        bug = await tracker.create_bug(
            BugReport(title="Checkout fails for EU cards", body="Steps: pay.", ticket=ticket)
        )
        assert bug.url == f"{site}/browse/{bug.key}"
        await tracker.link_ticket(bug, ticket)
        comment = await tracker.add_comment(bug.key, "Seen again on ZD #35999")
        assert comment is not None and comment.startswith(f"{site}/browse/{bug.key}?focusedCommentId=")
        assert await tracker.find_comment(bug.key, "ZD #35999") == comment
    finally:
        await tracker.aclose()
    assert_all_through_the_gateway(sandbox, "jira")


@pytest.mark.parametrize("system", ["jsm", "jira"])
async def test_a_scoped_token_sent_to_the_site_is_told_to_set_auth(
    sandbox: SandboxServer, system: str
) -> None:
    connector: JsmAdapter | JiraTracker = (
        jsm(sandbox, auth="api_token") if system == "jsm" else jira(sandbox, auth="api_token")
    )
    try:
        with pytest.raises(AuthError) as refused:
            await (connector.whoami() if isinstance(connector, JsmAdapter) else connector.get_bug("ENG-1"))
    finally:
        await connector.aclose()
    message = refused.value.message
    assert "Client must be authenticated" in message  # Atlassian's own words, then what to do
    assert "expire within a year" in message and 'set auth = "scoped_token"' in message
    assert SCOPED_TOKEN not in message
    assert all(not path.startswith("/ex/jira/") for path in paths(sandbox, system))


async def test_an_expired_scoped_token_names_the_gateway_and_the_scopes_then_renews_in_place(
    sandbox: SandboxServer,
) -> None:
    adapter = jsm(sandbox)
    try:
        await adapter.whoami()
        control(sandbox, "jsm").post("/expire-token").raise_for_status()
        with pytest.raises(AuthError) as refused:
            await adapter.whoami()
        message = refused.value.message
        assert "scoped token was refused by the gateway" in message and "expired, revoked" in message
        assert all(scope in message for scope in (*SCOPES_NAMED, "write:servicedesk-request"))
        assert "scoped_token" not in message  # already a scoped profile: no advice to switch
        control(sandbox, "jsm").post("/atlassian/scoped-token", json={"token": "renewed"}).raise_for_status()
        adapter.use_token("renewed")
        assert (await adapter.whoami()).email == sandbox.email
    finally:
        await adapter.aclose()
    assert paths(sandbox, "jsm").count("/_edge/tenant_info") == 1  # the cloud id is kept


async def test_a_classic_token_through_the_gateway_gets_the_gateway_advice(sandbox: SandboxServer) -> None:
    tracker = jira(sandbox, token=sandbox.token)
    try:
        with pytest.raises(AuthError, match="scoped token was refused by the gateway") as refused:
            await tracker.get_bug("ENG-1")
    finally:
        await tracker.aclose()
    assert "read:servicedesk-request" not in refused.value.message  # Jira names only what it needs
    assert all(scope in refused.value.message for scope in SCOPES_NAMED)


async def test_the_classic_path_is_unchanged(sandbox: SandboxServer) -> None:
    """`auth` defaults to a classic token on the site: no tenant_info, no gateway."""
    adapter = build_jsm_adapter(sandbox.urls["jsm"], sandbox.email, sandbox.token, settings=JsmSettings())
    try:
        assert (await adapter.whoami()).email == sandbox.email
    finally:
        await adapter.aclose()
    assert paths(sandbox, "jsm") == ["/rest/api/3/myself"]


# --- the gateway's edges, over a mock transport ---------------------------------------------------------

SITE = "https://acme.atlassian.net"
GATEWAY = "https://api.atlassian.com"
CLOUD_ID = "0c3130ff-1111-2222-3333-444455556666"


async def _no_sleep(_: float) -> None:
    return None


class Atlassian:
    """A fake site + gateway: `tenant_info` answers the site's part, `api` the gateway's."""

    def __init__(self, tenant_info: Any, api: Any = None) -> None:
        self.tenant_info = tenant_info
        self.api = api or (
            lambda request: httpx.Response(200, json={"accountId": "a1", "emailAddress": "a@b.c"})
        )
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/_edge/tenant_info":
            assert str(request.url) == f"{SITE}/_edge/tenant_info" and "authorization" not in request.headers
            answer: httpx.Response = self.tenant_info(request)
            return answer
        assert str(request.url).startswith(f"{GATEWAY}/ex/jira/{CLOUD_ID}/rest/")
        answer = self.api(request)
        return answer

    def adapter(self) -> JsmAdapter:
        settings = JsmSettings(base_url=SITE, email="a@b.c", auth="scoped_token")
        return build_jsm_adapter(
            SITE,
            "a@b.c",
            "scoped-secret",
            settings=settings,
            transport=httpx.MockTransport(self),
            sleep=_no_sleep,
        )


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


@pytest.mark.parametrize(
    ("tenant_info", "why"),
    [
        (lambda r: httpx.Response(404, text="Not Found"), "404"),
        (lambda r: httpx.Response(200, json={"cloud": CLOUD_ID}), "without a usable cloudId"),
        (lambda r: httpx.Response(200, json={"cloudId": "../../admin"}), "without a usable cloudId"),
        (lambda r: httpx.Response(200, text="<html>Log in</html>"), "not valid JSON"),
        (
            lambda r: httpx.Response(302, headers={"Location": "https://id.atlassian.com/login?c=1"}),
            "redirected",
        ),
        (_refused, "Cannot reach"),
    ],
)
async def test_a_tenant_info_that_says_no_cloud_id_is_a_config_error_naming_the_site(
    tenant_info: Any, why: str
) -> None:
    fake = Atlassian(tenant_info)
    adapter = fake.adapter()
    try:
        with pytest.raises(ConfigError) as failed:
            await adapter.whoami()
    finally:
        await adapter.aclose()
    message = failed.value.message
    assert f"cloud id of {SITE}" in message and "/_edge/tenant_info" in message and why in message
    assert "base_url" in message and "scoped-secret" not in message
    assert {r.url.path for r in fake.requests} == {"/_edge/tenant_info"}  # nothing went to the gateway


async def test_a_failed_lookup_is_asked_again_then_the_cloud_id_is_kept() -> None:
    answers = [httpx.Response(404), httpx.Response(200, json={"cloudId": CLOUD_ID})]
    fake = Atlassian(lambda r: answers.pop(0))
    adapter = fake.adapter()
    try:
        with pytest.raises(ConfigError):
            await adapter.whoami()
        await adapter.whoami()
        await adapter.whoami()
    finally:
        await adapter.aclose()
    assert [r.url.path for r in fake.requests].count("/_edge/tenant_info") == 2
    sent = [r for r in fake.requests if r.url.host == "api.atlassian.com"]
    assert len(sent) == 2 and all(r.headers["authorization"].startswith("Basic ") for r in sent)


@pytest.mark.parametrize(
    ("answer"),
    [
        httpx.Response(401, json={"code": 401, "message": "Unauthorized; scope does not match"}),
        httpx.Response(401, headers={"X-Failure-Category": "FAILURE_CLIENT_SCOPE_CHECK"}, json={"code": 401}),
    ],
)
async def test_a_missing_scope_is_named_as_such(answer: httpx.Response) -> None:
    fake = Atlassian(lambda r: httpx.Response(200, json={"cloudId": CLOUD_ID}), api=lambda r: answer)
    adapter = fake.adapter()
    try:
        with pytest.raises(AuthError) as refused:
            await adapter.whoami()
    finally:
        await adapter.aclose()
    message = refused.value.message
    assert f"refused by the gateway ({GATEWAY}): it lacks a scope" in message
    assert "read:jira-work" in message and "write:servicedesk-request" in message


async def test_a_redirect_from_the_gateway_names_gateway_url() -> None:
    moved = lambda r: httpx.Response(301, headers={"Location": "https://proxy.acme.example/x"})  # noqa: E731
    fake = Atlassian(lambda r: httpx.Response(200, json={"cloudId": CLOUD_ID}), api=moved)
    adapter = fake.adapter()
    try:
        with pytest.raises(
            ConfigError, match=r"redirected to https://proxy\.acme\.example/x \(301\): set gateway_url"
        ):
            await adapter.whoami()
    finally:
        await adapter.aclose()

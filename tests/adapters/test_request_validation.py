"""Every request frontline sends is allowed by the vendors' official OpenAPI specs (issue 15).

The flows frontline performs on Zendesk, JSM and Jira run over real HTTP against the sandbox with a
validating transport injected (`support.request_validation`): each request is checked with openapi-core
against the spec operation its method and path name, and a flow fails on any request the spec does not
allow. Known spec gaps are allowed for and named there.

Coverage: `EXPECTED` lists every operation the connectors use; the flows together must perform exactly
those, and every API path written in the connectors' source must be one of them, so a new call without
a flow here fails this file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_fixtures import reset_all, sandbox_fixture
from support.request_flows import FLOWS, JIRA, JSM, RUNS, SEEDED, ZD, Env
from support.request_validation import (
    ALLOW_JSM_BASIC,
    ALLOW_SANDBOX_CONTROL,
    ALLOW_TENANT_INFO,
    ALLOW_ZENDESK_BEARER,
    ALLOW_ZENDESK_CURSOR,
    ALLOW_ZENDESK_SIDELOADS,
    ALLOW_ZENDESK_TOKEN_ENDPOINT,
    RequestValidator,
    check_request,
    spec_document,
    spec_for,
)

import frontline.connectors
from frontline.sandbox.server import SandboxServer

EXPECTED: dict[str, set[tuple[str, str]]] = {
    ZD: {
        ("GET", "/api/v2/users/me"),
        ("GET", "/api/v2/users/show_many"),
        ("GET", "/api/v2/custom_statuses"),
        ("POST", "/api/v2/tickets"),
        ("GET", "/api/v2/tickets/show_many"),
        ("GET", "/api/v2/views/active"),
        ("GET", "/api/v2/views/{view_id}/count"),
        ("GET", "/api/v2/views/{view_id}/tickets"),
        ("GET", "/api/v2/tickets/{ticket_id}"),
        ("PUT", "/api/v2/tickets/{ticket_id}"),
        ("GET", "/api/v2/tickets/{ticket_id}/comments"),
        ("GET", "/api/v2/macros/active"),
        ("GET", "/api/v2/macros/{macro_id}"),
        ("GET", "/api/v2/tickets/{ticket_id}/macros/{macro_id}/apply"),
        ("POST", "/oauth/tokens"),
        ("GET", "/api/v2/search"),
        ("GET", "/api/v2/users"),
        ("GET", "/api/v2/groups/assignable"),
    },
    JSM: {
        ("GET", "/rest/api/3/myself"),
        ("GET", "/rest/api/3/status"),
        ("GET", "/rest/api/3/field"),
        ("GET", "/rest/api/3/priority/search"),
        ("GET", "/rest/servicedeskapi/servicedesk"),
        ("GET", "/rest/servicedeskapi/servicedesk/{serviceDeskId}"),
        ("GET", "/rest/servicedeskapi/servicedesk/{serviceDeskId}/queue"),
        ("GET", "/rest/servicedeskapi/servicedesk/{serviceDeskId}/queue/{queueId}"),
        ("GET", "/rest/servicedeskapi/servicedesk/{serviceDeskId}/queue/{queueId}/issue"),
        ("GET", "/rest/servicedeskapi/request/{issueIdOrKey}"),
        ("GET", "/rest/servicedeskapi/request/{issueIdOrKey}/comment"),
        ("POST", "/rest/servicedeskapi/request/{issueIdOrKey}/comment"),
        ("GET", "/rest/api/3/issue/{issueIdOrKey}"),
        ("PUT", "/rest/api/3/issue/{issueIdOrKey}"),
        ("PUT", "/rest/api/3/issue/{issueIdOrKey}/assignee"),
        ("GET", "/rest/api/3/issue/{issueIdOrKey}/transitions"),
        ("POST", "/rest/api/3/issue/{issueIdOrKey}/transitions"),
        ("GET", "/rest/api/3/search/jql"),
        ("GET", "/rest/api/3/user/assignable/search"),
    },
    JIRA: {
        ("GET", "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes"),
        ("GET", "/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}"),
        ("POST", "/rest/api/3/issue"),
        ("GET", "/rest/api/3/issue/{issueIdOrKey}"),
        ("POST", "/rest/api/3/search/jql"),
        ("GET", "/rest/api/3/issue/{issueIdOrKey}/remotelink"),
        ("POST", "/rest/api/3/issue/{issueIdOrKey}/remotelink"),
        ("POST", "/rest/api/3/issueLink"),
        ("GET", "/rest/api/3/issue/{issueIdOrKey}/comment"),
        ("POST", "/rest/api/3/issue/{issueIdOrKey}/comment"),
    },
}
"""Every operation frontline performs, by the sandbox system that receives it (JSM's platform calls
go to the JSM site)."""

NOT_IN_SPECS = {
    "/_edge/tenant_info": ALLOW_TENANT_INFO,
    "/oauth/authorizations/new": "Zendesk's sign-in page: opened in the person's browser, never sent by "
    "frontline's HTTP clients",
}
"""API paths in the connectors' source that are no spec operation, and why that is fine."""

CONNECTOR_DIRS = ("zendesk", "jsm", "jira", "atlassian")
API_PATH = re.compile(
    r"(?:/api/v2|/rest/api/3|/rest/servicedeskapi|/oauth|/_edge)/[A-Za-z0-9_{}][A-Za-z0-9_{}./-]*"
)
"""An API path with at least one segment past its root (a bare `/api/v2/` is a prefix check)."""
VIOLATIONS: dict[str, str] = {}
"""Runs that send a request the spec does not allow (a connector defect, reported, not fixed here):
run -> what is wrong. They are `xfail(strict=True)` until the connector is fixed."""
PERFORMED: dict[str, RequestValidator] = {}
"""Each run's validator once it has run, for the coverage test."""

real_accounts_server = sandbox_fixture(
    "real_accounts_server",
    scope="module",
    systems=(ZD, JSM, JIRA),
    modes={ZD: "all", JSM: "all"},
)


@pytest.fixture
def sandbox_for(request: pytest.FixtureRequest) -> Callable[[str], SandboxServer]:
    """The sandbox a run names, reset (the real-accounts one starts on first use)."""

    def sandbox(where: str) -> SandboxServer:
        server = request.getfixturevalue("sandbox_server" if where == SEEDED else "real_accounts_server")
        return reset_all(server)

    return sandbox


async def run_flow(run: str, sandbox: SandboxServer, data_dir: Path) -> RequestValidator:
    env = Env(sandbox, data_dir)
    try:
        await FLOWS[run.partition("@")[0]](env)
    finally:
        await env.aclose()
        PERFORMED[run] = env.validator
    return env.validator


# --- the tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(run, marks=[pytest.mark.xfail(strict=True, reason=VIOLATIONS[run])])
        if run in VIOLATIONS
        else run
        for run in RUNS
    ],
)
async def test_every_request_of_the_flow_is_allowed_by_the_spec(
    run: str, sandbox_for: Callable[[str], SandboxServer], tmp_path: Path
) -> None:
    validator = await run_flow(run, sandbox_for(run.partition("@")[2]), tmp_path)

    assert validator.records, "the flow sent requests through the validating transport"
    validator.assert_valid()


async def test_the_flows_perform_every_operation_the_connectors_use(
    sandbox_for: Callable[[str], SandboxServer], tmp_path: Path
) -> None:
    for run in RUNS:
        if run not in PERFORMED:  # run without the flow tests (`-k operation`): the flows run here
            await run_flow(run, sandbox_for(run.partition("@")[2]), tmp_path / run)
    performed = {key for validator in PERFORMED.values() for key in validator.performed()}
    expected = {(system, method, template) for system, ops in EXPECTED.items() for method, template in ops}
    allowed = {gap for validator in PERFORMED.values() for gap in validator.allowed()}

    assert not expected - performed, "operations no flow here performs:\n" + _lines(expected - performed)
    assert not performed - expected, "performed, but not listed in EXPECTED:\n" + _lines(performed - expected)
    assert allowed == {
        ALLOW_JSM_BASIC,
        ALLOW_TENANT_INFO,
        ALLOW_ZENDESK_BEARER,
        ALLOW_ZENDESK_TOKEN_ENDPOINT,
        ALLOW_ZENDESK_SIDELOADS,
        ALLOW_ZENDESK_CURSOR,
    }


def test_every_expected_operation_is_in_its_spec() -> None:
    for system, listed in EXPECTED.items():
        for method, template in listed:
            spec = spec_for(template)
            assert spec is not None, (system, template)
            operations_there = spec_document(spec)["paths"].get(template, {})
            assert method.lower() in operations_there, f"{system}: {method} {template} is not in {spec}"


# --- the validator itself ---------------------------------------------------------------------------


def sent(
    method: str, path: str, auth: str | None = "Basic YWdlbnQ6dG9rZW4=", **options: Any
) -> httpx.Request:
    request = httpx.Request(method, f"http://127.0.0.1:9{path}", **options)
    if auth is not None:
        request.headers["Authorization"] = auth
    request.read()
    return request


@pytest.mark.parametrize(
    ("request_", "complaint"),
    [
        (
            sent("PUT", "/api/v2/tickets/29", json={"ticket": {"status": "gone"}}),
            "ticket/status: 'gone' is not one",
        ),
        (
            sent("PUT", "/api/v2/tickets/29", json={"ticket": {"comment": {"public": "no"}}}),
            "ticket/comment/public",
        ),
        (sent("GET", "/api/v2/views/active-ones/count"), "view_id"),
        (sent("GET", "/api/v2/tickets/29", auth=None), "(sent: no Authorization)"),
        (
            sent("GET", "/rest/servicedeskapi/servicedesk/1/queue/2", params={"includeCount": "maybe"}),
            "includeCount",
        ),
        (sent("POST", "/rest/servicedeskapi/request/SUP-1/comment", json={"public": "yes"}), "public"),
        (sent("GET", "/rest/servicedeskapi/request/SUP-1", auth="Token abc"), "(sent: token)"),
        (
            sent(
                "POST",
                "/rest/api/3/issue/ENG-1/transitions",
                content=b"[]",
                headers={"Content-Type": "application/json"},
            ),
            "body",
        ),
        (
            sent("GET", "/rest/api/3/issue/ENG-1/comment", params={"maxResult": 5}),
            "'maxResult' is not declared",
        ),
        (sent("DELETE", "/rest/servicedeskapi/request/SUP-1"), "not an operation"),
        (sent("GET", "/api/v3/tickets"), "no vendor spec"),
    ],
    ids=lambda value: value if isinstance(value, str) else f"{value.method} {value.url.path}",
)
def test_the_validator_refuses_what_the_spec_does_not_allow(request_: httpx.Request, complaint: str) -> None:
    checked = check_request(request_)

    assert not checked.ok and complaint in "; ".join(checked.errors), checked


def test_the_allowances_cover_only_their_gap() -> None:
    basic_on_jsm = check_request(sent("GET", "/rest/servicedeskapi/request/SUP-1"))
    bearer_on_zendesk = check_request(sent("GET", "/api/v2/users/me", auth="Bearer abc"))
    public_client = check_request(
        sent("POST", "/oauth/tokens", auth=None, data={"grant_type": "refresh_token"})
    )
    gateway = check_request(sent("GET", "/ex/jira/0b6a2f0e-1c2d/rest/api/3/myself"))

    assert basic_on_jsm.ok and basic_on_jsm.allowances == (ALLOW_JSM_BASIC,)
    assert bearer_on_zendesk.ok and bearer_on_zendesk.allowances == (ALLOW_ZENDESK_BEARER,)
    assert public_client.ok and public_client.allowances == (ALLOW_ZENDESK_TOKEN_ENDPOINT,)
    assert gateway.ok and gateway.operation is not None and gateway.operation.operation_id == "getCurrentUser"
    assert check_request(sent("GET", "/_edge/tenant_info", auth=None)).allowances == (ALLOW_TENANT_INFO,)
    assert check_request(sent("GET", "/__sandbox__/requests", auth=None)).allowances == (
        ALLOW_SANDBOX_CONTROL,
    )
    paged = check_request(
        sent("GET", "/api/v2/views/1/tickets", params={"page[size]": 2, "include": "users"})
    )
    assert paged.ok and set(paged.allowances) == {ALLOW_ZENDESK_CURSOR, ALLOW_ZENDESK_SIDELOADS}
    # Only where the operation's description promises cursor pagination.
    assert not check_request(sent("GET", "/api/v2/users/me", params={"page[size]": 2})).ok
    # An allowed security gap does not hide the rest of the request.
    assert not check_request(
        sent("POST", "/rest/servicedeskapi/request/SUP-1/comment", json={"public": 1})
    ).ok


# --- the connectors' source -------------------------------------------------------------------------


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level `NAME = "..."` string constants."""
    constants: dict[str, str] = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
            constants[target.id] = value.value
    return constants


class _PathFinder(ast.NodeVisitor):
    """API paths in function bodies: literals, f-strings (module constants filled in, other values as
    `{}`) and module constants named on their own; docstrings and module-level definitions skipped."""

    def __init__(self, constants: dict[str, str]) -> None:
        self.constants = constants
        self.found: set[str] = set()

    def visit_Module(self, node: ast.Module) -> None:
        for child in node.body:
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.visit(child)

    def visit_Expr(self, node: ast.Expr) -> None:
        if not (isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self._add(node.value)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.constants:
            self._add(self.constants[node.id])

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = ""
        for part in node.values:
            if isinstance(part, ast.Constant):
                text += str(part.value)
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name):
                text += self.constants.get(part.value.id, "{}")
            else:
                text += "{}"
        self._add(text)

    def _add(self, text: str) -> None:
        for match in API_PATH.finditer(text):
            self.found.add(match.group().rstrip("./"))


def connector_paths() -> dict[str, set[str]]:
    """Every API path the Zendesk, JSM, Jira and Atlassian connectors write, by source file."""
    root = Path(frontline.connectors.__file__).parent
    paths: dict[str, set[str]] = {}
    for folder in CONNECTOR_DIRS:
        for source in sorted((root / folder).glob("*.py")):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            finder = _PathFinder(_module_constants(tree))
            finder.visit(tree)
            if finder.found:
                paths[f"{folder}/{source.name}"] = finder.found
    return paths


def _lines(items: Iterable[tuple[str, ...]]) -> str:
    return "\n".join("  " + " ".join(item) for item in sorted(items))


def _shape(template: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", template)


def test_the_source_scan_finds_the_connectors_calls() -> None:
    found = {path for paths in connector_paths().values() for path in paths}
    assert {"/api/v2/tickets/{}", "/rest/api/3/issue", "/rest/servicedeskapi/request/{}/comment"} <= found
    assert "/oauth/tokens" in found and "/_edge/tenant_info" in found


def test_every_api_path_in_the_connectors_is_an_expected_operation() -> None:
    shapes = {_shape(template) for operations in EXPECTED.values() for _, template in operations}
    unexplained = {
        (source, path)
        for source, paths in connector_paths().items()
        for path in paths
        if path not in shapes and path not in NOT_IN_SPECS
    }
    hint = "connector calls no flow here exercises (add a flow, and list them in EXPECTED):\n"
    assert not unexplained, hint + _lines(unexplained)

"""The fake JSM's modes (`--jsm-mode`): each hard part of real sites, in the vendor's shapes."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sandbox_fixtures import reset_all, sandbox_fixture
from support.spec_check import JSM_SPEC, PLATFORM_SPEC, check

from frontline.sandbox import cli as sandbox_cli
from frontline.sandbox.atlassian.wiki import render, visible_text
from frontline.sandbox.modes import JSM_MODES, parse_modes
from frontline.sandbox.server import SandboxServer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SD = "/rest/servicedeskapi"

hard_jsm = sandbox_fixture(
    "hard_jsm", scope="module", systems=("jsm",), seed=4, tickets=120, clock=lambda: NOW, modes={"jsm": "all"}
)


@pytest.fixture
def http(hard_jsm: SandboxServer) -> Iterator[httpx.Client]:
    reset_all(hard_jsm)
    auth = httpx.BasicAuth(hard_jsm.email, hard_jsm.token)
    with httpx.Client(base_url=hard_jsm.urls["jsm"], auth=auth, timeout=10) as client:
        yield client


def test_help_lists_every_mode_and_a_bad_mode_is_refused() -> None:
    parser = argparse.ArgumentParser()
    sandbox_cli.add_arguments(parser)
    assert "--jsm-mode" in parser.format_help()
    assert all(name in sandbox_cli.EPILOG for name in JSM_MODES)
    assert parse_modes("jsm", "all") == frozenset(JSM_MODES)
    with pytest.raises(ValueError, match="no mode nope"):
        parse_modes("jsm", "sparse-queues,nope")
    args = parser.parse_args(["--systems", "jsm", "--jsm-mode", "nope"])
    assert sandbox_cli.run(args, out=io.StringIO()) == 2


def test_sparse_queues_and_the_customer_desk(http: httpx.Client) -> None:
    queue = check(JSM_SPEC, http.get(f"{SD}/servicedesk/1/queue/1"))
    assert queue["fields"] == ["issuetype", "issuekey", "summary", "created", "reporter", "duedate"]
    rows = check(JSM_SPEC, http.get(f"{SD}/servicedesk/1/queue/1/issue", params={"limit": 3}))["values"]
    assert all(set(row["fields"]) <= set(queue["fields"]) for row in rows)
    desks = http.get(f"{SD}/servicedesk").json()["values"]
    assert [d["projectKey"] for d in desks] == ["SUP", "IT", "HR"]
    denied = http.get(f"{SD}/servicedesk/3/queue")
    assert denied.status_code == 403 and denied.json()["errorMessage"]
    assert http.get(f"{SD}/request/HR-1").status_code == 404
    assert http.get("/rest/api/3/issue/HR-1").status_code == 404
    assert http.get(f"{SD}/request/HR-1/comment").json()["values"] == []  # "simply returns an empty response"


def test_catalog_answers_match_the_spec(http: httpx.Client) -> None:
    statuses = check(PLATFORM_SPEC, http.get("/rest/api/3/status"))
    waiting = next(s for s in statuses if s["untranslatedName"] == "Waiting for customer")
    assert waiting["name"] == "Warten auf Kunden"
    scheme = check(PLATFORM_SPEC, http.get("/rest/api/3/priority/search", params={"projectId": "10001"}))
    assert scheme["values"][0]["name"] == "P1 - Critical"
    fields = check(PLATFORM_SPEC, http.get("/rest/api/3/field"))
    assert {f["id"] for f in fields if f["schema"].get("custom", "").endswith(":sd-sla-field")} == {
        "customfield_10030",
        "customfield_10031",
    }
    found = check(
        PLATFORM_SPEC,
        http.get(
            "/rest/api/3/search/jql", params={"jql": "key in (SUP-1, SUP-2)", "fields": "status,priority"}
        ),
    )
    assert {i["key"] for i in found["issues"]} == {"SUP-1", "SUP-2"}


def test_platform_refuses_default_priority_names_and_a_resolution_less_resolve(http: httpx.Client) -> None:
    refused = http.put("/rest/api/3/issue/SUP-5", json={"fields": {"priority": {"name": "Highest"}}})
    assert refused.status_code == 400 and "priority" in refused.json()["errors"]
    assert (
        http.put("/rest/api/3/issue/SUP-5", json={"fields": {"priority": {"id": "10100"}}}).status_code == 204
    )
    moves = http.get("/rest/api/3/issue/SUP-5/transitions", params={"expand": "transitions.fields"}).json()
    assert moves["transitions"][0]["name"] == "Eskalieren", "the escalation comes first"
    resolve = next(
        t for t in moves["transitions"] if t["to"]["statusCategory"]["key"] == "done" and t["id"] == "51"
    )
    allowed = [v["name"] for v in resolve["fields"]["resolution"]["allowedValues"]]
    assert allowed[0] == "Won't Do" and "Done" in allowed
    bare = http.post("/rest/api/3/issue/SUP-5/transitions", json={"transition": {"id": "51"}})
    assert bare.status_code == 400 and "resolution" in bare.json()["errors"]


def test_comments_expand_attachments_and_rendered_bodies(http: httpx.Client) -> None:
    for key in (f"SUP-{n}" for n in range(1, 40)):
        page = http.get(f"{SD}/request/{key}/comment", params={"expand": "attachment,renderedBody"})
        values = check(JSM_SPEC, page)["values"]
        with_files = [c for c in values if c["attachments"]["values"]]
        if with_files:
            assert with_files[0]["renderedBody"]["html"].startswith("<p>")
            assert with_files[0]["attachments"]["values"][0]["_links"]["content"]
            return
    raise AssertionError("no seeded comment carries a file")


@pytest.mark.parametrize(
    ("wiki", "seen"),
    [
        ("*bold* _it_ {{mono}}", "bold it mono"),
        ("{foo} [link|https://x.example] [plain]", "Unknown macro: {foo} link plain"),
        ("a -- b --- c", "a \u2013 b \u2014 c"),
        ("\\*kept\\* \\{x\\}", "*kept* {x}"),
        ("{noformat}\n  *raw*  [x]\n{noformat}", "  *raw*  [x]"),
        ("h1. Title\n* item\n|a|b|", "Title\n\nitem\n\nab"),
        ("ok (x) :)", "ok"),
        ("e-mail 2026-11-23 snake_case C++", "e-mail 2026-11-23 snake_case C++"),
    ],
)
def test_the_wiki_renderer_mangles_what_jsm_mangles(wiki: str, seen: str) -> None:
    assert visible_text(render(wiki)) == seen

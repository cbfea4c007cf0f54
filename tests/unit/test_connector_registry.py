"""The connector registry: one list drives the kinds, config validation, factories and error parsing."""

from __future__ import annotations

import subprocess
import sys
import typing
from typing import Any

import httpx
import pytest
from support.field_docs import undocumented_fields

from frontline.config import ProfileSettings
from frontline.connectors import github, jira, jsm, zendesk
from frontline.connectors.registry import (
    CONNECTORS,
    HELPDESK_KINDS,
    TRACKER_KINDS,
    build_helpdesk,
    connector,
)
from frontline.connectors.settings import HelpdeskSettings, TrackerSettings
from frontline.connectors.spec import ConnectorSpec, ErrorBody
from frontline.errors import ConfigError, NotFound, ValidationFailed

SECTION_BASE = {"helpdesk": HelpdeskSettings, "tracker": TrackerSettings}
LIGHT_MODULES = [
    "frontline.connectors.registry",
    "frontline.connectors.zendesk",
    "frontline.connectors.jsm",
    "frontline.connectors.jira",
    "frontline.connectors.github",
    "frontline.config",
]


def by_kind(spec: ConnectorSpec) -> str:
    return spec.kind


# --- the registry itself ------------------------------------------------------------------------------


def test_kinds_derive_from_the_one_list() -> None:
    kinds = [spec.kind for spec in CONNECTORS]
    assert len(kinds) == len(set(kinds))
    assert HELPDESK_KINDS == ("zendesk", "jsm")
    assert TRACKER_KINDS == ("jira", "github")
    assert set(kinds) == set(HELPDESK_KINDS) | set(TRACKER_KINDS)


@pytest.mark.parametrize("spec", CONNECTORS, ids=by_kind)
def test_every_connector_has_a_settings_model_for_its_kind(spec: ConnectorSpec) -> None:
    assert issubclass(spec.settings, SECTION_BASE[spec.role])
    kind_field = spec.settings.model_fields["kind"]
    assert kind_field.default == spec.kind
    assert typing.get_args(kind_field.annotation) == (spec.kind,)
    undocumented = undocumented_fields(spec.settings)
    assert undocumented == []
    assert spec.display_name and spec.settings.__doc__


@pytest.mark.parametrize("spec", CONNECTORS, ids=by_kind)
def test_every_connector_has_auth_and_an_error_parser(spec: ConnectorSpec) -> None:
    assert spec.auth.scheme and spec.auth.token_env.endswith("_TOKEN")
    for junk in (None, [], "text", 3, {}, {"errors": None, "error": 7}):
        parsed = spec.parse_error(400, junk)
        assert isinstance(parsed, ErrorBody) and parsed.detail == "" and parsed.fields == {}


@pytest.mark.parametrize("spec", CONNECTORS, ids=by_kind)
def test_every_connector_has_a_factory(spec: ConnectorSpec) -> None:
    assert callable(spec.load_factory())


def test_lookup_ignores_case_and_names_the_known_kinds() -> None:
    assert connector(" JSM ", "helpdesk") is jsm.CONNECTOR
    assert connector("github", "tracker") is github.CONNECTOR
    with pytest.raises(ConfigError, match=r"Unknown helpdesk kind 'jira'; known kinds: zendesk, jsm\."):
        connector("jira", "helpdesk")
    with pytest.raises(ConfigError, match="known kinds: jira, github"):
        connector("gitlab", "tracker")


@pytest.mark.parametrize("module", LIGHT_MODULES)
def test_importing_connectors_and_config_does_not_import_httpx(module: str) -> None:
    code = f"import sys, {module}\nprint('httpx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", f"{module} imported httpx"


# --- config follows the registry ------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [s for s in CONNECTORS if s.role == "helpdesk"], ids=by_kind)
def test_config_reads_each_helpdesk_kind_with_its_own_model(spec: ConnectorSpec) -> None:
    profile = ProfileSettings.model_validate({"helpdesk": {"kind": spec.kind}})
    assert type(profile.helpdesk) is spec.settings


@pytest.mark.parametrize("spec", [s for s in CONNECTORS if s.role == "tracker"], ids=by_kind)
def test_config_reads_each_tracker_kind_with_its_own_model(spec: ConnectorSpec) -> None:
    profile = ProfileSettings.model_validate({"escalation": [{"kind": spec.kind}]})
    assert type(profile.escalation[0]) is spec.settings


def test_config_refuses_exactly_the_unregistered_kinds() -> None:
    with pytest.raises(ValueError, match="Input should be 'zendesk' or 'jsm'"):
        ProfileSettings.model_validate({"helpdesk": {"kind": "freshdesk"}})
    with pytest.raises(ValueError, match="Input should be 'jira' or 'github'"):
        ProfileSettings.model_validate({"escalation": [{"kind": "jsm"}]})


# --- each vendor's error bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail", "fields"),
    [
        ({"error": "Couldn't authenticate you"}, "Couldn't authenticate you", {}),
        ({"error": "RecordNotFound", "description": "Not found"}, "RecordNotFound; Not found", {}),
        (
            {"error": {"title": "Forbidden", "message": "You do not have access"}},
            "Forbidden; You do not have access",
            {},
        ),
        (
            {
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": {"status": [{"description": "Status: closed is not valid", "error": "Invalid"}]},
            },
            "RecordInvalid; Record validation errors; status: ['Status: closed is not valid']",
            {"status": ["Status: closed is not valid"]},
        ),
        (
            {"errors": [{"code": "NotFound", "title": "Not found", "detail": "No such record"}]},
            "No such record",
            {},
        ),
    ],
)
def test_zendesk_error_bodies(body: Any, detail: str, fields: dict[str, list[str]]) -> None:
    assert zendesk.parse_error(422, body) == (detail, fields)


def test_jsm_error_message_is_kept() -> None:
    body = {
        "errorMessage": "The queue does not exist.",
        "i18nErrorMessage": {"i18nKey": "sd.queue", "parameters": []},
    }
    assert jsm.parse_error(404, body) == ("The queue does not exist.", {})


def test_jsm_also_reads_the_platform_error_collection() -> None:
    body = {"errorMessages": ["Issue does not exist"], "errors": {"labels": "Labels cannot contain spaces"}}
    detail, fields = jsm.parse_error(400, body)
    assert detail == "Issue does not exist; labels: ['Labels cannot contain spaces']"
    assert fields == {"labels": ["Labels cannot contain spaces"]}


@pytest.mark.parametrize(
    ("body", "detail", "fields"),
    [
        (
            {"errorMessages": ["Field 'priority' is required"], "errors": {}},
            "Field 'priority' is required",
            {},
        ),
        (
            {"errorMessages": [], "errors": {"summary": "You must specify a summary of the issue."}},
            "summary: ['You must specify a summary of the issue.']",
            {"summary": ["You must specify a summary of the issue."]},
        ),
    ],
)
def test_jira_error_bodies(body: Any, detail: str, fields: dict[str, list[str]]) -> None:
    assert jira.parse_error(400, body) == (detail, fields)


@pytest.mark.parametrize(
    ("body", "detail", "fields"),
    [
        ({"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, "Not Found", {}),
        (
            {
                "message": "Validation Failed",
                "errors": [{"resource": "Issue", "field": "title", "code": "missing_field"}],
                "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
            },
            "Validation Failed; title: ['missing_field']",
            {"title": ["missing_field"]},
        ),
        (
            {
                "message": "Validation Failed",
                "errors": [{"resource": "Issue", "code": "custom", "message": "Too long"}],
            },
            "Validation Failed; Too long",
            {},
        ),
    ],
)
def test_github_error_bodies(body: Any, detail: str, fields: dict[str, list[str]]) -> None:
    assert github.parse_error(422, body) == (detail, fields)


async def test_a_built_connector_reads_its_own_error_bodies() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/rest/servicedeskapi"):
            return httpx.Response(404, json={"errorMessage": "The service desk does not exist."})
        return httpx.Response(400, json={"errorMessages": [], "errors": {"priority": "Priority is invalid"}})

    helpdesk = build_helpdesk(
        "jsm",
        base_url="https://acme.atlassian.net",
        email="ada@acme.test",
        token="t",
        transport=httpx.MockTransport(answer),
    )
    try:
        with pytest.raises(NotFound, match="The service desk does not exist"):
            await helpdesk.list_views()
        with pytest.raises(ValidationFailed) as info:
            await helpdesk.whoami()
        assert info.value.details == {"priority": ["Priority is invalid"]}
    finally:
        await helpdesk.aclose()

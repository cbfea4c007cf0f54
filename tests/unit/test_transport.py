"""The transport every connector shares: TLS trust (`[network]`), redirects refused with credentials, tokens
never over plain http off loopback, a resolvable API address, and GitHub's version headers."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from frontline.config import Settings, load_settings
from frontline.connectors.github import GitHubSettings
from frontline.connectors.github.client import build_github_tracker
from frontline.connectors.http import ApiClient
from frontline.connectors.jira import JiraSettings
from frontline.connectors.jira.client import build_jira_tracker
from frontline.connectors.jsm import JsmSettings
from frontline.connectors.jsm.client import build_jsm_adapter
from frontline.connectors.slack import build_slack_webhook
from frontline.connectors.tls import NetworkSettings, verify_option
from frontline.connectors.zendesk.client import build_zendesk_adapter
from frontline.errors import ConfigError

EMAIL = "agent@acme.example"


async def _no_sleep(_: float) -> None:
    return None


# --- TLS trust ------------------------------------------------------------------------------------------


def test_default_trust_is_httpx_own() -> None:
    assert verify_option(NetworkSettings()) is True
    assert Settings().network == NetworkSettings()


def test_the_config_file_sets_trust_and_the_atlassian_sign_in(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[network]\ntrust = "system"\nca_bundle = "~/acme-ca.pem"\n\n'
        '[profiles.acme.helpdesk]\nkind = "jsm"\nbase_url = "https://acme.atlassian.net"\n'
        'auth = "scoped_token"\n\n'
        '[[profiles.acme.escalation]]\nkind = "jira"\nbase_url = "https://acme.atlassian.net"\n'
        'project = "ENG"\nauth = "scoped_token"\ngateway_url = "http://127.0.0.1:8123/"\n'
    )
    settings = load_settings(config)
    assert settings.network == NetworkSettings(trust="system", ca_bundle="~/acme-ca.pem")
    helpdesk, (tracker,) = settings.profiles["acme"].helpdesk, settings.profiles["acme"].escalation
    assert isinstance(helpdesk, JsmSettings) and isinstance(tracker, JiraSettings)
    assert (helpdesk.auth, helpdesk.gateway_url) == ("scoped_token", "https://api.atlassian.com")
    assert (tracker.auth, tracker.gateway_url) == ("scoped_token", "http://127.0.0.1:8123")
    assert JsmSettings().auth == JiraSettings().auth == "api_token"
    config.write_text("[network]\nverify = false\n")
    with pytest.raises(ConfigError, match="verify"):
        load_settings(config)


@pytest.mark.parametrize("bundle", ["missing.pem", "a-directory", "empty.pem", "garbage.pem"])
def test_a_ca_bundle_that_is_no_certificate_file_is_a_config_error(tmp_path: Path, bundle: str) -> None:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "empty.pem").write_text("")
    (tmp_path / "garbage.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
    )
    with pytest.raises(ConfigError, match=r"\[network\] ca_bundle") as failed:
        verify_option(NetworkSettings(ca_bundle=str(tmp_path / bundle)))
    assert bundle in failed.value.message


def test_trust_system_is_the_os_store_and_still_verifies() -> None:
    import truststore

    context = verify_option(NetworkSettings(trust="system"))
    assert isinstance(context, truststore.SSLContext) and isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_verification_cannot_be_turned_off() -> None:
    with pytest.raises(ValidationError):
        NetworkSettings(verify=False)  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match="cannot be turned off"):
        ApiClient("https://acme.example.com", service="Acme", verify=False)


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An https server on 127.0.0.1 whose certificate a private CA signed, as a TLS-inspecting proxy's
    is; yields its URL and the CA's PEM file."""
    folder = tmp_path_factory.mktemp("tls")
    ca_file, cert_file, key_file = _private_ca(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", ca_file
    finally:
        server.shutdown()
        server.server_close()


async def test_a_private_ca_is_refused_until_ca_bundle_names_it(tls_server: tuple[str, Path]) -> None:
    url, ca_file = tls_server
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    untrusted = ApiClient(url, service="Acme", sleep=sleep)
    trusted = ApiClient(url, service="Acme", verify=verify_option(NetworkSettings(ca_bundle=str(ca_file))))
    try:
        with pytest.raises(ConfigError, match=r"TLS certificate is not trusted \(.+\).*trust = \"system\""):
            await untrusted.get_json("/")
        assert sleeps == []  # not a network blip: retrying cannot help
        assert await trusted.get_json("/") == {"ok": True}
    finally:
        await untrusted.aclose()
        await trusted.aclose()


def _private_ca(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 it signed, as PEM files (CA, certificate, key)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Acme Inspecting Proxy CA")])

    def builder(subject: Any, public_key: Any) -> Any:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False)
        )

    ca = (
        builder(ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]), key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(pem))
    paths[1].write_bytes(leaf.public_bytes(pem))
    paths[2].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


# --- every connector: http only on loopback, redirects refused -----------------------------------------

Factory = Callable[[str, httpx.AsyncBaseTransport | None], Any]
"""Builds one connector whose address is the given origin."""


def _jira(base: str, transport: httpx.AsyncBaseTransport | None, **sign_in: Any) -> Any:
    settings = JiraSettings(base_url=base, project="ENG", email=EMAIL, **sign_in)
    return build_jira_tracker(settings, "secret-token", transport=transport, sleep=_no_sleep)


def _jsm(base: str, transport: httpx.AsyncBaseTransport | None, **sign_in: Any) -> Any:
    settings = JsmSettings(base_url=base, email=EMAIL, **sign_in)
    return build_jsm_adapter(
        base, EMAIL, "secret-token", settings=settings, transport=transport, sleep=_no_sleep
    )


FACTORIES: dict[str, Factory] = {
    "zendesk": lambda base, t: build_zendesk_adapter(base, EMAIL, "secret-token", transport=t),
    "jsm": _jsm,
    "jira": _jira,
    "jsm-gateway": lambda base, t: _jsm(
        "https://acme.atlassian.net", t, auth="scoped_token", gateway_url=base
    ),
    "jira-gateway": lambda base, t: _jira(
        "https://acme.atlassian.net", t, auth="scoped_token", gateway_url=base
    ),
    "github": lambda base, t: build_github_tracker(
        GitHubSettings(project="acme/app", base_url=base), "secret-token", transport=t, sleep=_no_sleep
    ),
    "slack": lambda base, t: build_slack_webhook(f"{base}/services/T0/B0/secret-hook", transport=t),
}


async def _first_call(connector: Any) -> None:
    """One request through the connector's public API."""
    if hasattr(connector, "whoami"):
        await connector.whoami()
    elif hasattr(connector, "post"):
        await connector.post("hello")
    else:
        await connector.get_bug("ENG-1" if connector.kind == "jira" else "acme/app#1")


@pytest.mark.parametrize("name", FACTORIES)
def test_plain_http_is_refused_off_loopback_for_every_connector(name: str) -> None:
    with pytest.raises(ConfigError, match="plain http"):
        FACTORIES[name]("http://support.acme.example", None)


@pytest.mark.parametrize("name", FACTORIES)
async def test_plain_http_on_loopback_is_allowed_for_the_sandbox(name: str) -> None:
    connector = FACTORIES[name]("http://127.0.0.1:8999", httpx.MockTransport(lambda r: httpx.Response(500)))
    await connector.aclose()


@pytest.mark.parametrize("name", FACTORIES)
async def test_a_redirect_from_the_configured_address_names_its_target(name: str) -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/_edge/tenant_info":
            return httpx.Response(200, json={"cloudId": "0c3130ff-1111-2222-3333-444455556666"})
        return httpx.Response(302, headers={"Location": "https://sso.acme.example/login?SAMLRequest=abc"})

    connector = FACTORIES[name]("https://acme.example.com", httpx.MockTransport(answer))
    try:
        with pytest.raises(ConfigError) as failed:
            await _first_call(connector)
    finally:
        await connector.aclose()
    message = failed.value.message
    assert message.startswith(
        "https://acme.example.com redirected to https://sso.acme.example/login (302): set "
    )
    assert "SAMLRequest" not in message and "secret" not in message
    assert [r.url.host for r in sent if r.url.path != "/_edge/tenant_info"] == ["acme.example.com"]


async def test_a_resolved_address_on_another_origin_gets_no_credentials() -> None:
    sent: list[httpx.Request] = []

    async def elsewhere(client: ApiClient) -> str:
        return "https://evil.example.net/ex/jira/1"

    client = ApiClient(
        "https://api.atlassian.com",
        service="Jira",
        auth=httpx.BasicAuth(EMAIL, "secret-token"),
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200, json={})),
        resolve_base=elsewhere,
    )
    try:
        with pytest.raises(ConfigError, match=r"not on https://api\.atlassian\.com"):
            await client.get_json("/rest/api/3/myself")
    finally:
        await client.aclose()
    assert sent == []


async def test_a_public_document_is_fetched_without_credentials_and_only_over_https() -> None:
    sent: list[httpx.Request] = []
    client = ApiClient(
        "https://api.atlassian.com",
        service="Jira",
        auth=httpx.BasicAuth(EMAIL, "secret-token"),
        transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200, json={"cloudId": "x"})),
    )
    try:
        assert await client.get_public_json("https://acme.atlassian.net/_edge/tenant_info") == {
            "cloudId": "x"
        }
        with pytest.raises(ConfigError, match="plain http"):
            await client.get_public_json("http://acme.atlassian.net/_edge/tenant_info")
    finally:
        await client.aclose()
    assert len(sent) == 1 and "authorization" not in sent[0].headers


# --- GitHub's headers -----------------------------------------------------------------------------------


async def test_every_github_request_names_the_api_version_and_media_type() -> None:
    sent: list[httpx.Request] = []
    issue = {
        "number": 1,
        "title": "Checkout fails",
        "state": "open",
        "html_url": "https://github.com/acme/app/issues/1",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/repos/acme/app":
            return httpx.Response(200, json={"has_issues": True, "permissions": {"push": True}})
        if request.url.path.endswith("/comments"):
            return httpx.Response(201, json={"id": 7, "html_url": "https://github.com/acme/app/issues/1#c7"})
        if request.url.path.startswith("/search/"):
            return httpx.Response(200, json={"total_count": 1, "items": [issue]})
        return httpx.Response(200, json=issue)

    settings = GitHubSettings(project="acme/app")
    tracker = build_github_tracker(
        settings, "ghp_secret", transport=httpx.MockTransport(answer), sleep=_no_sleep
    )
    try:
        await tracker.repository_access()
        await tracker.get_bug("acme/app#1")
        await tracker.similar_bugs("checkout fails")
        await tracker.add_comment("acme/app#1", "Seen again")
    finally:
        await tracker.aclose()
    assert {(r.method, r.url.path.split("/")[1]) for r in sent} >= {("GET", "repos"), ("POST", "repos")}
    assert len(sent) >= 4
    for request in sent:
        assert request.headers["x-github-api-version"] == "2022-11-28"
        assert request.headers["accept"] == "application/vnd.github+json"
        assert request.headers["authorization"] == "Bearer ghp_secret"

"""Fault plans parse, replay deterministically by seed, and every mode misbehaves over real HTTP."""

from __future__ import annotations

import time

import httpx
import pytest

from frontline.sandbox.faults import FaultPlan, FaultSpecError, parse_rules
from frontline.sandbox.server import SandboxServer


def test_parse_the_documented_example() -> None:
    rules = parse_rules(
        "429:rate=0.1:retry_after=2,latency:ms=200:jitter=50,drop_after_commit:count=1:method=PUT"
    )
    assert [r.mode for r in rules] == ["429", "latency", "drop_after_commit"]
    assert (rules[0].rate, rules[0].retry_after) == (0.1, 2)
    assert (rules[1].ms, rules[1].jitter) == (200, 50)
    assert (rules[2].count, rules[2].method) == (1, "PUT")
    assert FaultPlan(rules).to_dict()["spec"] == (
        "429:rate=0.1:retry_after=2,latency:ms=200:jitter=50,drop_after_commit:count=1:method=PUT"
    )


@pytest.mark.parametrize(
    "spec", ["teapot", "429:rate", "429:rate=x", "latency:colour=red", "429:rate=2", "5xx:status=404"]
)
def test_bad_specs_say_what_is_wrong(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_rules(spec)


def test_same_seed_same_faults() -> None:
    def run(seed: int) -> list[str | None]:
        plan = FaultPlan.parse("5xx:rate=0.3,latency:ms=10:jitter=5:rate=0.5", seed=seed)
        return [f"{plan.decide('GET', '/x').mode}:{plan.decide('GET', '/x').delay:.4f}" for _ in range(50)]

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_count_after_method_and_path_filters() -> None:
    plan = FaultPlan.parse("reset:count=2:after=1:method=PUT:path=/api/v2/tickets/*")
    modes = [
        plan.decide(method, path).mode
        for method, path in [
            ("GET", "/api/v2/tickets/1"),
            ("PUT", "/api/v2/views/1"),
            ("PUT", "/api/v2/tickets/1"),
            ("PUT", "/api/v2/tickets/1"),
            ("PUT", "/api/v2/tickets/2"),
            ("PUT", "/api/v2/tickets/3"),
        ]
    ]
    assert modes == [None, None, None, "reset", "reset", None]


def _set(control: httpx.Client, spec: str) -> None:
    answer = control.post("/faults", json={"spec": spec})
    assert answer.status_code == 200, answer.text


def test_fault_control_endpoint_round_trip(control: httpx.Client) -> None:
    _set(control, "429:count=2:retry_after=3")
    plan = control.get("/faults").json()
    assert plan["rules"][0]["remaining"] == 2 and plan["spec"] == "429:count=2:retry_after=3"
    assert control.post("/faults", json={"spec": "nonsense"}).status_code == 400
    assert (
        control.post("/faults", json={"rules": [{"mode": "latency", "ms": 5}], "append": True}).status_code
        == 200
    )
    assert [r["mode"] for r in control.get("/faults").json()["rules"]] == ["429", "latency"]
    assert control.delete("/faults").json()["rules"] == []


def test_latency(client: httpx.Client, control: httpx.Client) -> None:
    _set(control, "latency:ms=300:count=1")
    started = time.monotonic()
    assert client.get("/api/v2/users/me").status_code == 200
    assert time.monotonic() - started >= 0.25
    assert control.get("/faults").json()["rules"][0]["remaining"] == 0


def test_429_with_retry_after(client: httpx.Client, control: httpx.Client) -> None:
    _set(control, "429:count=1:retry_after=7")
    throttled = client.get("/api/v2/users/me")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "7"
    assert client.get("/api/v2/users/me").status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx(client: httpx.Client, control: httpx.Client, status: int) -> None:
    _set(control, f"5xx:count=1:status={status}")
    assert client.get("/api/v2/views").status_code == status


def test_connection_reset(client: httpx.Client, control: httpx.Client) -> None:
    _set(control, "reset:count=1")
    with pytest.raises(httpx.TransportError):
        client.get("/api/v2/views")
    assert client.get("/api/v2/views").status_code == 200


def test_read_timeout(zd: SandboxServer, control: httpx.Client) -> None:
    _set(control, "timeout:count=1:seconds=5")
    auth = httpx.BasicAuth(f"{zd.email}/token", zd.token)
    with httpx.Client(base_url=zd.urls["zendesk"], auth=auth, timeout=0.3) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.get("/api/v2/views")
        assert impatient.get("/api/v2/views").status_code == 200


def test_malformed_json(client: httpx.Client, control: httpx.Client) -> None:
    _set(control, "malformed:count=1")
    answer = client.get("/api/v2/tickets/1")
    assert answer.status_code == 200
    with pytest.raises(ValueError):
        answer.json()


def test_drop_after_commit_applies_the_write(client: httpx.Client, control: httpx.Client) -> None:
    before = len(control.get("/tickets/2").json()["comments"])
    _set(control, "drop_after_commit:count=1:method=PUT")
    with pytest.raises(httpx.TransportError):
        client.put("/api/v2/tickets/2", json={"ticket": {"comment": {"body": "once", "public": False}}})
    comments = control.get("/tickets/2").json()["comments"]
    assert len(comments) == before + 1 and comments[-1]["body"] == "once"
    recorded = control.get("/requests", params={"method": "PUT"}).json()["requests"]
    assert [(r["path"], r["fault"], r["body"]["ticket"]["comment"]["body"]) for r in recorded] == [
        ("/api/v2/tickets/2", "drop_after_commit", "once")
    ]


def test_token_expiry(zd: SandboxServer, client: httpx.Client, control: httpx.Client) -> None:
    _set(control, "token_expiry:count=1:after=1")
    assert client.get("/api/v2/users/me").status_code == 200
    for _ in range(2):
        expired = client.get("/api/v2/users/me")
        assert expired.status_code == 401 and expired.json() == {"error": "Couldn't authenticate you"}
    control.post("/expire-token", json={"new_token": "fresh-token"})
    renewed = httpx.get(zd.urls["zendesk"] + "/api/v2/users/me", auth=(f"{zd.email}/token", "fresh-token"))
    assert renewed.status_code == 200


def test_expire_token_control_route(client: httpx.Client, control: httpx.Client) -> None:
    assert control.post("/expire-token").json()["revoked"] is True
    assert client.get("/api/v2/users/me").status_code == 401
    control.post("/reset")
    assert client.get("/api/v2/users/me").status_code == 200


def test_recorded_requests_filter_and_clear(client: httpx.Client, control: httpx.Client) -> None:
    client.get("/api/v2/views")
    client.put("/api/v2/tickets/2/tags", json={"tags": ["x"]})
    everything = control.get("/requests").json()
    assert [r["method"] for r in everything["requests"]] == ["GET", "PUT"]
    assert everything["requests"][1]["status"] == 200 and everything["requests"][1]["body"] == {"tags": ["x"]}
    assert control.get("/requests", params={"path": "/api/v2/tickets/*"}).json()["count"] == 1
    assert control.delete("/requests").status_code == 204
    assert control.get("/requests").json()["count"] == 0

"""Fault plans: which requests the sandbox mistreats, and how, deterministically by seed.

A plan is a list of rules parsed from a spec string (the `--faults` option and the control endpoint):

    MODE[:key=value]...[,MODE[:key=value]...]

Modes: `latency` (`ms`, `jitter`), `429` (`retry_after`), `5xx` (`status`: 500, 502 or 503; random
when absent), `reset` (close the connection without answering), `timeout` (hang for `seconds`, default
30, then close), `malformed` (answer with a truncated JSON body), `drop_after_commit` (let the write
happen, then close the connection before answering), `token_expiry` (revoke the current token: every
later request gets the vendor's 401).

Every rule takes `rate=P` (probability per matching request) or `count=N` (the next N matching
requests; the default is every request), `after=N` (let the first N matching requests through),
`method=PUT|POST` and `path=/api/v2/tickets/*` (a glob). Example:

    429:rate=0.1:retry_after=2,latency:ms=200:jitter=50,drop_after_commit:count=1:method=PUT
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from typing import Any

MODES = ("latency", "429", "5xx", "reset", "timeout", "malformed", "drop_after_commit", "token_expiry")
_ALIASES = {
    "rate_limit": "429",
    "ratelimit": "429",
    "500": "5xx",
    "502": "5xx",
    "503": "5xx",
    "error": "5xx",
    "connection_reset": "reset",
    "read_timeout": "timeout",
    "malformed_json": "malformed",
    "drop": "drop_after_commit",
    "token_expired": "token_expiry",
    "expire_token": "token_expiry",
}
_INT_KEYS = {"count", "after", "status", "retry_after"}
_FLOAT_KEYS = {"rate", "ms", "jitter", "seconds"}
_STR_KEYS = {"method", "path"}


class FaultSpecError(ValueError):
    """A fault spec string or JSON rule that cannot be understood; the message says which part."""


@dataclass
class FaultRule:
    """One kind of mistreatment and the requests it applies to."""

    mode: str
    rate: float | None = None
    count: int | None = None
    after: int = 0
    method: str | None = None
    path: str | None = None
    ms: float = 0.0
    jitter: float = 0.0
    retry_after: int = 1
    status: int | None = None
    seconds: float = 30.0
    seen: int = field(default=0, compare=False)
    fired: int = field(default=0, compare=False)

    def matches(self, method: str, path: str) -> bool:
        if self.method and method.upper() not in self.method.upper().split("|"):
            return False
        return not self.path or fnmatchcase(path, self.path)

    def exhausted(self) -> bool:
        return self.count is not None and self.fired >= self.count

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["remaining"] = None if self.count is None else max(self.count - self.fired, 0)
        return data

    def to_spec(self) -> str:
        parts = [self.mode]
        defaults = FaultRule(mode=self.mode)
        for key in ("rate", "count", "after", "method", "path", "ms", "jitter", "retry_after", "status"):
            value = getattr(self, key)
            if value != getattr(defaults, key):
                parts.append(f"{key}={_plain(value)}")
        if self.mode == "timeout" and self.seconds != defaults.seconds:
            parts.append(f"seconds={_plain(self.seconds)}")
        return ":".join(parts)


@dataclass
class FaultDecision:
    """What to do with one request: an added delay and at most one other fault."""

    delay: float = 0.0
    rule: FaultRule | None = None

    @property
    def mode(self) -> str | None:
        return self.rule.mode if self.rule else None


class FaultPlan:
    """The active rules of one system, with their own seeded random stream."""

    def __init__(self, rules: list[FaultRule] | None = None, *, seed: int = 1) -> None:
        self.rules: list[FaultRule] = list(rules or [])
        self.seed = seed
        self._random = random.Random(seed)

    @classmethod
    def parse(cls, spec: str | None, *, seed: int = 1) -> FaultPlan:
        return cls(parse_rules(spec), seed=seed)

    def replace(self, rules: list[FaultRule], *, seed: int | None = None) -> None:
        """Install new rules and restart the random stream, so a run is reproducible from here."""
        self.rules = list(rules)
        if seed is not None:
            self.seed = seed
        self._random = random.Random(self.seed)

    def clear(self) -> None:
        self.replace([])

    def decide(self, method: str, path: str) -> FaultDecision:
        """Roll the dice for one request; latency rules add up, the first other firing rule wins."""
        decision = FaultDecision()
        for rule in self.rules:
            if rule.exhausted() or not rule.matches(method, path):
                continue
            rule.seen += 1
            if rule.seen <= rule.after:
                continue
            if rule.rate is not None and self._random.random() >= rule.rate:
                continue
            if rule.mode == "latency":
                rule.fired += 1
                spread = self._random.uniform(-rule.jitter, rule.jitter) if rule.jitter else 0.0
                decision.delay += max(rule.ms + spread, 0.0) / 1000.0
            elif decision.rule is None:
                rule.fired += 1
                decision.rule = rule
        return decision

    def choose_status(self, rule: FaultRule) -> int:
        return rule.status or self._random.choice((500, 502, 503))

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "spec": ",".join(rule.to_spec() for rule in self.rules),
            "rules": [rule.to_dict() for rule in self.rules],
        }


def parse_rules(spec: str | None) -> list[FaultRule]:
    """Parse `MODE[:k=v]...,MODE...` into rules.

    Raises:
        FaultSpecError: unknown mode or key, or a value of the wrong type.
    """
    rules: list[FaultRule] = []
    for chunk in (spec or "").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        mode, *options = chunk.split(":")
        values: dict[str, Any] = {}
        for option in options:
            key, sep, raw = option.partition("=")
            if not sep:
                raise FaultSpecError(f"fault option {option!r} in {chunk!r} should look like key=value")
            values[key.strip()] = raw.strip()
        rules.append(rule_from_dict({"mode": mode, **values}))
    return rules


def rule_from_dict(data: dict[str, Any]) -> FaultRule:
    """Build one rule from a JSON object or parsed spec options, checking names and types.

    Raises:
        FaultSpecError: unknown mode or key, or a value of the wrong type.
    """
    raw_mode = str(data.get("mode", "")).strip().lower()
    mode = _ALIASES.get(raw_mode, raw_mode)
    if mode not in MODES:
        raise FaultSpecError(f"unknown fault mode {raw_mode!r}; use one of: {', '.join(MODES)}")
    rule = FaultRule(mode=mode)
    if raw_mode in ("500", "502", "503"):
        rule.status = int(raw_mode)
    for key, value in data.items():
        if key in ("mode", "remaining", "seen", "fired") or value is None:
            continue
        try:
            if key in _INT_KEYS:
                setattr(rule, key, int(value))
            elif key in _FLOAT_KEYS:
                setattr(rule, key, float(value))
            elif key in _STR_KEYS:
                setattr(rule, key, str(value))
            else:
                raise FaultSpecError(f"unknown option {key!r} for fault {mode!r}")
        except (TypeError, ValueError):
            raise FaultSpecError(f"fault option {key}={value!r} is not a number") from None
    if rule.rate is not None and not 0.0 <= rule.rate <= 1.0:
        raise FaultSpecError(f"fault rate must be between 0 and 1, not {rule.rate}")
    if rule.status is not None and rule.mode == "5xx" and not 500 <= rule.status <= 599:
        raise FaultSpecError(f"5xx fault status must be 500-599, not {rule.status}")
    return rule


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

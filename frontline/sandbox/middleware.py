"""The ASGI layer around every sandbox system: auth, request recording and fault injection.

Control routes (`/__sandbox__/...`) pass straight through: they need no auth, are never faulted and
are not recorded. Everything else is recorded, may be delayed or mistreated by the fault plan, and must
carry credentials the system accepts (and that were not revoked by a `token_expiry` fault), except on the
paths the system serves without credentials (`SandboxSystem.is_public`: sign-in endpoints, tenant info).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontline.sandbox.context import CONTROL_PREFIX
from frontline.sandbox.faults import FaultPlan, FaultRule
from frontline.sandbox.recording import RecordedRequest, RequestLog
from frontline.sandbox.system import SandboxSystem

log = logging.getLogger(__name__)


@dataclass
class SystemRuntime:
    """A system plus the server-side state wrapped around it: its fault plan and request log."""

    system: SandboxSystem
    plan: FaultPlan
    log: RequestLog = field(default_factory=RequestLog)
    stopping: asyncio.Event | None = None
    """Set when the server stops, to release requests hanging in a `timeout` fault."""
    original_token: str = ""

    def __post_init__(self) -> None:
        self.original_token = self.system.context.token

    def reset(self) -> None:
        """Seeded state back, no faults, empty log, original token valid again."""
        self.system.reset()
        self.plan.clear()
        self.log.clear()
        self.system.context.revoked_tokens.clear()
        self.system.context.token = self.original_token


class SandboxMiddleware:
    """Wraps one system's Starlette app; see the module docstring for what it adds."""

    def __init__(self, app: ASGIApp, runtime: SystemRuntime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        runtime = self.runtime
        raw_body, receive = await _buffer_body(receive)
        method = scope["method"]
        record = runtime.log.add(method, scope["path"], scope.get("query_string", b"").decode(), raw_body)
        raw_send = send
        send = _status_recorder(send, record)
        decision = runtime.plan.decide(method, scope["path"])
        if decision.delay:
            await asyncio.sleep(decision.delay)
        rule = decision.rule
        if rule is not None:
            record.fault = rule.mode
        system = runtime.system
        if rule is not None and rule.mode == "token_expiry":
            system.expire_credentials()
            rule = None
        request = Request(scope, receive)
        if not system.is_public(scope["path"]) and not system.authenticate(request):
            await system.unauthorized(request)(scope, receive, send)
            return
        if rule is None:
            await self.app(scope, receive, send)
        else:
            await self._inject(rule, scope, receive, send, raw_send)

    async def _inject(
        self, rule: FaultRule, scope: Scope, receive: Receive, send: Send, raw_send: Send
    ) -> None:
        """Answer in place of (or around) the handler; `raw_send` leads to the connection to cut."""
        mode = rule.mode
        if mode == "429":
            await self.runtime.system.throttled(rule.retry_after)(scope, receive, send)
        elif mode == "5xx":
            status = self.runtime.plan.choose_status(rule)
            body = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
            await Response(body.get(status, "Server Error"), status, media_type="text/plain")(
                scope, receive, send
            )
        elif mode == "reset":
            await _cut_connection(raw_send, receive)
        elif mode == "timeout":
            await self._hang(rule.seconds)
            await _cut_connection(raw_send, receive)
        elif mode == "malformed":
            await self._truncated(scope, receive, send)
        elif mode == "drop_after_commit":
            await self.app(scope, receive, _discard)
            await _cut_connection(raw_send, receive)

    async def _hang(self, seconds: float) -> None:
        stopping = self.runtime.stopping
        if stopping is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), seconds)

    async def _truncated(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Let the handler answer, then send its status with half of its body (at least one byte short)."""
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks) or b'{"'
        cut = body[: max(len(body) // 2, 1)] if len(body) > 1 else b'{"'
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(cut)).encode()))
        status = start.get("status", 200)
        if status in (204, 304) or 100 <= status < 200:
            status = 200  # these may carry no body: a garbled answer needs one
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": cut})


async def _buffer_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole request body once, and give the app a `receive` that replays it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _status_recorder(send: Send, record: RecordedRequest) -> Send:
    async def recording_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            record.status = message["status"]
        await send(message)

    return recording_send


async def _discard(message: Message) -> None:
    """A `send` that throws the handler's answer away (the write itself has happened)."""


async def _cut_connection(send: Send, receive: Receive) -> None:
    """Close the TCP connection without an HTTP answer, as a crashed proxy or a reset would.

    uvicorn does not expose the transport through ASGI, so it is taken from the protocol's
    request cycle behind `send`; then wait for the disconnect so the server does not answer 500.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionResetError("sandbox fault: connection reset")
    transport.abort()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(1.0):
            while (await receive())["type"] != "http.disconnect":
                pass
    if cycle is not None and hasattr(cycle, "disconnected"):
        cycle.disconnected = True

"""Control routes under `/__sandbox__` on every system's base URL: faults, recorded requests, reset.

No vendor uses this prefix, so the routes never shadow a real path. They need no auth, are never
faulted and are not recorded. Each system adds its own state-inspection routes beside these.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

from frontline.sandbox.context import CONTROL_PREFIX
from frontline.sandbox.faults import FaultSpecError, parse_rules, rule_from_dict
from frontline.sandbox.http_helpers import InvalidJson, json_body
from frontline.sandbox.middleware import SandboxMiddleware, SystemRuntime


def build_app(runtime: SystemRuntime) -> ASGIApp:
    """One system's whole ASGI app: control routes, the vendor's routes, and the shared middleware."""
    system = runtime.system
    control = Mount(CONTROL_PREFIX, routes=[*control_routes(runtime), *system.control_routes()])
    app = Starlette(routes=[control, *system.routes()])
    return SandboxMiddleware(app, runtime)


def control_routes(runtime: SystemRuntime) -> list[BaseRoute]:
    """The routes every system shares; see the module docstring."""

    async def info(request: Request) -> Response:
        system = runtime.system
        return JSONResponse(
            {
                "system": system.name,
                "title": system.title,
                "seed": system.context.seed,
                "tickets": system.context.tickets,
                "control": sorted(
                    {f"{CONTROL_PREFIX}{getattr(r, 'path', '')}" for r in system.control_routes()}
                    | {f"{CONTROL_PREFIX}{p}" for p in ("/faults", "/requests", "/reset", "/expire-token")}
                ),
            }
        )

    async def get_faults(request: Request) -> Response:
        return JSONResponse(runtime.plan.to_dict())

    async def set_faults(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return _bad_request('send {"spec": "429:count=1"} or {"rules": [{"mode": "429", ...}]}')
        try:
            if "rules" in body:
                rules = [rule_from_dict(dict(item)) for item in body["rules"]]
            else:
                rules = parse_rules(str(body.get("spec") or ""))
        except (FaultSpecError, TypeError, ValueError) as exc:
            return _bad_request(str(exc))
        if body.get("append"):
            rules = [*runtime.plan.rules, *rules]
        seed = body.get("seed")
        runtime.plan.replace(rules, seed=int(seed) if seed is not None else None)
        return JSONResponse(runtime.plan.to_dict())

    async def clear_faults(request: Request) -> Response:
        runtime.plan.clear()
        return JSONResponse(runtime.plan.to_dict())

    async def get_requests(request: Request) -> Response:
        records = runtime.log.select(request.query_params.get("method"), request.query_params.get("path"))
        return JSONResponse({"requests": [record.to_dict() for record in records], "count": len(records)})

    async def clear_requests(request: Request) -> Response:
        runtime.log.clear()
        return Response(status_code=204)

    async def reset(request: Request) -> Response:
        runtime.reset()
        return JSONResponse({"reset": True})

    async def expire_token(request: Request) -> Response:
        """Revoke the current token; `{"new_token": "..."}` makes another one valid (a re-login)."""
        body = await _json_body(request)
        context = runtime.system.context
        runtime.system.expire_credentials()
        new_token = body.get("new_token") if isinstance(body, dict) else None
        if isinstance(new_token, str) and new_token:
            context.revoked_tokens.discard(new_token)
            context.token = new_token
        return JSONResponse({"revoked": True, "rotated": bool(new_token)})

    return [
        Route("/", info, methods=["GET"]),
        Route("/faults", get_faults, methods=["GET"]),
        Route("/faults", set_faults, methods=["POST", "PUT"]),
        Route("/faults", clear_faults, methods=["DELETE"]),
        Route("/requests", get_requests, methods=["GET"]),
        Route("/requests", clear_requests, methods=["DELETE"]),
        Route("/reset", reset, methods=["POST"]),
        Route("/expire-token", expire_token, methods=["POST"]),
    ]


async def _json_body(request: Request) -> Any:
    """The body, `{}` when empty, None when it is not JSON (the caller answers 400)."""
    try:
        return await json_body(request, empty={})
    except InvalidJson:
        return None


def _bad_request(message: str) -> Response:
    return JSONResponse({"error": "InvalidFaultSpec", "description": message}, status_code=400)

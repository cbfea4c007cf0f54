"""Run the sandbox systems: one uvicorn server per system, all on one background event loop.

Each system gets its own loopback base URL, so clients use the vendor's real paths unchanged. The
loop runs in a daemon thread, which makes the server usable from sync code (`frontline demo`, the
CLI) and from async tests alike.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType

import uvicorn

from frontline.sandbox.context import SANDBOX_EMAIL, SANDBOX_TOKEN, Clock, SandboxContext, utc_now
from frontline.sandbox.control import build_app
from frontline.sandbox.faults import FaultPlan
from frontline.sandbox.middleware import SystemRuntime
from frontline.sandbox.modes import parse_modes
from frontline.sandbox.registry import SystemUnavailable, load_system
from frontline.sandbox.system import SandboxSystem

log = logging.getLogger(__name__)

DEFAULT_SYSTEMS = ("zendesk", "jsm", "jira", "github", "slack")
_START_TIMEOUT = 15.0


class SandboxServer:
    """The fake vendors on loopback.

    Args:
        seed: makes the data and the fault dice reproducible.
        tickets: how many tickets each helpdesk is seeded with.
        port: 0 picks free ports; N gives the systems N, N+1, ... in `systems` order.
        systems: which systems to serve; ones missing from this build are skipped (see `skipped`).
        faults: a fault spec applied to every system from the start (see `frontline.sandbox.faults`).
        clock: the time the seed data is relative to.
        modes: system name -> the hard parts it plays for the run (`frontline.sandbox.modes`).

    Raises:
        ValueError: a mode a system does not have.
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        tickets: int = 200,
        host: str = "127.0.0.1",
        port: int = 0,
        systems: Sequence[str] = DEFAULT_SYSTEMS,
        faults: str | None = None,
        clock: Clock = utc_now,
        modes: Mapping[str, str | Iterable[str]] | None = None,
    ) -> None:
        self.seed = seed
        self.host = host
        self.email = SANDBOX_EMAIL
        self.urls: dict[str, str] = {}
        self.skipped: dict[str, str] = {}
        """System name -> why it is not served."""
        self._runtimes: dict[str, SystemRuntime] = {}
        self._ports: dict[str, int] = {}
        for index, name in enumerate(systems):
            try:
                system_class = load_system(name)
            except SystemUnavailable as exc:
                self.skipped[name] = str(exc)
                log.warning("%s", exc)
                continue
            context = SandboxContext(
                seed=seed,
                tickets=tickets,
                clock=clock,
                started_at=clock(),
                modes=parse_modes(name, (modes or {}).get(name)),
            )
            system = system_class(context)
            self._runtimes[name] = SystemRuntime(system, FaultPlan.parse(faults, seed=seed))
            self._ports[name] = port + index if port else 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[uvicorn.Server] = []
        self._started = threading.Event()
        self._failure: BaseException | None = None

    @property
    def token(self) -> str:
        """The token the systems accept now (the sandbox's, unless a test rotated it)."""
        first = next(iter(self._runtimes.values()), None)
        return first.system.context.token if first else SANDBOX_TOKEN

    @property
    def systems(self) -> list[str]:
        return list(self._runtimes)

    def system(self, name: str) -> SandboxSystem:
        """Direct access to one system's state (tests)."""
        return self._runtimes[name].system

    def runtime(self, name: str) -> SystemRuntime:
        """One system's fault plan and request log (tests)."""
        return self._runtimes[name]

    def start(self) -> None:
        """Bind every port, start serving, and return once each system accepts connections.

        Raises:
            OSError: a port is taken or the host cannot be bound.
            RuntimeError: the servers did not come up.
        """
        if self._thread is not None:
            return
        sockets = {name: self._bind(port) for name, port in self._ports.items()}
        for name, sock in sockets.items():
            bound_port = sock.getsockname()[1]
            host = f"[{self.host}]" if ":" in self.host else self.host
            self.urls[name] = f"http://{host}:{bound_port}"
        self._thread = threading.Thread(
            target=self._run, args=(sockets,), name="frontline-sandbox", daemon=True
        )
        self._thread.start()
        if not self._started.wait(_START_TIMEOUT) or self._failure is not None:
            self.stop()
            raise RuntimeError(f"the sandbox did not start: {self._failure or 'timed out'}")

    def stop(self) -> None:
        """Stop serving (hanging `timeout` faults are released) and wait for the thread."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(self._request_exit)
            thread.join(10.0)
        self._thread = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _bind(self, port: int) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only for TCP sockets;
        # protocol 0 left Nagle on, and every answer waited ~40 ms for the client's delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        sock.setblocking(False)
        return sock

    def _run(self, sockets: dict[str, socket.socket]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(sockets))
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self._failure = exc
            self._started.set()
        finally:
            for sock in sockets.values():
                sock.close()
            loop.close()

    async def _serve(self, sockets: dict[str, socket.socket]) -> None:
        stopping = asyncio.Event()
        self._stopping = stopping
        for name in sockets:
            runtime = self._runtimes[name]
            runtime.stopping = stopping
            config = uvicorn.Config(
                build_app(runtime),
                log_level="warning",
                access_log=False,
                log_config=None,
                lifespan="off",
                loop="asyncio",
                http="h11",
                timeout_graceful_shutdown=1,
            )
            self._servers.append(uvicorn.Server(config))
        tasks = [
            asyncio.create_task(server.serve(sockets=[sock]))
            for server, sock in zip(self._servers, sockets.values(), strict=True)
        ]
        while not all(server.started for server in self._servers):
            finished = [task for task in tasks if task.done()]
            if finished:
                finished[0].result()
                raise RuntimeError("a sandbox server exited during start-up")
            await asyncio.sleep(0.005)
        self._started.set()
        await asyncio.gather(*tasks)

    def _request_exit(self) -> None:
        stopping = getattr(self, "_stopping", None)
        if stopping is not None:
            stopping.set()
        for server in self._servers:
            server.should_exit = True

"""Launch figures: the real console in a pseudo-terminal against a sandbox subprocess, and its floor.

What a user sees is bytes reaching the terminal, so each program runs unmodified as its own process on a
pseudo-terminal (160x45, xterm-256color) and is timed from just before the process is spawned to the
first terminal output that contains a queue row (`#123  normal ...`, ANSI codes stripped). No product
hook is involved: the console is the `frontline` entry point on a bench profile, the floor is
`bench/floor_app.py`, both detected the same way.

The console reaches the sandbox through a byte-counting TCP relay (`ByteRelay`), so the same run gives
the bytes on the wire; request counts come from the sandbox's own log (`/__sandbox__/requests`).

The product is byte-compiled first (`compile_product`), as installing it does: a spawned program never
pays for compiling frontline's modules from source, whatever `PYTHONDONTWRITEBYTECODE` says.
"""

from __future__ import annotations

import asyncio
import compileall
import fcntl
import json
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROWS, COLUMNS = 45, 160
ROW_PATTERN = re.compile(r"#\d+ +(?:urgent|high|normal|low) ")
ANSI = re.compile(r"\x1b(?:\[[0-9;?<>=$ ]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[()][0-9A-Za-z]|[=>78])")


def compile_product() -> None:
    """Write frontline's `.pyc` files (`__pycache__`, git-ignored), as `pip install` does at install time.

    Python only reads bytecode it finds; with `PYTHONDONTWRITEBYTECODE` set (as on the dev machine) it never
    writes any, so each spawned console would compile its ~150 modules from source (~170 ms there), a cost
    no installed frontline pays and the floor, whose imports are all compiled in site-packages, never pays.
    A module edited afterwards is simply compiled again in memory (its `.pyc` no longer matches it).
    """
    compileall.compile_dir(ROOT / "frontline", quiet=1)


class Sandbox:
    """`frontline sandbox` in a subprocess (Zendesk only), with its base URL and control calls."""

    def __init__(self, *, tickets: int, faults: str | None) -> None:
        command = [str(BIN / "frontline"), "sandbox", "--systems", "zendesk", "--tickets", str(tickets)]
        if faults:
            command += ["--faults", faults]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        self.url = ""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            found = re.search(r"http://127\.0\.0\.1:\d+", line)
            if found:
                self.url = found.group(0)
                break
        if not self.url:
            raise RuntimeError("the sandbox did not start")

    def requests(self) -> list[dict[str, object]]:
        with urllib.request.urlopen(f"{self.url}/__sandbox__/requests", timeout=10) as answer:
            return list(json.load(answer)["requests"])

    def clear_requests(self) -> None:
        request = urllib.request.Request(f"{self.url}/__sandbox__/requests", method="DELETE")
        urllib.request.urlopen(request, timeout=10).close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class ByteRelay:
    """A loopback TCP relay counting bytes each way; the console's base URL points at it."""

    def __init__(self, target_url: str) -> None:
        host, port = target_url.removeprefix("http://").split(":")
        self.target = (host, int(port))
        self.sent = self.received = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._serve, daemon=True).start()
        self.ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, upward: bool) -> None:
            try:
                while chunk := await source.read(65536):
                    if upward:
                        self.sent += len(chunk)
                    else:
                        self.received += len(chunk)
                    sink.write(chunk)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pump(reader, up_writer, True), pump(up_reader, writer, False))

    def reset(self) -> None:
        self.sent = self.received = 0


@dataclass
class TerminalRun:
    """A program on a pseudo-terminal: spawn time, output as it arrives, keys, and a clean stop."""

    command: list[str]
    env: dict[str, str]
    started: float = 0.0
    text: str = ""
    process: subprocess.Popen[bytes] | None = None
    master: int = -1
    tail: bytes = field(default=b"")
    peak_mb: float = 0.0

    def start(self) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, stdin=slave, stdout=slave, stderr=slave, env=self.env, start_new_session=True
        )
        os.close(slave)
        self.master = master

    def pump(self, timeout: float) -> bool:
        """Read what the program wrote within `timeout`; False once the terminal is closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        window = self.tail + chunk  # an escape code may straddle two reads
        self.tail = window[-64:]
        self.text = self.text[-32768:] + ANSI.sub("", window.decode("utf-8", "replace"))
        return True

    def wait_for_row(self, limit: float = 60.0) -> float:
        """Milliseconds from spawn to the first queue row in the terminal output."""
        while time.perf_counter() - self.started < limit:
            if not self.pump(0.05):
                break
            if ROW_PATTERN.search(self.text):
                return (time.perf_counter() - self.started) * 1000
        raise RuntimeError(f"no queue row painted by {self.command}; output ends: {self.text[-600:]!r}")

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and self.pump(0.05):
            pass
        self.peak_mb = max(self.peak_mb, self.peak_rss_mb())

    def exited(self) -> str:
        """'' while running, else how it ended and the last words on its terminal."""
        if self.process is None or self.process.poll() is None:
            return ""
        return f"exited with {self.process.returncode}: {self.text[-300:].strip()!r}"

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def peak_rss_mb(self) -> float:
        assert self.process is not None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return float("nan")
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else float("nan")

    def quit(self) -> None:
        """`q`, then SIGTERM if it has not gone within 5 s (it should: nothing is left unsent)."""
        assert self.process is not None
        if self.exited():
            os.close(self.master)
            return
        self.press("q")
        end = time.perf_counter() + 5
        while self.process.poll() is None and time.perf_counter() < end:
            self.pump(0.05)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(5)
        os.close(self.master)


def bench_env(workdir: Path, base_url: str, *, refresh_seconds: int = 3600) -> dict[str, str]:
    """A config with one Zendesk profile `bench` on the sandbox (API token from the environment)."""
    config = workdir / "config.toml"
    config.write_text(
        f'[ui]\nrefresh_seconds = {refresh_seconds}\n\n[profiles.bench.helpdesk]\nkind = "zendesk"\n'
        f'auth = "api_token"\nbase_url = "{base_url}"\nemail = "agent@sandbox.example"\n'
        'token_env = "SANDBOX_TOKEN"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTLINE_")}
    env.update(
        FRONTLINE_CONFIG=str(config),
        FRONTLINE_DATA_DIR=str(workdir / "data"),
        SANDBOX_TOKEN="sandbox-token",
        TERM="xterm-256color",
        COLORTERM="truecolor",
    )
    return env


def floor_launch(env: dict[str, str]) -> float:
    run = TerminalRun([sys.executable, str(ROOT / "bench" / "floor_app.py")], env)
    run.start()
    try:
        return run.wait_for_row()
    finally:
        run.quit()


def console_command() -> list[str]:
    return [str(BIN / "frontline"), "--profile", "bench"]


@dataclass
class LaunchFigures:
    floor_ms: list[float] = field(default_factory=list)
    cold_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)
    cold_requests: int = 0
    cold_bytes: int = 0
    refresh_requests: int = 0
    refresh_bytes: int = 0
    refresh_paths: list[str] = field(default_factory=list)
    warm_requests: int = 0
    warm_from_cache: list[bool | None] = field(default_factory=list)
    """Per warm start: painted before any ticket page could have been answered (None: log has no times)."""


def measure_launch(*, rounds: int, tickets: int, latency_ms: int) -> LaunchFigures:
    """Floor, cold and warm starts interleaved `rounds` times; sync traffic from the first cold start."""
    compile_product()
    figures = LaunchFigures()
    sandbox = Sandbox(tickets=tickets, faults=f"latency:ms={latency_ms}")
    relay = ByteRelay(sandbox.url)
    try:
        for round_number in range(rounds):
            workdir = Path(tempfile.mkdtemp(prefix="frontline-bench-"))
            env = bench_env(workdir, relay.url)
            figures.floor_ms.append(floor_launch(env))
            sandbox.clear_requests()
            relay.reset()
            cold = TerminalRun(console_command(), env)
            cold.start()
            figures.cold_ms.append(cold.wait_for_row())
            if round_number == 0:
                _sync_traffic(figures, sandbox, relay, cold)
            else:
                _wait_quiet_pumping(sandbox, cold)
            cold.quit()
            sandbox.clear_requests()
            warm = TerminalRun(console_command(), env)
            warm.start()
            figures.warm_ms.append(warm.wait_for_row())
            painted_at = time.time()
            count = _wait_quiet_pumping(sandbox, warm)
            figures.warm_requests = figures.warm_requests or count
            figures.warm_from_cache.append(_before_any_page(sandbox.requests(), painted_at, latency_ms))
            warm.quit()
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        sandbox.stop()
    return figures


def _before_any_page(requests: list[dict[str, object]], painted_at: float, latency_ms: int) -> bool | None:
    """True when no view page had been answered when the rows appeared: they came from the local cache.

    A page asked at `at` is answered `latency_ms` later at the earliest (the sandbox's injected latency).
    """
    pages = [r for r in requests if str(r["path"]).endswith("/tickets")]
    if any("at" not in r for r in pages):
        return None
    return all(float(str(r["at"])) + latency_ms / 1000 > painted_at for r in pages)


def _sync_traffic(figures: LaunchFigures, sandbox: Sandbox, relay: ByteRelay, run: TerminalRun) -> None:
    """Requests and bytes of the cold start's sync, then of `R` (refresh) with nothing changed."""
    run.drain(0.3)
    figures.cold_requests = _wait_quiet_pumping(sandbox, run)
    figures.cold_bytes = relay.sent + relay.received
    sandbox.clear_requests()
    relay.reset()
    run.press("R")
    figures.refresh_requests = _wait_quiet_pumping(sandbox, run)
    figures.refresh_bytes = relay.sent + relay.received
    figures.refresh_paths = [
        f"{r['method']} {r['path']}{'?' if r['query'] else ''}{str(r['query'])[:100]}"
        for r in sandbox.requests()
    ]


def _wait_quiet_pumping(sandbox: Sandbox, run: TerminalRun, quiet_seconds: float = 2.0) -> int:
    """Wait until the sandbox has had no request for `quiet_seconds` (or the console has gone, or 3 minutes);
    returns the requests so far. Reads the terminal meanwhile so the console never blocks on its output."""
    count, since, limit = -1, time.monotonic(), time.monotonic() + 180
    while not run.exited() and time.monotonic() < limit:
        run.drain(0.25)
        now_count = len(sandbox.requests())
        if now_count != count:
            count, since = now_count, time.monotonic()
        elif time.monotonic() - since >= quiet_seconds:
            break
    return count


def measure_help(rounds: int) -> tuple[list[float], list[float]]:
    """Wall ms of `frontline --help` and of `python -c pass`, alternated, each a fresh process."""
    compile_product()
    help_ms: list[float] = []
    floor_ms: list[float] = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTLINE_")}
    for _ in range(rounds):
        for command, samples in (
            ([sys.executable, "-c", "pass"], floor_ms),
            ([str(BIN / "frontline"), "--help"], help_ms),
        ):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
            samples.append((time.perf_counter() - start) * 1000)
    return help_ms, floor_ms


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def measure_rss(*, tickets: int, view_key: str) -> tuple[float, float, str]:
    """Peak RSS (MB) of the console syncing a big view cold, then of a warm start showing it from cache.

    The sandbox is seeded with `tickets`; `view_key` is the number key of its biggest view ("All unsolved
    tickets"). Each start waits for the first row and a quiet sandbox, presses the key, and waits until
    the sandbox has been quiet for 3 s (the warm start opens on that view already, the one shown last;
    the key changes nothing). Returns (cold peak, warm peak, the view's count as painted).
    """
    compile_product()
    sandbox = Sandbox(tickets=tickets, faults=None)
    workdir = Path(tempfile.mkdtemp(prefix="frontline-bench-rss-"))
    env = bench_env(workdir, sandbox.url)
    peaks: list[float] = []
    notes: list[str] = []
    try:
        for start in ("cold", "warm"):
            run = TerminalRun(console_command(), env)
            run.start()
            run.wait_for_row(limit=120)
            _wait_quiet_pumping(sandbox, run, quiet_seconds=1.5)  # the tabs are all there
            run.press(view_key)
            _wait_quiet_pumping(sandbox, run, quiet_seconds=3.0)
            run.drain(1.0)
            peaks.append(run.peak_mb if run.peak_mb > 0 else float("nan"))
            found = re.findall(r"All unsolved tickets (?:· )?\d[\d,]*", run.text)  # its tab or status bar
            notes.append(f"{start}: {found[-1] if found else 'tab count not seen'} {run.exited()}".strip())
            run.quit()
    finally:
        sandbox.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return peaks[0], peaks[1], "; ".join(notes)

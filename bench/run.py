"""Every figure of issue 14's targets, each beside a floor measured in the same run, with PASS/MISS.

Run from the repository root (a clean checkout with its .venv):

    .venv/bin/python bench/run.py            # 2.5-4 minutes on the 2-core dev machine
    .venv/bin/python bench/run.py --quick    # about 1 minute: one launch round, RSS in-process

A floor is the same measurement of the least any Textual program doing the same job could cost, taken by
the same process tree minutes apart, so a ratio holds on a noisy machine where absolute figures drift:
- launch: a bare Textual app painting 50 rows (bench/floor_app.py), spawned on a pseudo-terminal just as
  the console is (bench/launch.py);
- `--help`: `python -c pass` in the same venv;
- first paint, cursor, filter: a bare line-API list over pre-built rows (bench/line_floor.py);
- UI stall: the same loop-lag recorder on the idle app (bench/refresh_stall.py);
- peak RSS: the bare line-API list holding 50,000 rows.
Prints the whole table, then exits 1 if any target is missed. bench/README.md says how each figure is taken.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import launch  # noqa: E402  (bench/ is not a package; it is put on the path above)

LAUNCH_TICKETS = 200  # the sandbox's default: a small account, so the launch measures the console
LATENCY_MS = 80
RSS_SEED = 72_000  # seeds "All unsolved tickets" (the 6th tab) with ~50,000 tickets
RSS_VIEW_KEY = "6"


@dataclass
class Row:
    figure: str
    value: float
    unit: str
    floor: float | None = None
    target: float | None = None
    on_ratio: bool = False  # the target applies to value / floor, not to value
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.floor or math.isnan(self.value) or math.isnan(self.floor):
            return None
        return self.value / self.floor

    @property
    def result(self) -> str:
        if self.target is None:
            return "info"
        checked = self.ratio if self.on_ratio else self.value
        return (
            "PASS" if checked is not None and not math.isnan(checked) and checked <= self.target else "MISS"
        )


def _json_of(script: str, *args: str) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, str(BENCH / script), *args], check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def _stalls(size: int) -> list[tuple[dict[str, Any], str]]:
    """The bench/ui_stall.py figure when present, and this bench's recorder on the screen's path."""
    figures = []
    if (BENCH / "ui_stall.py").exists():
        figures.append((_json_of("refresh_stall.py", "--ui-stall", "--size", str(size)), "bench/ui_stall.py"))
    figures.append((_json_of("refresh_stall.py", "--size", str(size)), "bench/refresh_stall.py"))
    return figures


def fmt(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "-"
    if unit == "B":
        return f"{value / 1024:,.0f} KB" if value >= 10_240 else f"{value:,.0f} B"
    if unit in ("", "req"):
        return f"{value:,.0f}{' req' if unit else ''}"
    digits = 2 if value < 10 else 1 if value < 100 else 0
    return f"{value:,.{digits}f} {unit}"


def print_table(rows: list[Row]) -> None:
    print(f"{'figure':<46} {'value':>10} {'floor':>10} {'ratio':>7}  {'target':<16} result")
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        if row.target is None:
            target = "-"
        elif row.on_ratio:
            target = f"<= {row.target:g}x floor"
        else:
            target = f"<= {fmt(row.target, row.unit)}"
        print(
            f"{row.figure:<46} {fmt(row.value, row.unit):>10} {fmt(row.floor, row.unit):>10} {ratio:>7}  "
            f"{target:<16} {row.result}"
        )
        if row.note:
            print(f"{'':<4}{row.note}")


def launch_rows(quick: bool) -> list[Row]:
    rounds = 1 if quick else 3
    print(f"launch: {rounds} round(s) of floor, cold and warm start, sandbox with {LATENCY_MS} ms latency…")
    lf = launch.measure_launch(rounds=rounds, tickets=LAUNCH_TICKETS, latency_ms=LATENCY_MS)
    floor = launch.median(lf.floor_ms)
    cold, warm = launch.median(lf.cold_ms), launch.median(lf.warm_ms)
    cached = lf.warm_from_cache
    samples = f"floor {_ms(lf.floor_ms)}; cold {_ms(lf.cold_ms)}; warm {_ms(lf.warm_ms)}"
    if all(from_cache is None for from_cache in cached):
        warm_note = "painted from cache: unknown (the sandbox log has no arrival times)"
    else:
        warm_note = "painted from the local cache: " + "/".join("yes" if c else "no" for c in cached)
        if not any(cached):
            warm_note += " (no cache at start yet: warm = cold)"
    requests = "requests: " + ", ".join(lf.refresh_paths)
    return [
        Row("launch to first painted queue, cold", cold, "ms", floor, note=samples),
        Row("launch to first painted queue, warm", warm, "ms", floor, 1.3, True, warm_note),
        Row("cold sync: requests", lf.cold_requests, "req"),
        Row("cold sync: bytes on the wire", lf.cold_bytes, "B"),
        Row("unchanged refresh (R): requests", lf.refresh_requests, "req", target=1, note=requests),
        Row("unchanged refresh (R): bytes on the wire", lf.refresh_bytes, "B"),
        Row("warm start: requests until quiet", lf.warm_requests, "req"),
    ]


def help_rows(quick: bool) -> list[Row]:
    print("--help…")
    help_ms, pass_ms = launch.measure_help(5 if quick else 15)
    return [Row("frontline --help", launch.median(help_ms), "ms", launch.median(pass_ms), 150.0)]


def queue_rows(quick: bool) -> list[Row]:
    print("queue at 10,000 and 50,000 (frontline and the line-API floor, each in its own process)…")
    rows = []
    for size in (10_000, 50_000):
        floor = _json_of("line_floor.py", "--size", str(size))
        queue = _json_of("queue_bench.py", "--size", str(size))
        label = f"first paint at {size:,}, data local"
        ours, theirs = queue["first_paint_samples_ms"], floor["first_paint_samples_ms"]
        samples = f"samples: frontline {_ms(ours, 1)}; floor {_ms(theirs, 1)}"
        rows.append(Row(label, queue["first_paint_ms"], "ms", floor["first_paint_ms"], 1.5, True, samples))
        note = "painted as the cache gave them (the order last shown); sorted and filtered off the UI thread"
        rows.append(Row(f"  then sorted at {size:,}", queue["sorted_ms"], "ms", note=note))
    for kind, target in (("cursor", 1.5), ("filter", 12.0)):
        label = "cursor per key" if kind == "cursor" else "filter per keystroke"
        median, p95 = f"{kind}_median_ms", f"{kind}_p95_ms"
        rows.append(Row(f"{label} at 50,000, median", queue[median], "ms", floor[median]))
        rows.append(Row(f"{label} at 50,000, p95", queue[p95], "ms", floor[p95], target))
    rss_label = "peak RSS, 50,000 tickets (in-process queue)"
    rows.append(Row(rss_label, queue["peak_rss_mb"], "MB", floor["peak_rss_mb"], 150.0 if quick else None))
    return rows


def stall_rows(quick: bool) -> list[Row]:
    print("UI-thread stall during a refresh at 50,000…")
    notes = {
        "bench/ui_stall.py": "gaps between 5 ms timer ticks, its replica of the apply path",
        "bench/refresh_stall.py": "1 ms loop-lag recorder, QueueSync.accept_view_async + the screen's swap",
    }
    rows = []
    for number, (stall, source) in enumerate(_stalls(50_000)):
        note = f"{source}: {notes[source]}; 20 of 50,000 edited; floor: same method, idle app"
        label = "longest UI-thread stall, refresh at 50,000" if number == 0 else "  same, cross-check"
        target = 16.0 if number == 0 else None
        rows.append(Row(label, stall["stall_ms"], "ms", stall["idle_ms"], target, note=note))
    return rows


def rss_rows(quick: bool) -> list[Row]:
    if quick:
        return []  # the in-process figure, with queue_rows, is the one checked
    print(f"peak RSS: the console on a sandbox of {RSS_SEED:,} tickets, its biggest view cold then warm…")
    floor = _json_of("line_floor.py", "--size", "50000")["peak_rss_mb"]
    cold_rss, warm_rss, seen = launch.measure_rss(tickets=RSS_SEED, view_key=RSS_VIEW_KEY)
    note = f"{seen}; the cold sync of that view peaked at {cold_rss:.0f} MB"
    return [Row("peak RSS, 50,000 tickets cached (warm start)", warm_rss, "MB", floor, 150.0, note=note)]


SECTIONS = {
    launch_rows: ["launch to first painted queue, warm", "unchanged refresh (R): requests"],
    help_rows: ["frontline --help"],
    queue_rows: ["first paint at 50,000, data local", "cursor/filter at 50,000, p95"],
    stall_rows: ["longest UI-thread stall, refresh at 50,000"],
    rss_rows: ["peak RSS, 50,000 tickets cached (warm start)"],
}
"""Each section and the checked figures it stands for: a section that fails reports them as MISS."""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 launch round, 5 --help rounds, RSS in-process"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    rows: list[Row] = []
    for section, checked in SECTIONS.items():
        try:
            rows += section(args.quick)
        except Exception as error:  # print every other figure, then fail
            print(f"  {section.__name__} failed: {error}", file=sys.stderr)
            rows += [Row(figure, math.nan, "", target=0, note=f"not measured: {error}") for figure in checked]
    print()
    print_table(rows)
    print(f"\n{len(rows)} figures in {time.perf_counter() - started:.0f} s")
    return 1 if any(row.result == "MISS" for row in rows) else 0


def _ms(samples: list[float], digits: int = 0) -> str:
    return "/".join(f"{sample:.{digits}f}" for sample in samples) + " ms"


if __name__ == "__main__":
    sys.exit(main())

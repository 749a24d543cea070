"""`python -m loadtest [30 60 ...] [--seconds S] [--processes P ...] [--runs R]`: N learners on a server
started here on 127.0.0.1 — one app process, or P processes behind nginx with sticky sessions (the deploy/
topology) — R times for each case (a fresh server each time), since one run on a shared machine can mislead.

Most learners open the Playground and play (a third press a control every few seconds, and the time from
the press to the new picture is measured); a few train the MNIST network; a tenth of the players arrive
while the others already play. Reports, over the runs (median and worst): each player's pictures per second
(the slowest, and how fair the sharing is), click-to-picture latency p50/p95 (a click never answered counts
as endless), how long each learner waited for its first page, whether every page said the server is busy,
errors and the servers' memory, beside the targets; then stops the servers by their PIDs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.app_server import AppServer
from loadtest.client import Learner
from playground.classroom.server_load import BUSY_PLAYERS
from playground.paths import REPO_ROOT

CLASS_SIZE = 30  # a class one process holds at full speed; above it, slower but fair, and the page says so
FIRST_PAGE_SECONDS = 10.0  # the first page of a learner who arrives while the others play


class Servers:
    """The app processes under test and the address learners use (nginx's when there are several, over
    HTTPS with a throw-away certificate that the learners trust)."""

    def __init__(self, apps: list[AppServer], url: str, certificate: Path | None = None) -> None:
        self.apps, self.url, self.certificate = apps, url, certificate

    def rss_bytes(self) -> int:
        return sum(app.rss_bytes() for app in self.apps)


@contextlib.contextmanager
def start_servers(processes: int) -> Iterator[Servers]:
    env = {"NP_TORCH_THREADS": "1", "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(16)}
    apps = [AppServer(env=env) for _ in range(processes)]
    try:
        for app in apps:
            app.wait_healthy()
        if processes == 1:
            yield Servers(apps, apps[0].url)
            return
        from harness.services import class_nginx  # the shipped deploy/nginx.conf on loopback

        with class_nginx([app.port for app in apps]) as proxy:
            yield Servers(apps, proxy.url, proxy.certificate)
    finally:
        for app in apps:
            app.stop()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]


async def arrive(learner: Learner, action: str, first_page_timeout: float) -> float | None:
    """Open the page, wait for it, press `action`; returns when it started playing (None: it never did)."""
    try:
        await learner.connect()
        await learner.wait_run(first_page_timeout)
        await learner.click(action)
        return time.perf_counter()
    except Exception as error:  # noqa: BLE001 - reported in the summary
        learner.stats.errors.append(f"{learner.name}: no first page ({type(error).__name__})")
        return None


async def run_class(n: int, seconds: float, servers: Servers) -> dict:
    trainers = int(os.environ.get("NP_LOADTEST_TRAINERS", max(1, n // 10)))
    late = max(1, (n - trainers) // 10)  # players who arrive while the others play
    clickers = (n - trainers - late) // 3
    cookie = len(servers.apps) > 1  # nginx's sticky route key, one per learner (as each browser gets)
    learners = [Learner(servers.url, "mnist-train" if i < trainers else "playground", f"learner{i}",
                        cookie=f"np_route={secrets.token_hex(16)}" if cookie else None,
                        certificate=servers.certificate) for i in range(n)]
    early, latecomers = learners[: n - late], learners[n - late :]
    arrivals = []
    for i, learner in enumerate(early):  # arrive over a few seconds, as a class does
        arrivals.append(asyncio.create_task(arrive(learner, "Train" if i < trainers else "Play", 120.0)))
        await asyncio.sleep(0.05)
    await asyncio.wait(arrivals, timeout=120)
    await asyncio.sleep(5)  # everyone playing
    start, peak_memory = time.perf_counter(), servers.rss_bytes()
    for learner in learners:
        learner.stats.frames.clear()
        learner.forget_clicks()

    async def press_now_and_then(learner: Learner, offset: float) -> None:
        await asyncio.sleep(offset)  # learners do not all click in the same instant
        while time.perf_counter() - start < seconds - 4.0:
            await asyncio.sleep(4.0)
            await learner.toggle("Show test data")

    pressers = [asyncio.create_task(press_now_and_then(one, 4.0 * k / max(1, clickers)))
                for k, one in enumerate(early[trainers : trainers + clickers])]
    late_arrivals = []
    for learner in latecomers:  # a few more while the class plays
        late_arrivals.append(asyncio.create_task(arrive(learner, "Play", seconds)))
        await asyncio.sleep(min(1.0, seconds / 4 / late))
    while time.perf_counter() - start < seconds:
        await asyncio.sleep(1.0)
        peak_memory = max(peak_memory, servers.rss_bytes())
    for task in pressers + late_arrivals:
        task.cancel()
    end = time.perf_counter()
    played_from = [task.result() for task in arrivals] + [
        task.result() if task.done() and not task.cancelled() else None for task in late_arrivals]
    players = [(one, since) for one, since in zip(learners, played_from, strict=True)
               if one.page == "playground"]

    def fps(one: Learner, since: float | None) -> float:  # over the time it could play (0: it never could)
        since = max(start, since or end)
        return sum(1 for t in one.stats.frames if t >= since) / (end - since) if end - since > 1.0 else 0.0

    latencies = [x for one, _ in players for x in one.stats.latencies]
    unanswered = sum(one.stats.unanswered for one, _ in players)
    unanswered += sum(1 for one, _ in players if (one.pending_click() or 0.0) > 3.0)
    first_pages = [one.stats.first_page if one.stats.first_page is not None else math.inf for one in learners]
    errors = [e for one in learners for e in one.stats.errors]
    for learner in learners:
        await learner.close()
    # (behind nginx the sticky hash splits learners unevenly: a quieter process rightly says nothing)
    told = (sum(one.stats.told_busy for one, _ in players)
            if len(servers.apps) == 1 and len(players) > BUSY_PLAYERS else None)
    return {"n": n, "fps": [fps(one, since) for one, since in players], "latencies": latencies,
            "unanswered": unanswered, "first_pages": first_pages, "late_first_pages": first_pages[n - late :],
            "errors": errors, "memory": peak_memory, "trainers": trainers, "late": late,
            "processes": len(servers.apps), "told_busy": told, "players": len(players)}


@dataclass
class Row:
    """One line of the report: a figure from each run, which way is better, and its target."""

    name: str
    unit: Callable[[float], str]
    values: list[float]
    better: str = "high"  # or "low"
    target: float | None = None

    def worst(self) -> float:
        return min(self.values) if self.better == "high" else max(self.values)

    def verdict(self) -> str:
        if self.target is None:
            return ""

        def ok(x: float) -> bool:
            return x >= self.target if self.better == "high" else x <= self.target

        return "PASS" if ok(self.worst()) else ("MISS (median ok)" if ok(statistics.median(self.values)) else "MISS")


def rows(results: list[dict]) -> list[Row]:
    """The figures of one case over its runs, with the targets for a class of that size."""
    n = results[0]["n"]
    crowd = n > CLASS_SIZE  # more than one process holds at full speed: slower but fair (and said, on one)
    ms = lambda x: "never" if math.isinf(x) else f"{x * 1000:.0f} ms"  # noqa: E731
    sec = lambda x: "never" if math.isinf(x) else f"{x:.1f} s"  # noqa: E731
    per_s = lambda x: f"{x:.2f}/s"  # noqa: E731

    def p95(r: dict) -> float:  # an unanswered click waits forever
        return percentile(r["latencies"] + [math.inf] * r["unanswered"], 0.95)

    def fairness(r: dict) -> float:
        return min(r["fps"]) / max(r["fps"]) if max(r["fps"]) else 0.0

    table = [
        Row("slowest player's pictures", per_s, [min(r["fps"]) for r in results], "high", 0.5 if crowd else 2.0),
        Row("median player's pictures", per_s, [statistics.median(r["fps"]) for r in results]),
        Row("slowest / fastest", lambda x: f"{x:.2f}", [fairness(r) for r in results], "high", 1 / 3),
        Row("click -> new picture p50", ms,
            [percentile(r["latencies"] + [math.inf] * r["unanswered"], 0.5) for r in results], "low"),
        Row("click -> new picture p95", ms, [p95(r) for r in results], "low", 3.0 if crowd else 1.0),
        Row("clicks never answered", lambda x: f"{x:.0f}", [r["unanswered"] for r in results], "low", 0),
        # (the whole class arrives within 3 s: their first pages share the server, with no target of their own)
        Row("first page: median wait", sec, [statistics.median(r["first_pages"]) for r in results], "low"),
        Row("first page: longest wait", sec, [max(r["first_pages"]) for r in results], "low"),
        Row("  …arriving while others play", sec, [max(r["late_first_pages"]) for r in results], "low",
            FIRST_PAGE_SECONDS),
        Row("errors", lambda x: f"{x:.0f}", [len(r["errors"]) for r in results], "low", 0),
        Row("server memory (peak)", lambda x: f"{x:.2f} GB", [r["memory"] / 2**30 for r in results], "low", 3.0),
    ]
    if results[0]["told_busy"] is not None:
        table.append(Row("players told 'busy: sharing…'", lambda x: f"{x:.0%}",
                         [r["told_busy"] / r["players"] for r in results], "high", 1.0))
    return table


def report(results: list[dict]) -> None:
    first = results[0]
    where = "one app process" if first["processes"] == 1 else f"{first['processes']} app processes behind nginx"
    print(f"\n== {first['n']} learners on {where}: {first['players']} playing ({first['late']} of them arriving "
          f"mid-play), {first['trainers']} training MNIST; {len(results)} runs "
          f"({', '.join(str(len(r['latencies'])) for r in results)} clicks answered)")
    print(f"  {'':<32} {'median':>10} {'worst':>10}   {'target':<12}")
    for row in rows(results):
        target = "" if row.target is None else ("≥ " if row.better == "high" else "≤ ") + row.unit(row.target)
        print(f"  {row.name:<32} {row.unit(statistics.median(row.values)):>10} {row.unit(row.worst()):>10}   "
              f"{target:<12} {row.verdict()}")
    for result in results:
        for error in result["errors"][:3]:
            print("  error:", error)
        print("  first pages (s):", " ".join("-" if math.isinf(x) else f"{x:.1f}" for x in result["first_pages"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("learners", nargs="*", type=int, default=[30, 60])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (median and worst are shown)")
    parser.add_argument("--processes", type=int, nargs="*", default=[1],
                        help="app processes (several: behind nginx, which must be installed)")
    args = parser.parse_args()
    # as a class server is started (make serve-class): the engine compiled into numba's cache beforehand,
    # else every learner's first page waits while one process compiles it
    subprocess.run([sys.executable, "-m", "playground.tfplayground.warmup"], check=True, cwd=REPO_ROOT,
                   env={**os.environ, "NP_TORCH_THREADS": "1"})
    for processes in args.processes:
        for n in args.learners:
            results = []
            for _ in range(args.runs):
                with start_servers(processes) as servers:
                    results.append(asyncio.run(run_class(n, args.seconds, servers)))
            report(results)


if __name__ == "__main__":
    main()

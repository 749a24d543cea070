"""`python -m loadtest [30 60 ...] [--seconds S]`: N learners on one server started here on 127.0.0.1.

Most learners open the Playground and play (some press controls every few seconds, and the time from
the press to the new picture is measured); a few train the MNIST network. Reports each group's frames per
second (and how fair the sharing is), click-to-picture latency p50/p95, errors, and the server's memory,
beside the targets; then stops the server by its PID.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from loadtest.client import Learner
from tests.harness import AppServer

TARGETS = {"min_fps": 2.0, "fairness": 1 / 3, "p95_latency": 1.0, "memory_gb": 3.0}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))]


async def run_class(url: str, n: int, seconds: float, server: AppServer) -> dict:
    trainers = max(1, n // 10)
    clickers = n // 3
    learners = [Learner(url, "mnist-train" if i < trainers else "playground", f"learner{i}") for i in range(n)]
    for learner in learners:  # arrive over a few seconds, as a class does
        await learner.connect()
        await asyncio.sleep(0.05)
    await asyncio.gather(*(learner.wait_run(120) for learner in learners), return_exceptions=True)
    for i, learner in enumerate(learners):
        await learner.click("Train" if i < trainers else "Play")
        await asyncio.sleep(0.02)
    await asyncio.sleep(5)  # everyone playing
    start, peak_memory = time.perf_counter(), server.rss_bytes()
    for learner in learners:
        learner.stats.frames.clear()
        learner.stats.latencies.clear()

    async def press_now_and_then(learner: Learner) -> None:
        while time.perf_counter() - start < seconds:
            await asyncio.sleep(4.0)
            await learner.toggle("Show test data")

    pressers = [asyncio.create_task(press_now_and_then(one)) for one in learners[trainers : trainers + clickers]]
    while time.perf_counter() - start < seconds:
        await asyncio.sleep(1.0)
        peak_memory = max(peak_memory, server.rss_bytes())
    for task in pressers:
        task.cancel()
    elapsed = time.perf_counter() - start
    players = learners[trainers:]
    fps = [sum(1 for t in one.stats.frames if t >= start) / elapsed for one in players]
    latencies = [x for one in players for x in one.stats.latencies]
    errors = [e for one in learners for e in one.stats.errors]
    for learner in learners:
        await learner.close()
    return {"n": n, "fps": fps, "latencies": latencies, "errors": errors, "memory": peak_memory,
            "trainers": trainers}


def report(result: dict) -> None:
    fps, lat = result["fps"], result["latencies"]
    slowest, fastest = min(fps), max(fps)
    fairness = slowest / fastest if fastest else 0.0
    p50, p95 = percentile(lat, 0.5), percentile(lat, 0.95)
    gb = result["memory"] / 2**30
    rows = [
        ("slowest learner's pictures", f"{slowest:.2f} frames/s", slowest >= TARGETS["min_fps"], "≥ 2 frames/s"),
        ("median learner's pictures", f"{statistics.median(fps):.2f} frames/s", True, ""),
        ("slowest / fastest", f"{fairness:.2f}", fairness >= TARGETS["fairness"], "≥ 0.33"),
        ("click -> new picture p50", f"{p50 * 1000:.0f} ms", True, ""),
        ("click -> new picture p95", f"{p95 * 1000:.0f} ms", p95 < TARGETS["p95_latency"], "< 1000 ms"),
        ("errors", str(len(result["errors"])), not result["errors"], "none"),
        ("server memory (peak)", f"{gb:.2f} GB", gb < TARGETS["memory_gb"], "< 3 GB"),
    ]
    print(f"\n== {result['n']} learners ({result['n'] - result['trainers']} playing, {result['trainers']} training "
          f"MNIST; {len(lat)} clicks measured)")
    for name, value, ok, target in rows:
        print(f"  {name:<32} {value:>14}   {target:<14} {'PASS' if ok else ('MISS' if target else '')}")
    for error in result["errors"][:5]:
        print("  error:", error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("learners", nargs="*", type=int, default=[30, 60])
    parser.add_argument("--seconds", type=float, default=45.0)
    args = parser.parse_args()
    for n in args.learners:
        server = AppServer(env={"NP_TORCH_THREADS": "1"})
        try:
            server.wait_healthy()
            result = asyncio.run(run_class(server.url, n, args.seconds, server))
            report(result)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

"""Run every benchmark: `python -m bench [name ...]` (names: engine2d, playground, ...)."""

from __future__ import annotations

import argparse
import importlib
import sys

from bench.report import RESULTS

BENCHMARKS = {
    "foundation": "bench.bench_foundation",
    "engine2d": "bench.bench_engine2d",
    "playground": "bench.bench_playground_browser",
    "digits": "bench.bench_digits",
    "embeddings": "bench.bench_embeddings",
    "attacks": "bench.bench_attacks",
    "explanations": "bench.bench_explanations",
    "generative": "bench.bench_generative",
}


def main(names: list[str]) -> int:
    for name in names or list(BENCHMARKS):
        importlib.import_module(BENCHMARKS[name]).main()
    missed = [name for name, ok in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(missed)} of {len(RESULTS)} figures meet their targets"
          + (f"; missed: {', '.join(missed)}" if missed else "."))
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run every benchmark, or those named.")
    parser.add_argument("names", nargs="*", metavar="name", help=f"{', '.join(BENCHMARKS)} (default: all)")
    chosen = parser.parse_args().names
    if unknown := [name for name in chosen if name not in BENCHMARKS]:
        parser.error(f"no benchmark {', '.join(unknown)}; the names are {', '.join(BENCHMARKS)}")
    sys.exit(main(chosen))

"""PyTorch, imported once with a bounded thread pool, so one learner's training cannot take every core.

Every module that trains with PyTorch imports `torch` from here. The bound is the environment variable
NP_TORCH_THREADS if set, else half the cores (at least one): on a 2-core class server a training run
uses one core and the other keeps serving pages and the Playground's pictures.
"""

from __future__ import annotations

import contextlib
import os

import torch

# PyTorch imports its compiler stack lazily, on the first optimiser made; two threads doing that at once
# (the start-up thread drawing the home cards and a learner's page) can see it half-initialised
# ("operator ... does not exist"). Importing it here, under this module's import lock, does it once.
import torch._dynamo

_ENV = "NP_TORCH_THREADS"


def bounded_thread_count(cpu_count: int | None = None, env: str | None = None) -> int:
    """The intra-op thread count to use: NP_TORCH_THREADS, else max(1, cores // 2)."""
    env = os.environ.get(_ENV) if env is None else env
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    cores = cpu_count if cpu_count is not None else (os.cpu_count() or 1)
    return max(1, cores // 2)


def _configure() -> int:
    threads = bounded_thread_count()
    torch.set_num_threads(threads)
    # only possible before any inter-op work has started; a later call keeps the first setting
    with contextlib.suppress(RuntimeError):
        torch.set_num_interop_threads(1)
    return threads


THREADS = _configure()

__all__ = ["torch", "THREADS", "bounded_thread_count"]

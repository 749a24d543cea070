"""Results a lesson keeps for one state of its model: each is recomputed only when its key changes
(a new model, more training, other settings), so a page rerun reuses what is still true."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class KeyedResults:
    """name -> (key, value): `get` returns the kept value while the key is the same, else computes anew."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Hashable, Any]] = {}

    def get(self, name: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        hit = self._kept.get(name)
        if hit is None or hit[0] != key:
            hit = (key, compute())
            self._kept[name] = hit
        return hit[1]

    def has(self, name: str, key: Hashable) -> bool:
        """Whether `name` is kept for this key (without computing it)."""
        hit = self._kept.get(name)
        return hit is not None and hit[0] == key

    def forget(self, prefix: str = "") -> None:
        """Drop the results whose name starts with `prefix` (all of them by default)."""
        self._kept = {name: hit for name, hit in self._kept.items() if not name.startswith(prefix)} if prefix else {}


def model_key(trainer: object) -> tuple:
    """Identifies a trained model's current state (a new trainer, or more training, changes it)."""
    return (id(trainer), getattr(trainer, "version", 0))

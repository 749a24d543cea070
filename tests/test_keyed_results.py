"""A lesson's kept results: reused while their key holds, recomputed when it changes, forgotten on demand."""

from __future__ import annotations

from playground.keyed_results import KeyedResults


def test_results_are_kept_per_key_and_forgotten_by_prefix() -> None:
    calls: list[str] = []

    def compute(value: str):
        return lambda: calls.append(value) or value

    kept = KeyedResults()
    assert kept.get("curve", (1, 0), compute("a")) == "a"
    assert kept.get("curve", (1, 0), compute("b")) == "a" and calls == ["a"]  # same key: kept
    assert kept.has("curve", (1, 0)) and not kept.has("curve", (1, 1)) and not kept.has("other", (1, 0))
    assert kept.get("curve", (1, 1), compute("c")) == "c"  # the model trained on: recomputed
    kept.get("robust-curve", 0, compute("r"))
    kept.forget("robust")
    assert not kept.has("robust-curve", 0) and kept.has("curve", (1, 1))
    kept.forget()
    assert not kept.has("curve", (1, 1))

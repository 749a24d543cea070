"""One learner's adversarial lesson (no Streamlit): the attack settings, the adversarially trained twin of
their digit network, and curves computed from the current models (recomputed when a model changes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.adversarial_training import AdversarialConfig, AdversarialTrainer
from playground.keyed_results import KeyedResults


@dataclass
class AdversarialLesson:
    attack: str = "fgsm"  # "fgsm" or "pgd"
    eps: float = 0.1
    steps: int = 10
    target: int | None = None  # None: any wrong class; else "make it read as this class"
    robust: AdversarialTrainer | None = None  # the twin trained on adversarial examples
    robust_config: AdversarialConfig = field(default_factory=AdversarialConfig)
    robust_of: int = 0  # id() of the digit trainer the twin copies
    training: bool = False
    eps_2d: float = 0.5
    chosen_point: int | None = None
    results: KeyedResults = field(default_factory=KeyedResults, repr=False)

    def cached(self, name: str, model_key: tuple, compute):
        """A result for one model state (its trainer id and version), recomputed when the model changes."""
        return self.results.get(name, model_key, compute)

    def forget_robust(self) -> None:
        self.robust, self.training = None, False
        self.results.forget("robust")


def model_key(trainer) -> tuple:
    """Identifies a trained model's current state (a new trainer, or more training, changes it)."""
    return (id(trainer), getattr(trainer, "version", 0))

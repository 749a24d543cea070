"""Playground engine alone (issue 3, target 1): epochs/s on TF's deep spiral network, one core."""

from __future__ import annotations

import os

from bench.report import best_rate, header, line
from playground.tfplayground.run import PlaygroundRun
from playground.tfplayground.settings import PlaygroundSettings

ALL_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")


def deep_spiral() -> PlaygroundRun:
    return PlaygroundRun(PlaygroundSettings(dataset="spiral", networkShape=[8] * 6, features=ALL_FEATURES,
                                            batchSize=10))


def main() -> None:
    header("Playground engine: spiral, 6×8 tanh, all 7 features, batch 10, 250 training points, one core")
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the reference
    try:
        run = deep_spiral()
        run.train(5)  # compile / load the kernels
        net, ts = run.network, run.train_settings
        targets = run.targets(run.train_y)

        def training_only() -> int:
            for _ in range(50):
                net.train_epoch(run.train_features, targets, ts)
            return 50

        def with_losses() -> int:
            run.train(50, loss_every_epoch=True)
            return 50

        line("training only", best_rate(training_only), "epochs/s", target=1000,
             reference="TF Playground's engine: ~460 (Node) / ~490 (Chromium)")
        line("with train and test loss every epoch", best_rate(with_losses), "epochs/s", target=500,
             reference="TF Playground: ~210 / ~250")
    finally:
        os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))


if __name__ == "__main__":
    main()

"""Benchmarks (`make bench`): each prints its figure beside the reference and the target of its issue."""

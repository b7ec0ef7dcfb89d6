"""Benchmarks that organisers would feel, each paired with a baseline measured in the same run."""

"""Benchmarks of the platform, run by `make bench`; never part of `make test`."""

"""Benchmarks for issue 9 (run with `make bench` or `python -m bench`; never part of `make test`)."""

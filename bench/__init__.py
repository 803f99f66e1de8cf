"""Benchmarks that print figures (not timed tests): `python -m bench` runs them all; each module
also runs alone (`python -m bench.<module>`)."""

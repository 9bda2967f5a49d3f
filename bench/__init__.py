"""Benchmark of the service against baselines measured in the same run: `python -m bench`
(see README.md; results in RESULTS.md).

Kept free of imports: gunicorn workers of the bare app import `bench.bare`, and
their memory is the baseline.
"""

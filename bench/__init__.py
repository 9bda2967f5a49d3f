"""Benchmark of the service against a bare Falcon app: `python -m bench` (see README.md).

Kept free of imports: gunicorn workers of the bare app import `bench.bare`, and
their memory is the baseline.
"""

"""Benchmarks of armorsmith, each printed beside the reference tools it is compared with.

Run with ``python -m bench`` (``make bench``). Each benchmark is one module
providing a `Benchmark`; `bench.report` formats every one the same way.
Speed goals live here, never in timed tests.
"""

"""Conformance of armorsmith with upstream AppArmor, measured on the shared corpus.

Run with ``python -m conformance`` (``make conformance``). The runner is a set
of suites (see `conformance.suites`) that share one report and one list of
known deviations (``conformance/known-deviations.txt``).
"""

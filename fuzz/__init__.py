"""Fuzzing armorsmith: the properties every input must keep, and a bounded campaign over them.

`fuzz.targets` holds the properties (pure functions that raise AssertionError, or let an
unexpected exception escape, when an input breaks them); tests/test_fuzz_*.py check them with
hypothesis on every `make test`, and `python -m fuzz` (`make fuzz`) runs a longer campaign.
"""

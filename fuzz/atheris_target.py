"""One libFuzzer process for one target of `fuzz.targets`: `python -m fuzz.atheris_target NAME [libFuzzer flags]`.

armorsmith is imported under atheris' instrumentation so libFuzzer sees its coverage.  A
property that fails raises, and libFuzzer saves the input as a crash.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["armorsmith", "fuzz"]):
    from fuzz.targets import check_log, check_policy, check_reparse


def _reparse(data: bytes) -> None:
    """The first bytes choose the edits; the rest is the starting text."""
    provider = atheris.FuzzedDataProvider(data)
    edits = [
        (provider.ConsumeIntInRange(0, 1 << 16), provider.ConsumeIntInRange(0, 8), provider.ConsumeUnicodeNoSurrogates(6))
        for _ in range(provider.ConsumeIntInRange(1, 6))
    ]
    check_reparse(provider.ConsumeBytes(provider.remaining_bytes()), edits)


TARGETS = {"policy": check_policy, "logs": check_log, "reparse": _reparse}


def main() -> None:
    target = TARGETS[sys.argv[1]]
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

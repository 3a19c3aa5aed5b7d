"""Running one function over many cases on a pool of worker processes.

Workers are forked, so they inherit the loaded armorsmith and the suite's function
without pickling either; only the items and the results cross between processes, so
both must be small picklable values (paths, frozen dataclasses).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Chunks per worker: enough to even out slow and fast chunks, few enough to keep the
# per-chunk overhead of the pool small.
CHUNKS_PER_WORKER = 16

_worker: Callable[[object], object] | None = None


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _install(function: Callable[[object], object]) -> None:
    global _worker
    _worker = function


def _call(item: object) -> object:
    assert _worker is not None, "the pool's initializer installs the function"
    return _worker(item)


def map_cases(function: Callable[[Item], Result], items: Sequence[Item], jobs: int) -> list[Result]:
    """``[function(item) for item in items]``, on ``jobs`` forked workers when ``jobs`` > 1."""
    if jobs <= 1 or len(items) < 2:
        return [function(item) for item in items]
    chunk = max(1, len(items) // (jobs * CHUNKS_PER_WORKER))
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_install, initargs=(function,)) as pool:
        return pool.map(_call, items, chunksize=chunk)  # type: ignore[return-value]

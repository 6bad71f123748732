"""The solver runs in a process of its own, one solve at a time per API process.

SciPy and HiGHS (about 60 MB) never load into the API, whose resident size stays under
its limit (bench/memory_bench.py); a solve holding the CPU for up to its time limit leaves
the API's event loop and interpreter to the other requests; and whatever a large model
takes goes back to the system when the process exits after its one solve. Starting a
process costs about half a second, small beside a time limit of seconds.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from functools import cache
from uuid import UUID

from worksync.resources.errors import SolverFailed
from worksync.resources.optimizer import planning


@cache
def _solver() -> ProcessPoolExecutor:
    # A fresh process per solve (spawned: no copy of the API's connections or threads).
    return ProcessPoolExecutor(
        max_workers=1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1
    )


async def solve(
    people: Mapping[UUID, planning.Person],
    allocations: Sequence[planning.Allocation],
    first: date,
    last: date,
    options: planning.Options,
) -> planning.Plan:
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(
            _solver(), planning.optimise, dict(people), list(allocations), first, last, options
        )
    except BrokenProcessPool as failure:
        # Killed (out of memory, a signal): the next solve gets a new pool.
        _solver.cache_clear()
        raise SolverFailed from failure

"""`make bench`: start the whole system on a fresh database, run every benchmark, stop.

Each benchmark prints its own figures; see bench/README.md for what they mean and the
figures recorded on the reference machine. Needs `wrk` (Debian: `apt-get install wrk`).
`WORKSYNC_BENCH_ONLY=summary,latency` runs some of them (gateway, lists, summary, latency,
resources, request-path, work-items, timetracking, memory; work-items and timetracking run
in-process on databases of their own, work-items' templates through the gateway first;
memory reports every process's size idle and after the others, or after a load of its own
when it runs alone);
extra arguments go to the gateway benchmark (`--duration`, `--pairs`, ...).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys

from bench import (
    event_latency_bench,
    gateway_bench,
    list_bench,
    memory_bench,
    request_path_bench,
    resources_bench,
    summary_bench,
    timetracking_bench,
    work_items_bench,
)
from bench.own_system import own_system
from worksync.common.testing.infra import (
    DEFAULT_AMQP_URL,
    DEFAULT_DATABASE_URL,
)

# Measured as deployed, minus the limits that would otherwise measure themselves.
BENCH_ENV = {"GATEWAY_RATE_LIMIT_ENABLED": "false", "WORKSYNC_LOG_LEVEL": "WARNING"}
BENCHMARKS = (
    "gateway",
    "lists",
    "summary",
    "latency",
    "resources",
    "request-path",
    "work-items",
    "timetracking",
    "memory",
)


def selected() -> set[str]:
    only = os.environ.get("WORKSYNC_BENCH_ONLY", "")
    chosen = {name.strip() for name in only.split(",") if name.strip()} or set(BENCHMARKS)
    unknown = chosen - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmarks {sorted(unknown)}; choose from {BENCHMARKS}")
    return chosen


def main() -> int:
    chosen = selected()
    if "gateway" in chosen and shutil.which("wrk") is None:
        print("the benchmarks need wrk: apt-get install wrk", file=sys.stderr)
        return 2
    admin_url = os.environ.get("WORKSYNC_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    amqp_url = os.environ.get("WORKSYNC_TEST_AMQP_URL", DEFAULT_AMQP_URL)
    with own_system(admin_url, amqp_url, BENCH_ENV) as system:
        database_url = system.database_url
        os.environ["WORKSYNC_BENCH_GATEWAY_URL"] = system.gateway_url
        os.environ["WORKSYNC_BENCH_IDENTITY_URL"] = system.service_urls["identity"]
        idle = memory_bench.snapshot(system)
        status = 0
        if "gateway" in chosen:
            status = asyncio.run(gateway_bench.main(gateway_bench.parse_arguments()))
        if "lists" in chosen:
            list_bench.run(system.gateway_url, database_url)
        if "summary" in chosen:
            summary_bench.run(system.gateway_url, database_url)
        if "latency" in chosen:
            event_latency_bench.run(system.gateway_url, database_url)
        if "resources" in chosen:
            resources_bench.run(system.gateway_url, database_url)
        if "request-path" in chosen:
            request_path_bench.run(system)
        if "work-items" in chosen:
            work_items_bench.run_templates(system.gateway_url, database_url)
        if "memory" in chosen:
            if chosen == {"memory"}:
                memory_bench.own_load(system.gateway_url)
            memory_bench.report(idle, memory_bench.snapshot(system))
    if "work-items" in chosen:
        work_items_bench.run(admin_url, amqp_url)
    if "timetracking" in chosen:
        timetracking_bench.run(admin_url, amqp_url)
    return status


if __name__ == "__main__":
    sys.exit(main())

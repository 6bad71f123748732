"""`python -m worksync.common.ops <command>`: the operator's one command line.

    deadletters list|show|replay|purge --queue <service>.events [--id <id>]
    outbox status [--service <name>]... [--json]
    republish <aggregate-type>... [--workspace <id>] [--batch-size 500]
    rebuild <service> <projection> --yes

Each service's database is the URL its own processes use (`<SERVICE>_DATABASE_URL`, else
`WORKSYNC_DATABASE_URL`) unless `--database-url` is given; the broker likewise
(`WORKSYNC_AMQP_URL`, `--amqp-url`). Exit status: 0 done, 1 failed or nothing found,
2 unknown names (a service, aggregate type or projection; a dead queue that is missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TextIO
from uuid import UUID

from worksync.common.db import create_engine, create_sessionmaker
from worksync.common.ops import deadletters, outbox_status, rebuild, republish
from worksync.common.ops.services import (
    AggregateType,
    ServiceOperations,
    installed_services,
    owner_of,
)

Services = Callable[[], Mapping[str, ServiceOperations]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m worksync.common.ops",
        description="Operate WorkSync: dead letters, outbox backlog, republish and rebuild.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    dead = commands.add_parser("deadletters", help="inspect, replay or purge a dead queue")
    dead.add_argument("action", choices=("list", "show", "replay", "purge"))
    dead.add_argument("--queue", required=True, help="the service's queue, e.g. identity.events")
    dead.add_argument("--id", dest="message_id", help="one message (the event id)")
    dead.add_argument("--amqp-url", help="the broker (default: WORKSYNC_AMQP_URL)")

    outbox = commands.add_parser("outbox", help="outbox backlog and consumer lag per service")
    outbox.add_argument("action", choices=("status",))
    outbox.add_argument("--service", action="append", help="only this service (repeatable)")
    outbox.add_argument("--json", action="store_true", help="JSON for machines")
    outbox.add_argument("--database-url", help="one database for every service named")
    outbox.add_argument("--amqp-url", help="the broker (default: each service's)")

    again = commands.add_parser("republish", help="publish every aggregate's current state")
    again.add_argument(
        "aggregate_types",
        nargs="+",
        metavar="aggregate_type",
        help="e.g. workspace.project, workitems.issue; several are republished in order",
    )
    again.add_argument("--workspace", type=UUID, help="only this workspace's aggregates")
    again.add_argument("--batch-size", type=int, default=republish.DEFAULT_BATCH_SIZE)
    again.add_argument("--database-url", help="the producer's database")

    rebuilt = commands.add_parser("rebuild", help="clear a projection for a republish")
    rebuilt.add_argument("service", help="the consuming service, e.g. timetracking")
    rebuilt.add_argument("projection", help="e.g. directory")
    rebuilt.add_argument("--yes", action="store_true", help="really delete its rows")
    rebuilt.add_argument("--database-url", help="the consumer's database")
    return parser


async def _outbox_status(
    args: argparse.Namespace, services: Mapping[str, ServiceOperations], out: TextIO
) -> int:
    wanted = args.service or list(services)
    unknown = [name for name in wanted if name not in services]
    if unknown:
        out.write(f"unknown service(s) {', '.join(unknown)}; known: {', '.join(services)}\n")
        return 2
    statuses = await asyncio.gather(
        *(
            outbox_status.service_status(
                services[name], database_url=args.database_url, amqp_url=args.amqp_url
            )
            for name in wanted
        )
    )
    if args.json:
        out.write(json.dumps(outbox_status.as_json(statuses), indent=2) + "\n")
    else:
        out.write(outbox_status.as_table(statuses) + "\n")
    return 1 if any(status.errors for status in statuses) else 0


async def _republish(
    args: argparse.Namespace, services: Mapping[str, ServiceOperations], out: TextIO
) -> int:
    try:
        owners = [owner_of(services, name) for name in args.aggregate_types]
    except LookupError as unknown:
        out.write(f"{unknown.args[0]}\n")
        return 2
    for name, service in zip(args.aggregate_types, owners, strict=True):
        aggregate = service.aggregate(name)
        assert aggregate is not None
        total = await _republish_one(args, service, aggregate, out)
        out.write(f"republished {total} {name} snapshot(s) into {service.name}'s outbox\n")
    return 0


async def _republish_one(
    args: argparse.Namespace, service: ServiceOperations, aggregate: AggregateType, out: TextIO
) -> int:
    engine = create_engine(args.database_url or service.current_settings().database_url)

    def progress(total: int) -> None:
        out.write(f"{aggregate.name}: {total} recorded\n")
        out.flush()

    try:
        return await republish.republish(
            create_sessionmaker(engine),
            aggregate,
            workspace_id=args.workspace,
            batch_size=args.batch_size,
            progress=progress,
        )
    finally:
        await engine.dispose()


async def _rebuild(
    args: argparse.Namespace, services: Mapping[str, ServiceOperations], out: TextIO
) -> int:
    service = services.get(args.service)
    if service is None:
        out.write(f"unknown service {args.service}; known: {', '.join(services)}\n")
        return 2
    projection = service.projection(args.projection)
    if projection is None:
        known = ", ".join(p.name for p in service.projections) or "none"
        out.write(f"{args.service} has no projection {args.projection}; known: {known}\n")
        return 2
    tables = ", ".join(table.fullname for table in projection.tables)
    if not args.yes:
        out.write(f"would delete every row of {tables}; add --yes to do so\n")
        return 1
    engine = create_engine(args.database_url or service.current_settings().database_url)
    try:
        deleted = await rebuild.clear(create_sessionmaker(engine), projection)
    finally:
        await engine.dispose()
    out.write(f"cleared {tables} ({deleted} rows); now republish:\n")
    out.write(f"  python -m worksync.common.ops republish {' '.join(projection.refilled_by)}\n")
    return 0


async def run(
    args: argparse.Namespace, out: TextIO, services: Services = installed_services
) -> int:
    """Carry out one parsed command; the process's exit status."""
    if args.command == "deadletters":
        return await deadletters.run(
            args.action,
            queue=args.queue,
            message_id=args.message_id,
            amqp_url=args.amqp_url,
            out=out,
        )
    if args.command == "outbox":
        return await _outbox_status(args, services(), out)
    if args.command == "republish":
        return await _republish(args, services(), out)
    return await _rebuild(args, services(), out)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "deadletters" and args.action == "show" and not args.message_id:
        parser.error("deadletters show needs --id")
    if args.command == "republish" and args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(parse(argv), sys.stdout))

"""`python -m worksync.identity.keys rotate|list|prune`: manage the token signing keys.

rotate  make a new key active; the previous one stays published until its tokens expired
list    every stored key and whether it is active and published
prune   delete retired keys that can no longer verify an unexpired token
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TextIO

from worksync.common.db import create_engine, create_sessionmaker
from worksync.identity.config import IdentitySettings
from worksync.identity.keys.service import KeyService, KeyStatus


def _describe(status: KeyStatus) -> str:
    activated = status.activated_at.isoformat(timespec="seconds")
    if status.retired_at is None:
        state = "active"
    else:
        state = f"retired {status.retired_at.isoformat(timespec='seconds')}"
    published = "published" if status.published else "unpublished"
    return f"{status.kid}  activated {activated}  {state}  {published}"


async def run_command(command: str, settings: IdentitySettings, out: TextIO) -> None:
    keys = KeyService(settings)
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with create_sessionmaker(engine).begin() as session:
            if command == "rotate":
                out.write(f"active key is now {await keys.rotate(session)}\n")
            elif command == "prune":
                pruned = await keys.prune(session)
                out.write(f"pruned {len(pruned)} key(s) {' '.join(pruned)}".rstrip() + "\n")
            else:
                for status in await keys.statuses(session):
                    out.write(_describe(status) + "\n")
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m worksync.identity.keys", description=__doc__)
    parser.add_argument("command", choices=["rotate", "list", "prune"])
    arguments = parser.parse_args(argv)
    asyncio.run(run_command(arguments.command, IdentitySettings(), sys.stdout))


if __name__ == "__main__":
    main()

"""`python -m worksync.identity.admin promote <email>`: make a user a platform admin.

The first admin cannot be made through the API (only admins promote), so an operator
with database access makes them here.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from worksync.common.db import create_engine, create_sessionmaker
from worksync.identity.config import IdentitySettings
from worksync.identity.users.repository import UserRepository


class UnknownUser(Exception):
    pass


async def promote(email: str, settings: IdentitySettings) -> None:
    """Raises UnknownUser when no account uses `email`."""
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        async with create_sessionmaker(engine).begin() as session:
            user = await UserRepository(session).get_by_email(email)
            if user is None:
                raise UnknownUser(email)
            user.is_platform_admin = True
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m worksync.identity.admin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    promote_command = commands.add_parser("promote", help="make a user a platform admin")
    promote_command.add_argument("email")
    arguments = parser.parse_args(argv)
    try:
        asyncio.run(promote(arguments.email, IdentitySettings()))
    except UnknownUser:
        print(f"no user with email {arguments.email}", file=sys.stderr)
        return 1
    print(f"{arguments.email} is now a platform admin")
    return 0


if __name__ == "__main__":
    sys.exit(main())

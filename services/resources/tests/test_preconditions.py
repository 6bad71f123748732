"""Optimistic concurrency: allocations, capacity profiles, milestones, deliverables and
milestone templates answer their version as `ETag`; their changes and deletions honour
`If-Match`."""

from __future__ import annotations

import httpx

from worksync.common.testing.directory import DirectorySeeder
from worksync.common.testing.preconditions import (
    assert_delete_honours_if_match,
    assert_honours_if_match,
)
from worksync.resources.testing import seed_world


async def test_every_versioned_resource(client: httpx.AsyncClient, seeder: DirectorySeeder) -> None:
    world = await seed_world(client, seeder)
    team, ids = world.team, world.ids
    headers = team.admin.headers
    milestone = f"{team.base}/projects/{ids['pid']}/milestones/{ids['milestone_id']}"
    changes = {
        f"{team.base}/allocations/{ids['allocation_id']}": lambda n: {"hours_per_week": n},
        f"{team.base}/team-members/{ids['profile_id']}": lambda n: {"hours_per_week": 30 + n},
        milestone: lambda n: {"title": f"Milestone {n}"},
        f"{milestone}/deliverables/{ids['deliverable_id']}": lambda n: {"title": f"Spec {n}"},
        f"{team.base}/milestone-templates/{ids['template_id']}": lambda n: {"name": f"Plan {n}"},
    }
    for url, change in changes.items():
        await assert_honours_if_match(client, url, headers, change)
    deletable = [url for url in changes if "/team-members/" not in url]
    # The deliverable before its milestone, which takes it along.
    for url in sorted(deletable, key=len, reverse=True):
        await assert_delete_honours_if_match(client, url, headers)

"""Time-entry events folded in arrival order: which are news, where each entry's time ends
up, and the feed entries each news writes. No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

from worksync.common.events.handlers import Version
from worksync.work_items.activity.changes import EntryState, TimeActivity, time_activity
from worksync.work_items.messaging.consumed import EntrySnapshot


@dataclass(frozen=True)
class StoredEntry:
    """An entry as stored: where its time counts and the sequence of the event that said so."""

    issue_id: UUID | None
    duration_seconds: int
    deleted: bool
    sequence: int

    def counted(self) -> EntryState | None:
        """Where its time counts (nowhere once deleted or on no issue)."""
        if self.deleted or self.issue_id is None:
            return None
        return EntryState(self.issue_id, self.duration_seconds)


EntryVersion = Version[EntrySnapshot]


def stored(version: EntryVersion) -> StoredEntry:
    """The entry as `version` leaves it."""
    return StoredEntry(
        issue_id=version.data.issue_id,
        duration_seconds=version.data.duration_seconds,
        deleted=version.deleted,
        sequence=version.sequence,
    )


@dataclass(frozen=True)
class AppliedVersion:
    """A version that was news, with the feed entries it writes."""

    version: EntryVersion
    activity: list[TimeActivity]


@dataclass
class Folded:
    """What versions applied one after another leave: each changed entry's last state (with
    its workspace), the versions that were news in their order, and every issue whose sum
    they moved (the one an entry left and the one it is on)."""

    stored: dict[UUID, tuple[UUID, StoredEntry]] = field(default_factory=dict)
    applied: list[AppliedVersion] = field(default_factory=list)
    touched_issue_ids: set[UUID] = field(default_factory=set)


def fold(known: Mapping[UUID, StoredEntry], versions: Sequence[EntryVersion]) -> Folded:
    """Apply `versions` in their order onto the entries as stored (`known`; one missing
    there was never seen): a version not newer than its entry's state is no news."""
    folded = Folded()
    current = dict(known)
    for version in versions:
        entry_id = version.data.entry_id
        before = current.get(entry_id)
        if before is not None and before.sequence >= version.sequence:
            continue
        after = stored(version)
        current[entry_id] = after
        folded.stored[entry_id] = (version.data.workspace_id, after)
        folded.touched_issue_ids |= {
            issue_id
            for issue_id in (after.issue_id, None if before is None else before.issue_id)
            if issue_id is not None
        }
        found = time_activity(None if before is None else before.counted(), after.counted())
        folded.applied.append(AppliedVersion(version, found))
    return folded

"""Pure rules of templates: dependencies name tasks of the template and never loop. No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def unknown_dependencies(depends_on: Mapping[str, Sequence[str]]) -> list[str]:
    """The keys dependencies name that are no task of the template, in order of mention."""
    return [key for keys in depends_on.values() for key in keys if key not in depends_on]


def in_a_cycle(depends_on: Mapping[str, Sequence[str]]) -> list[str]:
    """The tasks on or behind a dependency loop (empty: none). Kahn's algorithm: whatever
    cannot be ordered after everything it depends on is caught in a loop."""
    waiting = {key: len(set(keys)) for key, keys in depends_on.items()}
    dependents: dict[str, list[str]] = {key: [] for key in depends_on}
    for key, keys in depends_on.items():
        for dependency in set(keys):
            dependents[dependency].append(key)
    ready = [key for key, count in waiting.items() if count == 0]
    while ready:
        done = ready.pop()
        for dependent in dependents[done]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                ready.append(dependent)
    return [key for key, count in waiting.items() if count > 0]

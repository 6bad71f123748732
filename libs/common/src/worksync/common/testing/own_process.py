"""Running a script in a process of its own, for what tunes a whole process (tracing's
global provider, the garbage collector, the allocator) and must not touch the test process."""

from __future__ import annotations

import subprocess
import sys


def run_script(script: str, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """Run `script` with `args` under this interpreter; its output lines."""
    # The script is the calling test's own code, run by this interpreter.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=env,
    )
    return result.stdout.strip().splitlines()

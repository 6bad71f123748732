"""Load from wrk for the request-path bench: one endpoint at a fixed concurrency, its
throughput and latency read off wrk's report, and the Lua that varies writes (a free time
slot per created entry, users taken in turn for timers) so that every request succeeds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

CONNECTIONS = 16
SLOT_SECONDS = 15 * 60
# A wrk report's latency distribution: "  50%  1.23ms".
_PERCENTILE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: (.*)")
_REFUSED = re.compile(r"^refused: (\d+) (.*)$", re.MULTILINE)
_CODE = re.compile(r'"code":\s*"(\w+)"')
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None = None
    # Lua appended to wrk's script: a `request()` that varies each request.
    script: str = ""


@dataclass(frozen=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failures: str


def wrk(endpoint: Endpoint, duration: int) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        body = "nil" if endpoint.body is None else lua_string(endpoint.body.decode())
        script.write(f'wrk.method = "{endpoint.method}"\n')
        script.write(f"wrk.body = {body}\n")
        for name, value in endpoint.headers.items():
            script.write(f'wrk.headers["{name}"] = "{value}"\n')
        script.write(endpoint.script)
        script.write(_REPORT_REFUSALS)
    try:
        command = [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{duration}s",
            "--latency",
            "-s",
            script.name,
            endpoint.url,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    percentiles = {
        found.group(1): float(found.group(2)) * _UNIT_MS[found.group(3)]
        for found in _PERCENTILE.finditer(output)
    }
    failures = [
        *(f"{n} non-2xx" for n in _NON_2XX.findall(output)),
        *(f"socket errors {s}" for s in _SOCKET_ERRORS.findall(output)),
    ]
    if failures and (refused := _REFUSED.search(output)):
        code = _CODE.search(refused.group(2))
        failures.append(f"first: {refused.group(1)} {code.group(1) if code else refused.group(2)}")
    requests = _REQUESTS.search(output)
    return Load(
        requests_per_second=float(requests.group(1)) if requests else 0.0,
        p50_ms=percentiles.get("50", float("nan")),
        p99_ms=percentiles.get("99", float("nan")),
        failures=", ".join(failures),
    )


def lua_string(value: str) -> str:
    """A Lua string literal (JSON's escapes are Lua's for what we send)."""
    return json.dumps(value)


# The first refusals of each of wrk's threads, so that a failure says what it was.
_REPORT_REFUSALS = """
local refusals = 0
function response(status, headers, body)
  if status >= 300 and refusals < 2 then
    refusals = refusals + 1
    io.write("refused: ", status, " ", string.sub(body or "", 1, 200), "\\n")
  end
end
"""


# Each of wrk's threads learns its index (0, 1), so that the threads' counters never meet.
# wrk asks the first thread's script for one request to check it and never sends it: that
# one (`unsent`) takes no turn, or the first user's start would be missing.
_THREAD_INDEX = """
local next_index = 0
function setup(thread)
  thread:set("index", next_index)
  thread:set("unsent", next_index == 0)
  next_index = next_index + 1
end
local counter = 0
function checked()
  if unsent then
    unsent = false
    return wrk.format()
  end
end
"""


def entry_script(path: str, first_slot: datetime, body: dict[str, Any]) -> str:
    """wrk's script for creating entries: request n of thread i takes 15-minute slot
    2n + i from `first_slot` on, so that no two overlap."""
    template = json.dumps({**body, "started_at": "%s", "ended_at": "%s"})
    return _THREAD_INDEX + (
        f"local first = {int(first_slot.timestamp())}\n"
        f"local template = {lua_string(template)}\n"
        f"local path = {lua_string(path)}\n"
        "function request()\n"
        "  local check = checked()\n"
        "  if check then return check end\n"
        f"  local started = first + (counter * 2 + index) * {SLOT_SECONDS}\n"
        "  counter = counter + 1\n"
        f'  local started_at = os.date("!{TIMESTAMP}", started)\n'
        f'  local ended_at = os.date("!{TIMESTAMP}", started + {SLOT_SECONDS})\n'
        "  local body = string.format(template, started_at, ended_at)\n"
        '  return wrk.format("POST", path, nil, body)\n'
        "end\n"
    )


def timer_script(base: str, body: dict[str, Any], headers: list[dict[str, str]]) -> str:
    """wrk's script for timers: each thread takes its half of the users in turn, a lap of
    starts, then a lap of stops, so that a stop comes a lap after its user's start."""
    tokens = ", ".join(lua_string(header["Authorization"]) for header in headers)
    return _THREAD_INDEX + (
        f"local tokens = {{{tokens}}}\n"
        f"local start_path = {lua_string(base + '/start')}\n"
        f"local stop_path = {lua_string(base + '/stop')}\n"
        f"local start_body = {lua_string(json.dumps(body))}\n"
        "function request()\n"
        "  local check = checked()\n"
        "  if check then return check end\n"
        "  local half = #tokens / 2\n"
        "  local user = index * half + counter % half + 1\n"
        "  local lap = math.floor(counter / half)\n"
        "  counter = counter + 1\n"
        '  local headers = {["Authorization"] = tokens[user],'
        ' ["Content-Type"] = "application/json"}\n'
        "  if lap % 2 == 0 then\n"
        '    return wrk.format("POST", start_path, headers, start_body)\n'
        "  end\n"
        '  return wrk.format("POST", stop_path, headers, nil)\n'
        "end\n"
    )

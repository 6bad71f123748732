"""Gateway benchmark: what the gateway costs compared with calling identity directly.

Assumes identity and the gateway are already running (see bench/README.md), with the
gateway's rate limits off (`GATEWAY_RATE_LIMIT_ENABLED=false`) so that they do not
measure themselves. Registers and logs in a fresh user, then measures with `wrk`:

1. authenticated `GET /api/v1/auth/me` at concurrency 32, through the gateway and direct
   (interleaved pairs of runs, medians):
   requests/s, p50, p99 and the throughput ratio (target >= 0.6);
2. the p50 the gateway adds at concurrency 1 (target <= 0.5 ms);
3. login throughput (`POST /api/v1/auth/login`);
4. the p99 of an unrelated GET, alone and while logins arrive at a steady 20/s
   (paced by an asyncio loop), to show that password hashing does not stall other work;
5. the gateway's own cost against a fast upstream (a raw ASGI app answering `/auth/me`
   with a fixed body and serving JWKS, so the upstream costs almost nothing): the script
   starts that upstream and a gateway of its own in front of it (`python -m
   worksync.gateway`, as `make up` runs it) and compares them as in 1 and 2 — the
   throughput ratio at c=32 (target >= 0.9) and the p50 added at c=1 (target <= 0.5 ms).

Usage: uv run python -m bench.gateway_bench [--gateway URL] [--identity URL] [--duration S]
       [--only identity|fast]
URLs also come from WORKSYNC_BENCH_GATEWAY_URL / WORKSYNC_BENCH_IDENTITY_URL. The gateway
started for 5 runs the code on `PYTHONPATH` first (how bench/README.md measured "before").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.raw_asgi import serve_raw_asgi, wait_until_ready
from scripts.local_system import free_port

WRK = shutil.which("wrk") or "/usr/bin/wrk"
PASSWORD = "bench-Password-123!"
THROUGHPUT_TARGET = 0.6
FAST_UPSTREAM_THROUGHPUT_TARGET = 0.9
ADDED_P50_TARGET_MS = 0.5
ROOT = Path(__file__).resolve().parent.parent
FAST_ANSWER = json.dumps(
    {
        "id": "0190c5b2-7d1c-7c3a-9f00-000000000001",
        "email": "bench@example.com",
        "display_name": "Bench User",
        "email_verified": True,
    }
).encode()

# `done` prints one machine-readable line; wrk's own text output is ignored.
LUA_TEMPLATE = """
wrk.method = {method}
wrk.body = {body}
{headers}
local non_2xx = 0
function response(status, headers, body)
  if status < 200 or status > 299 then non_2xx = non_2xx + 1 end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT {{\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, "
    .. "\\"p99_us\\": %d, \\"errors\\": %d, \\"status_errors\\": %d}}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failed: int  # socket errors and non-2xx answers
    requests: int

    @property
    def failure_note(self) -> str:
        return f"  ({self.failed} of {self.requests} failed!)" if self.failed else ""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def _lua_script(method: str, headers: dict[str, str], body: str | None) -> str:
    header_lines = "\n".join(
        f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}"
        for name, value in headers.items()
    )
    return LUA_TEMPLATE.format(
        method=_lua_string(method),
        body=_lua_string(body) if body is not None else "nil",
        headers=header_lines,
    )


async def run_wrk(
    url: str,
    *,
    connections: int,
    duration_seconds: int,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
) -> WrkResult:
    threads = max(1, min(2, connections))
    with tempfile.TemporaryDirectory(prefix="gateway-bench-") as directory:
        script = Path(directory) / "request.lua"
        script.write_text(_lua_script(method, headers or {}, body))
        return await _run_wrk_script(url, script, connections, duration_seconds, threads)


async def _run_wrk_script(
    url: str, script: Path, connections: int, duration_seconds: int, threads: int
) -> WrkResult:
    process = await asyncio.create_subprocess_exec(
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration_seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), duration_seconds + 60)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    for line in stdout.decode().splitlines():
        if line.startswith("BENCH_RESULT "):
            data = json.loads(line.removeprefix("BENCH_RESULT "))
            seconds = data["duration_us"] / 1e6
            return WrkResult(
                requests_per_second=data["requests"] / seconds if seconds else 0.0,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                failed=data["errors"] + data["status_errors"],
                requests=data["requests"],
            )
    raise RuntimeError(f"wrk gave no result for {url}: {stderr.decode()}{stdout.decode()}")


async def register_and_login(client: httpx.AsyncClient, identity: str) -> tuple[str, str]:
    """A fresh user's (email, access token), straight from identity."""
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    response = await client.post(
        identity + "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Bench User"},
    )
    if response.status_code not in (200, 201):
        raise RuntimeError(f"register answered {response.status_code}: {response.text}")
    response = await client.post(
        identity + "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    if response.status_code != 200:
        raise RuntimeError(f"login answered {response.status_code}: {response.text}")
    return email, str(response.json()["access_token"])


async def paced_logins(
    client: httpx.AsyncClient, url: str, email: str, rate: float, duration_seconds: float
) -> tuple[int, int]:
    """Logins at a fixed rate (open loop, like wrk2): (sent, succeeded)."""
    body = {"email": email, "password": PASSWORD}
    outcomes: list[bool] = []

    async def one() -> None:
        try:
            response = await client.post(url, json=body)
            outcomes.append(response.status_code == 200)
        except httpx.HTTPError:
            outcomes.append(False)

    tasks: list[asyncio.Task[None]] = []
    start = time.monotonic()
    count = int(rate * duration_seconds)
    for index in range(count):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return len(outcomes), sum(outcomes)


def _row(name: str, value: str, note: str = "") -> str:
    return f"| {name:<54} | {value:>15} | {note}"


@dataclass(frozen=True)
class Comparison:
    """Direct and via-gateway runs, interleaved in pairs so that drift in the upstream
    (or a busy machine) hits both sides alike; figures are medians over the pairs."""

    direct: list[WrkResult]
    via: list[WrkResult]

    @staticmethod
    def _median(values: list[float]) -> float:
        return statistics.median(values)

    def median(self, side: str, figure: str) -> float:
        runs = self.direct if side == "direct" else self.via
        return self._median([getattr(run, figure) for run in runs])

    @property
    def ratio(self) -> float:
        return self._median(
            [
                v.requests_per_second / d.requests_per_second
                for d, v in zip(self.direct, self.via, strict=True)
            ]
        )

    @property
    def added_p50_ms(self) -> float:
        return self._median(
            [v.p50_ms - d.p50_ms for d, v in zip(self.direct, self.via, strict=True)]
        )

    @property
    def failure_note(self) -> str:
        failed = sum(run.failed for run in (*self.direct, *self.via))
        total = sum(run.requests for run in (*self.direct, *self.via))
        return f"  ({failed} of {total} failed!)" if failed else ""


async def compare(
    direct_url: str,
    via_url: str,
    connections: int,
    arguments: argparse.Namespace,
    auth: dict[str, str],
) -> Comparison:
    direct: list[WrkResult] = []
    via: list[WrkResult] = []
    for _ in range(arguments.pairs):
        for url, results in ((direct_url, direct), (via_url, via)):
            results.append(
                await run_wrk(
                    url,
                    connections=connections,
                    duration_seconds=arguments.duration,
                    headers=auth,
                )
            )
    return Comparison(direct, via)


def serve_fast_upstream(port: int, jwks: bytes) -> None:
    """The fast upstream (run in a process of its own): JWKS, else a fixed small answer,
    served with uvloop and httptools."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = jwks if scope["path"].endswith("/jwks.json") else FAST_ANSWER
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    serve_raw_asgi(app, port)


@contextmanager
def fast_upstream_system() -> Iterator[tuple[str, str, str]]:
    """A fast upstream and a gateway in front of it, as processes: (upstream URL, gateway
    URL, a token the gateway accepts)."""
    from worksync.common.testing.tokens import TokenMinter

    minter = TokenMinter()
    upstream_port, gateway_port = free_port(), free_port()
    upstream_url = f"http://127.0.0.1:{upstream_port}"
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    env = {
        **os.environ,
        "WORKSYNC_ENVIRONMENT": "test",
        "WORKSYNC_LOG_LEVEL": "WARNING",
        "GATEWAY_IDENTITY_URL": upstream_url,
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(gateway_port),
        "GATEWAY_METRICS_PORT": str(free_port()),
        "GATEWAY_RATE_LIMIT_ENABLED": "false",
        "GATEWAY_INTERNAL_SECRET": secrets.token_urlsafe(32),
        "GATEWAY_JWT_ISSUER": minter.issuer,
        "GATEWAY_JWT_AUDIENCE": minter.audience,
    }
    jwks = json.dumps(minter.jwks())
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.gateway_bench",
                "--serve-fast-upstream",
                str(upstream_port),
                jwks,
            ],
            cwd=ROOT,
            env=env,
        )
    ]
    try:
        wait_until_ready(upstream_url + "/readyz", processes)
        processes.append(
            subprocess.Popen([sys.executable, "-m", "worksync.gateway"], cwd=ROOT, env=env)
        )
        wait_until_ready(gateway_url + "/readyz", processes)
        yield upstream_url, gateway_url, minter.mint(ttl_seconds=3600)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


async def measure_fast_upstream(arguments: argparse.Namespace) -> list[str]:
    """The table rows of figure 5."""
    me = "/api/v1/auth/me"
    with fast_upstream_system() as (upstream, gateway, token):
        auth = {"Authorization": f"Bearer {token}"}
        c = arguments.connections
        loaded = await compare(upstream + me, gateway + me, c, arguments, auth)
        single = await compare(upstream + me, gateway + me, 1, arguments, auth)
    return [
        _row(
            f"fast upstream, c={c}: req/s direct / via gateway",
            f"{loaded.median('direct', 'requests_per_second'):.0f} / "
            f"{loaded.median('via', 'requests_per_second'):.0f}",
            loaded.failure_note,
        ),
        _row(
            f"fast upstream, c={c}: throughput ratio gateway / direct",
            f"{loaded.ratio:.2f}",
            f"target >= {FAST_UPSTREAM_THROUGHPUT_TARGET}",
        ),
        _row(
            "fast upstream, p50 at c=1, direct / via gateway ms",
            f"{single.median('direct', 'p50_ms'):.2f} / {single.median('via', 'p50_ms'):.2f}",
            single.failure_note,
        ),
        _row(
            "fast upstream, p50 added by the gateway at c=1 ms",
            f"{single.added_p50_ms:.2f}",
            f"target <= {ADDED_P50_TARGET_MS}",
        ),
    ]


async def main(arguments: argparse.Namespace) -> int:
    header = [
        f"gateway benchmark: {arguments.pairs} interleaved pair(s) of {arguments.duration} s "
        f"runs, medians; load average {' / '.join(f'{load:.2f}' for load in os.getloadavg())}",
        _row("figure", "value", "note"),
        "|" + "-" * 56 + "|" + "-" * 17 + "|" + "-" * 24,
    ]
    rows: list[str] = []
    status = 0
    if arguments.only != "fast":
        status = await measure_identity(arguments, rows)
    if arguments.only != "identity":
        rows += await measure_fast_upstream(arguments)
    print("\n".join(header + rows))
    return status


async def measure_identity(arguments: argparse.Namespace, rows: list[str]) -> int:
    """Figures 1-4 (against identity), added to `rows`."""
    gateway, identity = arguments.gateway.rstrip("/"), arguments.identity.rstrip("/")
    duration = arguments.duration
    async with httpx.AsyncClient(timeout=30.0) as client:
        for name, url in (("gateway", gateway), ("identity", identity)):
            try:
                (await client.get(url + "/livez")).raise_for_status()
            except httpx.HTTPError as exc:
                print(f"{name} is not answering at {url}: {exc}", file=sys.stderr)
                return 2
        email, token = await register_and_login(client, identity)
        auth = {"Authorization": f"Bearer {token}"}
        me = "/api/v1/auth/me"
        c = arguments.connections

        loaded = await compare(identity + me, gateway + me, c, arguments, auth)
        single = await compare(identity + me, gateway + me, 1, arguments, auth)

        login_body = json.dumps({"email": email, "password": PASSWORD})
        logins = await run_wrk(
            gateway + "/api/v1/auth/login",
            connections=arguments.login_connections,
            duration_seconds=duration,
            method="POST",
            body=login_body,
            headers={"Content-Type": "application/json"},
        )

        unrelated = gateway + arguments.unrelated_path
        baseline = await run_wrk(unrelated, connections=4, duration_seconds=duration)
        under_load, (sent, succeeded) = await asyncio.gather(
            run_wrk(unrelated, connections=4, duration_seconds=duration),
            paced_logins(
                client, gateway + "/api/v1/auth/login", email, arguments.login_rate, duration
            ),
        )

    path = arguments.unrelated_path
    rows += [
        _row(
            f"GET {me} direct, c={c}: req/s",
            f"{loaded.median('direct', 'requests_per_second'):.0f}",
        ),
        _row(
            f"GET {me} direct, c={c}: p50 / p99 ms",
            f"{loaded.median('direct', 'p50_ms'):.2f} / {loaded.median('direct', 'p99_ms'):.2f}",
        ),
        _row(
            f"GET {me} via gateway, c={c}: req/s",
            f"{loaded.median('via', 'requests_per_second'):.0f}",
            loaded.failure_note,
        ),
        _row(
            f"GET {me} via gateway, c={c}: p50 / p99 ms",
            f"{loaded.median('via', 'p50_ms'):.2f} / {loaded.median('via', 'p99_ms'):.2f}",
        ),
        _row(
            "throughput ratio gateway / direct",
            f"{loaded.ratio:.2f}",
            f"target >= {THROUGHPUT_TARGET}",
        ),
        _row(
            "p50 at c=1, direct / via gateway ms",
            f"{single.median('direct', 'p50_ms'):.2f} / {single.median('via', 'p50_ms'):.2f}",
            single.failure_note,
        ),
        _row(
            "p50 added by the gateway at c=1 ms",
            f"{single.added_p50_ms:.2f}",
            f"target <= {ADDED_P50_TARGET_MS}",
        ),
        _row(
            f"POST /api/v1/auth/login via gateway, c={arguments.login_connections}: req/s",
            f"{logins.requests_per_second:.1f}",
            logins.failure_note,
        ),
        _row(f"GET {path} p99 alone ms", f"{baseline.p99_ms:.2f}", baseline.failure_note),
        _row(
            f"GET {path} p99 with {arguments.login_rate:g} logins/s ms",
            f"{under_load.p99_ms:.2f}",
            f"logins ok {succeeded}/{sent}{under_load.failure_note}",
        ),
    ]
    if loaded.failure_note or single.failure_note:
        print(
            "\nWARNING: some requests failed; if they are 429s, start the gateway with "
            "GATEWAY_RATE_LIMIT_ENABLED=false for benchmarks.",
            file=sys.stderr,
        )
    return 0


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--gateway", default=os.environ.get("WORKSYNC_BENCH_GATEWAY_URL", "http://127.0.0.1:8000")
    )
    parser.add_argument(
        "--identity", default=os.environ.get("WORKSYNC_BENCH_IDENTITY_URL", "http://127.0.0.1:8001")
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument(
        "--pairs", type=int, default=3, help="interleaved direct/gateway run pairs per figure"
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--login-connections", type=int, default=8)
    parser.add_argument("--login-rate", type=float, default=20.0, help="logins per second")
    parser.add_argument("--unrelated-path", default="/.well-known/jwks.json")
    parser.add_argument(
        "--only",
        choices=["identity", "fast"],
        help="only the figures against identity (1-4), or only the fast upstream's (5)",
    )
    return parser.parse_args()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve-fast-upstream"]:
        serve_fast_upstream(int(sys.argv[2]), sys.argv[3].encode())
    else:
        sys.exit(asyncio.run(main(parse_arguments())))

"""The load generator: virtual users on asyncio + aiohttp, in the bench process, apart from the
server's. Each virtual user has its own cookies and connection, as a browser would."""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Stats:
    name: str
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    sample_error: str = ""
    statuses: dict[int, int] = field(default_factory=dict)
    duration: float = 0.0

    def pct(self, p: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.duration if self.duration else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "requests": len(self.latencies),
            "errors": self.errors,
            "statuses": self.statuses,
            "p50_ms": self.pct(50),
            "p95_ms": self.pct(95),
            "p99_ms": self.pct(99),
            "mean_ms": statistics.fmean(self.latencies) * 1000 if self.latencies else None,
            "per_second": round(self.throughput, 1),
            "sample_error": self.sample_error,
        }


@dataclass
class VirtualUser:
    http: aiohttp.ClientSession
    base: str
    assessment_id: int = 0
    csrf: str = ""
    versions: dict[str, int] = field(default_factory=dict)


async def new_user(base: str) -> VirtualUser:
    connector = aiohttp.TCPConnector(limit=1, force_close=False)
    http = aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.CookieJar(unsafe=True),
        timeout=aiohttp.ClientTimeout(total=120),
    )
    return VirtualUser(http=http, base=base)


async def login(user: VirtualUser, email: str, password: str, landing: str = "/en/") -> None:
    async with user.http.get(user.base + "/en/login") as page:
        token = CSRF_FIELD.search(await page.text())
    assert token, "no CSRF token on the login page"
    form = {"email": email, "password": password, "csrf_token": token.group(1)}
    async with user.http.post(user.base + "/en/login", data=form, allow_redirects=False) as reply:
        if reply.status != 302:
            raise RuntimeError(f"login of {email} answered {reply.status}")
    async with user.http.get(user.base + landing) as page:
        meta = CSRF_META.search(await page.text())
    assert meta, "no CSRF token after login"
    user.csrf = meta.group(1)


async def close(users: list[VirtualUser]) -> None:
    await asyncio.gather(*(u.http.close() for u in users))


class Failed(Exception):
    def __init__(self, status: int, body: str):
        super().__init__(status, body)
        self.status, self.body = status, body


Action = Callable[[VirtualUser, random.Random], Awaitable[int]]


def autosave(questions: list[str]) -> Action:
    """One autosave of a random scale question, with the version last seen (as the page does)."""

    async def act(user: VirtualUser, rng: random.Random) -> int:
        question = rng.choice(questions)
        payload = {
            "version": user.versions.get(question, 1),
            "level": rng.randrange(5),
            "confidence": rng.choice(("high", "medium", "low")),
            "evidence": f"Report {rng.randrange(1000)}",
            "operation_id": uuid.uuid4().hex,
        }
        url = f"{user.base}/en/assessments/{user.assessment_id}/answers/{question}"
        async with user.http.post(url, json=payload, headers={"X-CSRFToken": user.csrf}) as reply:
            if reply.status not in (200, 409):
                raise Failed(reply.status, (await reply.text())[:300])
            body = await reply.json(content_type=None)
            if isinstance(body, dict) and body.get("version"):
                user.versions[question] = int(body["version"])
            return reply.status

    return act


def baseline_upsert(questions: list[str]) -> Action:
    async def act(user: VirtualUser, rng: random.Random) -> int:
        question = rng.choice(questions)
        payload = {"level": rng.randrange(5), "evidence": f"Report {rng.randrange(1000)}"}
        url = f"{user.base}/upsert/{user.assessment_id}/{question}"
        async with user.http.post(url, json=payload) as reply:
            await reply.read()
            return reply.status

    return act


def get(path: str) -> Action:
    """GET a page; `{a}` in the path is the user's assessment."""

    async def act(user: VirtualUser, _rng: random.Random) -> int:
        async with user.http.get(user.base + path.format(a=user.assessment_id)) as reply:
            await reply.read()
            return reply.status

    return act


async def _timed(user: VirtualUser, action: Action, rng: random.Random, stats: Stats) -> None:
    started = time.perf_counter()
    try:
        status = await action(user, rng)
    except Failed as failure:
        stats.errors += 1
        stats.statuses[failure.status] = stats.statuses.get(failure.status, 0) + 1
        stats.sample_error = stats.sample_error or f"{failure.status}: {failure.body}"
        return
    except (TimeoutError, aiohttp.ClientError) as error:
        stats.errors += 1
        stats.sample_error = stats.sample_error or repr(error)
        return
    stats.statuses[status] = stats.statuses.get(status, 0) + 1
    if status >= 400:
        stats.errors += 1
    else:
        stats.latencies.append(time.perf_counter() - started)


async def closed_loop(name: str, users: list[VirtualUser], action: Action, seconds: float) -> Stats:
    """Every user sends the next request as soon as the last is answered: throughput."""
    stats = Stats(name)
    deadline = time.perf_counter() + seconds

    async def run(user: VirtualUser, seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311
        while time.perf_counter() < deadline:
            await _timed(user, action, rng, stats)

    started = time.perf_counter()
    await asyncio.gather(*(run(u, k) for k, u in enumerate(users)))
    stats.duration = time.perf_counter() - started
    return stats


async def paced(
    name: str, users: list[VirtualUser], action: Action, seconds: float, every: float
) -> Stats:
    """Every user acts about once per `every` seconds (random start, jittered pauses), as people
    answering a questionnaire do: latency under a realistic load, not a saturated one."""
    stats = Stats(name)
    deadline = time.perf_counter() + seconds

    async def run(user: VirtualUser, seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311
        await asyncio.sleep(rng.uniform(0, every))
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            await _timed(user, action, rng, stats)
            pause = every * rng.uniform(0.5, 1.5) - (time.perf_counter() - began)
            if pause > 0:
                await asyncio.sleep(pause)

    started = time.perf_counter()
    await asyncio.gather(*(run(u, k) for k, u in enumerate(users)))
    stats.duration = time.perf_counter() - started
    return stats


async def sequential(name: str, user: VirtualUser, action: Action, count: int) -> Stats:
    stats = Stats(name)
    rng = random.Random(1)  # noqa: S311
    started = time.perf_counter()
    for _ in range(count):
        await _timed(user, action, rng, stats)
    stats.duration = time.perf_counter() - started
    return stats

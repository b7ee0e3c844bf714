#!/usr/bin/env python3
"""Load test: wrk drives a real gunicorn with page reads and members' votes and comments.

    .venv/bin/python scripts/load_test.py                      # 100 connections, 30 s
    .venv/bin/python scripts/load_test.py --duration 3 --connections 5
    make load LOAD_ARGS="--duration 60"
    make load LOAD_ARGS="--via-proxy"                          # through make serve's stack
    make load LOAD_ARGS="--json mixed.json"                    # the figures, as JSON too

The site runs as in production (DJANGO_DEBUG=0, hashed static files, gunicorn
on 127.0.0.1; with --via-proxy, the whole stack of `make serve`: nginx in front of
--apps app servers and the task worker, and wrk aims at nginx) on a database
made for the run and dropped afterwards: a PostgreSQL database beside
DATABASE_URL's when it is set, else a SQLite file. With REDIS_URL the cache,
sessions and rate limits use that Redis under a key prefix of their own, deleted
afterwards (nothing else in it is touched).

Setup goes through the ORM: collabs and members older than a day (so the
young members' limits stay out of the way), verified emails, and sessions
minted in the session store with a CSRF secret each: no logins. scripts/load.lua
(wrk's Lua API) then mixes reads with votes (each member votes at most once
per collab) and htmx comments (at most 4 per member per minute, under the
5-a-minute limit), so the run measures capacity, not the rate limits. Writes stop a sixth
of the run before its end (2 to 5 s) so that every vote is answered while wrk still counts.

Before wrk starts, every page the mix reads is requested a few times per worker, as a
visitor and as a member (warm_up): the mix measures the site as it runs once its caches
hold its pages, not its first seconds after a start, when 100 connections queue behind
renders into empty caches (that cost is the benchmark's cold column). --cold-start skips
the warm-up.

The server runs with bench/settings.py (production settings plus `/__ceiling__/`, a
trivial view rendering a tiny template), and after the mix wrk drives the ceiling alone
with the same connections for up to 10 s (--ceiling-duration): the mix is reported as a
share of it (`make bench` shows that share). --json PATH writes the figures: requests/s,
the ceiling's, the share, latency percentiles, errors, the tally and whether it is exact.

Exit status 1, with the reasons, when any request answers 5xx (or any status
other than 2xx/3xx, or fails at the socket), when p95 latency exceeds
--max-p95-ms (500), or when the tally is off: the Vote rows must equal the
successful vote answers, the collabs' vote counts must add up to the Vote
rows, and the comments stored must equal the successful comment answers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("load.lua")
CEILING_LUA = ROOT / "bench" / "report.lua"  # prints BENCH_JSON {requests, p50_us, ...}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (30)")
    parser.add_argument("--connections", type=int, default=100, help="open connections (100)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: CPUs + 1)"
    )
    parser.add_argument("--members", type=int, default=100, help="virtual members (100)")
    parser.add_argument("--collabs", type=int, default=120, help="collabs in the catalogue (120)")
    parser.add_argument("--vote-share", type=float, default=0.10, help="share of votes (0.10)")
    parser.add_argument(
        "--comment-share", type=float, default=0.03, help="share of comments (0.03)"
    )
    parser.add_argument("--max-p95-ms", type=float, default=500.0, help="p95 limit in ms (500)")
    parser.add_argument(
        "--ceiling-duration",
        type=int,
        default=None,
        help="seconds of load on /__ceiling__/ after the mix (the mix's, 10 at most; 0: none)",
    )
    parser.add_argument(
        "--cold-start", action="store_true", help="no warm-up: wrk meets empty caches"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    parser.add_argument(
        "--via-proxy",
        action="store_true",
        help="run make serve's stack (scripts/serve.py: nginx, app servers, worker) and load nginx",
    )
    parser.add_argument(
        "--apps", type=int, default=1, help="with --via-proxy: app servers, --workers each (1)"
    )
    return parser.parse_args(argv)


# The site, as production runs it ------------------------------------------------------


def site_env(workdir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS"))}
    env.pop("DATABASE_URL", None)
    env |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # production's, plus /__ceiling__/
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": f"crossover-load-{os.getpid()}",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env["SQLITE_PATH"] = str(workdir / "load.sqlite3")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def run_database(base_url: str):
    """A PostgreSQL database for this run beside `base_url`'s, dropped afterwards."""
    if not base_url:
        yield ""
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(base_url)
    name = f"crossover_load_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(drop)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(drop)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path):
    with socket_port() as port, log.open("w") as output:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--backlog",
                "2048",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        sys.exit(f"gunicorn did not start:\n{log.read_text()}")
                    time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextlib.contextmanager
def proxied_stack(env: dict[str, str], workers: int, apps: int, log: Path, run_dir: Path):
    """`make serve`'s stack (nginx → app servers, and the worker); yields nginx's URL."""
    with socket_port() as port, log.open("a") as output:  # nginx appends to the same file
        stack_env = env | {
            "SERVE_PORT": str(port),
            "SERVE_APPS": str(apps),
            "SERVE_WORKERS": str(workers),
            "SERVE_RUN_DIR": str(run_dir),
        }
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve.py")],
            cwd=ROOT,
            env=stack_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while "Crossover is running" not in log.read_text(errors="replace"):
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"the stack did not start:\n{log.read_text()[-5000:]}")
                time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=90)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextlib.contextmanager
def socket_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield port


# Data, through the ORM -------------------------------------------------------------------


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def make_data(args: argparse.Namespace) -> dict:
    """Artists, collabs and an article; members older than a day with sessions. The plan."""
    from datetime import date, timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db import connections
    from django.utils import timezone

    from accounts.models import User
    from accounts.names import skeleton
    from articles import services as articles
    from collabs import services as collabs
    from collabs.services import CreditSpec

    artists = [
        collabs.artist_create(name=f"Artist {n}", country=("KR", "US", "GB", "JP")[n % 4])
        for n in range(24)
    ]
    catalogue = [
        collabs.collab_create(
            title=f"Crossover {n}",
            release_date=date(2010 + n % 16, 1 + n % 12, 1 + n % 28),
            credits=[
                CreditSpec(artist=artists[n % 24], join_phrase=" & "),
                CreditSpec(artist=artists[(n * 5 + 1) % 24]),
            ],
        )
        for n in range(args.collabs)
    ]
    article = articles.article_create(
        title="K-pop meets the world",
        standfirst="The collabs that crossed over.",
        body="Comment below with your favourite crossover collab!",
        status="published",
        published_at=timezone.now() - timedelta(hours=1),
        featured=catalogue[:3],
    )
    joined = timezone.now() - timedelta(days=30)
    unusable = make_password(None)
    members = User.objects.bulk_create(
        User(
            username=f"load{n}",
            username_key=skeleton(f"load{n}"),  # bulk_create skips User.save()
            email=f"load{n}@example.com",
            password=unusable,
            date_joined=joined,
        )
        for n in range(args.members)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=m, email=m.email, verified=True, primary=True) for m in members
    )
    plan_members = []
    for index, member in enumerate(members):
        session = SessionStore()
        session[SESSION_KEY] = str(member.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = member.get_session_auth_hash()
        session.create()
        # An unmasked CSRF secret: Django accepts it in X-CSRFToken against the cookie.
        plan_members.append(
            {"index": index, "session": session.session_key, "csrf": secrets.token_hex(16)}
        )
    reads = ["/", "/collabs/", "/collabs/?sort=hot", "/top/", article.get_absolute_url()]
    reads += [c.get_absolute_url() for c in catalogue[:20]]
    reads += [a.get_absolute_url() for a in artists[:4]]
    connections.close_all()
    return {
        "threads": args.threads,
        "members": plan_members,
        "collabs": [{"slug": c.slug, "thread": c.thread_id} for c in catalogue],
        "reads": reads,
        "vote_share": args.vote_share,
        "comment_share": args.comment_share,
        "member_read_share": 0.5,
        "comments_per_minute": 4,
        "duration": args.duration,
        # No writes in the last seconds, so every vote is answered before wrk stops: a
        # sixth of the run, 2 to 5 s (os.time() in Lua counts whole seconds).
        "drain": max(1, min(5, args.duration // 6)) if args.duration >= 6 else 1,
    }


def warm_up(url: str, plan: dict, workers: int) -> None:
    """Request each page the mix reads, as a visitor and as a member, a few times per
    worker, `workers` at once (so that every worker's own copies are made too)."""
    from concurrent.futures import ThreadPoolExecutor

    member = f"sessionid={plan['members'][0]['session']}"
    requests = [(path, cookie) for path in plan["reads"] for cookie in ("", member)]

    def get(request: tuple[str, str]) -> None:
        path, cookie = request
        headers = {"Cookie": cookie} if cookie else {}
        urllib.request.urlopen(urllib.request.Request(url + path, headers=headers)).close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(get, requests * 3 * workers))


def to_lua(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{to_lua(k)}] = {to_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(to_lua(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))  # a JSON string is a valid Lua string for these values


def tally() -> dict:
    from django.db import connections
    from django.db.models import Sum

    from collabs.models import Collab, Vote
    from comments.models import Comment

    result = {
        "vote_rows": Vote.objects.count(),
        "vote_count_sum": Collab.objects.aggregate(total=Sum("vote_count"))["total"] or 0,
        "comments": Comment.objects.count(),
    }
    connections.close_all()
    return result


def clear_redis(redis_url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


# The run ---------------------------------------------------------------------------------


def verdict(result: dict, counts: dict, max_p95_ms: float) -> list[str]:
    problems = []
    statuses = {int(code): n for code, n in result["statuses"].items()}
    server_errors = sum(n for code, n in statuses.items() if code >= 500)
    if server_errors:
        problems.append(f"{server_errors} responses were 5xx")
    others = {code: n for code, n in statuses.items() if 400 <= code < 500}
    if others:
        problems.append(f"responses refused: {others}")
    socket_errors = {k: v for k, v in result["errors"].items() if k != "status" and v}
    if socket_errors:
        problems.append(f"socket errors: {socket_errors}")
    p95 = result["latency_us"]["p95"] / 1000
    if p95 > max_p95_ms:
        problems.append(f"p95 latency {p95:.0f} ms is above {max_p95_ms:.0f} ms")
    if counts["vote_rows"] != result["votes_ok"]:
        problems.append(
            f"{counts['vote_rows']} Vote rows, but {result['votes_ok']} votes were answered as cast"
        )
    unanswered = result["votes_sent"] - result["votes_answered"]
    if unanswered:
        problems.append(
            f"{unanswered} votes were still unanswered when wrk stopped: answers took longer "
            "than the quiet time before the end, so the tally cannot be exact"
        )
    if result["votes_other"]:
        problems.append(f"{result['votes_other']} vote answers were not a cast")
    if counts["vote_count_sum"] != counts["vote_rows"]:
        problems.append(
            f"the collabs' vote counts add up to {counts['vote_count_sum']}, "
            f"not the {counts['vote_rows']} Vote rows"
        )
    if counts["comments"] != result["comments_ok"]:
        problems.append(
            f"{counts['comments']} comments stored, {result['comments_ok']} answered as posted"
        )
    if not result["votes_ok"] or not result["comments_ok"]:
        problems.append("the mix sent no successful vote or no successful comment")
    return problems


def measure_ceiling(wrk: str, url: str, args: argparse.Namespace) -> dict | None:
    """wrk on /__ceiling__/ alone, with the mix's connections: what Django costs per request."""
    seconds = min(args.duration, 10) if args.ceiling_duration is None else args.ceiling_duration
    if seconds <= 0:
        return None
    print(f"wrk: the ceiling, /__ceiling__/, {seconds} s", flush=True)
    done = subprocess.run(
        [
            wrk,
            f"--threads={args.threads}",
            f"--connections={args.connections}",
            f"--duration={seconds}s",
            "--timeout=10s",
            f"--script={CEILING_LUA}",
            f"{url}/__ceiling__/",
        ],
        env={**os.environ, "BENCH_METHOD": "GET", "BENCH_BODY": "", "BENCH_HEADERS": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode or line is None:
        print(done.stdout, done.stderr, file=sys.stderr)
        return {"error": "wrk on the ceiling gave no figures"}
    data = json.loads(line.removeprefix("BENCH_JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    if data["non2xx"] or data["socket_errors"]:
        data["error"] = (
            f"the ceiling answered {data['non2xx']} non-2xx, {data['socket_errors']} socket errors"
        )
    return data


def tally_exact(result: dict, counts: dict) -> bool:
    """Every write counted once: the Vote rows, the vote counts and the comments agree."""
    return (
        counts["vote_rows"] == result["votes_ok"]
        and result["votes_sent"] == result["votes_answered"]
        and not result["votes_other"]
        and counts["vote_count_sum"] == counts["vote_rows"]
        and counts["comments"] == result["comments_ok"]
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is missing: apt-get install wrk")
    workers = args.workers or (os.cpu_count() or 1) + 1  # as deploy/gunicorn.conf.py
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    backend = ("PostgreSQL" if database_url else "SQLite") + (" + Redis" if redis_url else "")
    with (
        tempfile.TemporaryDirectory(prefix="crossover-load-") as tmp,
        run_database(database_url) as run_url,
    ):
        workdir = Path(tmp)
        env = site_env(workdir, run_url, redis_url)
        where = (
            f"nginx → {args.apps} app server(s) × {workers} gunicorn workers"
            if args.via_proxy
            else f"gunicorn with {workers} workers"
        )
        print(f"Setting up ({backend}, {where})…", flush=True)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        django_setup(env)
        plan = make_data(args)
        plan_path = workdir / "plan.lua"
        plan_path.write_text(f"return {to_lua(plan)}\n")
        server_log = workdir / ("serve.log" if args.via_proxy else "gunicorn.log")
        server = (
            proxied_stack(env, workers, args.apps, server_log, workdir / "run")
            if args.via_proxy
            else gunicorn(env, workers, server_log)
        )
        try:
            with server as url:
                if not args.cold_start:
                    warm_up(url, plan, workers)
                print(
                    f"wrk: {args.connections} connections, {args.threads} threads, "
                    f"{args.duration} s against {url}",
                    flush=True,
                )
                done = subprocess.run(
                    [
                        wrk,
                        f"--threads={args.threads}",
                        f"--connections={args.connections}",
                        f"--duration={args.duration}s",
                        "--timeout=10s",
                        f"--script={LUA}",
                        url,
                    ],
                    env={**os.environ, "LOAD_PLAN": str(plan_path)},
                    capture_output=True,
                    text=True,
                    check=False,
                )
                # Anything still queued is served before this, so nothing is cut off
                # by the shutdown and the tally below sees every write that arrived.
                urllib.request.urlopen(f"{url}/healthz", timeout=60).close()
                ceiling = measure_ceiling(wrk, url, args)
                log = server_log.read_text(errors="replace")
            line = next((x for x in done.stdout.splitlines() if x.startswith("LOAD-RESULT ")), None)
            if done.returncode or line is None:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
            result = json.loads(line.removeprefix("LOAD-RESULT "))
            counts = tally()
        finally:
            if redis_url:
                clear_redis(redis_url, env["CACHE_KEY_PREFIX"])
    seconds = result["duration_us"] / 1e6
    rps = result["requests"] / seconds
    latency = {k: v / 1000 for k, v in result["latency_us"].items()}
    ceiling_rps = ceiling.get("rps") if ceiling and "error" not in ceiling else None
    print(
        f"\n{backend}, {where}: {result['requests']} requests in {seconds:.1f} s = "
        f"{result['requests'] / seconds:.0f} req/s\n"
        f"latency ms: p50 {latency['p50']:.0f}, p95 {latency['p95']:.0f}, "
        f"p99 {latency['p99']:.0f}, max {latency['max']:.0f}\n"
        f"statuses: {dict(sorted(result['statuses'].items()))}; "
        f"socket errors: {result['errors']}\n"
        f"sent: {result['reads']} reads, {result['votes_sent']} votes, "
        f"{result['comments_sent']} comments\n"
        f"tally: {result['votes_ok']} votes answered as cast, {counts['vote_rows']} Vote rows, "
        f"vote counts add up to {counts['vote_count_sum']}; "
        f"{result['comments_ok']} comments answered, {counts['comments']} stored "
        f"({'exact' if tally_exact(result, counts) else 'NOT exact'})"
    )
    if ceiling_rps:
        print(
            f"ceiling (/__ceiling__/ alone): {ceiling_rps:.0f} req/s; "
            f"the mix is {rps / ceiling_rps:.1%} of it"
        )
    problems = verdict(result, counts, args.max_p95_ms)
    if "Traceback" in log:
        problems.append("the server logged a traceback (see its log above)")
        print(log[-4000:], file=sys.stderr)
    if ceiling and "error" in ceiling:
        problems.append(ceiling["error"])
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    if args.json:
        statuses = {int(code): n for code, n in result["statuses"].items()}
        socket_errors = sum(v for k, v in result["errors"].items() if k != "status")
        figures = {
            "describe": f"{backend}, {where}, {args.connections} connections, {args.duration} s, "
            f"{args.vote_share:.0%} votes + {args.comment_share:.0%} comments, "
            + ("cold start" if args.cold_start else "warmed up"),
            "requests": result["requests"],
            "seconds": seconds,
            "rps": rps,
            "ceiling_rps": ceiling_rps,
            "share": rps / ceiling_rps if ceiling_rps else None,
            "latency_ms": latency,
            "errors": sum(n for code, n in statuses.items() if code >= 400) + socket_errors,
            "statuses": result["statuses"],
            "sent": {k: result[k] for k in ("reads", "votes_sent", "comments_sent")},
            "tally": counts | {k: result[k] for k in ("votes_ok", "comments_ok")},
            "tally_exact": tally_exact(result, counts),
            "problems": problems,
            "passed": not problems,
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    print("FAILED" if problems else "PASSED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

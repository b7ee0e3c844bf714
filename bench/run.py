"""`make bench`: load-test the site under gunicorn with wrk, at scale, against a ceiling.

Steps: migrate a benchmark database (SQLite in bench/data/, or DATABASE_URL) and
fill it with generate_scale_data unless it is already there; collectstatic; start
gunicorn (production settings, DEBUG off) on 127.0.0.1; drive every page with wrk,
as a visitor and as a logged-in member, plus the htmx vote toggle; and measure, in
the same run, a trivial view rendering a tiny template (the ceiling: what Django
costs here per request). Results go to bench/results-<backend>.json and
bench/results.md (every backend run so far, side by side).

Environment: BENCH_DURATION (seconds per page, default 15), BENCH_CONNECTIONS (16),
BENCH_THREADS (2), BENCH_WORKERS (gunicorn workers, 2), DATABASE_URL and REDIS_URL
(else SQLite and per-process memory cache), BENCH_PORT (8765), BENCH_ONLY (a
comma-separated list of words: only the pages whose name or viewer contains one, and
the vote if one is "vote"; such a partial run prints its table but writes no file).

The server runs plain HTTP on loopback with DJANGO_SECURE_SSL_REDIRECT=0: for the
benchmark only; production keeps the HTTPS redirect.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
ONLY = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]


def wanted(*names: str) -> bool:
    return not ONLY or any(word in name for word in ONLY for name in names)


BASE = f"http://127.0.0.1:{PORT}"

# Targets from issue 6: (share of the ceiling's requests/s, p99 in ms).
TARGETS = {
    ("home", "visitor"): (0.30, 100),
    ("catalogue", "visitor"): (0.30, 100),
    ("collab (500 comments)", "visitor"): (0.30, 100),
    ("article", "visitor"): (0.30, 100),
    ("home", "member"): (0.10, 150),
    ("catalogue", "member"): (0.10, 150),
    ("collab (500 comments)", "member"): (0.10, 150),
    ("article", "member"): (0.10, 150),
    ("vote toggle (htmx POST)", "member"): (0.15, 100),
}


def bench_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY")
        or "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(BENCH / "data" / "bench.sqlite3")
    return env


def backend_name(env) -> str:
    if env.get("DATABASE_URL"):
        return "postgresql+redis" if env.get("REDIS_URL") else "postgresql"
    return "sqlite+redis" if env.get("REDIS_URL") else "sqlite"


def manage(env, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def setup_django(env) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    return (
        f"{os.cpu_count()} CPU ({cpu}), {mem_kb // 1024 // 1024} GB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


# The server -----------------------------------------------------------------------


def start_gunicorn(env) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def stop_gunicorn(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


# Load -----------------------------------------------------------------------------


def fetch(url: str, headers: dict[str, str], method: str = "GET", body: str = "") -> tuple:
    request = urllib.request.Request(
        url, data=body.encode() if body else None, headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wrk(url: str, headers: dict[str, str], method: str = "GET", body: str = "") -> dict:
    env = dict(os.environ)
    env["BENCH_METHOD"] = method
    env["BENCH_BODY"] = body
    env["BENCH_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in headers.items())
    result = subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}s",
            "--latency",
            "-s",
            str(BENCH / "report.lua"),
            url,
        ],  # fmt: skip
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def warm_up(url: str, headers: dict[str, str]) -> None:
    """A few requests per worker first: a cold cache is measured by the fresh query counts,
    not by the first seconds of a run."""
    for _ in range(WORKERS * 3):
        fetch(url, headers)


def queries_for(path: str, cookies: dict[str, str], method: str = "GET", data=None) -> int:
    """Queries one request costs, measured in-process against the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=False)
    for name, value in cookies.items():
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as captured:
        if method == "POST":
            response = client.post(path, data or {}, headers={"HX-Request": "true"})
        else:
            response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


# The run ----------------------------------------------------------------------------


def main() -> int:
    if shutil.which("wrk") is None:
        print("make bench needs wrk, the HTTP load generator: apt-get install wrk", file=sys.stderr)
        return 1
    env = bench_env()
    backend = backend_name(env)
    print(f"==> Benchmark on {backend}: {machine()}")
    (BENCH / "data").mkdir(exist_ok=True)
    manage(env, "migrate", "--noinput", "-v0")
    setup_django(env)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.core.cache import cache
    from django.db.models import Count

    from accounts.models import User
    from collabs.models import Collab
    from core.management.commands.generate_scale_data import (
        BENCH_MEMBER,
        BIG_COLLAB_SLUG,
        BIG_GROUP_SLUG,
    )

    if not Collab.objects.filter(slug=BIG_COLLAB_SLUG).exists():
        print("==> Generating the scale data (once; reused by later runs)")
        manage(env, "generate_scale_data")
    manage(env, "collectstatic", "--noinput", "-v0")

    member = User.objects.get(username=BENCH_MEMBER)
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    csrf_secret = "benchcsrfsecret0123456789abcdefg"[:32]
    member_cookies = {"sessionid": session.session_key, "csrftoken": csrf_secret}
    cookie_header = "; ".join(f"{k}={v}" for k, v in member_cookies.items())

    article_slug = "scale-article-0"
    pages = [
        ("home", "/"),
        ("catalogue", "/collabs/"),
        ("catalogue filtered+sorted", "/collabs/?genre=pop&crossover=on&sort=hot"),
        ("collab (500 comments)", f"/collabs/{BIG_COLLAB_SLUG}/"),
        ("article", f"/articles/{article_slug}/"),
        ("top", "/top/"),
        ("artist (big group)", f"/artists/{BIG_GROUP_SLUG}/"),
    ]
    load_start = round(os.getloadavg()[0], 1)
    server = start_gunicorn(env)
    results = []
    try:
        print(f"==> Ceiling: /__ceiling__/ ({DURATION}s)")
        warm_up(f"{BASE}/__ceiling__/", {})
        load_before = os.getloadavg()[0]
        ceiling = wrk(f"{BASE}/__ceiling__/", {})
        ceiling["load"] = round(load_before, 1)
        ceiling.update(name="ceiling (tiny template)", viewer="visitor", path="/__ceiling__/")
        ceiling["size"] = len(fetch(f"{BASE}/__ceiling__/", {})[1])
        ceiling["queries"] = 0
        results.append(ceiling)
        for viewer, headers, cookies in [
            ("visitor", {}, {}),
            ("member", {"Cookie": cookie_header}, member_cookies),
        ]:
            for name, path in pages:
                if not wanted(name, viewer):
                    continue
                status, body = fetch(f"{BASE}{path}", headers)
                if status != 200:
                    raise SystemExit(f"{path} as {viewer} answered {status}")
                if viewer == "member" and BENCH_MEMBER not in body.decode():
                    raise SystemExit(f"{path}: the member's session cookie was not accepted")
                cache.clear()  # a fresh render first, then a cached one
                fresh = queries_for(path, cookies)
                cached = queries_for(path, cookies)
                print(f"==> {name} as {viewer}: {path} ({DURATION}s)")
                warm_up(f"{BASE}{path}", headers)
                load_before = os.getloadavg()[0]
                data = wrk(f"{BASE}{path}", headers)
                data["load"] = round(load_before, 1)
                data.update(
                    name=name,
                    viewer=viewer,
                    path=path,
                    size=len(body),
                    queries=fresh,
                    queries_cached=cached,
                )
                results.append(data)
        collab = Collab.objects.get(slug=BIG_COLLAB_SLUG)
        if wanted("vote"):
            vote_path = f"/collabs/{collab.slug}/vote/"
            vote_headers = {
                "Cookie": cookie_header,
                "X-CSRFToken": csrf_secret,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            status, body = fetch(f"{BASE}{vote_path}", vote_headers, "POST", "x=1")
            if status != 200:
                raise SystemExit(f"the vote POST answered {status}: {body[:300]!r}")
            vote_queries = queries_for(vote_path, member_cookies, "POST")
            print(f"==> vote toggle as member: POST {vote_path} ({DURATION}s)")
            load_before = os.getloadavg()[0]
            data = wrk(f"{BASE}{vote_path}", vote_headers, "POST", "x=1")
            data.update(
                name="vote toggle (htmx POST)",
                viewer="member",
                path=f"POST {vote_path}",
                size=len(body),
                queries=vote_queries,
                load=round(load_before, 1),
            )
            results.append(data)
        memory = worker_rss_mb(server)
    finally:
        stop_gunicorn(server)
    if wanted("vote"):
        # Once the server has stopped (no vote in flight), the count and the rows, in one query.
        counted = (
            Collab.objects.filter(pk=collab.pk)
            .annotate(rows=Count("votes"))
            .values_list("vote_count", "rows")
            .get()
        )
        data["vote_count"], data["vote_rows"] = counted

    report = {
        "backend": backend,
        "machine": machine(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": f"gunicorn {WORKERS} sync workers, wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{DURATION}s, DEBUG off",
        "ceiling_rps": ceiling["rps"],
        "worker_rss_mb": memory,
        # Anything else running on the machine shows here (the benchmark itself adds
        # ~2-3: two workers and wrk); a busy neighbour makes a run unreliable.
        "load_average_start": load_start,
        "load_average_end": round(os.getloadavg()[0], 1),
        "results": results,
    }
    table = render_table(report)
    print("\n" + table)
    if ONLY:
        print(f"(BENCH_ONLY={','.join(ONLY)}: a partial run, not written to bench/)")
    else:
        (BENCH / f"results-{backend}.json").write_text(json.dumps(report, indent=2) + "\n")
        write_markdown()
    print(f"Worker memory after the run (MB): {memory}")
    return 0


def verdict(row: dict, ceiling_rps: float) -> str:
    target = TARGETS.get((row["name"], row["viewer"]))
    if target is None:
        return ""
    share, p99 = target
    ok = (
        row["rps"] >= share * ceiling_rps
        and row["p99_us"] / 1000 <= p99
        and not row["non2xx"]
        and not row["socket_errors"]
    )
    return f"{'met' if ok else 'MISSED'} (≥{share:.0%}, p99≤{p99})"


def render_table(report: dict) -> str:
    ceiling = report["ceiling_rps"]
    lines = [
        f"### {report['backend']} — {report['when']}",
        "",
        f"{report['machine']}; {report['settings']}. "
        f"Worker RSS after the run: {report['worker_rss_mb']} MB. 1-minute load average: "
        f"{report.get('load_average_start')} at the start, {report.get('load_average_end')} "
        "at the end (per page: the `load` column, taken just before it).",
        "",
        "| page | viewer | req/s | × ceiling | p50 ms | p99 ms | non-2xx / socket errors | queries "
        "(fresh / cached) | size KB | load | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in report["results"]:
        queries = str(row["queries"])
        if "queries_cached" in row and row["viewer"] == "visitor":
            queries += f" / {row['queries_cached']}"
        lines.append(
            f"| {row['name']} | {row['viewer']} | {row['rps']:.0f} | {row['rps'] / ceiling:.0%} "
            f"| {row['p50_us'] / 1000:.1f} | {row['p99_us'] / 1000:.1f} "
            f"| {row['non2xx']} / {row['socket_errors']} | {queries} | {row['size'] / 1024:.1f} "
            f"| {row.get('load', '')} | {verdict(row, ceiling)} |"
        )
    vote = next((r for r in report["results"] if "vote_rows" in r), None)
    if vote:
        same = "equal" if vote["vote_count"] == vote["vote_rows"] else "DIFFERENT"
        lines += ["", f"Vote count after the run {vote['vote_count']}, "
                      f"Vote rows {vote['vote_rows']}: {same}."]  # fmt: skip
    return "\n".join(lines)


def write_markdown() -> None:
    sections = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py): each table is the latest run on that backend. "
        "`× ceiling` is requests/s as a share of a trivial view rendering a tiny template "
        "(`/__ceiling__/`, mounted by bench/settings.py only), measured in the same run. "
        "Visitors' queries are given for a fresh render and for a page-cache hit.",
        "",
    ]
    for path in sorted(BENCH.glob("results-*.json")):
        sections += [render_table(json.loads(path.read_text())), ""]
    (BENCH / "results.md").write_text("\n".join(sections))


if __name__ == "__main__":
    sys.exit(main())

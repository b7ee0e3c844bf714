"""`make bench`: load-test the site under gunicorn with wrk, at scale, against a ceiling.

Steps: migrate a benchmark database (SQLite in bench/data/, or DATABASE_URL) and fill it
with generate_scale_data unless it is already there; collectstatic; then start gunicorn
(production settings, DEBUG off) on 127.0.0.1 three times, once per mode, and drive
every page with wrk, as a visitor and as a logged-in member:

  * cached: the site as it runs (PAGE_CACHE_SECONDS as configured, 60 by default); the
    htmx vote toggle is measured in this run too;
  * fresh: PAGE_CACHE_SECONDS=0, the whole-page cache off, the fragment caches warm;
  * cold: BENCH_COLD=1, which makes bench/settings.py put bench.middleware's
    ColdCachesMiddleware first: every cache alias and the process-local memo
    (core.caching.clear_local) emptied before every request.

Each server run also measures the ceiling, `/__ceiling__/` (a trivial view rendering a
tiny template: what Django costs here per request), and each page's figure is its
requests/s as a share of the ceiling of the same server run. Then:

  * scale: a second database made by `generate_scale_data --collabs 100000`
    (bench/data/bench-100k.sqlite3, or DATABASE_URL's database name + "_100k"), served by
    a fourth gunicorn run in the fresh mode, with its own ceiling: the catalogue and the
    collab page at 100k, and their cost against the 10k fresh figure;
  * the cold render of the 500-comment collab page in process (bench/cold.py), median ms;
  * the mixed load: scripts/load_test.py (reads, 10 % votes, 3 % comments, 100
    connections, its own database and gunicorn) as a share of the ceiling it measures.

Results go to bench/results-<backend>.json and bench/results.md (every backend run so
far, side by side).

Environment: BENCH_DURATION (seconds per page and mode, default 15), BENCH_CONNECTIONS
(16), BENCH_THREADS (2), BENCH_WORKERS (gunicorn workers, 2), BENCH_MIXED_DURATION (the
mixed load's seconds, 30), DATABASE_URL and REDIS_URL (else SQLite and per-process memory
cache; the cold mode clears the whole Redis database REDIS_URL names), BENCH_PORT (8765),
BENCH_ONLY (a comma-separated list of words: only the rows whose name or viewer contains
one; "vote", "mixed", "@100k" and "collab (500 comments) cold render" are rows' names too;
such a partial run prints its table but writes no file).

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
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
DURATION = int(os.environ.get("BENCH_DURATION", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
MIXED_DURATION = int(os.environ.get("BENCH_MIXED_DURATION", "30"))
ONLY = [word.strip() for word in os.environ.get("BENCH_ONLY", "").split(",") if word.strip()]
# The environment make bench was started with (setup_django adds the bench settings').
STARTED_ENV = dict(os.environ)


def wanted(*names: str) -> bool:
    return not ONLY or any(word in name for word in ONLY for name in names)


BASE = f"http://127.0.0.1:{PORT}"

# The three server runs on the 10k database: the name and the environment each adds.
MODES = {
    "cached": {},
    "fresh": {"PAGE_CACHE_SECONDS": "0"},  # the whole-page cache off, fragments kept
    "cold": {"BENCH_COLD": "1"},  # bench.middleware.ColdCachesMiddleware first
}
SCALE_COLLABS = 100_000
SCALE_MODE = "fresh"
COLD_RENDER_ITERATIONS = 10

# Targets from issue 14, as shares of the ceiling of the same server run.
MAIN_PAGES = ["home", "catalogue", "collab (500 comments)", "article"]
FRESH_TARGET = 0.05  # each main page, visitor and member
CACHED_TARGET = {"visitor": 0.40, "member": 0.20}  # each main page
SCALE_TARGET = 1.5  # cost at 100k collabs over cost at 10k, fresh renders
COLD_RENDER_TARGET_MS = 150
MIXED_TARGET = (0.15, 300)  # share of the load run's ceiling, p95 in ms


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in STARTED_ENV.items() if k not in ("PAGE_CACHE_SECONDS", "BENCH_COLD")}
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


def scale_env(env: dict[str, str]) -> dict[str, str]:
    """The 100k database's environment: its own file or database, its own cache keys."""
    env = dict(env)
    env["CACHE_KEY_PREFIX"] = env.get("CACHE_KEY_PREFIX", "crossover") + "-100k"
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(BENCH / "data" / "bench-100k.sqlite3")
        return env
    parts = urlsplit(env["DATABASE_URL"])
    name = parts.path.lstrip("/") + "_100k"
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return env


def ensure_database(env) -> None:
    """On PostgreSQL, create DATABASE_URL's database if it is not there yet."""
    if not env.get("DATABASE_URL"):
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(env["DATABASE_URL"])
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def backend_name(env) -> str:
    if env.get("DATABASE_URL"):
        return "postgresql+redis" if env.get("REDIS_URL") else "postgresql"
    return "sqlite+redis" if env.get("REDIS_URL") else "sqlite"


def manage(env, *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout or ""


def ensure_scale_data(env, *options: str) -> None:
    """Migrate the database `env` names (made if missing) and fill it with
    generate_scale_data, once."""
    from core.management.commands.generate_scale_data import BIG_COLLAB_SLUG

    ensure_database(env)
    manage(env, "migrate", "--noinput", "-v0")
    check = (
        "from collabs.models import Collab; "
        f"print('FILLED' if Collab.objects.filter(slug={BIG_COLLAB_SLUG!r}).exists() else 'EMPTY')"
    )
    if "FILLED" not in manage(env, "shell", "-c", check, capture=True):
        sizes = " ".join(options) or "default sizes"
        print(f"==> Generating the scale data ({sizes}; once, reused by later runs)")
        manage(env, "generate_scale_data", *options)


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
    stop_gunicorn(process)
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
            "--timeout=30s",  # a slow page is measured, not counted as a socket error
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
    data["load"] = round(os.getloadavg()[0], 1)  # the 1-minute load average at its end
    return data


def warm_up(url: str, headers: dict[str, str]) -> None:
    """A few requests per worker first, so the cached and fresh modes start warm."""
    for _ in range(WORKERS * 3):
        fetch(url, headers)


def queries_for(path: str, cookies: dict[str, str], mode: str) -> int:
    """Queries one request costs in `mode`, measured in-process against the same database:
    cold, right after every cache is emptied; fresh, with PAGE_CACHE_SECONDS=0 after one
    request; cached, after two (a member's second request renders the shared page)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from bench.middleware import empty_caches

    client = Client(HTTP_HOST="127.0.0.1")
    for name, value in cookies.items():
        client.cookies[name] = value
    settings = {"PAGE_CACHE_SECONDS": 0} if mode == "fresh" else {}
    with override_settings(**settings):
        if mode == "cold":
            empty_caches()
        else:
            for _ in range(1 if mode == "fresh" else 2):
                client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def vote_queries(path: str, cookies: dict[str, str]) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for name, value in cookies.items():
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, {}, headers={"HX-Request": "true"})
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def server_run(env, label: str, rows: list[dict], viewers: dict, vote: dict | None = None) -> dict:
    """One gunicorn run: its ceiling, then each row's page (and the vote) in `label`'s mode.

    Each row gets `label`'s wrk figures; the run's ceiling, worker memory and load come back.
    """
    load_start = round(os.getloadavg()[0], 1)
    server = start_gunicorn(env)
    try:
        print(f"==> [{label}] ceiling: /__ceiling__/ ({DURATION}s)")
        warm_up(f"{BASE}/__ceiling__/", {})
        ceiling = wrk(f"{BASE}/__ceiling__/", {})
        for row in rows:
            headers = viewers[row["viewer"]]
            status, body = fetch(f"{BASE}{row['path']}", headers)
            if status != 200:
                raise SystemExit(f"[{label}] {row['path']} as {row['viewer']} answered {status}")
            if row["viewer"] == "member" and row["member"] not in body.decode():
                raise SystemExit(f"{row['path']}: the member's session cookie was not accepted")
            row["size"] = len(body)
            print(f"==> [{label}] {row['name']} as {row['viewer']}: {row['path']} ({DURATION}s)")
            if label != "cold":  # nothing to warm: every request starts from empty caches
                warm_up(f"{BASE}{row['path']}", headers)
            row[label] = wrk(f"{BASE}{row['path']}", headers)
        if vote:
            status, body = fetch(f"{BASE}{vote['url']}", vote["headers"], "POST", "x=1")
            if status != 200:
                raise SystemExit(f"the vote POST answered {status}: {body[:300]!r}")
            vote["size"] = len(body)
            print(f"==> [{label}] vote toggle as member: POST {vote['url']} ({DURATION}s)")
            vote[label] = wrk(f"{BASE}{vote['url']}", vote["headers"], "POST", "x=1")
        memory = worker_rss_mb(server)
    finally:
        stop_gunicorn(server)
    return {"ceiling": ceiling, "worker_rss_mb": memory, "load_average_start": load_start}


def mixed_load() -> dict | None:
    """scripts/load_test.py's mix, with the ceiling it measures; None if it gave no figures."""
    out = BENCH / "data" / "mixed.json"
    out.unlink(missing_ok=True)
    print(f"==> mixed load: scripts/load_test.py --duration {MIXED_DURATION}")
    env = {k: v for k, v in STARTED_ENV.items() if k not in ("PAGE_CACHE_SECONDS", "BENCH_COLD")}
    done = subprocess.run(
        [
            PYTHON,
            "scripts/load_test.py",
            f"--duration={MIXED_DURATION}",
            f"--max-p95-ms={MIXED_TARGET[1]}",  # its own verdict, on the p95
            f"--json={out}",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if not out.exists():
        print(f"the mixed load gave no figures (exit status {done.returncode})", file=sys.stderr)
        return None
    return json.loads(out.read_text())


# The run ----------------------------------------------------------------------------


def main() -> int:
    if shutil.which("wrk") is None:
        print("make bench needs wrk, the HTTP load generator: apt-get install wrk", file=sys.stderr)
        return 1
    env = bench_env()
    backend = backend_name(env)
    print(f"==> Benchmark on {backend}: {machine()}")
    (BENCH / "data").mkdir(exist_ok=True)
    setup_django(env)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db.models import Count

    from accounts.models import User
    from bench.cold import cold_render_ms
    from bench.middleware import empty_caches
    from collabs.models import Collab
    from core.management.commands.generate_scale_data import (
        BENCH_MEMBER,
        BIG_COLLAB_SLUG,
        BIG_GROUP_SLUG,
    )

    ensure_scale_data(env)
    manage(env, "collectstatic", "--noinput", "-v0")
    empty_caches()  # start from empty caches (with Redis, the run's database of it)

    member = User.objects.get(username=BENCH_MEMBER)
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    csrf_secret = "benchcsrfsecret0123456789abcdefg"[:32]
    member_cookies = {"sessionid": session.session_key, "csrftoken": csrf_secret}
    cookie_header = "; ".join(f"{k}={v}" for k, v in member_cookies.items())
    viewers = {"visitor": {}, "member": {"Cookie": cookie_header}}
    cookies = {"visitor": {}, "member": member_cookies}

    collab_path = f"/collabs/{BIG_COLLAB_SLUG}/"
    pages = [
        ("home", "/"),
        ("catalogue", "/collabs/"),
        ("catalogue filtered+sorted", "/collabs/?genre=pop&crossover=on&sort=hot"),
        ("collab (500 comments)", collab_path),
        ("article", "/articles/scale-article-0/"),
        ("top", "/top/"),
        ("artist (big group)", f"/artists/{BIG_GROUP_SLUG}/"),
        ("rise", "/rise/"),
        ("graph", "/graph/"),
    ]
    rows = [
        {"name": name, "viewer": viewer, "path": path, "member": BENCH_MEMBER, "db": "10k"}
        for viewer in viewers
        for name, path in pages
        if wanted(name, viewer)
    ]
    for row in rows:
        row["queries"] = {
            mode: queries_for(row["path"], cookies[row["viewer"]], mode) for mode in MODES
        }
    vote = None
    collab = Collab.objects.get(slug=BIG_COLLAB_SLUG)
    if wanted("vote"):
        vote = {
            "name": "vote toggle (htmx POST)",
            "viewer": "member",
            "url": f"/collabs/{collab.slug}/vote/",
            "path": f"POST /collabs/{collab.slug}/vote/",
            "headers": {
                "Cookie": cookie_header,
                "X-CSRFToken": csrf_secret,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "queries": {"cached": vote_queries(f"/collabs/{collab.slug}/vote/", member_cookies)},
        }
    cold_render = None
    if wanted("collab (500 comments) cold render"):
        print(f"==> cold render in process: {collab_path} ×{COLD_RENDER_ITERATIONS}")
        cold_render = cold_render_ms(collab_path, COLD_RENDER_ITERATIONS)
        cold_render["target_ms"] = COLD_RENDER_TARGET_MS

    load_start = round(os.getloadavg()[0], 1)
    runs = {}
    if rows or vote:
        for mode, extra in MODES.items():
            runs[mode] = server_run(
                env | extra, mode, rows, viewers, vote if mode == "cached" else None
            )
    if vote:
        # Once the server has stopped (no vote in flight), the count and the rows, in one query.
        vote["vote_count"], vote["vote_rows"] = (
            Collab.objects.filter(pk=collab.pk)
            .annotate(rows=Count("votes"))
            .values_list("vote_count", "rows")
            .get()
        )
        del vote["headers"]

    scale_rows = [
        {"name": f"{name} @100k", "viewer": "visitor", "path": path, "member": BENCH_MEMBER,
         "db": "100k", "queries": {}}
        for name, path in [("catalogue", "/collabs/"), ("collab", collab_path)]
        if wanted(f"{name} @100k", "visitor")
    ]  # fmt: skip
    if scale_rows:
        big = scale_env(env) | MODES[SCALE_MODE]
        ensure_scale_data(big, "--collabs", str(SCALE_COLLABS))
        label = f"{SCALE_MODE} @100k"
        runs[label] = server_run(big, label, scale_rows, viewers)
        for row in scale_rows:
            row[SCALE_MODE] = row.pop(label)

    mixed = mixed_load() if wanted("mixed") else None

    report = {
        "format": 2,
        "backend": backend,
        "machine": machine(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": f"gunicorn {WORKERS} sync workers, wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{DURATION}s per page and mode, DEBUG off",
        "runs": runs,
        # Anything else running on the machine shows here (the benchmark itself adds
        # ~2-3: two workers and wrk); a busy neighbour makes a run unreliable.
        "load_average_start": load_start,
        "load_average_end": round(os.getloadavg()[0], 1),
        "results": rows + scale_rows,
        "vote": vote,
        "cold_render": cold_render,
        "mixed": mixed,
    }
    table = render_table(report)
    print("\n" + table)
    if ONLY:
        print(f"(BENCH_ONLY={','.join(ONLY)}: a partial run, not written to bench/)")
    else:
        (BENCH / f"results-{backend}.json").write_text(json.dumps(report, indent=2) + "\n")
        write_markdown()
    return 0


# The results --------------------------------------------------------------------------


def share(row: dict, mode: str, runs: dict) -> float | None:
    """The row's requests/s in `mode` over the ceiling of the same server run."""
    if mode not in row:
        return None
    run = f"{mode} @100k" if row.get("db") == "100k" else mode
    return row[mode]["rps"] / runs[run]["ceiling"]["rps"]


def errors(row: dict) -> int:
    return sum(row[m]["non2xx"] + row[m]["socket_errors"] for m in MODES if m in row)


def verdict(row: dict, report: dict) -> str:
    runs, base = report["runs"], row["name"].removesuffix(" @100k")
    if row.get("db") == "100k":
        name = "collab (500 comments)" if base == "collab" else base
        ten = next(
            (r for r in report["results"] if (r["name"], r["viewer"]) == (name, "visitor")), None
        )
        big, small = share(row, SCALE_MODE, runs), ten and share(ten, SCALE_MODE, runs)
        if not small:
            return f"cost ≤{SCALE_TARGET}× 10k {SCALE_MODE}: no 10k figure"
        if not big:
            return f"MISSED: no request answered in time (cost ≤{SCALE_TARGET}× 10k {SCALE_MODE})"
        cost = small / big
        ok = cost <= SCALE_TARGET and not errors(row)
        return f"{'met' if ok else 'MISSED'}: cost {cost:.2f}× 10k {SCALE_MODE} (≤{SCALE_TARGET}×)"
    if row["name"] not in MAIN_PAGES:
        return ""
    parts = []
    for mode, target in [("fresh", FRESH_TARGET), ("cached", CACHED_TARGET[row["viewer"]])]:
        value = share(row, mode, runs)
        if value is not None:
            ok = value >= target and not errors(row)
            parts.append(f"{mode} ≥{target:.0%} {'met' if ok else 'MISSED'}")
    return "; ".join(parts)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}" if value < 0.1 else f"{value:.0%}"


def render_table(report: dict) -> str:
    if report.get("format") != 2:
        return (
            f"### {report['backend']} — {report['when']}\n\n"
            "An earlier format (before issue #14: cached pages only); run `make bench` "
            "again on this backend."
        )
    runs = report["runs"]
    ceilings = ", ".join(f"{label} {run['ceiling']['rps']:.0f}" for label, run in runs.items())
    cached_run = runs.get("cached", {})
    lines = [
        f"### {report['backend']} — {report['when']}",
        "",
        f"{report['machine']}; {report['settings']}. Ceiling req/s per server run: "
        f"{ceilings or '—'}. Worker RSS after the cached run: "
        f"{cached_run.get('worker_rss_mb', '—')} MB. 1-minute load average: "
        f"{report['load_average_start']} at the start, {report['load_average_end']} at the end.",
        "",
        "| page | viewer | cached | fresh | cold | cached req/s | p50 ms | p99 ms "
        "| non-2xx + socket errors | queries (cached / fresh / cold) | size KB | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in report["results"]:
        cached = row.get("cached")
        figures = (
            f"{cached['rps']:.0f} | {cached['p50_us'] / 1000:.1f} | {cached['p99_us'] / 1000:.1f}"
            if cached
            else "— | — | —"
        )
        queries = " / ".join(str(row["queries"].get(m, "—")) for m in MODES)
        lines.append(
            f"| {row['name']} | {row['viewer']} "
            f"| {' | '.join(percent(share(row, mode, runs)) for mode in MODES)} | {figures} "
            f"| {errors(row)} | {queries if row['queries'] else '—'} "
            f"| {row.get('size', 0) / 1024:.1f} | {verdict(row, report)} |"
        )
    vote = report.get("vote")
    if vote and "cached" in vote:
        data = vote["cached"]
        lines.append(
            f"| {vote['name']} | member | {percent(share(vote, 'cached', runs))} | — | — "
            f"| {data['rps']:.0f} | {data['p50_us'] / 1000:.1f} | {data['p99_us'] / 1000:.1f} "
            f"| {data['non2xx'] + data['socket_errors']} | {vote['queries']['cached']} / — / — "
            f"| {vote['size'] / 1024:.1f} | |"
        )
    lines += [
        "",
        "cached, fresh, cold: requests/s as a share of the ceiling of the same server run "
        "(cached: the site as configured; fresh: PAGE_CACHE_SECONDS=0, fragment caches warm; "
        f"cold: every cache emptied before each request). The @100k rows: {SCALE_MODE} "
        f"renders on the {SCALE_COLLABS:,}-collab database, cost = the 10k share over "
        "the 100k share.",
    ]
    if vote and "vote_rows" in vote:
        same = "equal" if vote["vote_count"] == vote["vote_rows"] else "DIFFERENT"
        lines += ["", f"Vote count after the run {vote['vote_count']}, "
                      f"Vote rows {vote['vote_rows']}: {same}."]  # fmt: skip
    cold = report.get("cold_render")
    if cold:
        ok = cold["median_ms"] <= cold["target_ms"]
        lines += [
            "",
            f"Cold render of {cold['path']} in process (every cache emptied, then one request "
            f"through django.test.Client): median {cold['median_ms']:.0f} ms of "
            f"{cold['iterations']} (fastest {cold['min_ms']:.0f}, slowest {cold['max_ms']:.0f}); "
            f"target ≤{cold['target_ms']} ms: {'met' if ok else 'MISSED'}.",
        ]
    mixed = report.get("mixed")
    if mixed:
        target_share, target_p95 = MIXED_TARGET
        ok = (
            (mixed["share"] or 0) >= target_share
            and mixed["latency_ms"]["p95"] <= target_p95
            and mixed["tally_exact"]
            and not mixed["errors"]
        )
        lines += [
            "",
            "| mixed load | req/s | ceiling req/s | × ceiling | p50 ms | p95 ms | p99 ms "
            "| errors | tally | target |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
            f"| {mixed['describe']} | {mixed['rps']:.0f} | {mixed['ceiling_rps'] or 0:.0f} "
            f"| {percent(mixed['share'])} | {mixed['latency_ms']['p50']:.0f} "
            f"| {mixed['latency_ms']['p95']:.0f} | {mixed['latency_ms']['p99']:.0f} "
            f"| {mixed['errors']} | {'exact' if mixed['tally_exact'] else 'NOT exact'} "
            f"| ≥{target_share:.0%}, p95 ≤{target_p95} ms: {'met' if ok else 'MISSED'} |",
        ]
    return "\n".join(lines)


def write_markdown() -> None:
    sections = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/run.py): each section is the latest run on that "
        "backend. Every page is measured in three gunicorn runs (cached, fresh, cold), each "
        "with its own ceiling: a trivial view rendering a tiny template (`/__ceiling__/`, "
        "mounted by bench/settings.py only). Queries are counted in process: cached, the "
        "third request; fresh, the second request with PAGE_CACHE_SECONDS=0; cold, a "
        "request right after every cache is emptied. Targets are issue #14's.",
        "",
    ]
    for path in sorted(BENCH.glob("results-*.json")):
        sections += [render_table(json.loads(path.read_text())), ""]
    (BENCH / "results.md").write_text("\n".join(sections))


if __name__ == "__main__":
    sys.exit(main())

"""The cold render of one page, in process: every cache emptied, then one request, timed.

`make bench` calls `cold_render_ms` for the 500-comment collab page (issue #14's target:
150 ms or less). Each of the iterations empties every cache and the process-local memo
(bench.middleware.empty_caches), then renders the page with django.test.Client through
the whole middleware stack, as a visitor; the figure is the median. Compiled templates
stay loaded, as in a running server. On its own, against the benchmark database:

    .venv/bin/python bench/cold.py [PATH] [ITERATIONS]    # default: the big collab, 10
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cold_render_ms(path: str, iterations: int = 10) -> dict:
    """Median, fastest and slowest time (ms) of `iterations` renders of `path` from cold."""
    from django.test import Client

    from bench.middleware import empty_caches

    client = Client(HTTP_HOST="127.0.0.1")
    times = []
    for _ in range(iterations):
        empty_caches()
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code} in the cold render")
    return {
        "path": path,
        "iterations": iterations,
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
    }


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from bench.run import bench_env, setup_django

    setup_django(bench_env())
    from core.management.commands.generate_scale_data import BIG_COLLAB_SLUG

    path = sys.argv[1] if len(sys.argv) > 1 else f"/collabs/{BIG_COLLAB_SLUG}/"
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    result = cold_render_ms(path, iterations)
    print(
        f"{path}, cold, in process: median {result['median_ms']:.0f} ms over {iterations} "
        f"(fastest {result['min_ms']:.0f}, slowest {result['max_ms']:.0f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark settings: production settings plus the ceiling page, never in production URLs.

With BENCH_COLD=1 (`make bench`'s cold run), bench.middleware.ColdCachesMiddleware comes
first: every cache is emptied before each request but the ceiling's.
"""

import copy
import os

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, MIDDLEWARE, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES = copy.deepcopy(TEMPLATES)
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]

if os.environ.get("BENCH_COLD") == "1":
    MIDDLEWARE = ["bench.middleware.ColdCachesMiddleware", *MIDDLEWARE]

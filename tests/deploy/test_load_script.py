"""The load test's smoke run: scripts/load_test.py works end to end, briefly.

Three seconds, five connections, a small cast and a write-heavy mix, on the
database the suite runs on (SQLite, or PostgreSQL beside DATABASE_URL's and
REDIS_URL under a key prefix of the run's own). It proves the setup, the wrk
script, the tally and the exit status; capacity is `make load`'s business, so
latency is not judged here (--max-p95-ms inf). Once straight to gunicorn, once
through `make serve`'s stack (--via-proxy). Needs wrk (and nginx for the second):
skipped without them, except under CI.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import missing_tool
from tests.servers import ROOT


@pytest.mark.parametrize("via", ["gunicorn", "proxy"])
def test_a_short_load_run_passes_its_own_checks(via):
    if shutil.which("wrk") is None:
        missing_tool("wrk", "apt-get install wrk")
    extra = []
    if via == "proxy":  # make serve's stack: nginx → app server (and the worker)
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            missing_tool("nginx", "apt-get install nginx")
        extra = ["--via-proxy", "--workers=2"]
    done = subprocess.run(
        [
            sys.executable,
            "scripts/load_test.py",
            "--duration=3",
            "--connections=5",
            "--members=10",
            "--collabs=20",
            "--vote-share=0.3",
            "--comment-share=0.2",
            "--max-p95-ms=inf",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "PASSED" in done.stdout
    assert " Vote rows, vote counts add up to " in done.stdout

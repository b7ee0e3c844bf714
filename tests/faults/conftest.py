"""Fixtures that break things on purpose: a throwaway redis-server we can kill."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def missing_tool(tool: str, reason: str):
    """Skip where a tool is missing, but fail under CI, which must run the test."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test, but {tool} is missing: {reason}")
    pytest.skip(f"{tool} is missing: {reason}")


@pytest.fixture
def redis_server():
    """A private redis-server on a free port, no persistence; `.stop()` kills it."""
    binary = shutil.which("redis-server")
    if binary is None:
        missing_tool("redis-server", "apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("the throwaway redis-server did not start")

        class Server:
            url = f"redis://127.0.0.1:{port}/0"

            @staticmethod
            def stop() -> None:
                process.kill()
                process.wait(timeout=10)

        yield Server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)

"""A demo served from a throwaway data folder, for tests that talk to a real server.

`samenspel demo --no-serve` fills the folder, then `samenspel runserver` serves it on a free
loopback port; the tests reach it over HTTP (a browser, a generated API client, curl).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_START_SECONDS = 60


def _demo_env(data_dir: Path) -> dict[str, str]:
    """Return the environment for the demo commands: this process's, minus test settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SAMENSPEL_")
        and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["SAMENSPEL_ENV"] = "demo"
    env["SAMENSPEL_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class DemoServer:
    """A running demo: its address, and the demo commands that work on its data."""

    base_url: str
    data_dir: Path
    env: dict[str, str]

    def url(self, path: str) -> str:
        return self.base_url + path

    def command(self, *args: str) -> str:
        """Run `samenspel <args>` against the demo's data and return its output."""
        return self.start(*args)()

    def start(self, *args: str) -> Callable[[], str]:
        """Start `samenspel <args>` in the background; the result waits for its output."""
        process = subprocess.Popen(
            [sys.executable, "-m", "samenspel", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

        def result() -> str:
            stdout, stderr = process.communicate(timeout=120)
            if process.returncode != 0:
                pytest.fail(f"samenspel {' '.join(args)} failed:\n{stdout}\n{stderr}")
            return stdout

        return result

    def code(self, username: str) -> str:
        """Return the current TOTP code of a demo user (`samenspel democode`)."""
        return self.command("democode", username).strip()


def _wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"samenspel runserver stopped (exit {process.returncode}):\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(
        f"samenspel runserver did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}"
    )


@contextmanager
def running_demo(prefix: str) -> Iterator[DemoServer]:
    """Load the demo into a throwaway folder and serve it on a free loopback port."""
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    env = _demo_env(data_dir)
    port = _free_port()
    server = DemoServer(base_url=f"http://127.0.0.1:{port}", data_dir=data_dir, env=env)
    log = data_dir / "runserver.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        server.command("demo", "--no-serve")
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "samenspel", "runserver", f"127.0.0.1:{port}", "--noreload"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_until_up(process, server.url("/inloggen/"), log)
        yield server
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(data_dir, ignore_errors=True)

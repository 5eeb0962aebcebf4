"""Shared test fixtures: where the conformance cases are, running the CLI as a user would, the
local fake Pushover/Discord/HTTP server (`fake`), a real store (`store`) and a TCP server that
keeps what it receives (`tcp`)."""

from __future__ import annotations

import os
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

from fake_services import FakeServices, TCPRecorder
from tickpy.store import open_store

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT.parent / "shared" / "conformance"


def conformance_dir(*parts: str) -> Path:
    """A folder under ../shared/conformance, or skip the test when the cases are not here."""
    path = CONFORMANCE.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"conformance cases not found at {path}")
    return path


def run_tickpy(*args: str, input: str | None = None, cwd: Path | None = None, env: dict | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `python -m tickpy ARGS` in a subprocess, the way a user runs the CLI."""
    full_env = dict(os.environ)
    full_env.setdefault("TICKPY_HOME", tempfile.mkdtemp(prefix="tickpy-home-"))
    full_env["PYTHONPATH"] = str(ROOT) + os.pathsep + full_env.get("PYTHONPATH", "")
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tickpy", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
    )


@pytest.fixture
def fake():
    """A FakeServices server on 127.0.0.1 for one test, stopped afterwards."""
    with FakeServices() as server:
        yield server


@pytest.fixture
def store(tmp_path):
    """A real store (tickpy's home) in tmp_path/home: its topics and handlers outlive a run."""
    opened = open_store(str(tmp_path / "home"))
    yield opened
    opened.close()


@pytest.fixture
def tcp():
    """A TCP server that keeps what each connection sent, stopped after the test."""
    recorder = TCPRecorder()
    yield recorder
    recorder.close()

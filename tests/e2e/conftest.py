"""Browser tests: one `streamlit run app.py` server and one Debian Chromium per test session.

The server runs headless on a free port with its own temp data dir (RATING_DATA_DIR), so the
tests never touch real data. The browser is /usr/bin/chromium, never a downloaded one.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, log_path: Path, extra_env: dict | None = None,
                 extra_args: list[str] | None = None, attempts: int = 5, script: str = "app.py"):
    """Start the app; returns (process, base_url) once /_stcore/health answers.

    The port comes from the OS (bind to port 0); another process may take it before streamlit
    binds it, so a server that exits because its port is in use is started again on a new one.
    """
    for _ in range(attempts):
        started = _start_once(data_dir, log_path, extra_env, extra_args or [], script)
        if started is not None:
            return started
    raise RuntimeError(f"streamlit found no free port in {attempts} attempts; see {log_path}")


def _start_once(data_dir: Path, log_path: Path, extra_env: dict | None, extra_args: list[str], script: str):
    port = free_port()
    env = {**os.environ, "RATING_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *extra_args],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log_path.read_text("utf-8", errors="replace")
            if "is not available" in text or "already in use" in text:
                return None
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not start within 60 s; see {log_path}")


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def app_url(tmp_path_factory, artifacts):
    data_dir = tmp_path_factory.mktemp("rating-data")
    proc, url = start_server(data_dir, artifacts / "e2e-server.log")
    yield url
    stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    # CI must have it: a missing browser fails every browser test instead of skipping them unseen.
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian chromium is missing at {CHROMIUM}: run scripts/setup.sh --dev", pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = launch_browser(pw)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test (`pytest -m browser` selects them all)."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)

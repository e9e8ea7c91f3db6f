"""Browser tests: `streamlit run app.py` on a free loopback port, driven by Playwright in
Debian's Chromium (/usr/bin/chromium; never `playwright install`, which downloads a browser).

With CI=true a missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = os.environ.get("PILOTE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        msg = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + " — required in CI")
        pytest.skip(msg)


@contextlib.contextmanager
def serve_app(
    data_dir: Path,
    log_path: Path,
    extra_env: dict[str, str] | None = None,
    memory_limit_mb: int | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `streamlit run app.py` on a free loopback port; yield its URL and process; stop
    it. Shared by the browser tests and ``bench/load_test.py``.

    ``memory_limit_mb``: a hard cap on the server's data memory (``RLIMIT_DATA``), inherited by
    its worker processes — a fence for tests that upload hostile files on a shared machine.
    """
    port = _free_port()
    env = {**os.environ, "PILOTE_DATA_DIR": str(data_dir), **(extra_env or {})}

    def fence() -> None:
        import resource

        cap = memory_limit_mb << 20
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                "--server.port", str(port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=fence if memory_limit_mb else None,  # noqa: PLW1509 - before it starts
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    if time.time() > deadline:
                        raise RuntimeError("streamlit did not start within 60 s") from None
                    time.sleep(0.3)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def running_app(data_dir: Path, log_path: Path) -> Iterator[str]:
    """The app for a browser test (skips, or fails in CI, without Chromium); yields its URL."""
    _require_browser()
    with serve_app(data_dir, log_path) as (url, _proc):
        yield url


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running Pilote on loopback shared by the browser tests; yields its base URL."""
    data_dir = tmp_path_factory.mktemp("pilote-data")
    log = tmp_path_factory.mktemp("log") / "streamlit.log"
    with running_app(data_dir, log) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(server + "/data")
    pg.get_by_text("Fichiers à analyser").first.wait_for()
    yield pg
    context.close()


def as_shown(text: str) -> re.Pattern[str]:
    """``text`` as the page shows it when it passed through ``ui.markup.inert`` (messages that
    hold a file or column name): an invisible word joiner follows each colon."""
    return re.compile(re.escape(text).replace(":", ":\u2060?"))


def pick(page, where, option: str, attempts: int = 4) -> None:  # noqa: ANN001
    """Open the first select box in ``where`` and choose ``option``. A run that starts
    meanwhile (the uploader resets itself after an upload) redraws the box and closes its
    list: then open it again."""
    for attempt in range(attempts):
        wait_idle(page)
        where.locator("[data-testid=stSelectbox]").first.click()
        choice = page.get_by_role("option", name=option)
        try:
            choice.wait_for(timeout=5_000)
            choice.click()
            wait_idle(page)
            return
        except Exception:  # noqa: BLE001 - the list closed under us: try again
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


def shot(page, name: str) -> Path:  # noqa: ANN001
    """Save a full-page screenshot under tests/e2e/screenshots/ (git-ignored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_idle(page, timeout: float = 30_000, before: int = 300, after: int = 200) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished the current run (no running indicator); ``before``
    ms for a run to start, ``after`` ms for the page to draw."""
    page.wait_for_timeout(before)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    if after:
        page.wait_for_timeout(after)


def nav(page, label: str) -> None:  # noqa: ANN001
    """Go to a page through the sidebar navigation (pages also carry in-page links)."""
    page.locator("[data-testid=stSidebarNav]").get_by_role("link", name=label, exact=True).click()

"""Several replicas for real: Debian's HAProxy in front of two `streamlit run app.py` processes
that share one PostgreSQL, on loopback, driven through the proxy in Chromium.

The proxy runs ``tests/e2e/haproxy.cfg`` (the configuration docs/hosting.md gives): a cookie
pins each browser to one replica, Streamlit's ``/_stcore/health`` is the health check, and the
admin socket tells each replica's state. Each replica has a data folder of its own; the
database (a schema of its own on the test server from ``scripts/start_postgres.sh``) is what
they share.

Without HAProxy or ``PILOTE_TEST_DATABASE_URL`` the test skips, saying why; with CI=true it fails
(``make test`` installs the proxy with ``scripts/ensure_proxy.sh`` and starts PostgreSQL).
"""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from kpi.data import load_path, sample_files
from kpi.metrics import default_kpis
from tests.e2e.conftest import _free_port, serve_app, shot, wait_idle

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).with_name("haproxy.cfg")
BACKEND = "pilote"
COOKIE = "PILOTE_REPLICA"  # the cookie haproxy.cfg sets; its value is the replica's name
REPLICAS = ("p1", "p2")  # server names (and cookie values) in haproxy.cfg
WORKSPACE = "Réplicas e2e"
NOTHING_LOADED = "Aucune donnée : commencez par la page Données."  # the sidebar of a new session
TIMEOUT_MS = 60_000  # one page action on a busy 2-core machine
STATE_TIMEOUT_S = 90  # a health-check state change (3 checks 2 s apart, plus slack)


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message + " — required in CI")
    pytest.skip(message)


def _haproxy_binary() -> str:
    path = os.environ.get("PILOTE_HAPROXY") or shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(path).is_file():
        _missing("HAProxy not found (bash scripts/ensure_proxy.sh, or apt-get install haproxy)")
    return path


def _database_url() -> str:
    url = os.environ.get("PILOTE_TEST_DATABASE_URL", "").strip()
    if not url:
        _missing("PILOTE_TEST_DATABASE_URL is not set (`make test` starts a PostgreSQL server)")
    return url


@contextlib.contextmanager
def _schema(base: str) -> Iterator[tuple[str, Callable[[str], list]]]:
    """A schema of its own on the test server, dropped after. Yields the ``PILOTE_DATABASE_URL``
    that points the replicas at it and a function running one query in it."""
    import psycopg

    schema = f"pilote_replicas_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    parts = urlsplit(base)
    option = f"options=-csearch_path%3D{schema}"
    url = urlunsplit(parts._replace(query=f"{parts.query}&{option}" if parts.query else option))

    def query(sql: str) -> list:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            return conn.execute(sql).fetchall()

    try:
        yield url, query
    finally:
        with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@dataclass
class Proxy:
    """A running HAProxy: its URL, admin socket and log."""

    url: str
    admin_socket: Path
    log: Path

    def admin(self, command: str) -> str:
        """One command on the admin socket (HAProxy closes it after answering)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(str(self.admin_socket))
            s.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def servers(self) -> dict[str, dict[str, str]]:
        """The backend's servers as `show stat` gives them: ``status`` (UP, DOWN, or a
        transition such as "DOWN 1/2"), ``check_status`` (L7OK, L4CON…), ``stot`` (sessions
        served)…, by server name."""
        lines = self.admin("show stat").lstrip("# ").splitlines()
        rows = csv.DictReader(line for line in lines if line.strip())
        return {r["svname"]: r for r in rows if r["pxname"] == BACKEND and r["svname"] in REPLICAS}

    def wait_states(self, wanted: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
        """Poll until every server has the wanted (status, check status prefix); fail after
        ``STATE_TIMEOUT_S`` with what HAProxy last said."""
        deadline = time.monotonic() + STATE_TIMEOUT_S
        while True:
            servers = self.servers()
            if all(
                servers[name]["status"] == status
                and servers[name]["check_status"].startswith(check)
                for name, (status, check) in wanted.items()
            ):
                return servers
            if time.monotonic() > deadline:
                seen = {n: (s["status"], s["check_status"]) for n, s in servers.items()}
                pytest.fail(
                    f"HAProxy states: wanted {wanted}, still {seen} after {STATE_TIMEOUT_S} s"
                )
            time.sleep(0.5)


@contextlib.contextmanager
def _run_proxy(binary: str, folder: Path, replicas: dict[str, str]) -> Iterator[Proxy]:
    """Start HAProxy in the foreground with haproxy.cfg on a free loopback port; stop it."""
    port = _free_port()
    proxy = Proxy(f"http://127.0.0.1:{port}", folder / "admin.sock", folder / "haproxy.log")
    env = {
        **os.environ,
        "PILOTE_PROXY_BIND": f"127.0.0.1:{port}",
        "PILOTE_PROXY_SOCKET": str(proxy.admin_socket),
        "PILOTE_REPLICA_1": urlsplit(replicas["p1"]).netloc,
        "PILOTE_REPLICA_2": urlsplit(replicas["p2"]).netloc,
    }
    with open(proxy.log, "w") as log:
        proc = subprocess.Popen(
            [binary, "-db", "-f", str(CONFIG)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"HAProxy exited ({proc.returncode}):\n{proxy.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    pass
                proxy.servers()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"HAProxy did not start within 30 s:\n{proxy.log.read_text()}")
                time.sleep(0.3)
        yield proxy
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"({exc})"


# ---------------------------------------------------------------------------------------------
# What a user does, through the proxy


def _new_page(browser, proxy: Proxy, pin: str | None = None):  # noqa: ANN001, ANN202
    """A new browser context (a new Streamlit session), pinned to a replica by the proxy's
    cookie when ``pin`` names one. Returns (context, page)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    if pin:
        context.add_cookies([{"name": COOKIE, "value": pin, "url": proxy.url}])
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page


def _replica_cookie(context) -> str | None:  # noqa: ANN001
    return next((c["value"] for c in context.cookies() if c["name"] == COOKIE), None)


def _nav(page, path: str) -> None:  # noqa: ANN001
    page.locator(f'[data-testid=stSidebarNav] a[href$="/{path}"]').click()
    wait_idle(page, timeout=TIMEOUT_MS)


def _metrics(page):  # noqa: ANN001, ANN202
    _nav(page, "dashboard")
    return page.locator("[data-testid=stMetric]")


def _scorecard(page, count: int) -> list[str]:  # noqa: ANN001
    """The dashboard's ``count`` metrics (label and value), in order."""
    metrics = _metrics(page)
    expect(metrics).to_have_count(count, timeout=TIMEOUT_MS)
    wait_idle(page, timeout=TIMEOUT_MS)
    return metrics.all_inner_texts()


def _same_scorecard(page, scorecard: list[str]) -> None:  # noqa: ANN001
    expect(_metrics(page)).to_have_text(scorecard, use_inner_text=True, timeout=TIMEOUT_MS)


def _sidebar_shows(page, text: str) -> None:  # noqa: ANN001
    """Wait until the sidebar's list of loaded tables (drawn after the page) shows ``text``."""
    page.locator("[data-testid=stSidebar]").get_by_text(text).first.wait_for()


def _open_workspace(page) -> None:  # noqa: ANN001
    """On the Share page of a session holding nothing: open the saved workspace."""
    page.get_by_text("Espaces de travail").first.wait_for()
    _sidebar_shows(page, NOTHING_LOADED)
    page.get_by_text("Aucune donnée chargée").first.wait_for()
    wait_idle(page, timeout=TIMEOUT_MS)
    page.locator("[data-testid=stSelectbox]").filter(has_text="Espace de travail").click()
    page.get_by_role("option", name=WORKSPACE).click()
    wait_idle(page, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Ouvrir").click()
    page.get_by_text("ouvert : 8 tableau(x)").wait_for()
    _sidebar_shows(page, "ventes.csv")
    wait_idle(page, timeout=TIMEOUT_MS)


# ---------------------------------------------------------------------------------------------


def test_workspace_and_failover_across_two_replicas(browser) -> None:  # noqa: ANN001
    haproxy = _haproxy_binary()
    base = _database_url()
    with contextlib.ExitStack() as stack:
        # Entered first, so removed last, once every process using it has stopped.
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pilote-replicas-")))
        db_url, query = stack.enter_context(_schema(base))
        # Same secrets on every replica (docs/hosting.md): Streamlit signs its cookies with it.
        env = {
            "PILOTE_DATABASE_URL": db_url,
            "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
        }
        urls, procs = {}, {}
        for name in REPLICAS:
            (work / name).mkdir()
            urls[name], procs[name] = stack.enter_context(
                serve_app(work / name, work / f"{name}.log", env)
            )
        proxy = stack.enter_context(_run_proxy(haproxy, work, urls))
        try:
            _scenario(browser, stack, proxy, procs, query)
            for name in REPLICAS:  # the database is what they share, not a local file
                assert not (work / name / "pilote.sqlite").exists(), name
        except BaseException:
            # Shown by pytest under "Captured stdout" when the test fails.
            for log in (proxy.log, *(work / f"{name}.log" for name in REPLICAS)):
                print(f"----- {log.name} (end) -----\n{_tail(log)}")
            raise


def _scenario(browser, stack, proxy: Proxy, procs, query) -> None:  # noqa: ANN001
    # 0. both replicas pass their health check
    servers = proxy.wait_states({"p1": ("UP", "L7OK"), "p2": ("UP", "L7OK")})
    assert servers["p2"]["stot"] == "0"

    # 1. a user pinned to replica 1 loads the demo data and saves a workspace
    ctx1, page1 = _new_page(browser, proxy, pin="p1")
    stack.callback(ctx1.close)
    page1.goto(proxy.url + "/data")
    page1.get_by_text("Fichiers à analyser").first.wait_for()
    page1.get_by_role("button", name="Essayer avec les données de démonstration").click()
    page1.get_by_text("8 tableaux de démonstration chargés").wait_for()
    wait_idle(page1, timeout=TIMEOUT_MS)
    # the headline KPIs the demo tables give (no objective chosen)
    headline = len(default_kpis(None, [load_path(p) for p in sample_files(".csv")]))
    scorecard = _scorecard(page1, headline)
    _nav(page1, "share")
    page1.get_by_label("Nom de l'espace de travail").fill(WORKSPACE)
    page1.get_by_role("button", name="Enregistrer").click()
    page1.get_by_text(f"Espace de travail « {WORKSPACE} » enregistré.").wait_for()
    wait_idle(page1, timeout=TIMEOUT_MS)
    assert query("SELECT name FROM pilote_workspaces") == [(WORKSPACE,)]
    assert _replica_cookie(ctx1) == "p1"
    servers = proxy.servers()
    assert int(servers["p1"]["stot"]) > 0
    assert servers["p2"]["stot"] == "0", "a request of the session pinned to p1 reached p2"

    # 2. a user pinned to replica 2 opens it: a fresh session there, then the same data
    ctx2, page2 = _new_page(browser, proxy, pin="p2")
    stack.callback(ctx2.close)
    page2.goto(proxy.url + "/share")
    _open_workspace(page2)
    _same_scorecard(page2, scorecard)
    assert _replica_cookie(ctx2) == "p2"
    assert int(proxy.servers()["p2"]["stot"]) > 0
    shot(page2, "replicas-opened-on-p2")

    # 3. replica 1 dies (SIGKILL: no goodbye); its health check goes red, replica 2's stays green
    reconnected: list[str] = []  # websockets page 1 opens from now on
    page1.on("websocket", lambda ws: reconnected.append(ws.url))
    killed = time.monotonic()
    procs["p1"].send_signal(signal.SIGKILL)
    procs["p1"].wait(timeout=30)
    servers = proxy.wait_states({"p1": ("DOWN", "L4CON"), "p2": ("UP", "L7OK")})
    print(f"p1 marked DOWN {time.monotonic() - killed:.1f} s after SIGKILL")

    # 4. replica 2 keeps serving: the session living there still has its data...
    _nav(page2, "share")
    page2.get_by_role("button", name="Classeur Excel").wait_for()
    _sidebar_shows(page2, "ventes.csv")
    _same_scorecard(page2, scorecard)

    # ... a new visitor is sent to replica 2 and opens the workspace ...
    ctx3, page3 = _new_page(browser, proxy)
    stack.callback(ctx3.close)
    page3.goto(proxy.url + "/share")
    _open_workspace(page3)
    assert _replica_cookie(ctx3) == "p2"
    _same_scorecard(page3, scorecard)

    # ... and the user whose replica died is reconnected by their browser, through the proxy, to
    # replica 2 (the page they had stays on screen); their next click runs in a new session
    # there: what they had not saved is gone, the saved workspace is not.
    deadline = time.monotonic() + STATE_TIMEOUT_S
    while not reconnected:
        if time.monotonic() > deadline:
            pytest.fail(f"the browser on p1 did not reconnect within {STATE_TIMEOUT_S} s")
        page1.wait_for_timeout(500)
    assert _replica_cookie(ctx1) == "p2"
    _nav(page1, "dashboard")
    page1.get_by_text("Chargez d'abord des données").first.wait_for()
    expect(page1.locator("[data-testid=stSidebar]")).not_to_contain_text("ventes.csv")
    _nav(page1, "share")
    _open_workspace(page1)
    _same_scorecard(page1, scorecard)
    shot(page1, "replicas-failover-reopened")
